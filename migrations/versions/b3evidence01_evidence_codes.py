"""accident evidence query codes and their access log (append-only)

Revision ID: b3evidence01
Revises: 63f852ceeb7e
Create Date: 2026-11-22 06:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "b3evidence01"
down_revision = "63f852ceeb7e"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER evidence_access_log_no_update BEFORE UPDATE ON evidence_access_log
       BEGIN SELECT RAISE(ABORT, 'evidence_access_log is append-only'); END""",
    """CREATE TRIGGER evidence_access_log_no_delete BEFORE DELETE ON evidence_access_log
       BEGIN SELECT RAISE(ABORT, 'evidence_access_log is append-only'); END""",
]
APPEND_ONLY_POSTGRES = [
    """CREATE FUNCTION evidence_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'evidence_access_log is append-only'; END $$""",
    """CREATE TRIGGER evidence_access_log_no_change BEFORE UPDATE OR DELETE ON evidence_access_log
       FOR EACH ROW EXECUTE FUNCTION evidence_access_log_append_only()""",
]


def upgrade():
    op.create_table(
        "evidence_query_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column("person_type", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("principal_id_number", sa.String(length=32), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("issued_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_evidence_query_codes_application_id_applications")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"],
                                name=op.f("fk_evidence_query_codes_revoked_by_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_evidence_query_codes_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_query_codes")),
        sa.UniqueConstraint("application_id", name=op.f("uq_evidence_query_codes_application_id")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_evidence_query_codes_code_hash")),
    )
    with op.batch_alter_table("evidence_query_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_query_codes_case_number"), ["case_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_query_codes_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "evidence_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["evidence_query_codes.id"],
                                name=op.f("fk_evidence_access_log_code_id_evidence_query_codes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_access_log")),
    )
    with op.batch_alter_table("evidence_access_log", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_access_log_code_at", ["code_id", "at"], unique=False)

    statements = APPEND_ONLY_POSTGRES if op.get_bind().dialect.name == "postgresql" else APPEND_ONLY_SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_access_log_no_change ON evidence_access_log")
        op.execute("DROP FUNCTION IF EXISTS evidence_access_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS evidence_access_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS evidence_access_log_no_delete")
    with op.batch_alter_table("evidence_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_access_log_code_at")
    op.drop_table("evidence_access_log")
    with op.batch_alter_table("evidence_query_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_query_codes_unit_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_query_codes_case_number"))
    op.drop_table("evidence_query_codes")
