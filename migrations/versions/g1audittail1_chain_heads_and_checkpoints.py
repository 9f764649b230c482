"""the event log's head: each application keeps its last event's hash, signed checkpoints of
all heads (append-only), and TRUNCATE refused on PostgreSQL for the append-only tables

Revision ID: g1audittail1
Revises: f1pageidx001
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "g1audittail1"
down_revision = "f1pageidx001"
branch_labels = None
depends_on = None

# As the event log (initial schema): the database refuses UPDATE and DELETE of a checkpoint.
CHECKPOINTS_APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END""",
    """CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END""",
]
CHECKPOINTS_APPEND_ONLY_POSTGRES = [
    """CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_checkpoints is append-only'; END $$""",
    """CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
       FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()""",
]
# Row triggers do not fire on TRUNCATE, which empties a table at once; SQLite has no TRUNCATE
# (its DELETE without WHERE fires the row triggers).
NO_TRUNCATE_TABLES = ("application_events", "audit_checkpoints", "evidence_access_log")
REFUSE_TRUNCATE_FUNCTION = """CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME; END $$"""


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_event_hash", sa.String(length=64), nullable=True))
    # The hash of event #event_count; NULL where that event is already gone, which `audit verify`
    # then reports as a deleted tail.
    op.execute("""UPDATE applications SET last_event_hash = (
                      SELECT e.hash FROM application_events e
                      WHERE e.application_id = applications.id AND e.seq = applications.event_count)""")

    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=False),
        sa.Column("max_event_id", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("application_count", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in CHECKPOINTS_APPEND_ONLY_POSTGRES:
            op.execute(statement)
        op.execute(REFUSE_TRUNCATE_FUNCTION)
        for table in NO_TRUNCATE_TABLES:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()")
    else:
        for statement in CHECKPOINTS_APPEND_ONLY_SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in NO_TRUNCATE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS refuse_truncate()")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_change ON audit_checkpoints")
        op.execute("DROP FUNCTION IF EXISTS audit_checkpoints_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete")
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("last_event_hash")
