"""window tickets and appointments (排队叫号、网上预约): hall settings, appointments, tickets, windows

Revision ID: b6tickets001
Revises: 63f852ceeb7e
Create Date: 2026-11-22 06:40:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b6tickets001"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hall_settings",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("windows", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("slot_capacity", sa.Integer(), nullable=False),
        sa.Column("booking_days_ahead", sa.Integer(), nullable=False),
        sa.Column("checkin_early_minutes", sa.Integer(), nullable=False),
        sa.Column("checkin_late_minutes", sa.Integer(), nullable=False),
        sa.Column("late_grace_minutes", sa.Integer(), nullable=False),
        sa.Column("recall_cooldown_seconds", sa.Integer(), nullable=False),
        sa.Column("default_service_minutes", sa.Integer(), nullable=False),
        sa.Column("service_minutes", sa.JSON(), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_hall_settings_unit_id_units")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_hall_settings_updated_by_id_users")),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_hall_settings")),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("applicant_user_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reschedule_count", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["applicant_user_id"], ["users.id"],
                                name=op.f("fk_appointments_applicant_user_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_appointments_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("code", name=op.f("uq_appointments_code")),
        sa.UniqueConstraint("unit_id", "slot_start", "seat", name="uq_appointments_slot_seat"),
    )
    op.create_index("ix_appointments_applicant", "appointments", ["applicant_user_id", "slot_start"], unique=False)
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prefix", sa.String(length=1), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("elderly", sa.Boolean(), nullable=False),
        sa.Column("elderly_check", sa.String(length=16), nullable=False),
        sa.Column("elderly_checked_by_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("slot_start", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("issued_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("window_number", sa.Integer(), nullable=True),
        sa.Column("called_by_id", sa.Integer(), nullable=True),
        sa.Column("first_called_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_called_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("call_count", sa.Integer(), nullable=False),
        sa.Column("finished_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_tickets_application_id_applications")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"],
                                name=op.f("fk_tickets_appointment_id_appointments")),
        sa.ForeignKeyConstraint(["called_by_id"], ["users.id"], name=op.f("fk_tickets_called_by_id_users")),
        sa.ForeignKeyConstraint(["elderly_checked_by_id"], ["users.id"],
                                name=op.f("fk_tickets_elderly_checked_by_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_tickets_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("appointment_id", name=op.f("uq_tickets_appointment_id")),
        sa.UniqueConstraint("token", name=op.f("uq_tickets_token")),
        sa.UniqueConstraint("unit_id", "day", "prefix", "seq", name="uq_tickets_number"),
    )
    op.create_index(op.f("ix_tickets_application_id"), "tickets", ["application_id"], unique=False)
    op.create_index("ix_tickets_unit_day_status", "tickets", ["unit_id", "day", "status"], unique=False)
    op.create_index("ix_tickets_unit_last_called", "tickets", ["unit_id", "last_called_at"], unique=False)
    op.create_table(
        "hall_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("clerk_user_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("current_ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["clerk_user_id"], ["users.id"], name=op.f("fk_hall_windows_clerk_user_id_users")),
        sa.ForeignKeyConstraint(["current_ticket_id"], ["tickets.id"],
                                name=op.f("fk_hall_windows_current_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_hall_windows_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hall_windows")),
        sa.UniqueConstraint("unit_id", "number", name="uq_hall_windows_unit_number"),
    )
    op.create_index(op.f("ix_hall_windows_clerk_user_id"), "hall_windows", ["clerk_user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_hall_windows_clerk_user_id"), table_name="hall_windows")
    op.drop_table("hall_windows")
    op.drop_index("ix_tickets_unit_last_called", table_name="tickets")
    op.drop_index("ix_tickets_unit_day_status", table_name="tickets")
    op.drop_index(op.f("ix_tickets_application_id"), table_name="tickets")
    op.drop_table("tickets")
    op.drop_index("ix_appointments_applicant", table_name="appointments")
    op.drop_table("appointments")
    op.drop_table("hall_settings")
