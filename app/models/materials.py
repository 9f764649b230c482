"""Uploaded materials (申请材料): the file rows (bytes live in the object store, never here)
and the clerk's verdict on each slot."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, Certificate
from app.models.types import UTCDateTime, utcnow


class FileStatus(StrEnum):
    STAGED = "staged"  # uploaded, not yet handed in by an event (removable by its owner)
    CURRENT = "current"  # handed in; the version of its slot the office works with
    SUPERSEDED = "superseded"  # replaced by a later version (kept, visible to staff)
    PURGED = "purged"  # bytes deleted after the retention period; the row and its hash remain


class ThumbnailStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class MaterialFile(db.Model):
    """One file in one material slot. `application_id` is None while it is staged for a filing
    not yet submitted; `event_seq` is the event that handed it in (its SHA-256 is in that
    event's payload, so the hash chain covers the bytes)."""

    __tablename__ = "material_files"
    __table_args__ = (
        Index("ix_material_files_application_slot", "application_id", "slot"),
        Index("ix_material_files_owner_status", "owner_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    service_code: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=FileStatus.STAGED)
    event_seq: Mapped[int | None] = mapped_column()
    # Generated, never derived from the uploaded name; None for an electronic licence reused by
    # reference (its bytes are the certificate's document).
    storage_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200), default="")  # display text only
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    page_count: Mapped[int | None] = mapped_column()
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    thumbnail_status: Mapped[str] = mapped_column(String(12), default=ThumbnailStatus.PENDING)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User] = relationship()
    application: Mapped[Application | None] = relationship()
    certificate: Mapped[Certificate | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")

    @property
    def from_wallet(self) -> bool:
        return self.certificate_id is not None


class Verdict(StrEnum):
    OK = "ok"  # 合格
    NEEDS_CORRECTION = "needs_correction"  # 需补正


class MaterialReview(db.Model):
    """The clerk's current verdict on one slot of one application. The verdicts that led to a
    correction notice are also in that event's payload; a replaced slot starts unreviewed."""

    __tablename__ = "material_reviews"
    __table_args__ = (UniqueConstraint("application_id", "slot", name="uq_material_reviews_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    slot: Mapped[str] = mapped_column(String(40))
    verdict: Mapped[str] = mapped_column(String(20))
    problem: Mapped[str] = mapped_column(Text, default="")
    requirement: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship()
