"""indexes for the queue's light filters: each light's condition for a state is a range over one
clock column, searched in (unit, state, paused_since, that column), so a light few items have
(red, yellow; green when most are late) is found without walking every open item of the unit

Revision ID: n1lights0001
Revises: m4direct001
Create Date: 2026-12-04 19:00:00

"""
from alembic import op

revision = "n1lights0001"
down_revision = "m4direct001"
branch_labels = None
depends_on = None

CLOCKS = ("statutory_due_at", "yellow_from_at", "acceptance_due_at", "delivery_due_at")


def upgrade():
    for column in CLOCKS:
        op.create_index(f"ix_applications_light_{column}", "applications",
                        ["unit_id", "state", "paused_since", column])


def downgrade():
    for column in reversed(CLOCKS):
        op.drop_index(f"ix_applications_light_{column}", table_name="applications")
