"""per-person yearly filing counters (one row per service, year and keyed hash of the ID number)

No backfill: a counter's first row is seeded from the applications already filed that year
(`app.operations.counters.next_yearly_count`), so existing years count right from the start.

Revision ID: g2yearcount1
Revises: g1audittail1
Create Date: 2026-12-02 09:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "g2yearcount1"
down_revision = "g1audittail1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "yearly_filing_counts",
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_code", "year", "subject_key", name=op.f("pk_yearly_filing_counts")),
    )


def downgrade():
    op.drop_table("yearly_filing_counts")
