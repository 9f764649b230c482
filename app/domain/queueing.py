"""Window tickets and appointments (排队叫号、网上预约): the rules, with no Flask or SQLAlchemy.

Seed 002 asks for "排号系统" and "网上预约" at the police service windows. The rules here:

- **Slots.** A unit's working day is cut into slots of ``slot_minutes`` inside the office
  sessions (default 09:00–12:00 and 13:00–17:00): a slot never straddles the lunch break.
  A slot can be booked when it starts after *now*, falls on a working day of the unit's
  calendar (holidays refused, make-up weekend days 调休 allowed) and is at most
  ``booking_days_ahead`` calendar days away. Each slot has ``slot_capacity`` seats.
- **Booking codes.** 8 characters from a 31-letter alphabet without look-alikes (no 0/O,
  1/I/L): about 8.5 × 10¹¹ codes, drawn with ``secrets``; short enough to type at a kiosk.
- **Check-in.** Only on the slot's day, from ``checkin_early_minutes`` before the slot to
  ``checkin_late_minutes`` after it. Later, the appointment is gone: take a walk-in ticket.
- **Calling order** (``order_queue``), one window serves every service (一窗通办):

  1. appointments *on time* whose slot has come, by slot then check-in time;
  2. priority tickets (老年人优先, 65+, claimed at the kiosk and checked by the hall staff),
     by arrival;
  3. walk-ins, by arrival;
  4. appointments on time whose slot has not come yet: they wait for their slot, but an idle
     window does not wait for them (called only when nobody else is waiting).

  *On time* means checked in no later than ``late_grace_minutes`` after the slot start. A
  **late** appointment (checked in after that, still inside the check-in window) keeps its
  ticket but loses its precedence: it queues with the walk-ins (or the priority tickets, for
  an elderly person) by its check-in time — it never overtakes anyone who arrived before it.
- **Recall** of the ticket at the window: not within ``recall_cooldown_seconds`` of the last
  call; the same cooldown must pass after a call before a no-show can be recorded.
- **Estimated wait**: the service minutes of everyone ahead, shared by the open windows, plus
  the appointments whose slot comes before that (they will overtake); for an appointment that
  is early, never less than the time left to its slot.

Nothing here reads the clock: callers pass ``now`` (aware datetimes).
"""
from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from app.domain.calendar import DEFAULT_OFFICE_HOURS, OfficeHours

SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- Settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HallRules:
    """A unit's hall settings (stored per unit; these are the defaults)."""

    windows: int = 4  # numbered windows 1..windows
    slot_minutes: int = 30
    slot_capacity: int = 3  # seats per slot
    booking_days_ahead: int = 14  # calendar days, today included as day 0
    checkin_early_minutes: int = 30
    checkin_late_minutes: int = 15
    late_grace_minutes: int = 5  # after the slot start: still "on time"
    recall_cooldown_seconds: int = 30
    default_service_minutes: int = 15
    service_minutes: Mapping[str, int] = field(default_factory=dict)
    # Tickets are issued from this long before the first office session until the last one ends.
    tickets_open_minutes_before: int = 30
    max_active_appointments: int = 3  # upcoming bookings per applicant

    def __post_init__(self) -> None:
        checks = {
            "windows": 1 <= self.windows <= 99,
            "slot_minutes": 5 <= self.slot_minutes <= 240,
            "slot_capacity": 1 <= self.slot_capacity <= 99,
            "booking_days_ahead": 0 <= self.booking_days_ahead <= 90,
            "checkin_early_minutes": 0 <= self.checkin_early_minutes <= 240,
            "checkin_late_minutes": 0 <= self.checkin_late_minutes <= 240,
            "late_grace_minutes": 0 <= self.late_grace_minutes <= self.checkin_late_minutes,
            "recall_cooldown_seconds": 0 <= self.recall_cooldown_seconds <= 3600,
            "default_service_minutes": 1 <= self.default_service_minutes <= 240,
            "max_active_appointments": 1 <= self.max_active_appointments <= 50,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"hall settings out of range: {', '.join(bad)}")

    def minutes_for(self, service_code: str) -> int:
        return int(self.service_minutes.get(service_code, self.default_service_minutes))


DEFAULT_RULES = HallRules()

# --- Slots and booking --------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware datetime")
    return moment.astimezone(SHANGHAI)


def day_slots(day: date, rules: HallRules = DEFAULT_RULES,
              office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> list[datetime]:
    """Start times (aware, Asia/Shanghai) of the day's slots; each lies wholly in one session."""
    step = timedelta(minutes=rules.slot_minutes)
    starts = []
    for session_start, session_end in office_hours.sessions:
        moment = datetime.combine(day, session_start, SHANGHAI)
        end = datetime.combine(day, session_end, SHANGHAI)
        while moment + step <= end:
            starts.append(moment)
            moment += step
    return starts


class BookingRefusal(StrEnum):
    INVALID_SLOT = "slot.invalid"  # not a slot of the grid
    PAST = "slot.past"
    TOO_FAR = "slot.too_far"
    NOT_WORKING_DAY = "slot.not_working_day"


def booking_refusal(slot_start: datetime, *, now: datetime, is_working_day: Callable[[date], bool],
                    rules: HallRules = DEFAULT_RULES,
                    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> BookingRefusal | None:
    """Why this slot cannot be booked now, or None when it can."""
    slot_start, now = _aware(slot_start), _aware(now)
    day = slot_start.date()
    if slot_start not in day_slots(day, rules, office_hours):
        return BookingRefusal.INVALID_SLOT
    if slot_start <= now:
        return BookingRefusal.PAST
    if (day - now.date()).days > rules.booking_days_ahead:
        return BookingRefusal.TOO_FAR
    if not is_working_day(day):
        return BookingRefusal.NOT_WORKING_DAY
    return None


def bookable_days(*, now: datetime, is_working_day: Callable[[date], bool], rules: HallRules = DEFAULT_RULES,
                  office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> list[date]:
    """Working days from today to the booking horizon that still have a future slot."""
    now = _aware(now)
    days = []
    for offset in range(rules.booking_days_ahead + 1):
        day = now.date() + timedelta(days=offset)
        if is_working_day(day) and any(s > now for s in day_slots(day, rules, office_hours)):
            days.append(day)
    return days


def free_seat(taken: Iterable[int], capacity: int) -> int | None:
    """The lowest seat number 1..capacity not taken, or None when the slot is full."""
    used = set(taken)
    return next((seat for seat in range(1, capacity + 1) if seat not in used), None)


# --- Booking codes ---------------------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 8


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str | None:
    """The code as typed (any case, spaces or dashes) → canonical form, or None if it cannot be one."""
    if not text:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    """``ABCD-EFGH``: easier to read out and type."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- Check-in and the hall's hours -------------------------------------------------------------


class CheckinRefusal(StrEnum):
    OTHER_DAY = "checkin.other_day"
    TOO_EARLY = "checkin.too_early"
    TOO_LATE = "checkin.too_late"


def checkin_window(slot_start: datetime, rules: HallRules = DEFAULT_RULES) -> tuple[datetime, datetime]:
    slot_start = _aware(slot_start)
    return (slot_start - timedelta(minutes=rules.checkin_early_minutes),
            slot_start + timedelta(minutes=rules.checkin_late_minutes))


def checkin_refusal(slot_start: datetime, *, now: datetime,
                    rules: HallRules = DEFAULT_RULES) -> CheckinRefusal | None:
    slot_start, now = _aware(slot_start), _aware(now)
    if slot_start.date() != now.date():
        return CheckinRefusal.OTHER_DAY
    opens, closes = checkin_window(slot_start, rules)
    if now < opens:
        return CheckinRefusal.TOO_EARLY
    if now > closes:
        return CheckinRefusal.TOO_LATE
    return None


def is_on_time(slot_start: datetime, checked_in_at: datetime, rules: HallRules = DEFAULT_RULES) -> bool:
    return _aware(checked_in_at) <= _aware(slot_start) + timedelta(minutes=rules.late_grace_minutes)


def ticket_hours(day: date, rules: HallRules = DEFAULT_RULES,
                 office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> tuple[datetime, datetime]:
    """When the kiosk issues tickets on a working day: shortly before opening until closing."""
    first = datetime.combine(day, office_hours.sessions[0][0], SHANGHAI)
    last = datetime.combine(day, office_hours.sessions[-1][1], SHANGHAI)
    return first - timedelta(minutes=rules.tickets_open_minutes_before), last


class HallClosed(StrEnum):
    NOT_WORKING_DAY = "hall.not_working_day"
    OUTSIDE_HOURS = "hall.outside_hours"


def hall_closed(now: datetime, *, is_working_day: Callable[[date], bool], rules: HallRules = DEFAULT_RULES,
                office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> HallClosed | None:
    now = _aware(now)
    if not is_working_day(now.date()):
        return HallClosed.NOT_WORKING_DAY
    opens, closes = ticket_hours(now.date(), rules, office_hours)
    if not opens <= now < closes:
        return HallClosed.OUTSIDE_HOURS
    return None


# --- Tickets and the calling order ---------------------------------------------------------------


class TicketKind(StrEnum):
    APPOINTMENT = "appointment"
    WALK_IN = "walk_in"
    PRIORITY = "priority"


PREFIXES = {TicketKind.APPOINTMENT: "A", TicketKind.WALK_IN: "B", TicketKind.PRIORITY: "P"}


def ticket_number(kind: TicketKind, seq: int) -> str:
    """``A023``, ``B017``, ``P005`` (three digits; a thousandth ticket reads ``B1000``)."""
    return f"{PREFIXES[TicketKind(kind)]}{seq:03d}"


class Group(IntEnum):
    """Where a waiting ticket stands in the calling order (lower is called first)."""

    APPOINTMENT_DUE = 0  # on time, slot has come
    PRIORITY = 1
    WALK_IN = 2
    APPOINTMENT_EARLY = 3  # on time, slot still ahead: only an otherwise idle window calls it


@dataclass(frozen=True)
class QueueEntry:
    """A waiting ticket as the ordering sees it."""

    id: int
    issued_at: datetime  # arrival: the kiosk issue / check-in time
    slot_start: datetime | None = None  # appointments only
    priority: bool = False  # elderly, claimed and not refused by the hall staff
    service_minutes: int = DEFAULT_RULES.default_service_minutes


def group_of(entry: QueueEntry, *, now: datetime, rules: HallRules = DEFAULT_RULES) -> Group:
    if entry.slot_start is not None and is_on_time(entry.slot_start, entry.issued_at, rules):
        return Group.APPOINTMENT_DUE if _aware(now) >= _aware(entry.slot_start) else Group.APPOINTMENT_EARLY
    return Group.PRIORITY if entry.priority else Group.WALK_IN


def _key(entry: QueueEntry, now: datetime, rules: HallRules):
    group = group_of(entry, now=now, rules=rules)
    first = entry.slot_start if group in (Group.APPOINTMENT_DUE, Group.APPOINTMENT_EARLY) else entry.issued_at
    return (group, _aware(first), _aware(entry.issued_at), entry.id)


def order_queue(entries: Iterable[QueueEntry], *, now: datetime,
                rules: HallRules = DEFAULT_RULES) -> list[QueueEntry]:
    """The waiting tickets in calling order (see the module docstring)."""
    return sorted(entries, key=lambda entry: _key(entry, now, rules))


def next_ticket(entries: Iterable[QueueEntry], *, now: datetime,
                rules: HallRules = DEFAULT_RULES) -> QueueEntry | None:
    ordered = order_queue(entries, now=now, rules=rules)
    return ordered[0] if ordered else None


def ahead_of(entries: Sequence[QueueEntry], entry_id: int, *, now: datetime,
             rules: HallRules = DEFAULT_RULES) -> list[QueueEntry] | None:
    """The tickets that would be called before this one (None when it is not waiting)."""
    ordered = order_queue(entries, now=now, rules=rules)
    for index, entry in enumerate(ordered):
        if entry.id == entry_id:
            return ordered[:index]
    return None


def estimate_wait_minutes(ahead: Iterable[QueueEntry], *, open_windows: int, now: datetime,
                          slot_start: datetime | None = None,
                          upcoming: Iterable[tuple[datetime, int]] = ()) -> int:
    """Minutes until this ticket is likely called: the work ahead shared by the open windows;
    an early appointment also waits for its slot. ``upcoming`` are appointments that will
    overtake once their slot comes (early check-ins, bookings not yet checked in), as
    (slot start, service minutes): each whose slot comes before the estimated call adds its
    work. Rounded up to whole minutes."""
    now = _aware(now)
    windows = max(1, open_windows)
    work = sum(entry.service_minutes for entry in ahead)
    minutes = math.ceil(work / windows)
    for start, extra in sorted(upcoming, key=lambda item: _aware(item[0])):
        if _aware(start) > now + timedelta(minutes=minutes):
            break
        work += extra
        minutes = math.ceil(work / windows)
    if slot_start is not None:
        until_slot = (_aware(slot_start) - now).total_seconds() / 60
        minutes = max(minutes, math.ceil(until_slot))
    return max(0, minutes)


# --- Calls at the window ----------------------------------------------------------------------------


def cooldown_left(last_called_at: datetime | None, *, now: datetime, rules: HallRules = DEFAULT_RULES) -> int:
    """Seconds left before the ticket may be recalled (or marked a no-show); 0 when allowed."""
    if last_called_at is None:
        return 0
    elapsed = (_aware(now) - _aware(last_called_at)).total_seconds()
    return max(0, math.ceil(rules.recall_cooldown_seconds - elapsed))


def local_day(moment: datetime) -> date:
    return _aware(moment).date()
