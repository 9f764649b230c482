"""indexes for counting a unit's open items and a clerk's claimed ones

Revision ID: c1queueidx01
Revises: c0merge00001
Create Date: 2026-11-22 07:35:00

"""
from alembic import op

revision = "c1queueidx01"
down_revision = "c0merge00001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_applications_unit_state", "applications", ["unit_id", "state", "service_code"], unique=False)
    op.create_index("ix_applications_claimed_by_id", "applications", ["claimed_by_id"], unique=False)


def downgrade():
    op.drop_index("ix_applications_claimed_by_id", table_name="applications")
    op.drop_index("ix_applications_unit_state", table_name="applications")
