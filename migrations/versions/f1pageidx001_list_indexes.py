"""indexes for the staff API list (newest first) and the queue's service and state filters;
the queue index ends with the id, the keyset's tie-break (no sort of equal deadlines)

Revision ID: f1pageidx001
Revises: e1materials01
Create Date: 2026-12-01 12:30:00

"""
from alembic import op

revision = "f1pageidx001"
down_revision = "e1materials01"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_applications_queue", table_name="applications")
    op.create_index("ix_applications_queue", "applications", ["unit_id", "work_due_at", "id"])
    op.create_index("ix_applications_unit_created", "applications", ["unit_id", "created_at", "id"])
    op.create_index("ix_applications_unit_state_due", "applications", ["unit_id", "state", "work_due_at", "id"])
    op.create_index("ix_applications_unit_service_due", "applications",
                    ["unit_id", "service_code", "work_due_at", "id"])


def downgrade():
    op.drop_index("ix_applications_unit_service_due", table_name="applications")
    op.drop_index("ix_applications_unit_state_due", table_name="applications")
    op.drop_index("ix_applications_unit_created", table_name="applications")
    op.drop_index("ix_applications_queue", table_name="applications")
    op.create_index("ix_applications_queue", "applications", ["unit_id", "work_due_at"])
