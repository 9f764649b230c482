"""uploaded materials (files in the object store) and the clerk's verdict per slot

Revision ID: e1materials01
Revises: d1jobs000001
Create Date: 2026-12-01 12:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "e1materials01"
down_revision = "d1jobs000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "material_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("thumbnail_key", sa.String(length=200), nullable=True),
        sa.Column("thumbnail_status", sa.String(length=12), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("superseded_at", UTCDateTime(), nullable=True),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["owner_user_id"], ["users.id"], name=op.f("fk_material_files_owner_user_id_users")),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_material_files_application_id_applications")),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_material_files_certificate_id_certificates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_material_files_storage_key")),
    )
    op.create_index("ix_material_files_application_slot", "material_files", ["application_id", "slot"])
    op.create_index("ix_material_files_owner_status", "material_files", ["owner_user_id", "status"])
    op.create_table(
        "material_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_material_reviews_application_id_applications")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_material_reviews_reviewer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_reviews")),
        sa.UniqueConstraint("application_id", "slot", name="uq_material_reviews_slot"),
    )


def downgrade():
    op.drop_table("material_reviews")
    op.drop_index("ix_material_files_owner_status", table_name="material_files")
    op.drop_index("ix_material_files_application_slot", table_name="material_files")
    op.drop_table("material_files")
