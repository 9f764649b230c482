from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import SHANGHAI, WorkCalendar
from app.domain.statistics import DecidedRow, service_figures

CAL = WorkCalendar()


def at(d, h=10):
    return datetime(2026, 11, d, h, tzinfo=SHANGHAI)


def test_figures_by_example():
    rows = [
        DecidedRow("criminal_record", at(16), at(18), at(19, 23), deemed=False),  # on time, 2 working days
        DecidedRow("criminal_record", at(16), at(20, 12), at(19, 23), deemed=True),  # late, 4 working days
        DecidedRow("newborn_registration", at(16), at(17), at(23, 23), deemed=False),
    ]
    figures = service_figures(rows, {"criminal_record": 3}, calendar=CAL)
    record = figures["criminal_record"]
    assert (record.decided, record.on_time, record.deemed_acceptances, record.overdue_open) == (2, 1, 1, 3)
    assert record.on_time_rate == 0.5
    assert record.average_working_days == 3
    assert figures["newborn_registration"].on_time_rate == 1.0


def test_nothing_decided_has_no_rate():
    figures = service_figures([], {"seal_engraving": 1}, calendar=CAL)
    assert figures["seal_engraving"].on_time_rate is None and figures["seal_engraving"].average_working_days is None


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 30), st.booleans()), max_size=40))
def test_rate_is_a_share_and_counts_add_up(spec):
    start = at(2)
    rows = [DecidedRow("x", start, start + timedelta(days=decide), start + timedelta(days=due), deemed)
            for decide, due, deemed in spec]
    figures = service_figures(rows, {}, calendar=CAL)
    if not rows:
        assert figures == {}
        return
    entry = figures["x"]
    assert entry.decided == len(rows)
    assert 0 <= entry.on_time <= entry.decided
    assert entry.on_time == sum(1 for r in rows if r.decided_at <= r.statutory_due_at)
    assert entry.deemed_acceptances == sum(r.deemed for r in rows)
    assert all(days >= 0 for days in entry.working_days)
