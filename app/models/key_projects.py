"""The key-project list (重点项目单位名单, seed 002 便民第5条): enterprises whose foreign staff get
their work-type residence permit in 5 working days instead of 15, and every change an
administrator made to it.

An entry is never deleted: one taken off the list stays, with its history, and the applications
filed while it was listed keep the limit they were filed with (their submit event).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.types import UTCDateTime, utcnow


class KeyProjectEnterprise(db.Model):
    """One enterprise on the list (listed) or once on it (not listed)."""

    __tablename__ = "key_project_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    project: Mapped[str] = mapped_column(String(100))  # 重点工程、重大项目名称
    listed: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KeyProjectChange(db.Model):
    """One change to the list: who, when, what the entry was before and after (None: added)."""

    __tablename__ = "key_project_changes"
    __table_args__ = (Index("ix_key_project_changes_enterprise", "enterprise_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("key_project_enterprises.id"))
    action: Mapped[str] = mapped_column(String(20))  # add | edit | remove | restore
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    changed_by: Mapped[User | None] = relationship()
    enterprise: Mapped[KeyProjectEnterprise] = relationship()
