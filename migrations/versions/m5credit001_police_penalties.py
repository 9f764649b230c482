"""credit_repair: police administrative penalties on enterprises and the credit marks they caused

The simulated registries gain the police's penalty records (公安行政处罚决定): decision number,
date, conduct, sanction, when carried out (履行完毕), whether it lowered the enterprise's credit
rating and when that mark was repaired (信用修复).

Revision ID: m5credit001
Revises: m2workres01
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "m5credit001"
down_revision = "m2workres01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reg_police_penalties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_number", sa.String(length=60), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("authority", sa.String(length=120), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("conduct", sa.String(length=400), nullable=False),
        sa.Column("sanction", sa.String(length=200), nullable=False),
        sa.Column("carried_out_on", sa.Date(), nullable=True),
        sa.Column("lowers_credit", sa.Boolean(), nullable=False),
        sa.Column("credit_repaired_on", sa.Date(), nullable=True),
        sa.Column("credit_repair_reference", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reg_police_penalties")),
        sa.UniqueConstraint("decision_number", name=op.f("uq_reg_police_penalties_decision_number")),
    )
    op.create_index(op.f("ix_reg_police_penalties_uscc"), "reg_police_penalties", ["uscc"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_reg_police_penalties_uscc"), table_name="reg_police_penalties")
    op.drop_table("reg_police_penalties")
