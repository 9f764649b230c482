"""the job outbox; documents rendered by jobs (status, content filled in later)

Revision ID: d1jobs000001
Revises: c1queueidx01
Create Date: 2026-12-01 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "d1jobs000001"
down_revision = "c1queueidx01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_jobs_application_id_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
    )
    op.create_index("ix_jobs_status_next_attempt_at", "jobs", ["status", "next_attempt_at"], unique=False)
    op.create_index("ix_jobs_application", "jobs", ["application_id"], unique=False)
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("status", sa.String(length=12), server_default="ready", nullable=False))
        batch.add_column(sa.Column("key", sa.String(length=120), nullable=True))
        batch.create_unique_constraint(op.f("uq_documents_key"), ["key"])
        batch.add_column(sa.Column("rendered_at", UTCDateTime(), nullable=True))
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    with op.batch_alter_table("documents") as batch:
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_constraint(op.f("uq_documents_key"), type_="unique")
        batch.drop_column("key")
        batch.drop_column("rendered_at")
        batch.drop_column("status")
    op.drop_index("ix_jobs_application", table_name="jobs")
    op.drop_index("ix_jobs_status_next_attempt_at", table_name="jobs")
    op.drop_table("jobs")
