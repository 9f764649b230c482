"""The end of the event log: a deleted last event, all of an application's events gone, events
deleted below a signed checkpoint (even with the application row made to agree), a forged
checkpoint, and TRUNCATE on PostgreSQL — each found by `flask audit verify`."""
import logging

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models.applications import Application, ApplicationEvent, AuditCheckpoint
from app.operations.audit import (
    TAIL_DELETED,
    chain_heads,
    check_event_chain,
    take_checkpoint,
    verify_checkpoints,
)
from tests.conftest import ON_POSTGRES
from tests.operations.helpers import act, file_criminal_record


def _bypassing_triggers(table: str, statement: str, params: dict) -> None:
    """Tampering below the application: the triggers forbid it, so go around them."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        db.session.execute(text(statement), params)
        db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    else:
        verb = "delete" if statement.lstrip().upper().startswith("DELETE") else "update"
        db.session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        db.session.execute(text(statement), params)
    db.session.commit()


def _delete_events(*event_ids: int) -> None:
    for event_id in event_ids:
        # What the event produced points at it (SQLite does not enforce foreign keys; PostgreSQL does).
        for table in ("documents", "notifications", "messages"):
            db.session.execute(text(f"UPDATE {table} SET event_id = NULL WHERE event_id = :id"), {"id": event_id})
        _bypassing_triggers("application_events", "DELETE FROM application_events WHERE id = :id", {"id": event_id})


def _two_applications(app):
    """One with two events (filed, accepted), one with just its filing."""
    accepted = file_criminal_record(app, "citizen")
    act(accepted, "accept", "clerk")
    filed = file_criminal_record(app, "citizen")
    return db.session.get(Application, accepted.id), db.session.get(Application, filed.id)


def test_record_keeps_the_last_events_hash_on_the_application(ctx):
    accepted, filed = _two_applications(ctx)
    assert accepted.event_count == 2 and accepted.last_event_hash == accepted.events[-1].hash
    assert filed.event_count == 1 and filed.last_event_hash == filed.events[0].hash
    assert check_event_chain().problems == []


def test_a_deleted_last_event_is_reported_by_the_check_and_the_command(app):
    with app.app_context():
        accepted, filed = _two_applications(app)
        accepted_id, filed_id = accepted.id, filed.id
        _delete_events(accepted.events[-1].id)
        chain = check_event_chain()
        assert [(p.application_id, p.seq, p.event_id) for p in chain.problems] == [(accepted_id, 2, None)]
        assert chain.problems[0].problem.startswith(TAIL_DELETED)
        assert "ends at #1" in chain.problems[0].problem and "recorded 2 events" in chain.problems[0].problem

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at application {accepted_id}, event #2: {TAIL_DELETED}" in result.output
    assert f"application {filed_id}" not in result.output


def test_an_application_whose_events_are_all_gone_is_reported(app):
    with app.app_context():
        accepted, _ = _two_applications(app)
        accepted_id = accepted.id
        _delete_events(*[event.id for event in accepted.events])
        (problem,) = check_event_chain().problems
        assert (problem.application_id, problem.seq) == (accepted_id, 1)
        assert problem.problem.startswith(TAIL_DELETED) and "ends at #0" in problem.problem

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"BROKEN at application {accepted_id}, event #1: {TAIL_DELETED}" in result.output


def test_a_chain_rewritten_under_the_same_count_is_reported(ctx):
    accepted, _ = _two_applications(ctx)
    db.session.execute(text("UPDATE applications SET last_event_hash = :forged WHERE id = :id"),
                       {"forged": "f" * 64, "id": accepted.id})
    db.session.commit()
    (problem,) = check_event_chain().problems
    assert problem.application_id == accepted.id and "differs from the one the application recorded" in problem.problem


def test_a_checkpoint_is_signed_logged_and_verified(app, caplog, monkeypatch):
    # Alembic's fileConfig (the template database's migrations) disables the loggers that exist.
    monkeypatch.setattr(logging.getLogger("app.operations.audit"), "disabled", False)
    with app.app_context():
        _two_applications(app)
    runner = app.test_cli_runner()
    with caplog.at_level(logging.INFO, logger="app.operations.audit"):
        taken = runner.invoke(args=["audit", "checkpoint"])
    assert taken.exit_code == 0, taken.output
    with app.app_context():
        checkpoint = db.session.scalar(select(AuditCheckpoint))
        heads = chain_heads(checkpoint.max_event_id)
        assert checkpoint.max_event_id == db.session.scalar(select(ApplicationEvent.id).order_by(
            ApplicationEvent.id.desc()).limit(1))
        assert (checkpoint.event_count, checkpoint.digest) == (heads.events, heads.digest)
        assert checkpoint.signature.startswith("test2.")  # the first configured signing key
        assert f"digest {checkpoint.digest}" in taken.output
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("audit checkpoint")]
    assert len(logged) == 1 and checkpoint.digest in logged[0] and f"events={checkpoint.event_count}" in logged[0]

    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "event log intact" in verified.output and "1 checkpoints genuine" in verified.output
    # Later events are no problem: the checkpoint covers only the events up to its own.
    with app.app_context():
        file_criminal_record(app, "citizen")
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_tampered_checkpoint_signature_is_reported(app, clock):
    with app.app_context():
        _two_applications(app)
        first = take_checkpoint(now=clock.moment)
        clock.advance(hours=1)
        second = take_checkpoint(now=clock.moment)
        forged = second.signature[:-1] + ("A" if second.signature[-1] != "A" else "B")
        _bypassing_triggers("audit_checkpoints", "UPDATE audit_checkpoints SET signature = :s WHERE id = :id",
                            {"s": forged, "id": second.id})
        check = verify_checkpoints()
        assert [(p.checkpoint_id, p.problem) for p in check.problems] == [
            (second.id, "signature is not genuine (the checkpoint was altered or forged)")]
        assert check.latest.id == first.id  # the log is still compared with the genuine one
        second_id = second.id

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"CHECKPOINT PROBLEM: checkpoint #{second_id}" in result.output and "not genuine" in result.output


def test_a_checkpoint_whose_counts_were_edited_is_not_genuine(ctx, clock):
    _two_applications(ctx)
    checkpoint = take_checkpoint(now=clock.moment)
    _bypassing_triggers("audit_checkpoints", "UPDATE audit_checkpoints SET event_count = event_count - 1 "
                        "WHERE id = :id", {"id": checkpoint.id})
    (problem,) = verify_checkpoints().problems
    assert problem.checkpoint_id == checkpoint.id and "not genuine" in problem.problem


def test_events_deleted_below_a_checkpoint_are_reported_even_when_the_application_agrees(app, clock):
    """The tail check alone misses a deletion whose application row was rewritten to match;
    the checkpoint taken before it does not."""
    with app.app_context():
        accepted, _ = _two_applications(app)
        checkpoint = take_checkpoint(now=clock.moment)
        first_event, last_event = accepted.events
        accepted_id, checkpoint_id = accepted.id, checkpoint.id
        _delete_events(last_event.id)
        db.session.execute(text("UPDATE applications SET event_count = 1, last_event_hash = :h, "
                                "state = 'submitted' WHERE id = :id"), {"h": first_event.hash, "id": accepted_id})
        db.session.commit()
        assert check_event_chain().problems == []  # the chain and its head agree now...
        problems = verify_checkpoints().problems  # ...but not with the checkpoint
        assert [p.checkpoint_id for p in problems] == [checkpoint_id, checkpoint_id]
        assert "1 of its 3 events are gone" in problems[0].problem
        assert "no longer match it" in problems[1].problem

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event log intact" in result.output
    assert f"CHECKPOINT PROBLEM: checkpoint #{checkpoint_id}" in result.output and "events are gone" in result.output


def test_a_plain_deletion_below_a_checkpoint_is_reported_both_ways(app, clock):
    with app.app_context():
        accepted, _ = _two_applications(app)
        checkpoint = take_checkpoint(now=clock.moment)
        accepted_id, checkpoint_id = accepted.id, checkpoint.id
        _delete_events(accepted.events[-1].id)
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--files"])
    assert result.exit_code == 1
    assert f"BROKEN at application {accepted_id}, event #2: {TAIL_DELETED}" in result.output
    assert f"CHECKPOINT PROBLEM: checkpoint #{checkpoint_id}" in result.output
    assert "files verified" in result.output  # --files still runs


def test_checkpoints_are_append_only_in_the_database(ctx, clock):
    checkpoint = take_checkpoint(now=clock.moment)
    for statement in ("UPDATE audit_checkpoints SET digest = 'x' WHERE id = :id",
                      "DELETE FROM audit_checkpoints WHERE id = :id"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement), {"id": checkpoint.id})
        db.session.rollback()
    assert verify_checkpoints().problems == []


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has no TRUNCATE")
@pytest.mark.parametrize("table", ["application_events", "audit_checkpoints", "evidence_access_log"])
def test_truncate_of_an_append_only_table_is_refused_on_postgres(ctx, clock, table):
    file_criminal_record(ctx, "citizen")
    take_checkpoint(now=clock.moment)
    before = db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        db.session.execute(text(f"TRUNCATE {table} CASCADE"))
    db.session.rollback()
    assert db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == before


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has no TRUNCATE")
def test_truncate_cascading_from_the_applications_is_refused_on_postgres(ctx):
    file_criminal_record(ctx, "citizen")
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        db.session.execute(text("TRUNCATE applications CASCADE"))
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM application_events")).scalar() >= 1


def test_the_migration_backfills_the_last_events_hash(ctx):
    """Applications filed before the column existed get the hash of their event #event_count."""
    accepted, filed = _two_applications(ctx)
    expected = {accepted.id: accepted.events[-1].hash, filed.id: filed.events[-1].hash}
    db.session.remove()
    scripts = ScriptDirectory.from_config(ctx.extensions["migrate"].migrate.get_config())
    downgrade(revision=scripts.get_revision("g1audittail1").down_revision)
    upgrade(revision="heads")
    rows = dict(db.session.execute(select(Application.id, Application.last_event_hash)
                                   .where(Application.id.in_(expected))).all())
    assert rows == expected
    assert check_event_chain().problems == []
