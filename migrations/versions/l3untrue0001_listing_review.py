"""违诺认定: a missed 容缺 deadline no longer lists the applicant at once; the listing is the
head's decision after the applicant may state a justified cause. The review itself is read from
the event log (breach_commitment, state_cause, list_untrue / not_list_untrue); the commitment's
status says which reviews are undecided (`breached`), found by a new index.

Commitments breached before this revision were listed at the deadline: they are marked `listed`
(their entries and bars stay as they were), so that they do not come up as reviews to decide.

Revision ID: l3untrue0001
Revises: l2extend0001
Create Date: 2026-12-04 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "l3untrue0001"
down_revision = "l2extend0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tolerance_commitments", schema=None) as batch_op:
        batch_op.create_index("ix_tolerance_commitments_status", ["status", "application_id"], unique=False)
    commitments = sa.table("tolerance_commitments", sa.column("application_id", sa.Integer()),
                           sa.column("status", sa.String()))
    listed = sa.table("untrue_commitments", sa.column("application_id", sa.Integer()))
    op.execute(commitments.update()
               .where(commitments.c.status == "breached",
                      commitments.c.application_id.in_(sa.select(listed.c.application_id)))
               .values(status="listed"))


def downgrade():
    commitments = sa.table("tolerance_commitments", sa.column("status", sa.String()))
    op.execute(commitments.update().where(commitments.c.status.in_(("listed", "not_listed")))
               .values(status="breached"))
    with op.batch_alter_table("tolerance_commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_tolerance_commitments_status")
