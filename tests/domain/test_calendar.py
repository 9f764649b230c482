"""Working-day calendar and deadline counting (DESIGN.md §3)."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import (
    DEFAULT_OFFICE_HOURS,
    SHANGHAI,
    CalendarOverride,
    Limit,
    LimitUnit,
    OfficeHours,
    WorkCalendar,
    due_at,
    official_schedule_years,
)

CALENDAR = WorkCalendar()
WORKDAYS = LimitUnit.WORKDAYS


def at(year, month, day, hour=0, minute=0, tz=SHANGHAI) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def close_of(year, month, day) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


def days(start: date, end: date):
    """Every date from start to end inclusive."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


# --- the official schedule ------------------------------------------------------------

# Weekend days worked to make up for moved days off (调休补班).
MAKE_UP_DAYS = [
    date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
    date(2025, 10, 11), date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
    date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
]  # fmt: skip

# Weekdays off: statutory holidays and days moved from a weekend.
WEEKDAYS_OFF = [
    date(2025, 1, 1), *days(date(2025, 1, 28), date(2025, 1, 31)),
    date(2025, 2, 3), date(2025, 2, 4), date(2025, 4, 4), date(2025, 5, 1),
    date(2025, 5, 2), date(2025, 5, 5), date(2025, 6, 2),
    *days(date(2025, 10, 1), date(2025, 10, 3)), *days(date(2025, 10, 6), date(2025, 10, 8)),
    date(2026, 1, 1), date(2026, 1, 2), *days(date(2026, 2, 16), date(2026, 2, 20)),
    date(2026, 2, 23), date(2026, 4, 6), date(2026, 5, 1),
    *days(date(2026, 5, 4), date(2026, 5, 5)),
    date(2026, 6, 19), date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2),
    *days(date(2026, 10, 5), date(2026, 10, 7)),
]  # fmt: skip


@pytest.mark.parametrize("day", MAKE_UP_DAYS, ids=str)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert CALENDAR.is_working_day(day)


@pytest.mark.parametrize("day", WEEKDAYS_OFF, ids=str)
def test_holidays_are_not_working_days(day):
    assert day.weekday() < 5
    assert not CALENDAR.is_working_day(day)


def test_whole_2026_golden_weeks_are_off():
    assert not any(CALENDAR.is_working_day(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert not any(CALENDAR.is_working_day(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert CALENDAR.is_working_day(date(2026, 10, 8))


def test_ordinary_weekdays_work_and_weekends_do_not():
    assert CALENDAR.is_working_day(date(2026, 11, 20))  # Friday
    assert not CALENDAR.is_working_day(date(2026, 11, 21))  # Saturday
    assert not CALENDAR.is_working_day(date(2026, 11, 22))  # Sunday


def test_aware_datetimes_are_judged_by_their_shanghai_date():
    # Friday 16:30 UTC is already Saturday in Beijing.
    assert not CALENDAR.is_working_day(datetime(2026, 11, 20, 16, 30, tzinfo=UTC))
    assert CALENDAR.is_working_day(datetime(2026, 11, 20, 15, 59, tzinfo=UTC))


def test_next_working_day():
    assert CALENDAR.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert CALENDAR.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)
    assert CALENDAR.next_working_day(date(2025, 12, 31)) == date(2026, 1, 4)


@pytest.mark.parametrize("year", range(2001, 2027))
def test_agrees_with_the_holidays_package_for_every_official_year(year):
    china = holidays.China(years=year)
    mismatches = [d for d in days(date(year, 1, 1), date(year, 12, 31))
                  if CALENDAR.is_working_day(d) != china.is_working_day(d)]  # fmt: skip
    assert mismatches == []


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_agrees_with_chinese_calendar(year):
    chinese_calendar = pytest.importorskip("chinese_calendar")
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError as error:
        pytest.skip(f"chinese_calendar has no data for {year}: {error}")
    mismatches = [
        d
        for d in days(date(year, 1, 1), date(year, 12, 31))
        if CALENDAR.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert mismatches == []


# --- provisional years ----------------------------------------------------------------


def test_official_years_are_detected_from_the_package():
    years = official_schedule_years()
    assert {2024, 2025, 2026} <= years
    assert not CALENDAR.is_provisional(2026)
    assert CALENDAR.is_provisional(max(years) + 1)


def test_a_year_without_a_published_schedule_is_provisional():
    calendar = WorkCalendar(official_years={2025, 2026})
    assert not calendar.is_provisional(2026)
    assert calendar.is_provisional(2027)
    assert calendar.provisional_years(2025, 2028) == [2027, 2028]
    year_2027 = list(days(date(2027, 1, 1), date(2027, 12, 31)))
    assert not any(calendar.is_working_day(d) for d in year_2027 if d.weekday() >= 5)
    # Statutory holidays still count: New Year, Spring Festival (lunar), National Day.
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert not calendar.is_working_day(date(2027, 2, 8))
    assert not calendar.is_working_day(date(2027, 10, 1))
    assert calendar.is_working_day(date(2027, 11, 19))


def test_a_provisional_year_ignores_schedule_data_even_when_the_package_has_it():
    calendar = WorkCalendar(official_years={2025})
    assert calendar.is_provisional(2026)
    assert not calendar.is_working_day(date(2026, 2, 14))  # no make-up Saturday
    assert calendar.is_working_day(date(2026, 2, 20))  # no day moved from a weekend
    assert not calendar.is_working_day(date(2026, 2, 17))  # Spring Festival stays
    assert not calendar.is_working_day(date(2026, 10, 5))  # National Day on Saturday, observed


def test_loading_the_schedule_changes_deadlines_in_a_provisional_year():
    start = at(2026, 2, 13, 10)
    provisional = WorkCalendar(official_years={2025})
    # Provisionally only the statutory days (New Year's Eve + 3) are off.
    assert due_at(start, Limit(1, WORKDAYS), calendar=provisional) == close_of(2026, 2, 20)
    assert due_at(start, Limit(1, WORKDAYS), calendar=CALENDAR) == close_of(2026, 2, 14)


# --- working days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (at(2026, 11, 20, 10), 5, close_of(2026, 11, 27)),  # Friday: the event day not counted
        (at(2026, 11, 20, 23, 59), 1, close_of(2026, 11, 23)),
        (at(2026, 9, 28, 16), 5, close_of(2026, 10, 10)),  # across National Day to a make-up Sat
        (at(2026, 9, 30, 9), 1, close_of(2026, 10, 8)),
        (at(2026, 10, 3, 11), 1, close_of(2026, 10, 8)),  # filed on a holiday
        (at(2026, 10, 3, 11), 3, close_of(2026, 10, 10)),
        (at(2026, 2, 13, 10), 2, close_of(2026, 2, 24)),  # Spring Festival
        (at(2025, 12, 31, 15), 1, close_of(2026, 1, 4)),  # New Year, make-up Sunday
        (at(2026, 11, 20, 10), 20, close_of(2026, 12, 18)),
        (at(2026, 11, 20, 10), 0, close_of(2026, 11, 20)),  # on the spot
        # 00:30 in Beijing on Friday, given in UTC.
        (datetime(2026, 11, 19, 16, 30, tzinfo=UTC), 5, close_of(2026, 11, 27)),
    ],
)
def test_add_working_days(start, n, due):
    result = due_at(start, Limit(n, WORKDAYS), calendar=CALENDAR)
    assert result == due
    assert result.tzinfo is SHANGHAI
    assert result.isoformat() == due.isoformat()


def test_the_reference_example_prints_with_offset():
    due = due_at(at(2026, 11, 20, 10), Limit(5, WORKDAYS), calendar=CALENDAR)
    assert due.isoformat() == "2026-11-27T23:59:59+08:00"


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        CALENDAR.add_working_days(at(2026, 11, 20), -1)
    with pytest.raises(ValueError):
        Limit(-1, WORKDAYS)


def test_working_days_between_and_left():
    start, due = at(2026, 11, 20, 10), close_of(2026, 11, 27)
    assert CALENDAR.working_days_between(start, due) == 5
    assert CALENDAR.working_days_between(due, start) == -5
    assert CALENDAR.working_days_between(start, at(2026, 11, 20, 18)) == 0
    assert CALENDAR.working_days_between(at(2025, 12, 31), at(2026, 1, 5)) == 2
    assert CALENDAR.working_days_between(at(2024, 6, 3), at(2026, 6, 3)) == sum(
        CALENDAR.is_working_day(d) for d in days(date(2024, 6, 4), date(2026, 6, 3))
    )
    assert CALENDAR.working_days_left(start, due) == 5
    assert CALENDAR.working_days_left(at(2026, 11, 26, 16), due) == 1
    assert CALENDAR.working_days_left(at(2026, 11, 27, 9), due) == 0
    assert CALENDAR.working_days_left(at(2026, 11, 28, 9), due) == 0


# --- working hours --------------------------------------------------------------------

HALF_DAY = Limit(Decimal("0.5"), WORKDAYS)


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # 0.5 working day = 3.5 hours: 11:00–12:00, then 13:00–15:30.
        (at(2026, 11, 20, 11), HALF_DAY, at(2026, 11, 20, 15, 30)),
        # Friday 16:00–17:00, then Monday 09:00–11:30.
        (at(2026, 11, 20, 16), HALF_DAY, at(2026, 11, 23, 11, 30)),
        (at(2026, 11, 20, 8), HALF_DAY, at(2026, 11, 20, 13, 30)),  # before opening
        (at(2026, 11, 20, 12, 30), Limit(1, "workhours"), at(2026, 11, 20, 14)),  # lunch
        (at(2026, 11, 20, 8), Limit(3, "workhours"), at(2026, 11, 20, 12)),  # ends at a close
        (at(2026, 11, 20, 17), Limit(1, "workhours"), at(2026, 11, 23, 10)),  # at closing
        (at(2026, 11, 21, 10), Limit(1, "workhours"), at(2026, 11, 23, 10)),  # on a Saturday
        (at(2026, 2, 14, 9), Limit(2, "workhours"), at(2026, 2, 14, 11)),  # make-up Saturday
        (at(2026, 9, 30, 17, 30), Limit(1, "workhours"), at(2026, 10, 8, 10)),
        (at(2026, 11, 23, 9), Limit(14, "workhours"), at(2026, 11, 24, 17)),  # two full days
        (at(2026, 11, 23, 9), Limit(20, "workhours"), at(2026, 11, 25, 16)),
        (at(2026, 11, 23, 9), Limit("1.5", WORKDAYS), at(2026, 11, 24, 13, 30)),  # 10.5 hours
        (at(2026, 11, 23, 10, 15), Limit(0, "workhours"), at(2026, 11, 23, 10, 15)),
        # 11:00 Beijing, given in UTC.
        (datetime(2026, 11, 20, 3, tzinfo=UTC), HALF_DAY, at(2026, 11, 20, 15, 30)),
    ],
)
def test_working_hours(start, limit, due):
    result = due_at(start, limit, calendar=CALENDAR)
    assert result == due
    assert result.utcoffset() == timedelta(hours=8)


def test_working_hours_follow_the_given_office_hours():
    office = OfficeHours(((time(8, 30), time(12)), (time(14, 30), time(17, 30))))
    assert office.hours_per_day == Decimal("6.5")
    # 0.5 day = 3.25 hours: 11:00–12:00, then 14:30–16:45.
    due = due_at(at(2026, 11, 20, 11), HALF_DAY, calendar=CALENDAR, office_hours=office)
    assert due == at(2026, 11, 20, 16, 45)


def test_default_office_hours():
    assert DEFAULT_OFFICE_HOURS.hours_per_day == Decimal(7)
    assert DEFAULT_OFFICE_HOURS.sessions == ((time(9), time(12)), (time(13), time(17)))


@pytest.mark.parametrize(
    "sessions",
    [
        (),
        ((time(12), time(9)),),
        ((time(9), time(12)), (time(11), time(17))),
        ((time(13), time(17)), (time(9), time(12))),
    ],
)
def test_bad_office_hours_are_refused(sessions):
    with pytest.raises(ValueError):
        OfficeHours(sessions)


# --- natural time ---------------------------------------------------------------------


def test_natural_days_end_at_the_close_of_the_nth_day():
    due = due_at(at(2026, 1, 31, 10), Limit(30, "days"), calendar=CALENDAR)
    assert due == close_of(2026, 3, 2)
    assert due_at(at(2026, 10, 1, 23, 59), Limit(1, "days"), calendar=CALENDAR) == close_of(
        2026, 10, 2
    )


def test_natural_hours_count_every_hour():
    due = due_at(at(2026, 10, 1, 10), Limit(24, "hours"), calendar=CALENDAR)
    assert due == at(2026, 10, 2, 10)
    utc = due_at(datetime(2026, 10, 1, 20, tzinfo=UTC), Limit("1.5", "hours"), calendar=CALENDAR)
    assert utc.isoformat() == "2026-10-02T05:30:00+08:00"


def test_fractional_natural_days_count_as_hours():
    due = due_at(at(2026, 10, 1, 10), Limit("0.5", "days"), calendar=CALENDAR)
    assert due == at(2026, 10, 1, 22)


@pytest.mark.parametrize("unit", list(LimitUnit))
def test_naive_datetimes_are_refused(unit):
    with pytest.raises(ValueError):
        due_at(datetime(2026, 11, 20, 10), Limit(1, unit), calendar=CALENDAR)


def test_naive_datetimes_are_refused_everywhere():
    naive = datetime(2026, 11, 20, 10)
    with pytest.raises(ValueError):
        CALENDAR.working_days_between(naive, at(2026, 11, 27))
    with pytest.raises(ValueError):
        CALENDAR.working_days_left(at(2026, 11, 20), naive)
    with pytest.raises(ValueError):
        CALENDAR.is_working_day(naive)


# --- overrides ------------------------------------------------------------------------


def test_an_extra_holiday_shifts_a_deadline():
    extra = CalendarOverride(date(2026, 11, 24), is_working_day=False, reason="地方停电停工")
    calendar = WorkCalendar([extra])
    assert not calendar.is_working_day(date(2026, 11, 24))
    assert due_at(at(2026, 11, 20, 10), Limit(5, WORKDAYS), calendar=calendar) == close_of(
        2026, 11, 30
    )


def test_an_extra_working_day_shortens_a_deadline():
    extra = CalendarOverride(date(2026, 11, 21), is_working_day=True, reason="集中办理日")
    calendar = WorkCalendar([extra])
    assert due_at(at(2026, 11, 20, 10), Limit(5, WORKDAYS), calendar=calendar) == close_of(
        2026, 11, 26
    )
    assert due_at(at(2026, 11, 21, 16), HALF_DAY, calendar=calendar) == at(2026, 11, 23, 11, 30)


def test_a_regional_override_applies_only_to_its_region():
    override = CalendarOverride(date(2026, 11, 24), False, "本地节日", region="410100")
    zhengzhou = WorkCalendar([override], region="410100")
    beijing = WorkCalendar([override], region="110100")
    everywhere = WorkCalendar([override])
    assert not zhengzhou.is_working_day(date(2026, 11, 24))
    assert beijing.is_working_day(date(2026, 11, 24))
    assert everywhere.is_working_day(date(2026, 11, 24))


def test_a_regional_override_wins_over_a_national_one_for_the_same_day():
    regional = CalendarOverride(date(2026, 11, 24), True, "本地照常上班", region="410100")
    national = CalendarOverride(date(2026, 11, 24), False, "全国调整")
    calendar = WorkCalendar([regional, national], region="410100")
    assert calendar.is_working_day(date(2026, 11, 24))
    assert not WorkCalendar([regional, national]).is_working_day(date(2026, 11, 24))


def test_an_override_can_restore_an_official_holiday_as_working_day():
    calendar = WorkCalendar([CalendarOverride(date(2026, 10, 7), True, "值班")])
    assert calendar.is_working_day(date(2026, 10, 7))
    assert calendar.next_working_day(date(2026, 9, 30)) == date(2026, 10, 7)


# --- limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "zh", "en"),
    [
        (Limit(Decimal(5), WORKDAYS), "5个工作日", "5 working days"),
        (Limit(Decimal(1), WORKDAYS), "1个工作日", "1 working day"),
        (Limit(Decimal("0.5"), WORKDAYS), "0.5个工作日", "0.5 working days"),
        (Limit(Decimal("4.00"), LimitUnit.WORKHOURS), "4个工作小时", "4 working hours"),
        (Limit(Decimal(24), LimitUnit.HOURS), "24小时", "24 hours"),
        (Limit(Decimal(30), LimitUnit.DAYS), "30日", "30 days"),
        (Limit(Decimal(10), LimitUnit.DAYS), "10日", "10 days"),
    ],
)
def test_limit_descriptions(limit, zh, en):
    assert limit.describe_zh() == zh
    assert limit.describe_en() == en


def test_limits_coerce_their_fields():
    assert Limit(5, "workdays") == Limit(Decimal(5), LimitUnit.WORKDAYS)
    assert Limit(0.1, "hours").amount == Decimal("0.1")
    assert LimitUnit("workhours") is LimitUnit.WORKHOURS
    with pytest.raises(ValueError):
        Limit(1, "weeks")
    with pytest.raises(ValueError):
        Limit(Decimal("NaN"), "days")


# --- properties -----------------------------------------------------------------------

ZONES = st.sampled_from([SHANGHAI, UTC, timezone(timedelta(hours=-5))])
STARTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=ZONES
)


def count_working_days_after(start: date, end: date) -> int:
    """Working days in (start, end], one day at a time (the slow, obvious way)."""
    return sum(CALENDAR.is_working_day(d) for d in days(start + timedelta(days=1), end))


@settings(max_examples=300)
@given(start=STARTS, n=st.integers(min_value=1, max_value=60))
def test_working_day_deadlines(start, n):
    due = due_at(start, Limit(n, WORKDAYS), calendar=CALENDAR)
    assert due.tzinfo is SHANGHAI
    assert due.time() == time(23, 59, 59)
    assert CALENDAR.is_working_day(due.date())
    assert due > start
    local_start = start.astimezone(SHANGHAI).date()
    assert count_working_days_after(local_start, due.date()) == n
    assert CALENDAR.working_days_between(start, due) == n
    assert due_at(start, Limit(n + 1, WORKDAYS), calendar=CALENDAR) > due


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Office time between two instants, one day and session at a time."""
    start, end = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    total = timedelta()
    for day in days(start.date(), end.date()):
        if not CALENDAR.is_working_day(day):
            continue
        for opens, closes in DEFAULT_OFFICE_HOURS.sessions:
            lo = max(start, datetime.combine(day, opens, tzinfo=SHANGHAI))
            hi = min(end, datetime.combine(day, closes, tzinfo=SHANGHAI))
            total += max(hi - lo, timedelta())
    return total


def is_inside_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(SHANGHAI)
    if not CALENDAR.is_working_day(local.date()):
        return False
    # Strictly after an opening (some time was used), at most at its close.
    return any(opens < local.time() <= closes for opens, closes in DEFAULT_OFFICE_HOURS.sessions)


@settings(max_examples=300)
@given(
    start=STARTS,
    hundredths=st.integers(min_value=1, max_value=100 * 100),
)
def test_working_hour_deadlines(start, hundredths):
    hours = Decimal(hundredths) / 100
    due = CALENDAR.add_working_hours(start, hours)
    assert due.tzinfo is SHANGHAI
    assert due > start
    assert is_inside_office_hours(due)
    assert working_time_between(start, due) == timedelta(hours=1) * hundredths / 100
    later = CALENDAR.add_working_hours(start, hours + Decimal("0.01"))
    assert later > due


@given(start=STARTS, n=st.integers(min_value=0, max_value=400))
def test_natural_days_and_hours(start, n):
    due_days = due_at(start, Limit(n, "days"), calendar=CALENDAR)
    assert due_days.time() == time(23, 59, 59)
    assert due_days.date() - start.astimezone(SHANGHAI).date() == timedelta(days=n)
    due_hours = due_at(start, Limit(n, "hours"), calendar=CALENDAR)
    assert due_hours - start == timedelta(hours=n)
    assert due_hours.utcoffset() == timedelta(hours=8)


@given(
    first=STARTS,
    second=STARTS,
)
def test_working_days_between_is_antisymmetric_and_matches_counting(first, second):
    forward = CALENDAR.working_days_between(first, second)
    assert forward == -CALENDAR.working_days_between(second, first)
    a, b = sorted([first.astimezone(SHANGHAI).date(), second.astimezone(SHANGHAI).date()])
    assert abs(forward) == count_working_days_after(a, b)
