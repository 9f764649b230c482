"""违诺认定: after a missed 容缺 deadline, the applicant may state a justified cause within the
window; the supervisor may list only once the applicant has been heard (or the window passed);
the bar runs from the decision. Pure rules, on the working-day calendar."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import tolerance as rules
from app.domain.calendar import SHANGHAI, Limit, LimitUnit, WorkCalendar
from app.domain.workflow import Action, EventRecord, State

CAL = WorkCalendar()


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def _history(breached: datetime, told: datetime, *later: EventRecord) -> list[EventRecord]:
    due = rules.cause_due_at(told, calendar=CAL)
    return [
        EventRecord(1, Action.SUBMIT, State.DRAFT, State.SUBMITTED, breached - timedelta(days=20)),
        EventRecord(2, Action.ACCEPT, State.SUBMITTED, State.ACCEPTED, breached - timedelta(days=14),
                    payload={"tolerance": True, "commitment_days": 10}),
        EventRecord(3, Action.BREACH_COMMITMENT, State.ACCEPTED, State.CLOSED, breached,
                    payload={"cause_due": due.isoformat()}),
        *later,
    ]


def _cause(seq: int, moment: datetime, kind: str = "other_agency_delay") -> EventRecord:
    return EventRecord(seq, Action.STATE_CAUSE, State.CLOSED, State.CLOSED, moment,
                       reason="不动产登记中心系统升级，租赁备案证明延至12月3日出具", payload={"cause_kind": kind})


BREACHED = at(2026, 11, 30, 23, 59).replace(second=59)
TOLD = at(2026, 12, 1, 0, 1)


def test_the_window_is_five_working_days_from_being_told():
    # Told on Tuesday 1 December: 2, 3, 4, 7, 8 December → the end of Tuesday 8 December.
    assert rules.cause_due_at(TOLD, calendar=CAL) == at(2026, 12, 8, 23, 59).replace(second=59)
    # Over the National Day week 2026 (1–7 October; Saturday 10 October is worked).
    assert rules.cause_due_at(at(2026, 9, 30, 9), calendar=CAL) == at(2026, 10, 13, 23, 59).replace(second=59)
    assert rules.CAUSE_WINDOW.describe_zh() == "5个工作日"
    assert rules.CAUSE_WINDOW_SOURCE == "本系统设置（可调整）"


def test_the_review_is_read_from_the_events():
    assert rules.listing_review(_history(BREACHED, TOLD)[:2]) is None
    review = rules.listing_review(_history(BREACHED, TOLD))
    assert review.breached_at == BREACHED and not review.cause_stated and not review.decided
    stated = rules.listing_review(_history(BREACHED, TOLD, _cause(4, at(2026, 12, 3))))
    assert stated.cause_kind == "other_agency_delay" and "租赁备案" in stated.cause_statement
    decided = rules.listing_review(_history(BREACHED, TOLD, _cause(4, at(2026, 12, 3)), EventRecord(
        5, Action.NOT_LIST_UNTRUE, State.CLOSED, State.CLOSED, at(2026, 12, 4), reason="理由成立")))
    assert decided.decided and not decided.listed and decided.decision_reason == "理由成立"


def test_a_cause_is_stated_once_within_the_window_of_a_known_kind_with_a_statement():
    review = rules.listing_review(_history(BREACHED, TOLD))
    last = at(2026, 12, 8, 23, 59)
    assert rules.check_cause(review, kind="force_majeure", statement="暴雨停工", now=last) is rules.CauseKind.FORCE_MAJEURE
    with pytest.raises(rules.ToleranceRefused) as late:
        rules.check_cause(review, kind="force_majeure", statement="暴雨停工", now=at(2026, 12, 9, 0, 0))
    assert late.value.code == "untrue.cause_window_passed"
    with pytest.raises(rules.ToleranceRefused) as kind:
        rules.check_cause(review, kind="busy", statement="太忙", now=at(2026, 12, 2))
    assert kind.value.code == "untrue.cause_kind" and kind.value.field == "cause_kind"
    with pytest.raises(rules.ToleranceRefused) as blank:
        rules.check_cause(review, kind="other", statement="  ", now=at(2026, 12, 2))
    assert blank.value.code == "untrue.statement"
    stated = rules.listing_review(_history(BREACHED, TOLD, _cause(4, at(2026, 12, 2))))
    with pytest.raises(rules.ToleranceRefused) as twice:
        rules.check_cause(stated, kind="other", statement="补充", now=at(2026, 12, 3))
    assert twice.value.code == "untrue.cause_stated"
    assert not rules.cause_window_open(stated, now=at(2026, 12, 3))


def test_listing_waits_for_the_cause_or_the_window_not_listing_does_not():
    review = rules.listing_review(_history(BREACHED, TOLD))
    with pytest.raises(rules.ToleranceRefused) as early:
        rules.check_decision(review, Action.LIST_UNTRUE, now=at(2026, 12, 8, 17))
    assert early.value.code == "untrue.cause_window_open"
    rules.check_decision(review, Action.NOT_LIST_UNTRUE, now=at(2026, 12, 2))
    rules.check_decision(review, Action.LIST_UNTRUE, now=at(2026, 12, 9, 0, 0))
    stated = rules.listing_review(_history(BREACHED, TOLD, _cause(4, at(2026, 12, 2))))
    rules.check_decision(stated, Action.LIST_UNTRUE, now=at(2026, 12, 2, 15))
    decided = rules.listing_review(_history(BREACHED, TOLD, EventRecord(
        4, Action.LIST_UNTRUE, State.CLOSED, State.CLOSED, at(2026, 12, 9), reason="无正当理由")))
    for action in (Action.LIST_UNTRUE, Action.NOT_LIST_UNTRUE):
        with pytest.raises(rules.ToleranceRefused) as again:
            rules.check_decision(decided, action, now=at(2026, 12, 10))
        assert again.value.code == "untrue.decided"


def test_the_bar_runs_three_years_from_the_decision():
    bar = rules.listing_bar(at(2026, 12, 9, 10))
    assert bar.listed_at == at(2026, 12, 9, 10) and bar.expires_at == at(2029, 12, 9, 10)
    assert rules.listing_bar(at(2028, 2, 29, 10)).expires_at == at(2031, 2, 28, 10)
    rules.check_standing(bad_credit=False, listings=[bar], now=at(2029, 12, 9, 10, 1))
    with pytest.raises(rules.ToleranceRefused):
        rules.check_standing(bad_credit=False, listings=[bar], now=at(2029, 12, 9, 9, 59))


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 20),
                       timezones=st.just(SHANGHAI))


@settings(max_examples=300, deadline=None)
@given(told=moments, days=st.integers(1, 15), offset=st.integers(0, 40 * 24))
def test_the_window_and_the_decision_on_any_day(told, days, offset):
    """Whenever the applicant is told and however long the window: it ends at the end of a
    working day, exactly `days` working days later; a cause may be stated up to then and
    listing is possible only after it (or once a cause is stated)."""
    window = Limit(Decimal(days), LimitUnit.WORKDAYS)
    due = rules.cause_due_at(told, calendar=CAL, window=window)
    assert due > told and (due.hour, due.minute, due.second) == (23, 59, 59)
    assert CAL.is_working_day(due.date())
    assert CAL.working_days_between(told, due) == days
    review = rules.ListingReview(breached_at=told, cause_due_at=due)
    now = told + timedelta(hours=offset)
    assert rules.cause_window_open(review, now=now) == (now <= due)
    assert rules.ready_for_decision(review, now=now) == (now > due)
    stated = rules.ListingReview(breached_at=told, cause_due_at=due, cause_kind="other", cause_statement="x",
                                 cause_stated_at=told)
    assert rules.ready_for_decision(stated, now=now)
