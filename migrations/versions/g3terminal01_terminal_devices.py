"""registered self-service terminals (自助终端): the device credential (its SHA-256) bound to a unit

Revision ID: g3terminal01
Revises: g2yearcount1
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "g3terminal01"
down_revision = "g2yearcount1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "terminal_devices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("credential_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("issued_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_terminal_devices_unit_id", "terminal_devices", ["unit_id"])


def downgrade():
    op.drop_index("ix_terminal_devices_unit_id", table_name="terminal_devices")
    op.drop_table("terminal_devices")
