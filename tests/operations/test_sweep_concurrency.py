"""Two sweeps at once fire each timer exactly once (row locks with SKIP LOCKED on PostgreSQL;
SQLite serialises writers and the event sequence's unique key catches the rest)."""
import threading
from collections import Counter

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.applications import ApplicationEvent
from app.operations.sla import sweep
from tests.conftest import local
from tests.operations.helpers import file_criminal_record


def test_two_concurrent_sweeps_fire_each_timer_exactly_once(app, clock):
    with app.app_context():
        more = {"purpose_detail": "多家单位分别要求提供"}  # from the 4th request in a year
        ids = [file_criminal_record(app, "citizen", data=more).id for _ in range(12)]
        ids += [file_criminal_record(app, "citizen2", data=more).id for _ in range(12)]
    as_of = local(2026, 12, 1, 8)
    clock.set(as_of)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                barrier.wait()
                results.append(sweep(as_of=as_of, now=timeutil.now(), batch_size=5))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    # Each application is deemed accepted, then (its 3 working days also gone) escalated: each
    # of those timers fires once, by one of the two sweeps.
    fired = Counter(pair for result in results for pair in result.fired)
    assert set(fired.values()) == {1}
    assert sorted(fired) == sorted([(i, "deem_accepted") for i in ids] + [(i, "escalate") for i in ids])
    with app.app_context():
        deemed = Counter(db.session.scalars(
            select(ApplicationEvent.application_id).where(ApplicationEvent.action == "deem_accepted")))
        assert deemed == Counter(dict.fromkeys(ids, 1))
        assert sweep(as_of=as_of, now=timeutil.now()).count == 0
