"""容缺受理: the commitments applicants sign, and the untrue-commitment list (违诺/失信名单).

The application's event log stays the truth about a commitment (opened by a tolerance
acceptance, settled by fulfil_commitment or breach_commitment, a breach then reviewed for
listing: state_cause, list_untrue / not_list_untrue); a `ToleranceCommitment` row is the signed
letter's terms and its status, kept in the same transaction as those events so it can be
queried per applicant, and the undecided listing reviews per unit (status `breached`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.applications import Application
from app.models.types import UTCDateTime, utcnow


class CommitmentStatus:
    REQUESTED = "requested"  # filed with a tolerance request, not yet accepted
    OPEN = "open"  # accepted on the commitment; the supplement is due
    FULFILLED = "fulfilled"  # supplied in time
    BREACHED = "breached"  # not supplied by the deadline: the listing review (违诺认定) is pending
    LISTED = "listed"  # 违诺认定: listed (an `UntrueCommitment` entry and the bar)
    NOT_LISTED = "not_listed"  # 违诺认定: not listed (a justified cause)
    NOT_APPLIED = "not_applied"  # accepted without tolerance (materials complete, or deemed accepted)
    SUPERSEDED = "superseded"  # a one-time correction notice asked for everything instead
    ENDED = "ended"  # the case ended otherwise (withdrawn, not accepted, refused)


class ToleranceCommitment(db.Model):
    """One signed commitment (申请容缺受理承诺书) for one application."""

    __tablename__ = "tolerance_commitments"
    # The undecided listing reviews are found by status (few rows: only 容缺 cases).
    __table_args__ = (Index("ix_tolerance_commitments_status", "status", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    service_code: Mapped[str] = mapped_column(String(40))
    # Who committed: an enterprise (by USCC) or a person (by citizen ID number).
    applicant_kind: Mapped[str] = mapped_column(String(16))
    applicant_key: Mapped[str] = mapped_column(String(32), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    signatory: Mapped[str] = mapped_column(String(16))  # self / legal_rep / agent
    missing_materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    commitment_days: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=CommitmentStatus.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()


class UntrueCommitment(db.Model):
    """An entry on the untrue-commitment list: no tolerance for the applicant until it expires."""

    __tablename__ = "untrue_commitments"
    __table_args__ = (Index("ix_untrue_commitments_applicant", "applicant_kind", "applicant_key", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_kind: Mapped[str] = mapped_column(String(16))
    applicant_key: Mapped[str] = mapped_column(String(32))
    applicant_name: Mapped[str] = mapped_column(String(200))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    service_code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500))
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
