"""a per-user session version: ending a user's sessions (logout, an admin's sign-out
everywhere) makes every cookie issued before it invalid at once

Revision ID: i1session001
Revises: h1loginfail1
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i1session001"
down_revision = "h1loginfail1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
