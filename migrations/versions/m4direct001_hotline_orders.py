"""警民直通车: the 12345 hotline's order number of each order staff record (one order, one request).

A new table: additive.

Revision ID: m4direct001
Revises: m5credit001
Create Date: 2026-12-02 04:50:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "m4direct001"
down_revision = "m5credit001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotline_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
        sa.UniqueConstraint("order_number"),
    )


def downgrade():
    op.drop_table("hotline_orders")
