"""What applicants are told: each message once in their message centre (`Message`), and its
deliveries by SMS and e-mail in the outbox (`Notification`, one row per channel). Both are
written in the same transaction as the change they report; the outbox is then delivered by
`flask notify send`. Bodies are final text (in the applicant's language, ID numbers masked);
the recipient address is kept because it is needed to send."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.models.types import UTCDateTime, utcnow


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender until `next_attempt_at`; the gateway is being called
    SENT = "sent"
    FAILED = "failed"  # gave up after the attempt limit
    SUPERSEDED = "superseded"  # a later message of the same moment says it all (never sent)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_application", "application_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("application_events.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What the message is about, once per channel ("event:<id>:sms", "commitment:<app>:<due>:sms"):
    # the same thing is never queued twice, even by two sweeps at once.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    event: Mapped[ApplicationEvent | None] = relationship()
    user: Mapped[User] = relationship()


class Message(db.Model):
    """One message to an applicant, as the message centre (/my/messages) shows it: written for
    every message, whether or not the account has a phone or an e-mail address to send it to.
    Its deliveries are the `Notification` rows whose `dedupe_key` is `<key>:<channel>`. An
    interim message made redundant in the same moment (see `DeliveryStatus.SUPERSEDED`) is not
    kept here: the applicant is never told it."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_user", "user_id", "id"),  # the centre, newest first
        Index("ix_messages_user_unread", "user_id", "read_at"),  # the header's unread count
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("application_events.id"))
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What the message is about ("event:<app>:<seq>", "commitment:<app>:<due>"): told once.
    key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    event: Mapped[ApplicationEvent | None] = relationship()
