"""settings an administrator can change: one row per effective-dated change (scope, key, the
value before and after, from when, who) over the catalogue's defaults (a new table: additive;
applications filed before it keep the catalogue's defaults)

Revision ID: l4settings01
Revises: k1msgread001
Create Date: 2026-12-04 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "l4settings01"
down_revision = "k1msgread001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "setting_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("effective_from", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"], name=op.f("fk_setting_changes_changed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setting_changes")),
    )
    op.create_index("ix_setting_changes_scope_key", "setting_changes",
                    ["scope", "target", "key", "effective_from"])


def downgrade():
    op.drop_index("ix_setting_changes_scope_key", table_name="setting_changes")
    op.drop_table("setting_changes")
