"""Recorded seals (印章备案): one row per engraved seal, with its anti-counterfeit code."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application
from app.models.types import UTCDateTime


class SealRecord(db.Model):
    """A seal engraved for an enterprise and recorded with the police. Its code (防伪码) is
    unique; a lost seal is cancelled (挂失注销) with the reason and time, never deleted."""

    __tablename__ = "seal_records"
    __table_args__ = (Index("ix_seal_records_holder", "uscc", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(13), unique=True)
    uscc: Mapped[str] = mapped_column(String(18))
    enterprise_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # see SEAL_KINDS
    # The engraving shop, as the registry named it at the time (no foreign key into reg_ tables).
    shop_id: Mapped[int] = mapped_column()
    shop_name: Mapped[str] = mapped_column(String(120))
    shop_record_number: Mapped[str] = mapped_column(String(64), default="")
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active / cancelled
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship()
    cancelled_by: Mapped[User | None] = relationship()
