"""late extensions no longer count: recompute the stored clocks of every application whose log
holds an extension

An extension granted after the limit it extended had passed used to move the stored statutory
limit, so the on-time figures counted that overdue matter as on time. The clocks are derived
from the event log, which stays as it is; the stored values are a cache, recomputed here by the
`recompute_clocks` job (scope "extended", decided applications included). No schema change.

Revision ID: l2extend0001
Revises: l6notice0001
Create Date: 2026-12-04 09:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "l2extend0001"
down_revision = "l6notice0001"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    extended = bind.execute(sa.text("SELECT 1 FROM application_events WHERE action = 'extend' LIMIT 1")).first()
    if extended is None:
        return  # nothing was ever extended: nothing to recompute
    jobs = sa.table("jobs", sa.column("kind", sa.String), sa.column("key", sa.String), sa.column("payload", sa.JSON),
                    sa.column("status", sa.String), sa.column("attempts", sa.Integer),
                    sa.column("max_attempts", sa.Integer), sa.column("next_attempt_at", UTCDateTime),
                    sa.column("published_at", UTCDateTime), sa.column("created_at", UTCDateTime),
                    sa.column("locked_by", sa.String), sa.column("last_error", sa.String))
    now = datetime.now(UTC)
    # Not published: the relay hands a pending job that no worker acknowledged to the queue.
    op.bulk_insert(jobs, [{"kind": "recompute_clocks", "key": "recompute:l2extend0001",
                           "payload": {"after_id": 0, "scope": "extended"}, "status": "pending", "attempts": 0,
                           "max_attempts": 5, "next_attempt_at": now, "published_at": None, "created_at": now,
                           "locked_by": "", "last_error": ""}])


def downgrade():
    op.execute("DELETE FROM jobs WHERE key = 'recompute:l2extend0001' AND status = 'pending'")
