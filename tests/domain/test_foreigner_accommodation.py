"""境外人员住宿登记: every rule that can refuse a report, and the 24-hour boundary of the late
flag (出境入境管理法第三十九条: natural hours counted continuously from the arrival itself)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import SHANGHAI, LimitUnit, WorkCalendar
from app.domain.catalogue import foreigner_accommodation as rules
from app.domain.catalogue.base import RuleViolation
from app.domain.catalogue.schema import InvalidFiling, validate

CAL = WorkCalendar()
NOW = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)

GOOD = {"filer_role": "foreigner", "foreigner_name": "SMITH JOHN", "nationality": "USA",
        "passport_number": "E12345678", "visa_type": "Z", "arrived_at": "2026-11-16T08:00:00+08:00",
        "region_code": "411002", "address": "五一路88号", "expected_departure": "2026-12-01",
        "host_name": "李明", "host_relation": "landlord"}


def codes(data) -> set[str]:
    try:
        validate(rules.FILING, data)
    except InvalidFiling as invalid:
        return {error.code for error in invalid.errors}
    return set()


def test_the_report_limit_is_24_natural_hours_from_the_arrival_itself():
    assert rules.REPORT_LIMIT.unit is LimitUnit.HOURS and rules.REPORT_LIMIT.amount == 24
    assert not rules.REPORT_LIMIT.counted_from_next_day  # hours start at once, not the next day
    # Across a weekend and the night: natural time, not office hours.
    friday_night = datetime(2026, 11, 20, 23, 30, tzinfo=SHANGHAI)
    assert rules.report_due_at(friday_night, calendar=CAL) == datetime(2026, 11, 21, 23, 30, tzinfo=SHANGHAI)


def test_a_good_report_passes_the_schema():
    assert codes(GOOD) == set()


def test_arrival_in_the_future_is_refused():
    with pytest.raises(RuleViolation) as refused:
        rules.check_arrival(NOW + timedelta(minutes=1), now=NOW)
    assert refused.value.code == "arrival.future" and refused.value.field == "arrived_at"
    rules.check_arrival(NOW, now=NOW)  # arriving this minute is not the future


def test_departure_before_the_day_of_arrival_is_refused():
    arrived = datetime(2026, 11, 16, 0, 30, tzinfo=SHANGHAI)  # 2026-11-15 16:30 UTC: the local day counts
    with pytest.raises(RuleViolation) as refused:
        rules.check_departure(date(2026, 11, 15), arrived)
    assert refused.value.code == "departure.before_arrival"
    rules.check_departure(date(2026, 11, 16), arrived)  # leaving the same day is allowed
    assert "departure.before_arrival" in codes({**GOOD, "expected_departure": "2026-11-15"})


@pytest.mark.parametrize("number", ["AB", "E1234", "ABCDEFGH", "E12345678901234567", "E123-4567", "护照123456"])
def test_a_passport_number_of_the_wrong_shape_is_refused(number):
    if number == "E1234":
        assert rules.check_passport_number(number) == "E1234"  # five characters are enough
        return
    with pytest.raises(RuleViolation) as refused:
        rules.check_passport_number(number)
    assert refused.value.code == "passport.shape"
    assert "passport.shape" in codes({**GOOD, "passport_number": number[:20]})


def test_a_passport_number_is_kept_as_printed():
    assert rules.check_passport_number(" e1234 5678 ") == "E12345678"


@pytest.mark.parametrize(("value", "code"), [("US", "nationality.shape"), ("U1A", "nationality.shape"),
                                             ("CHN", "nationality.chinese")])
def test_a_nationality_that_is_no_code_or_chinese_is_refused(value, code):
    with pytest.raises(RuleViolation) as refused:
        rules.check_nationality(value)
    assert refused.value.code == code
    assert code in codes({**GOOD, "nationality": value})


def test_a_time_without_offset_is_beijing_time():
    model = validate(rules.FILING, {**GOOD, "arrived_at": "2026-11-16T08:00"})
    assert model.arrived_at == datetime(2026, 11, 16, 0, 0, tzinfo=UTC)


def test_unknown_choices_are_refused():
    assert codes({**GOOD, "visa_type": "XX"}) and codes({**GOOD, "region_code": "110101"})
    assert codes({**GOOD, "host_relation": "spouse"}) and codes({**GOOD, "filer_role": "hotel"})


arrivals = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(SHANGHAI))


@given(arrived=arrivals, offset=st.integers(min_value=-3 * 86_400_000_000, max_value=3 * 86_400_000_000))
def test_late_exactly_when_filed_after_arrival_plus_24_hours(arrived, offset):
    """Late iff the filing comes after arrival + 24 h, to the microsecond; in time at the instant."""
    filed = arrived + timedelta(hours=24) + timedelta(microseconds=offset)
    assert rules.is_late(arrived, filed, calendar=CAL) == (offset > 0)
    assert (rules.hours_late(arrived, filed, calendar=CAL) > 0) == (offset > 0)


@given(arrived=arrivals, seconds=st.integers(min_value=1, max_value=10 * 86_400))
def test_hours_late_counts_each_hour_begun(arrived, seconds):
    filed = arrived + timedelta(hours=24, seconds=seconds)
    assert rules.hours_late(arrived, filed, calendar=CAL) == -(-seconds // 3600)


@given(arrived=arrivals)
def test_the_boundary_itself(arrived):
    due = arrived + timedelta(hours=24)
    assert rules.report_due_at(arrived, calendar=CAL) == due
    assert not rules.is_late(arrived, due, calendar=CAL)
    assert rules.is_late(arrived, due + timedelta(microseconds=1), calendar=CAL)
