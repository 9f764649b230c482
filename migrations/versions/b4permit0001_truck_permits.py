"""truck permits (城市配送货车电子通行证): the checked request and the permit

Revision ID: b4permit0001
Revises: 63f852ceeb7e
Create Date: 2026-11-22 06:40:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b4permit0001"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "truck_permits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("vehicle_type", sa.String(length=40), nullable=False),
        sa.Column("vehicle_class", sa.String(length=16), nullable=False),
        sa.Column("driver_name", sa.String(length=60), nullable=False),
        sa.Column("driver_id_number", sa.String(length=32), nullable=False),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("check_result", sa.JSON(), nullable=False),
        sa.Column("checked_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=300), nullable=False),
        sa.Column("revoked_by", sa.String(length=16), nullable=False),
        sa.Column("revoked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_truck_permits_application_id_applications")),
        sa.ForeignKeyConstraint(["revoked_by_user_id"], ["users.id"],
                                name=op.f("fk_truck_permits_revoked_by_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_truck_permits")),
        sa.UniqueConstraint("application_id", name=op.f("uq_truck_permits_application_id")),
        sa.UniqueConstraint("number", name=op.f("uq_truck_permits_number")),
    )
    with op.batch_alter_table("truck_permits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_truck_permits_driver_id_number"), ["driver_id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_truck_permits_plate"), ["plate"], unique=False)
        batch_op.create_index("ix_truck_permits_status_until", ["status", "valid_until"], unique=False)


def downgrade():
    with op.batch_alter_table("truck_permits", schema=None) as batch_op:
        batch_op.drop_index("ix_truck_permits_status_until")
        batch_op.drop_index(batch_op.f("ix_truck_permits_plate"))
        batch_op.drop_index(batch_op.f("ix_truck_permits_driver_id_number"))
    op.drop_table("truck_permits")
