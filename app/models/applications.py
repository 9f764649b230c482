"""Applications (办件), their append-only hash-chained event log and its signed checkpoints,
the per-person yearly filing counts, documents and certificates."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import Organisation, Unit, User
from app.models.types import UTCDateTime, utcnow


class Application(db.Model):
    """One filed request for one service. Its clocks are a cache of the event log."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_queue", "unit_id", "work_due_at", "id"),
        # Counting a unit's open items from the index alone, without reading its whole history.
        Index("ix_applications_unit_state", "unit_id", "state", "service_code"),
        Index("ix_applications_next_timer_at", "next_timer_at"),
        Index("ix_applications_applicant", "applicant_user_id", "created_at"),
        # The staff API list (newest first) and the queue filtered by state or service (by deadline).
        Index("ix_applications_unit_created", "unit_id", "created_at", "id"),
        Index("ix_applications_unit_state_due", "unit_id", "state", "work_due_at", "id"),
        Index("ix_applications_unit_service_due", "unit_id", "service_code", "work_due_at", "id"),
        # The light filters (app.operations.lights): a range over one clock per state.
        *(Index(f"ix_applications_light_{column}", "unit_id", "state", "paused_since", column)
          for column in ("statutory_due_at", "yellow_from_at", "acceptance_due_at", "delivery_due_at")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # ≥128 bits, URL-safe: the capability printed in the QR code. Never the id.
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    service_code: Mapped[str] = mapped_column(String(40), index=True)
    state: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    applicant_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # The person the matter concerns (e.g. whose record is checked); personal data.
    subject_name: Mapped[str] = mapped_column(String(60), default="")
    subject_id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    event_count: Mapped[int] = mapped_column(default=0)
    # The hash of event #event_count, written with it: a deleted last event (which leaves the
    # rest of the chain intact) shows as a chain that ends short of these two.
    last_event_hash: Mapped[str | None] = mapped_column(String(64))

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acceptance_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    correction_reply_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promised_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    statutory_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    commitment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    yellow_from_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The deadline the unit is working against now (orders the queue); None when nothing is due.
    work_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deadlines computed over a year whose official holiday schedule is not yet published.
    provisional_calendar: Mapped[bool] = mapped_column(default=False)

    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_user_id])
    organisation: Mapped[Organisation | None] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    events: Mapped[list[ApplicationEvent]] = relationship(
        order_by="ApplicationEvent.seq", back_populates="application"
    )
    documents: Mapped[list[Document]] = relationship(
        order_by="Document.id", back_populates="application"
    )


class ApplicationEvent(db.Model):
    """One step of an application's history. Never updated or deleted (database triggers
    refuse it); each row's hash covers the previous row's hash, so an edit breaks the chain."""

    __tablename__ = "application_events"
    __table_args__ = (UniqueConstraint("application_id", "seq", name="uq_application_events_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    seq: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # effective (timers: their due time)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class AuditCheckpoint(db.Model):
    """A signed note of every application's chain head (审计检查点): the events up to
    `max_event_id`, summed up in `digest`. Events deleted later — even with the application's
    own record of its last event rewritten to match — no longer add up to it. Append-only
    (database triggers refuse UPDATE and DELETE, and TRUNCATE on PostgreSQL)."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_event_id: Mapped[int] = mapped_column()
    event_count: Mapped[int] = mapped_column()  # the events with id <= max_event_id
    application_count: Mapped[int] = mapped_column()
    digest: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(120))


class YearlyFilingCount(db.Model):
    """How many applications for one service concern one person in one calendar year (local
    time), counted as they are filed (app/operations/counters.py). The person is a keyed hash
    of the ID number, never the number itself."""

    __tablename__ = "yearly_filing_counts"

    service_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    subject_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column()


class Document(db.Model):
    """A PDF produced once for an event ("in writing"), stored and served to those entitled."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("application_events.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # "<application>:<event seq>:<kind>:<n>": names the document before it has an id, so that
    # its render job can be written in the same flush as the event.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    document_number: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(String(120))
    # None while the PDF is still being rendered by a job (status "pending").
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", server_default="ready")
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")
    event: Mapped[ApplicationEvent | None] = relationship()

    @property
    def ready(self) -> bool:
        return self.status == "ready"


class Certificate(db.Model):
    """A certificate or permit whose QR code carries a signed verification link."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    holder_name: Mapped[str] = mapped_column(String(60))
    content_sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")

    application: Mapped[Application] = relationship()
    document: Mapped[Document | None] = relationship()


class CalendarOverrideRow(db.Model):
    """An admin's local calendar change (extra holiday / extra working day), optionally per region."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (UniqueConstraint("day", "region", name="uq_calendar_overrides_day_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    is_working_day: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(6))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarYearRow(db.Model):
    """A year whose official schedule an admin has loaded (as overrides): no longer provisional."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FilingRequest(db.Model):
    """An API filing sent with an `Idempotency-Key`: the same key from the same account files
    once. A client that lost the answer (a server died after its commit, a dropped mobile
    connection) sends the request again and gets the application it already filed."""

    __tablename__ = "filing_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the request (service and data): the key again with other contents is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
