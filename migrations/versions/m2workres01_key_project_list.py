"""the key-project list (重点项目单位名单) for foreigners' work-type residence permits, and its
change history

Revision ID: m2workres01
Revises: m1residence1
Create Date: 2026-12-02 04:40:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "m2workres01"
down_revision = "m1residence1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "key_project_enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("project", sa.String(length=100), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_project_enterprises")),
        sa.UniqueConstraint("uscc", name=op.f("uq_key_project_enterprises_uscc")),
    )
    op.create_table(
        "key_project_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"], name=op.f("fk_key_project_changes_changed_by_id_users")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["key_project_enterprises.id"],
                                name=op.f("fk_key_project_changes_enterprise_id_key_project_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_project_changes")),
    )
    op.create_index("ix_key_project_changes_enterprise", "key_project_changes", ["enterprise_id", "id"])


def downgrade():
    op.drop_index("ix_key_project_changes_enterprise", table_name="key_project_changes")
    op.drop_table("key_project_changes")
    op.drop_table("key_project_enterprises")
