"""notification outbox and 好差评 ratings

Revision ID: b7notify0001
Revises: 63f852ceeb7e
Create Date: 2026-11-22 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b7notify0001"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("rater_user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("flag", sa.String(length=16), nullable=True),
        sa.Column("flag_reason", sa.Text(), nullable=False),
        sa.Column("flagged_by_id", sa.Integer(), nullable=True),
        sa.Column("flagged_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_ratings_application_id_applications")),
        sa.ForeignKeyConstraint(["flagged_by_id"], ["users.id"], name=op.f("fk_ratings_flagged_by_id_users")),
        sa.ForeignKeyConstraint(["rater_user_id"], ["users.id"], name=op.f("fk_ratings_rater_user_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_ratings_unit_id_units")),
        sa.ForeignKeyConstraint(["work_order_id"], ["applications.id"],
                                name=op.f("fk_ratings_work_order_id_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("application_id", name=op.f("uq_ratings_application_id")),
        sa.UniqueConstraint("work_order_id", name=op.f("uq_ratings_work_order_id")),
    )
    op.create_index(op.f("ix_ratings_rater_user_id"), "ratings", ["rater_user_id"], unique=False)
    op.create_index("ix_ratings_unit_created", "ratings", ["unit_id", "created_at"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_notifications_application_id_applications")),
        sa.ForeignKeyConstraint(["event_id"], ["application_events.id"],
                                name=op.f("fk_notifications_event_id_application_events")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    op.create_index("ix_notifications_application", "notifications", ["application_id", "created_at"], unique=False)
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"], unique=False)


def downgrade():
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.drop_index("ix_notifications_application", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_ratings_unit_created", table_name="ratings")
    op.drop_index(op.f("ix_ratings_rater_user_id"), table_name="ratings")
    op.drop_table("ratings")
