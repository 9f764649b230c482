"""seal records (印章备案) with unique anti-counterfeit codes

Revision ID: b2seal000001
Revises: 63f852ceeb7e
Create Date: 2026-11-22 06:20:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b2seal000001"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "seal_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("enterprise_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("shop_name", sa.String(length=120), nullable=False),
        sa.Column("shop_record_number", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=False),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_seal_records_application_id_applications")),
        sa.ForeignKeyConstraint(["cancelled_by_id"], ["users.id"], name=op.f("fk_seal_records_cancelled_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seal_records")),
        sa.UniqueConstraint("code", name=op.f("uq_seal_records_code")),
    )
    op.create_index(op.f("ix_seal_records_application_id"), "seal_records", ["application_id"], unique=False)
    op.create_index("ix_seal_records_holder", "seal_records", ["uscc", "kind", "status"], unique=False)


def downgrade():
    op.drop_index("ix_seal_records_holder", table_name="seal_records")
    op.drop_index(op.f("ix_seal_records_application_id"), table_name="seal_records")
    op.drop_table("seal_records")
