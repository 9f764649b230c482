"""Effective-dated settings: the value in force at a moment, the rules a filing keeps, and the
limits the law does not let an administrator raise."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import settings as rules
from app.domain.calendar import Limit, LimitUnit, WorkCalendar
from app.domain.catalogue import get_service
from app.domain.catalogue.base import Step
from app.domain.clock import derive_clocks
from app.domain.settings import FiledRules, Scope, SettingChange, SettingRefused
from app.domain.workflow import Action, EventRecord, State

T0 = datetime(2026, 11, 16, 2, tzinfo=UTC)
CR = get_service("criminal_record")
SECURITY = get_service("security_licence")


def _change(key, value, hours, seq=0, target="criminal_record", scope=Scope.SERVICE):
    return SettingChange(scope, target, key, value, T0 + timedelta(hours=hours), seq)


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(1, 9)), max_size=12), st.integers(-10, 110))
def test_the_value_in_force_is_the_latest_change_effective_by_then(entries, at_hour):
    changes = [_change("promised", str(value), hour, seq) for seq, (hour, value) in enumerate(entries)]
    at = T0 + timedelta(hours=at_hour)
    effective = [(c.effective_from, c.seq, c.value) for c in changes if c.effective_from <= at]
    expected = max(effective)[2] if effective else "default"
    assert rules.value_in_force(changes, Scope.SERVICE, "criminal_record", "promised", at, "default") == expected
    # Another scope's or key's changes never count.
    assert rules.value_in_force(changes, Scope.SERVICE, "truck_permit", "promised", at, "d") == "d"
    assert rules.value_in_force(changes, Scope.SERVICE, "criminal_record", "statutory", at, "d") == "d"


def test_rules_in_force_and_the_effective_service():
    changes = [_change("promised", "2", 1), _change("step.suspension", False, 1)]
    before = rules.rules_in_force(CR, changes, T0)
    after = rules.rules_in_force(CR, changes, T0 + timedelta(hours=2))
    assert before.promised == CR.limits.promised and Step.SUSPENSION in before.steps
    assert after.promised == Limit(Decimal(2), LimitUnit.WORKDAYS) and Step.SUSPENSION not in after.steps
    service = rules.effective_service(CR, after)
    assert service.limits.promised.amount == 2 and not service.has(Step.SUSPENSION)
    assert service.limits.statutory == CR.limits.statutory and service.limits.sources == CR.limits.sources
    assert rules.effective_service(CR, None) is CR
    assert FiledRules.from_payload(after.as_payload()) == after


def test_an_applications_clocks_follow_its_filed_rules_not_the_service_passed_in():
    filed = rules.rules_in_force(CR, [_change("promised", "2", -1)], T0)
    events = [
        EventRecord(1, Action.SUBMIT, State.DRAFT, State.SUBMITTED, T0, "", {"rules": filed.as_payload()}),
        EventRecord(2, Action.ACCEPT, State.SUBMITTED, State.ACCEPTED, T0, "", {}),
    ]
    calendar = WorkCalendar()
    with_rules = derive_clocks(CR, events, calendar=calendar)
    filed_before_settings = EventRecord(1, Action.SUBMIT, State.DRAFT, State.SUBMITTED, T0, "", {})
    without = derive_clocks(CR, [filed_before_settings, events[1]], calendar=calendar)
    assert with_rules.promised_due_at > without.promised_due_at
    assert with_rules.statutory_due_at == without.statutory_due_at


@pytest.mark.parametrize(("key", "value", "code"), [
    ("promised", "4", "settings.promised_above_statutory"),
    ("statutory", "3.5", "settings.statutory_above_law"),
    ("promised", "0", "settings.amount"),
    ("promised", "abc", "settings.amount"),
    ("step.two_tier", True, "settings.step_not_declared"),
    ("step.issue", False, "settings.step_not_declared"),
    ("commitment", "1", "settings.unknown"),
    ("colour", "red", "settings.unknown"),
])
def test_refused_service_changes(key, value, code):
    with pytest.raises(SettingRefused) as refused:
        rules.check_service_change(CR, [], key, value, T0)
    assert refused.value.code == code


def test_the_promised_limit_follows_a_lowered_statutory_limit_and_the_commitment_the_promise():
    lowered = [_change("statutory", "2", 0)]
    with pytest.raises(SettingRefused, match="不得超过法定时限2个工作日"):
        rules.check_service_change(CR, lowered, "promised", "3", T0 + timedelta(hours=1))
    assert rules.check_service_change(CR, lowered, "promised", "3", T0 - timedelta(hours=1)) == "3"
    with pytest.raises(SettingRefused, match="短于现行承诺时限"):
        rules.check_service_change(CR, [_change("promised", "2", 0)], "statutory", "1", T0)
    with pytest.raises(SettingRefused, match="不得超过承诺时限15个工作日"):
        rules.check_service_change(SECURITY, [], "commitment", "16", T0)
    with pytest.raises(SettingRefused, match="短于现行容缺补齐期限"):
        rules.check_service_change(SECURITY, [], "promised", "5", T0)
    assert rules.check_service_change(SECURITY, [], "commitment", "5", T0) == "5"


def test_an_hour_limit_compares_with_a_working_day_ceiling():
    truck = get_service("truck_permit")  # promised 24 hours, statutory 3 working days
    assert rules.check_service_change(truck, [], "promised", "48", T0) == "48"
    with pytest.raises(SettingRefused):
        rules.check_service_change(truck, [], "promised", "73", T0)


def test_unit_settings():
    assert rules.check_unit_change("office_hours", [["08:30", "12:00"], ["14:00", "17:30"]]) == [
        ["08:30", "12:00"], ["14:00", "17:30"]]
    assert rules.check_unit_change("office_hours", [["08:30", "12:00"], ["", ""]]) == [["08:30", "12:00"]]
    for bad in ([["12:00", "09:00"]], [["09:00", "12:00"], ["11:00", "17:00"]], [["9点", "12:00"]], []):
        with pytest.raises(SettingRefused):
            rules.check_unit_change("office_hours", bad)
    assert rules.check_unit_change("weekend_days", ["7", 6]) == [6, 7]
    with pytest.raises(SettingRefused):
        rules.check_unit_change("weekend_days", [3])
    hours = rules.unit_office_hours([_change("office_hours", [["08:00", "12:00"]], 0, target="5", scope=Scope.UNIT)],
                                    5, T0)
    assert hours.hours_per_day == 4
    assert rules.unit_weekend_days([], 5, T0) == frozenset()
