"""Window tickets and appointments (排队叫号、网上预约): hall settings per unit, booked slots,
tickets issued at the kiosk, and the numbered windows clerks sit at."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import Unit, User
from app.models.applications import Application
from app.models.types import UTCDateTime, utcnow


class HallSetting(db.Model):
    """A unit's hall settings; a unit without a row uses the defaults of
    app.domain.queueing.HallRules."""

    __tablename__ = "hall_settings"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    windows: Mapped[int] = mapped_column()
    slot_minutes: Mapped[int] = mapped_column()
    slot_capacity: Mapped[int] = mapped_column()
    booking_days_ahead: Mapped[int] = mapped_column()
    checkin_early_minutes: Mapped[int] = mapped_column()
    checkin_late_minutes: Mapped[int] = mapped_column()
    late_grace_minutes: Mapped[int] = mapped_column()
    recall_cooldown_seconds: Mapped[int] = mapped_column()
    default_service_minutes: Mapped[int] = mapped_column()
    # {service_code: average minutes at the window}
    service_minutes: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Appointment(db.Model):
    """A booked slot. Capacity is a seat number unique within the slot: two bookings for the
    last seat cannot both commit. A cancelled booking gives its seat back (seat NULL)."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("unit_id", "slot_start", "seat", name="uq_appointments_slot_seat"),
        Index("ix_appointments_applicant", "applicant_user_id", "slot_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_code: Mapped[str] = mapped_column(String(40))
    applicant_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    seat: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked / cancelled / checked_in
    reschedule_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    applicant: Mapped[User] = relationship()


class Ticket(db.Model):
    """A number issued at the kiosk (A appointment check-in, B walk-in, P elderly priority).
    ``token`` is the capability behind the ticket page (the QR code on the ticket)."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("unit_id", "day", "prefix", "seq", name="uq_tickets_number"),
        Index("ix_tickets_unit_day_status", "unit_id", "day", "status"),
        Index("ix_tickets_unit_last_called", "unit_id", "last_called_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[date] = mapped_column(Date)  # local date of issue
    prefix: Mapped[str] = mapped_column(String(1))
    seq: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))  # appointment / walk_in / priority
    service_code: Mapped[str] = mapped_column(String(40))
    # 老年人优先: claimed at the kiosk; the hall staff confirm or refuse it ("", confirmed, refused).
    elderly: Mapped[bool] = mapped_column(default=False)
    elderly_check: Mapped[str] = mapped_column(String(16), default="")
    elderly_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), unique=True)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting / called / served / no_show
    window_number: Mapped[int | None] = mapped_column()
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_count: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)

    unit: Mapped[Unit] = relationship()
    appointment: Mapped[Appointment | None] = relationship()
    application: Mapped[Application | None] = relationship()
    called_by: Mapped[User | None] = relationship(foreign_keys=[called_by_id])

    @property
    def number(self) -> str:
        return f"{self.prefix}{self.seq:03d}"


class HallWindow(db.Model):
    """A numbered window of a unit's hall and the clerk sitting at it today."""

    __tablename__ = "hall_windows"
    __table_args__ = (UniqueConstraint("unit_id", "number", name="uq_hall_windows_unit_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    number: Mapped[int] = mapped_column()
    clerk_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))

    clerk: Mapped[User | None] = relationship()
    current_ticket: Mapped[Ticket | None] = relationship()
