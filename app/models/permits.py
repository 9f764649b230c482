"""City delivery truck permits (城市配送货车电子通行证): the request as checked, and the permit.

One row per truck-permit application, written when it is filed (with what the registry
checks found) and completed when the permit is issued. A permit is valid from 00:00 of
`valid_from` to 24:00 of `valid_until` (local time) unless revoked; the roadside check
reads it by `number` (= the signed certificate's number).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.applications import Application
from app.models.types import UTCDateTime, utcnow


class PermitState:
    """Values of `TruckPermit.status`."""

    PENDING = "pending"  # filed, awaiting a decision (a clerk's, when routed)
    ISSUED = "issued"  # granted and delivered: see the dates for valid/expired
    NOT_ISSUED = "not_issued"  # refused, withdrawn, not accepted or closed
    REVOKED = "revoked"


class TruckPermit(db.Model):
    __tablename__ = "truck_permits"
    __table_args__ = (
        Index("ix_truck_permits_status_until", "status", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set when the application is recorded (same transaction as the filing).
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)  # 通行证编号, once issued
    plate: Mapped[str] = mapped_column(String(16), index=True)
    vehicle_type: Mapped[str] = mapped_column(String(40), default="")
    vehicle_class: Mapped[str] = mapped_column(String(16), default="")  # ordinary / new_energy / refrigerated
    driver_name: Mapped[str] = mapped_column(String(60))
    driver_id_number: Mapped[str] = mapped_column(String(32), index=True)  # personal data: never shown whole
    zones: Mapped[list[str]] = mapped_column(JSON, default=list)  # zone codes
    windows: Mapped[list[str]] = mapped_column(JSON, default=list)  # "HH:MM–HH:MM", daily
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PermitState.PENDING)
    # What the registry checks found at filing: outcome, every failing reason, review reasons.
    check_result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")
    revoked_by: Mapped[str] = mapped_column(String(16), default="")  # system / clerk / supervisor
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application | None] = relationship()
