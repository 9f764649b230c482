"""Working days and deadlines for mainland China (工作日与办理时限).

The official calendar comes from the ``holidays`` package, which carries the State
Council's yearly schedule (国务院办公厅部分节假日安排): public holidays, days off
moved from a weekend (调休) and the weekend days worked to make up for them
(补班). Admins add local overrides on top (an extra holiday, an extra working
day), optionally for one region only.

Counting follows DESIGN.md §3: the day of the triggering event is not counted; a
limit of N working days ends at the close (23:59:59, Asia/Shanghai) of the Nth
working day after it; working hours run only inside office sessions on working
days; natural days and hours count everything.

Nothing here reads the clock: callers pass ``start``/``now``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)

_MICROSECONDS_PER_HOUR = 3_600_000_000


# --- Limits (时限) -------------------------------------------------------------------


class LimitUnit(str, Enum):
    """How a limit is counted."""

    WORKDAYS = "workdays"  # 工作日
    WORKHOURS = "workhours"  # 工作小时 (inside office hours)
    DAYS = "days"  # 自然日
    HOURS = "hours"  # 小时 (natural)


def _format_amount(amount: Decimal) -> str:
    # normalize() alone would print 10 as "1E+1".
    return format(amount.normalize(), "f")


@dataclass(frozen=True)
class Limit:
    """A time limit from the catalogue, e.g. ``Limit(Decimal("0.5"), LimitUnit.WORKDAYS)``.

    ``amount`` and ``unit`` are coerced, so ``Limit(5, "workdays")`` also works.
    """

    amount: Decimal
    unit: LimitUnit

    def __post_init__(self) -> None:
        amount = self.amount
        if isinstance(amount, float):
            amount = str(amount)  # 0.1 rather than its binary approximation
        amount = Decimal(amount)
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"a limit must be a finite, non-negative amount, not {amount}")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "unit", LimitUnit(self.unit))

    @property
    def counted_from_next_day(self) -> bool:
        """Whole working days and whole natural days start the day after the event (the day
        itself is not counted, 不含当日); hours, and part of a working day, start at once."""
        whole = self.amount == self.amount.to_integral_value()
        return whole and self.unit in (LimitUnit.WORKDAYS, LimitUnit.DAYS)

    def describe_zh(self) -> str:
        """``5个工作日``, ``0.5个工作日``, ``4个工作小时``, ``30日``, ``24小时``."""
        amount = _format_amount(self.amount)
        return {
            LimitUnit.WORKDAYS: f"{amount}个工作日",
            LimitUnit.WORKHOURS: f"{amount}个工作小时",
            LimitUnit.DAYS: f"{amount}日",
            LimitUnit.HOURS: f"{amount}小时",
        }[self.unit]

    def describe_en(self) -> str:
        """``5 working days``, ``1 working day``, ``30 days``, ``24 hours``."""
        noun = {
            LimitUnit.WORKDAYS: "working day",
            LimitUnit.WORKHOURS: "working hour",
            LimitUnit.DAYS: "day",
            LimitUnit.HOURS: "hour",
        }[self.unit]
        plural = "" if self.amount == 1 else "s"
        return f"{_format_amount(self.amount)} {noun}{plural}"


# --- Office hours (办公时间) -----------------------------------------------------------


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@dataclass(frozen=True)
class OfficeHours:
    """Sessions of a working day in local time; default 09:00–12:00 and 13:00–17:00."""

    sessions: tuple[tuple[time, time], ...] = (
        (time(9), time(12)),
        (time(13), time(17)),
    )

    def __post_init__(self) -> None:
        sessions = tuple((start, end) for start, end in self.sessions)
        if not sessions:
            raise ValueError("office hours need at least one session")
        previous_end = time(0)
        for start, end in sessions:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("office hours are local wall-clock times, without tzinfo")
            if not previous_end <= start < end:
                raise ValueError("office sessions must be in order, non-empty and not overlap")
            previous_end = end
        object.__setattr__(self, "sessions", sessions)

    @property
    def seconds_per_day(self) -> int:
        return sum(_seconds(end) - _seconds(start) for start, end in self.sessions)

    @property
    def hours_per_day(self) -> Decimal:
        """Working hours in one working day (7 for the default)."""
        return Decimal(self.seconds_per_day) / Decimal(3600)


DEFAULT_OFFICE_HOURS = OfficeHours()


# --- The calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarOverride:
    """An admin's local change to one day: an extra holiday or an extra working day.

    ``region`` None applies everywhere; otherwise only to a calendar built for
    that region.
    """

    day: date
    is_working_day: bool
    reason: str
    region: str | None = None


@lru_cache(maxsize=1)
def official_schedule_years() -> frozenset[int]:
    """Years for which the installed ``holidays`` package carries the State
    Council's published schedule.

    The package has no explicit flag. Its China class computes the statutory
    holidays (fixed-date and lunar, with weekend ones observed on the next
    working day) for any year, but the per-year notice — days off moved from a
    weekend and the make-up working days — lives only in the
    ``special_public_holidays`` table, keyed by year (2001 … 2026 in 0.108). A
    year without an entry there is not yet published.
    """
    china = holidays.China()
    return frozenset(getattr(china, "special_public_holidays", {}))


@lru_cache(maxsize=512)
def _package_year(year: int, official: bool) -> tuple[frozenset[date], frozenset[date]]:
    """(weekdays off, weekend days worked) for one year, from ``holidays``.

    A provisional year is computed with the per-year schedule table emptied, so
    it holds only the statutory holidays and no make-up days, whatever the
    package happens to know.
    """
    china = holidays.China()
    if official:
        china.get(date(year, 1, 1))  # populates the year
        make_up = {day for day in china.weekend_workdays if day.year == year}
    else:
        china.special_public_holidays = {}
        china.special_public_holidays_observed = {}
        china.weekend_workdays = set()
        china.get(date(year, 1, 1))
        make_up = set()
    days_off = {day for day in china if day.year == year and day.weekday() < 5}
    return frozenset(days_off), frozenset(make_up)


@dataclass(frozen=True)
class _Year:
    """Precomputed working days of one year: a flag per day and the sorted ordinals."""

    first_ordinal: int
    flags: bytes  # flags[ordinal - first_ordinal] == 1 on a working day
    working: tuple[int, ...] = field(repr=False)


class WorkCalendar:
    """Which days are working days (工作日), and counting over them.

    Each year is computed once on first use and kept; lookups are a dict access
    and a bisect, so deadlines can be computed many thousands of times a second.
    """

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        *,
        region: str | None = None,
        official_years: Collection[int] | None = None,
    ) -> None:
        self.region = region
        self.official_years = frozenset(
            official_schedule_years() if official_years is None else official_years
        )
        # National overrides first, so a regional one for the same day wins.
        applicable = [o for o in overrides if o.region is None or o.region == region]
        applicable.sort(key=lambda o: o.region is not None)
        self.overrides: dict[date, CalendarOverride] = {o.day: o for o in applicable}
        self._years: dict[int, _Year] = {}

    # -- days ------------------------------------------------------------------

    def is_provisional(self, year: int) -> bool:
        """True when the year's official schedule is not published (or not loaded):
        its working days are estimated and deadlines in it must be recomputed
        once the schedule arrives."""
        return year not in self.official_years

    def provisional_years(self, start_year: int, end_year: int) -> list[int]:
        """The provisional years in ``start_year … end_year`` (inclusive)."""
        return [year for year in range(start_year, end_year + 1) if self.is_provisional(year)]

    def is_working_day(self, day: date) -> bool:
        """Override first; then a make-up weekend day works, a holiday does not,
        otherwise Monday to Friday."""
        ordinal = _local_date(day).toordinal()
        year = self._year(date.fromordinal(ordinal).year)
        return year.flags[ordinal - year.first_ordinal] == 1

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return date.fromordinal(self._nth_working_day_after(_local_date(day).toordinal(), 1))

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        days_off, make_up = _package_year(year, not self.is_provisional(year))
        first = date(year, 1, 1).toordinal()
        length = date(year, 12, 31).toordinal() - first + 1
        flags = bytearray(length)
        for offset in range(length):
            day = date.fromordinal(first + offset)
            if day.weekday() >= 5:
                flags[offset] = day in make_up
            else:
                flags[offset] = day not in days_off
        for day, override in self.overrides.items():
            if day.year == year:
                flags[day.toordinal() - first] = override.is_working_day
        working = tuple(first + offset for offset, flag in enumerate(flags) if flag)
        return _Year(first_ordinal=first, flags=bytes(flags), working=working)

    def _nth_working_day_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the nth working day strictly after ``ordinal`` (n >= 1)."""
        year_number = date.fromordinal(ordinal).year
        year = self._year(year_number)
        index = bisect_right(year.working, ordinal) + n - 1
        while index >= len(year.working):
            index -= len(year.working)
            year_number += 1
            year = self._year(year_number)
        return year.working[index]

    def _count_after_until(self, first: int, last: int) -> int:
        """Working days in (first, last], as date ordinals; first <= last."""
        first_year_number = date.fromordinal(first).year
        last_year_number = date.fromordinal(last).year
        first_year = self._year(first_year_number)
        if first_year_number == last_year_number:
            return bisect_right(first_year.working, last) - bisect_right(first_year.working, first)
        count = len(first_year.working) - bisect_right(first_year.working, first)
        for year_number in range(first_year_number + 1, last_year_number):
            count += len(self._year(year_number).working)
        return count + bisect_right(self._year(last_year_number).working, last)

    # -- counting ----------------------------------------------------------------

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Close of the nth working day after the day of ``start``.

        The event's own day never counts, even when it is a working day. ``n = 0``
        (on the spot, 即办) gives the close of the event's own day.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = _to_local(start).date()
        if n > 0:
            day = date.fromordinal(self._nth_working_day_after(day.toordinal(), n))
        return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)

    def add_working_hours(
        self,
        start: datetime,
        hours: Decimal,
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    ) -> datetime:
        """The instant the last of ``hours`` working hours is used up.

        Time runs only inside office sessions on working days; a start outside
        them begins at the next opening. A limit that ends exactly at a session's
        close returns that close, not the next opening.
        """
        remaining = _microseconds(hours)
        cursor = _to_local(start)
        if remaining == 0:
            return cursor
        per_day = office_hours.seconds_per_day * 1_000_000
        day = cursor.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
            cursor = datetime.combine(day, time(0), tzinfo=SHANGHAI)
        while True:
            for session_start, session_end in office_hours.sessions:
                opens = datetime.combine(day, session_start, tzinfo=SHANGHAI)
                closes = datetime.combine(day, session_end, tzinfo=SHANGHAI)
                if cursor >= closes:
                    continue
                begin = max(cursor, opens)
                available = (closes - begin) // timedelta(microseconds=1)
                if remaining <= available:
                    return begin + timedelta(microseconds=remaining)
                remaining -= available
            # Jump over whole days at once, keeping some time for the last day so
            # that a limit ending at the close of a day ends on that day.
            whole_days = (remaining - 1) // per_day
            remaining -= whole_days * per_day
            day = date.fromordinal(self._nth_working_day_after(day.toordinal(), whole_days + 1))
            cursor = datetime.combine(day, time(0), tzinfo=SHANGHAI)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days in (start's day, end's day], local dates: how many working
        days have elapsed (for statistics). Negative if ``end`` is before ``start``."""
        first = _to_local(start).date().toordinal()
        last = _to_local(end).date().toordinal()
        if last < first:
            return -self._count_after_until(last, first)
        return self._count_after_until(first, last)

    def working_hours_between(
        self,
        start: datetime,
        end: datetime,
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    ) -> Decimal:
        """Working time inside office sessions on working days between two instants,
        in hours (0 if ``end`` is not after ``start``): how much of a working-hour
        limit a suspension took, so that it can be given back."""
        begin, finish = _to_local(start), _to_local(end)
        if finish <= begin:
            return Decimal(0)
        total = timedelta(0)
        day = begin.date()
        while day <= finish.date():
            if self.is_working_day(day):
                for session_start, session_end in office_hours.sessions:
                    opens = max(begin, datetime.combine(day, session_start, tzinfo=SHANGHAI))
                    closes = min(finish, datetime.combine(day, session_end, tzinfo=SHANGHAI))
                    if closes > opens:
                        total += closes - opens
            day = self.next_working_day(day)
        return Decimal(total // timedelta(microseconds=1)) / Decimal(_MICROSECONDS_PER_HOUR)

    def working_days_left(self, now: datetime, due: datetime) -> int:
        """Working days after today up to the due day ("还剩N个工作日"); 0 on the
        due day itself and once overdue."""
        if _to_local(now) >= _to_local(due):
            return 0
        return self.working_days_between(now, due)


# --- One entry point ----------------------------------------------------------------


def due_at(
    start: datetime,
    limit: Limit,
    *,
    calendar: WorkCalendar,
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
) -> datetime:
    """When a limit that started at ``start`` runs out, aware in Asia/Shanghai.

    Whole working days end at 23:59:59 of the last day; a fractional number of
    working days (0.5 个工作日) is converted to working hours by the office's
    hours per day. Natural days end at 23:59:59 of the Nth calendar day after;
    a fractional number of natural days counts as 24 hours each.
    """
    local = _to_local(start)
    amount = limit.amount
    if limit.unit is LimitUnit.WORKDAYS:
        if limit.counted_from_next_day:
            return calendar.add_working_days(local, int(amount))
        return calendar.add_working_hours(local, amount * office_hours.hours_per_day, office_hours)
    if limit.unit is LimitUnit.WORKHOURS:
        return calendar.add_working_hours(local, amount, office_hours)
    if limit.unit is LimitUnit.DAYS and limit.counted_from_next_day:
        return datetime.combine(
            local.date() + timedelta(days=int(amount)), END_OF_DAY, tzinfo=SHANGHAI
        )
    hours = amount * 24 if limit.unit is LimitUnit.DAYS else amount
    # Natural time is absolute time: add it in UTC.
    elapsed = timedelta(microseconds=_microseconds(hours))
    return (local.astimezone(UTC) + elapsed).astimezone(SHANGHAI)


# --- helpers -------------------------------------------------------------------------


def _to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(SHANGHAI)


def _local_date(day: date) -> date:
    if isinstance(day, datetime):
        return _to_local(day).date()
    return day


def _microseconds(hours: Decimal | int | str) -> int:
    value = Decimal(hours)
    if not value.is_finite() or value < 0:
        raise ValueError("hours must be a finite, non-negative amount")
    return int((value * _MICROSECONDS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_UP))
