"""Claiming a queue item: exactly one of two simultaneous clerks wins; idle claims lapse."""
import threading
from datetime import timedelta

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.accounts import Unit, User
from app.models.applications import Application
from app.operations import NotFound, OperationError
from app.operations import queue as queue_ops
from app.operations.accounts import hash_password
from tests.operations.helpers import file_criminal_record, user

IDLE = timedelta(minutes=30)


def _second_clerk(app) -> None:
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "411002-PS-XDJ"))
        db.session.add(User(username="clerk_b", password_hash=hash_password("not-used-1x"), role="clerk",
                            real_name="第二窗口", unit_id=unit.id))
        db.session.commit()


def test_two_clerks_claiming_at_the_same_moment_exactly_one_wins(app):
    _second_clerk(app)
    for _ in range(5):  # several rounds, so a lucky interleaving cannot pass by chance
        with app.app_context():
            application_id = file_criminal_record(app, "citizen", data={"purpose_detail": "多家单位要求"}).id
        barrier = threading.Barrier(2)
        outcomes = {}

        def attempt(username):
            with app.app_context():
                barrier.wait()
                try:
                    queue_ops.claim(user(username), application_id, now=timeutil.now(), idle=IDLE)
                    outcomes[username] = "won"
                except OperationError as exc:
                    outcomes[username] = exc.code

        threads = [threading.Thread(target=attempt, args=(name,)) for name in ("clerk", "clerk_b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes.values()) == ["claim.taken", "won"], outcomes
        with app.app_context():
            winner = db.session.get(Application, application_id).claimed_by.username
            assert outcomes[winner] == "won"


def test_an_idle_claim_lapses_and_another_unit_never_sees_the_item(app, clock):
    _second_clerk(app)
    with app.app_context():
        application_id = file_criminal_record(app, "citizen").id
        queue_ops.claim(user("clerk"), application_id, now=timeutil.now(), idle=IDLE)
        try:
            queue_ops.claim(user("clerk_b"), application_id, now=timeutil.now(), idle=IDLE)
        except OperationError as exc:
            assert exc.status == 409
        else:
            raise AssertionError("the claim was taken twice")
        later = timeutil.now() + IDLE + timedelta(minutes=1)
        queue_ops.claim(user("clerk_b"), application_id, now=later, idle=IDLE)
        assert db.session.get(Application, application_id).claimed_by.username == "clerk_b"
        try:
            queue_ops.claim(user("clerk_jianan"), application_id, now=later, idle=IDLE)
        except NotFound:
            pass
        else:
            raise AssertionError("another unit's clerk could claim the item")
