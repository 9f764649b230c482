"""The legal provisions a unit's criminal-record query may rest on (法律、行政法规条款清单), and
every change an administrator made to them.

An entry is never deleted: a retired one (废止/不再适用) stays for the applications filed under it,
which keep its wording as filed in their own data.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.types import UTCDateTime, utcnow


class LegalProvision(db.Model):
    """One article of a law or administrative regulation that bars people with records from
    the jobs it names."""

    __tablename__ = "legal_provisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    law_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(32))  # law 法律 | administrative_regulation 行政法规
    article: Mapped[str] = mapped_column(String(20))
    bar_zh: Mapped[str] = mapped_column(String(300))
    jobs: Mapped[list] = mapped_column(JSON, default=list)
    in_force: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LegalProvisionChange(db.Model):
    """One change to the list: who, when, what it was before and after (None: added)."""

    __tablename__ = "legal_provision_changes"
    __table_args__ = (Index("ix_legal_provision_changes_provision", "provision_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("legal_provisions.id"))
    action: Mapped[str] = mapped_column(String(20))  # add | edit | retire | reinstate
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    changed_by: Mapped[User | None] = relationship()
    provision: Mapped[LegalProvision] = relationship()
