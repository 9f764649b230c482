"""filing requests by idempotency key: an API filing sent again with the same
Idempotency-Key files once (a new table: additive)

Revision ID: j1idempot001
Revises: i1session001
Create Date: 2026-12-01 18:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "j1idempot001"
down_revision = "i1session001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "filing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_filing_requests_application_id_applications")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_filing_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_requests")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_filing_requests_user_id")),
    )
    op.create_index(op.f("ix_filing_requests_application_id"), "filing_requests", ["application_id"])


def downgrade():
    op.drop_index(op.f("ix_filing_requests_application_id"), table_name="filing_requests")
    op.drop_table("filing_requests")
