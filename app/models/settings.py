"""Settings an administrator changed (设置变更记录): effective-dated and never edited afterwards.

Each row is one change: its scope and key, the value in force before it and the value it sets,
from when, and who made it. The value in force at a moment is resolved by `app.domain.settings`;
the catalogue keeps the defaults.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.types import UTCDateTime


class SettingChangeRow(db.Model):
    __tablename__ = "setting_changes"
    __table_args__ = (Index("ix_setting_changes_scope_key", "scope", "target", "key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # global / service / unit
    target: Mapped[str] = mapped_column(String(40), default="")  # service code, unit id, or ""
    key: Mapped[str] = mapped_column(String(60))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)  # the value in force at effective_from
    after: Mapped[Any] = mapped_column(JSON, nullable=True)  # the value this change sets
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")

    changed_by: Mapped[User] = relationship()
