"""Accident evidence query codes (交通事故证据材料查询码) and the log of every access made with them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application
from app.models.types import UTCDateTime, utcnow


class EvidenceQueryCode(db.Model):
    """One written request recorded at the window (台账) and, once approved, its query code.

    Only the SHA-256 of the code is kept; the plain code exists only on the printed voucher.
    The code is bound to one case (`case_number`) and one person (the application's subject:
    their ID number's last digits must be typed with the code).
    """

    __tablename__ = "evidence_query_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    person_type: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20), default="")  # personal data: shown masked
    principal_id_number: Mapped[str | None] = mapped_column(String(32))  # agents: whom they act for
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    revoked_by: Mapped[User | None] = relationship()


class EvidenceAccess(db.Model):
    """Every use of a code: opened, each item viewed or downloaded, wrong entries and
    lockouts. No personal data: the IP address is kept only as a keyed hash."""

    __tablename__ = "evidence_access_log"
    __table_args__ = (Index("ix_evidence_access_log_code_at", "code_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("evidence_query_codes.id"))
    item_id: Mapped[int | None] = mapped_column()  # the registry's evidence item (never a confidential one)
    action: Mapped[str] = mapped_column(String(16))  # open / view / download / wrong_id / locked / refused
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_hash: Mapped[str] = mapped_column(String(32), default="")
