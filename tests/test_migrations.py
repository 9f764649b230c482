"""The schema comes only from the migrations: upgrade an empty database to head, compare
with the models (autogenerate finds nothing), and downgrade to base."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from app import create_app
from app.extensions import db
from tests.conftest import ON_POSTGRES, _pg_execute, _pg_url_for


@pytest.fixture
def empty_uri(tmp_path):
    if ON_POSTGRES:
        name = f"mig_{uuid.uuid4().hex[:10]}"
        _pg_execute(f'CREATE DATABASE "{name}"')
        yield _pg_url_for(name)
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


def test_upgrade_matches_models_and_downgrade_to_base(empty_uri):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_uri)
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"applications", "application_events", "users", "reg_persons"} <= tables

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_event_log_is_append_only_in_the_database(ctx):
    """Database triggers refuse UPDATE and DELETE on the event log, whatever the code does."""
    from tests.operations.helpers import file_criminal_record

    application = file_criminal_record(ctx, "citizen")
    event_id = application.events[0].id
    for statement in (
        "UPDATE application_events SET reason = 'edited' WHERE id = :id",
        "DELETE FROM application_events WHERE id = :id",
    ):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement), {"id": event_id})
        db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM application_events WHERE id = :id"),
                              {"id": event_id}).scalar() == 1


def test_the_message_centre_starts_with_the_outbox_already_sent(app, held_jobs):
    """k1msgread001 copies each message of the outbox in once (its e-mail text, else its SMS
    text, unwrapped), leaves the superseded ones out, and counts the copies as read."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select

    from app.models.notifications import Message
    from tests.operations.helpers import act, file_criminal_record, user

    with app.app_context():
        user("citizen").email = "liming@example.cn"
        db.session.commit()
        waiting = file_criminal_record(app, "citizen")
        act(waiting, "request_correction", "clerk", items=["户口簿首页"])
        on_the_spot = file_criminal_record(app, "citizen", at_terminal=True).id
        told = {m.key: (m.subject, m.body) for m in db.session.scalars(select(Message))}
        assert len(told) == 2
        db.session.remove()

        downgrade(revision="j1idempot001")
        upgrade(revision="heads")

        copied = list(db.session.scalars(select(Message).order_by(Message.id)))
        assert {m.key: (m.subject, m.body) for m in copied} == told
        assert [m.kind for m in copied if m.application_id == on_the_spot] == ["issued"]
        assert all(m.read_at == m.created_at for m in copied)
        db.session.remove()


def test_commitments_listed_before_the_review_existed_are_not_reviews_to_decide(app, client, clock):
    """l3untrue0001: a commitment breached (and listed at once) under the old rule is marked
    `listed`, so that it does not come up as a listing review to decide."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from app.models.tolerance import CommitmentStatus, ToleranceCommitment, UntrueCommitment
    from tests.services.test_untrue_review import revoked_unit_query

    first = revoked_unit_query(app, client, clock)
    with app.app_context():
        commitment = db.session.scalar(select(ToleranceCommitment).where(ToleranceCommitment.application_id == first))
        assert commitment.status == CommitmentStatus.BREACHED
        # As the old sweep left it: breached and listed at the deadline.
        db.session.add(UntrueCommitment(
            applicant_kind=commitment.applicant_kind, applicant_key=commitment.applicant_key,
            applicant_name=commitment.applicant_name, application_id=first, service_code="criminal_record",
            reason="逾期未补齐", listed_at=datetime(2026, 11, 17, 16, tzinfo=UTC),
            expires_at=datetime(2029, 11, 17, 16, tzinfo=UTC)))
        db.session.commit()
        db.session.remove()
        downgrade(revision="k1msgread001")
        upgrade(revision="heads")
        assert db.session.scalar(select(ToleranceCommitment.status).where(
            ToleranceCommitment.application_id == first)) == CommitmentStatus.LISTED
        db.session.remove()
