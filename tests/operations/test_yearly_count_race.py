"""One person's filings at the same moment are counted one after the other: of 50 simultaneous
criminal record requests without a stated purpose, exactly 3 are filed (from the 4th in a year,
a purpose and its proof are required) and the other 47 are refused for that — none fails otherwise."""
import threading
from collections import Counter

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models.applications import Application, YearlyFilingCount
from app.operations import OperationError
from app.operations.counters import next_yearly_count, subject_key
from tests.conftest import ON_POSTGRES, TEST_NOW, local
from tests.operations.helpers import file_criminal_record, user

FILERS = 50


def test_fifty_simultaneous_filings_by_one_person_let_exactly_three_through(app, clock):
    barrier = threading.Barrier(FILERS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def file() -> None:
        try:
            with app.app_context():  # a session (and connection) of its own
                barrier.wait()
                try:
                    file_criminal_record(app, "citizen")
                    outcomes.append("filed")
                except OperationError as refused:
                    outcomes.append(refused.code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=file) for _ in range(FILERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert Counter(outcomes) == {"filed": 3, "purpose.proof_required": FILERS - 3}
    with app.app_context():
        filed = db.session.scalars(select(Application).where(Application.service_code == "criminal_record"))
        assert sorted(a.data["requests_this_year"] for a in filed) == [1, 2, 3]
        # The refused filings took their increments back with them.
        counter = db.session.scalar(select(YearlyFilingCount.count))
        assert counter == 3


def test_the_counter_keeps_no_id_number_and_starts_from_earlier_filings(ctx, clock):
    citizen = user("citizen")
    file_criminal_record(ctx, "citizen")
    file_criminal_record(ctx, "citizen")
    (row,) = db.session.scalars(select(YearlyFilingCount))
    assert (row.service_code, row.year, row.count) == ("criminal_record", TEST_NOW.year, 2)
    assert row.subject_key == subject_key(citizen.id_number) and citizen.id_number not in row.subject_key
    # A counter row lost (or renamed by a new SECRET_KEY) starts again from the applications filed.
    db.session.delete(row)
    db.session.commit()
    assert next_yearly_count("criminal_record", citizen.id_number, TEST_NOW.year) == 3
    db.session.rollback()
    # Years are local (Asia/Shanghai): 00:30 on 1 January is the new year there, not yet in UTC.
    clock.set(local(TEST_NOW.year + 1, 1, 1, 0, 30))
    assert file_criminal_record(ctx, "citizen").data["requests_this_year"] == 1


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's busy timeout")
def test_sqlite_writers_wait_for_each_other_instead_of_failing(ctx):
    waits_ms = db.session.execute(text("PRAGMA busy_timeout")).scalar()
    assert waits_ms == ctx.config["SQLITE_BUSY_TIMEOUT_SECONDS"] * 1000 >= 30_000
