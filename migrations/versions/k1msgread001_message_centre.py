"""the applicant's message centre: one row per message (whatever the channels), with the time
it was read

Every message already in the outbox is copied in once (its e-mail text, else its SMS text,
without the SMS signature or the e-mail footer); superseded ones were never sent and are left
out. The copies count as read: they reached the applicant before the centre existed, and a
header suddenly counting every past message as new would say nothing.

Revision ID: k1msgread001
Revises: j1idempot001
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "k1msgread001"
down_revision = "j1idempot001"
branch_labels = None
depends_on = None

# The delivery wrappers of app.operations.notifications at the time of this migration.
EMAIL_FOOTERS = ("此邮件由警务通办系统自动发送，请勿直接回复。",
                 "This message was sent automatically by the police e-services portal; please do not reply.")


def upgrade():
    messages = op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_messages_application_id_applications")),
        sa.ForeignKeyConstraint(["event_id"], ["application_events.id"],
                                name=op.f("fk_messages_event_id_application_events")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_messages_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_messages_key")),
    )
    op.create_index("ix_messages_user", "messages", ["user_id", "id"])
    op.create_index("ix_messages_user_unread", "messages", ["user_id", "read_at"])
    _copy_the_outbox(messages)


def _copy_the_outbox(messages) -> None:
    notifications = sa.table(
        "notifications", sa.column("id", sa.Integer()), sa.column("application_id", sa.Integer()),
        sa.column("event_id", sa.Integer()), sa.column("user_id", sa.Integer()), sa.column("kind", sa.String()),
        sa.column("channel", sa.String()), sa.column("language", sa.String()), sa.column("subject", sa.String()),
        sa.column("body", sa.Text()), sa.column("dedupe_key", sa.String()), sa.column("status", sa.String()),
        sa.column("created_at", UTCDateTime()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(notifications).where(notifications.c.status != "superseded")
                              .order_by(notifications.c.id))
    chosen: dict[str, dict] = {}
    for row in rows.mappings():
        key = row["dedupe_key"].rsplit(":", 1)[0]
        if key in chosen and not (row["channel"] == "email" and chosen[key]["channel"] != "email"):
            continue
        chosen[key] = dict(row)
    batch = []
    for key, row in sorted(chosen.items(), key=lambda item: item[1]["id"]):
        batch.append({
            "user_id": row["user_id"], "application_id": row["application_id"], "event_id": row["event_id"],
            "kind": row["kind"], "language": row["language"], "subject": row["subject"],
            "body": _unwrapped(row["channel"], row["body"]), "key": key, "created_at": row["created_at"],
            "read_at": row["created_at"],
        })
        if len(batch) >= 500:
            connection.execute(messages.insert(), batch)
            batch = []
    if batch:
        connection.execute(messages.insert(), batch)


def _unwrapped(channel: str, body: str) -> str:
    if channel == "sms" and body.startswith("【") and "】" in body:
        return body.split("】", 1)[1]
    for footer in EMAIL_FOOTERS:
        if body.endswith(footer):
            return body[: -len(footer)].rstrip()
    return body


def downgrade():
    op.drop_index("ix_messages_user_unread", table_name="messages")
    op.drop_index("ix_messages_user", table_name="messages")
    op.drop_table("messages")
