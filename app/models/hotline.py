"""12345热线转办工单: the hotline's order number of each order recorded by staff (public_request_hotline).

One order is one request: the unique number stops the same order being recorded twice (two
clerks, or one clerk twice), whatever the race."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class HotlineOrder(db.Model):
    __tablename__ = "hotline_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_number: Mapped[str] = mapped_column(String(32), unique=True)  # 12345工单编号
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
