"""each unit's people's government (本级人民政府), the body a refusal names for 行政复议

Under the 2023 Administrative Reconsideration Law (Art. 24) an act of a public security organ is
reviewed by the people's government at its level, and a police station's by the government of
the bureau that set it up; a station leaves the column empty and takes its bureau's. Existing
units start empty: a refusal then names the body by its description until an administrator fills
it in.

Revision ID: l6notice0001
Revises: l1provision1
Create Date: 2026-12-04 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "l6notice0001"
down_revision = "l1provision1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("government_name", sa.String(length=120), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("units") as batch:
        batch.drop_column("government_name")
