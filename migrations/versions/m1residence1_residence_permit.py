"""residence_permit: the simulated registries a 居住证 rests on (residence registration, social
insurance, school enrolment, property) and the permits issued

Revision ID: m1residence1
Revises: l3untrue0001
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "m1residence1"
down_revision = "l3untrue0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reg_residence_registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("id_number", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("station_unit_code", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_reg_residence_registrations_id_number", "reg_residence_registrations", ["id_number"])
    for table, name in (("reg_social_insurance", "employer"), ("reg_school_enrolments", "school")):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("id_number", sa.String(length=32), nullable=False),
            sa.Column("region_code", sa.String(length=6), nullable=False),
            sa.Column(name, sa.String(length=120), nullable=False),
            sa.Column("since", sa.Date(), nullable=False),
            sa.Column("until", sa.Date(), nullable=True),
        )
        op.create_index(f"ix_{table}_id_number", table, ["id_number"])
    op.create_table(
        "reg_properties",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("id_number", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.UniqueConstraint("certificate_number", name="uq_reg_properties_certificate_number"),
    )
    op.create_index("ix_reg_properties_id_number", "reg_properties", ["id_number"])
    op.create_table(
        "reg_residence_permits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("station_unit_code", sa.String(length=32), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("endorsement_due", sa.Date(), nullable=False),
        sa.Column("last_endorsed_on", sa.Date(), nullable=True),
        sa.UniqueConstraint("number", name="uq_reg_residence_permits_number"),
    )
    op.create_index("ix_reg_residence_permits_id_number", "reg_residence_permits", ["id_number"])


def downgrade():
    for table in ("reg_residence_permits", "reg_properties", "reg_school_enrolments", "reg_social_insurance",
                  "reg_residence_registrations"):
        op.drop_table(table)
