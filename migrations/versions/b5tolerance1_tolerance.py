"""tolerance acceptance (容缺受理): signed commitments and the untrue-commitment list

Revision ID: b5tolerance1
Revises: 63f852ceeb7e
Create Date: 2026-11-22 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b5tolerance1"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tolerance_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("applicant_kind", sa.String(length=16), nullable=False),
        sa.Column("applicant_key", sa.String(length=32), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("signatory", sa.String(length=16), nullable=False),
        sa.Column("missing_materials", sa.JSON(), nullable=False),
        sa.Column("commitment_days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("settled_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_tolerance_commitments_application_id_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tolerance_commitments")),
        sa.UniqueConstraint("application_id", name=op.f("uq_tolerance_commitments_application_id")),
    )
    with op.batch_alter_table("tolerance_commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tolerance_commitments_applicant_key"), ["applicant_key"], unique=False)

    op.create_table(
        "untrue_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_kind", sa.String(length=16), nullable=False),
        sa.Column("applicant_key", sa.String(length=32), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("listed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_untrue_commitments_application_id_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_untrue_commitments")),
        sa.UniqueConstraint("application_id", name=op.f("uq_untrue_commitments_application_id")),
    )
    with op.batch_alter_table("untrue_commitments", schema=None) as batch_op:
        batch_op.create_index("ix_untrue_commitments_applicant", ["applicant_kind", "applicant_key", "expires_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("untrue_commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_untrue_commitments_applicant")
    op.drop_table("untrue_commitments")
    with op.batch_alter_table("tolerance_commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tolerance_commitments_applicant_key"))
    op.drop_table("tolerance_commitments")
