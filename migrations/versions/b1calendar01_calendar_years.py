"""calendar years loaded by an admin

Revision ID: b1calendar01
Revises: 63f852ceeb7e
Create Date: 2026-11-22 06:15:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b1calendar01"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_calendar_years_created_by_id_users")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )


def downgrade():
    op.drop_table("calendar_years")
