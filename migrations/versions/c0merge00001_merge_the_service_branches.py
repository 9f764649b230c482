"""merge the service branches

Revision ID: c0merge00001
Revises: b1calendar01, b2seal000001, b3evidence01, b4permit0001, b5tolerance1, b6tickets001, b7notify0001
Create Date: 2026-11-22 07:11:51.704834

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0merge00001'
down_revision = ('b1calendar01', 'b2seal000001', 'b3evidence01', 'b4permit0001', 'b5tolerance1', 'b6tickets001', 'b7notify0001')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
