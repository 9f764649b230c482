"""the legal provisions a unit's criminal-record query may rest on, and their change history

Seeded with articles of laws and administrative regulations that bar people with criminal
records from a job (reference data, needed in production as in the demo). Each seeded entry
gets an "add" change by no one (the list as the portal first shipped it).

Revision ID: l1provision1
Revises: l4settings01
Create Date: 2026-12-02 01:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "l1provision1"
down_revision = "l4settings01"
branch_labels = None
depends_on = None

SEEDED_AT = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
# (law, kind, article, the bar in short, jobs)
PROVISIONS = (
    ("中华人民共和国公务员法", "law", "第二十六条", "因犯罪受过刑事处罚的，不得录用为公务员。", ["公务员"]),
    ("中华人民共和国教师法", "law", "第十四条",
     "受到剥夺政治权利或者故意犯罪受到有期徒刑以上刑事处罚的，不能取得教师资格；已经取得教师资格的，丧失教师资格。", ["教师"]),
    ("中华人民共和国法官法", "law", "第十三条", "因犯罪受过刑事处罚的，不得担任法官。", ["法官"]),
    ("中华人民共和国检察官法", "law", "第十三条", "因犯罪受过刑事处罚的，不得担任检察官。", ["检察官"]),
    ("中华人民共和国律师法", "law", "第七条", "受过刑事处罚的（过失犯罪的除外），不予颁发律师执业证书。", ["律师"]),
    ("中华人民共和国人民警察法", "law", "第二十六条", "曾因犯罪受过刑事处罚的，不得担任人民警察。", ["人民警察"]),
    ("中华人民共和国未成年人保护法", "law", "第六十二条",
     "密切接触未成年人的单位招聘工作人员时，应当查询应聘者是否具有性侵害、虐待、拐卖、暴力伤害等违法犯罪记录；"
     "发现其具有前述行为记录的，不得录用，并应每年定期对工作人员进行查询。", ["密切接触未成年人的单位的工作人员"]),
    ("保安服务管理条例", "administrative_regulation", "第十七条", "曾因故意犯罪被刑事处罚的，不得担任保安员。", ["保安员"]),
    ("娱乐场所管理条例", "administrative_regulation", "第五条",
     "曾犯组织、强迫、引诱、容留、介绍卖淫罪，毒品犯罪，赌博罪，组织、领导、参加黑社会性质组织罪等所列犯罪的，"
     "或者因犯罪曾被剥夺政治权利的，不得开办娱乐场所或者在娱乐场所内从业。", ["娱乐场所从业人员", "娱乐场所开办人"]),
    ("校车安全管理条例", "administrative_regulation", "第二十三条", "校车驾驶人应当无犯罪记录。", ["校车驾驶人"]),
)


def upgrade():
    provisions = op.create_table(
        "legal_provisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("law_name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("article", sa.String(length=20), nullable=False),
        sa.Column("bar_zh", sa.String(length=300), nullable=False),
        sa.Column("jobs", sa.JSON(), nullable=False),
        sa.Column("in_force", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_provisions")),
    )
    changes = op.create_table(
        "legal_provision_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"], name=op.f("fk_legal_provision_changes_changed_by_id_users")),
        sa.ForeignKeyConstraint(["provision_id"], ["legal_provisions.id"],
                                name=op.f("fk_legal_provision_changes_provision_id_legal_provisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_provision_changes")),
    )
    op.create_index("ix_legal_provision_changes_provision", "legal_provision_changes", ["provision_id", "id"])
    connection = op.get_bind()
    for number, (law_name, kind, article, bar_zh, jobs) in enumerate(PROVISIONS, start=1):
        entry = {"law_name": law_name, "kind": kind, "article": article, "bar_zh": bar_zh, "jobs": jobs,
                 "in_force": True}
        connection.execute(provisions.insert().values(id=number, created_at=SEEDED_AT, updated_at=SEEDED_AT, **entry))
        connection.execute(changes.insert().values(provision_id=number, action="add", changed_by_id=None,
                                                   changed_at=SEEDED_AT, before=None, after=entry))
    if connection.dialect.name == "postgresql":
        # The seeded ids were given: the sequence starts after them.
        connection.execute(sa.text("SELECT setval(pg_get_serial_sequence('legal_provisions', 'id'), "
                                   "(SELECT max(id) FROM legal_provisions))"))


def downgrade():
    op.drop_index("ix_legal_provision_changes_provision", table_name="legal_provision_changes")
    op.drop_table("legal_provision_changes")
    op.drop_table("legal_provisions")
