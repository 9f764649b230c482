"""The hall's rules: slots, booking refusals, codes, check-in window, the calling order
(property-tested), wait estimates and the recall cooldown."""
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import queueing
from app.domain.calendar import WorkCalendar
from app.domain.queueing import (
    BookingRefusal,
    CheckinRefusal,
    Group,
    HallClosed,
    HallRules,
    QueueEntry,
    TicketKind,
)

TZ = queueing.SHANGHAI
RULES = HallRules()
CAL = WorkCalendar()


def at(y, m, d, hh=10, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


# --- slots and booking ------------------------------------------------------------------------


def test_day_slots_fill_office_sessions_and_skip_lunch():
    slots = queueing.day_slots(date(2026, 11, 17))
    assert len(slots) == 14  # 3 h + 4 h of 30-minute slots
    assert slots[0] == at(2026, 11, 17, 9) and slots[5] == at(2026, 11, 17, 11, 30)
    assert slots[6] == at(2026, 11, 17, 13) and slots[-1] == at(2026, 11, 17, 16, 30)
    assert at(2026, 11, 17, 12) not in slots
    # 50-minute slots: the one that would cross noon (11:30–12:20) is dropped
    odd = queueing.day_slots(date(2026, 11, 17), HallRules(slot_minutes=50))
    assert [s.strftime("%H:%M") for s in odd] == ["09:00", "09:50", "10:40", "13:00", "13:50", "14:40", "15:30"]


def test_booking_refusals():
    now = at(2026, 11, 16, 10)  # Monday
    ok = CAL.is_working_day
    assert queueing.booking_refusal(at(2026, 11, 17, 9, 30), now=now, is_working_day=ok) is None
    assert queueing.booking_refusal(at(2026, 11, 16, 10, 30), now=now, is_working_day=ok) is None  # later today
    assert queueing.booking_refusal(at(2026, 11, 16, 10), now=now, is_working_day=ok) == BookingRefusal.PAST
    assert queueing.booking_refusal(at(2026, 11, 16, 9, 30), now=now, is_working_day=ok) == BookingRefusal.PAST
    assert queueing.booking_refusal(at(2026, 11, 17, 9, 10), now=now, is_working_day=ok) == BookingRefusal.INVALID_SLOT
    assert queueing.booking_refusal(at(2026, 11, 17, 12), now=now, is_working_day=ok) == BookingRefusal.INVALID_SLOT
    assert queueing.booking_refusal(at(2026, 11, 21, 9), now=now, is_working_day=ok) == BookingRefusal.NOT_WORKING_DAY
    assert queueing.booking_refusal(at(2026, 11, 30, 9), now=now, is_working_day=ok) is None  # day 14
    assert queueing.booking_refusal(at(2026, 12, 1, 9), now=now, is_working_day=ok) == BookingRefusal.TOO_FAR


def test_holidays_refused_and_make_up_saturday_allowed():
    now = at(2026, 2, 10, 10)
    # 2026 Spring Festival: 15–23 February off; Saturday 14 and 28 February are make-up working days.
    assert CAL.is_working_day(date(2026, 2, 14)) and not CAL.is_working_day(date(2026, 2, 16))
    assert queueing.booking_refusal(at(2026, 2, 14, 9), now=now, is_working_day=CAL.is_working_day) is None
    assert (queueing.booking_refusal(at(2026, 2, 16, 9), now=now, is_working_day=CAL.is_working_day)
            == BookingRefusal.NOT_WORKING_DAY)
    days = queueing.bookable_days(now=now, is_working_day=CAL.is_working_day)
    assert date(2026, 2, 14) in days and date(2026, 2, 15) not in days and date(2026, 2, 16) not in days
    assert date(2026, 2, 24) in days


def test_bookable_days_drop_today_once_its_last_slot_started():
    late = at(2026, 11, 16, 16, 45)
    assert queueing.bookable_days(now=late, is_working_day=CAL.is_working_day)[0] == date(2026, 11, 17)
    assert queueing.bookable_days(now=at(2026, 11, 16, 16, 20), is_working_day=CAL.is_working_day)[0] == date(
        2026, 11, 16)


def test_free_seat():
    assert queueing.free_seat([], 3) == 1
    assert queueing.free_seat([1, 3], 3) == 2
    assert queueing.free_seat([1, 2, 3], 3) is None
    assert queueing.free_seat([2, 3, 4], 3) == 1


def test_rules_are_checked():
    with pytest.raises(ValueError):
        HallRules(windows=0)
    with pytest.raises(ValueError):
        HallRules(late_grace_minutes=20, checkin_late_minutes=15)
    assert HallRules(service_minutes={"x": 7}).minutes_for("x") == 7
    assert HallRules().minutes_for("x") == RULES.default_service_minutes


# --- codes ---------------------------------------------------------------------------------------------


def test_booking_codes_are_unambiguous_and_typable():
    codes = {queueing.new_booking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 8 and set(code) <= set(queueing.CODE_ALPHABET)
    assert not set("0O1IL") & set(queueing.CODE_ALPHABET)
    assert len(queueing.CODE_ALPHABET) ** queueing.CODE_LENGTH > 8 * 10**11


@given(st.text(alphabet=queueing.CODE_ALPHABET, min_size=8, max_size=8))
def test_code_normalization_round_trip(code):
    typed = queueing.format_code(code).lower()
    assert queueing.normalize_code(typed) == code
    assert queueing.normalize_code(f" {code[:3]} {code[3:]} ") == code


@pytest.mark.parametrize("text", ["", None, "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCD-EFGI", "ABCD_EFGH"])
def test_bad_codes_normalize_to_none(text):
    assert queueing.normalize_code(text) is None


# --- check-in and hall hours --------------------------------------------------------------------------


def test_checkin_window_from_30_minutes_before_to_15_after():
    slot = at(2026, 11, 16, 10)
    assert queueing.checkin_refusal(slot, now=at(2026, 11, 16, 9, 29, 59)) == CheckinRefusal.TOO_EARLY
    assert queueing.checkin_refusal(slot, now=at(2026, 11, 16, 9, 30)) is None
    assert queueing.checkin_refusal(slot, now=at(2026, 11, 16, 10, 15)) is None
    assert queueing.checkin_refusal(slot, now=at(2026, 11, 16, 10, 15, 1)) == CheckinRefusal.TOO_LATE
    assert queueing.checkin_refusal(slot, now=at(2026, 11, 17, 9, 50)) == CheckinRefusal.OTHER_DAY
    assert queueing.checkin_refusal(slot, now=at(2026, 11, 15, 10)) == CheckinRefusal.OTHER_DAY


def test_on_time_means_within_the_grace_after_the_slot_start():
    slot = at(2026, 11, 16, 10)
    assert queueing.is_on_time(slot, at(2026, 11, 16, 9, 31))
    assert queueing.is_on_time(slot, at(2026, 11, 16, 10, 5))
    assert not queueing.is_on_time(slot, at(2026, 11, 16, 10, 5, 1))


def test_hall_hours():
    ok = CAL.is_working_day
    assert queueing.hall_closed(at(2026, 11, 16, 8, 29), is_working_day=ok) == HallClosed.OUTSIDE_HOURS
    assert queueing.hall_closed(at(2026, 11, 16, 8, 30), is_working_day=ok) is None
    assert queueing.hall_closed(at(2026, 11, 16, 12, 30), is_working_day=ok) is None  # lunch: tickets still issued
    assert queueing.hall_closed(at(2026, 11, 16, 17), is_working_day=ok) == HallClosed.OUTSIDE_HOURS
    assert queueing.hall_closed(at(2026, 11, 21, 10), is_working_day=ok) == HallClosed.NOT_WORKING_DAY
    assert queueing.hall_closed(at(2026, 2, 14, 10), is_working_day=ok) is None  # make-up Saturday


def test_ticket_numbers():
    assert queueing.ticket_number(TicketKind.APPOINTMENT, 23) == "A023"
    assert queueing.ticket_number(TicketKind.WALK_IN, 17) == "B017"
    assert queueing.ticket_number(TicketKind.PRIORITY, 5) == "P005"
    assert queueing.ticket_number(TicketKind.WALK_IN, 1000) == "B1000"


# --- the calling order ------------------------------------------------------------------------------------

NOW = at(2026, 11, 16, 10)


def walk_in(i, minute, priority=False):
    return QueueEntry(id=i, issued_at=NOW + timedelta(minutes=minute), priority=priority)


def appointment(i, minute, slot_minute, priority=False):
    return QueueEntry(id=i, issued_at=NOW + timedelta(minutes=minute), slot_start=NOW + timedelta(minutes=slot_minute),
                      priority=priority)


def test_order_example():
    """At 10:00: A due (slot 10:00, came 9:40), A2 due but later slot, P, B in arrival order, A early."""
    entries = [
        walk_in(1, -50),
        walk_in(2, -45, priority=True),
        appointment(3, -20, 0),
        appointment(4, -40, -30),  # slot 9:30, checked in 9:20: due, earlier slot
        walk_in(5, -55),
        appointment(6, -5, 30),  # slot 10:30: early
        appointment(7, -10, -30),  # slot 9:30 but checked in 9:50: late → a walk-in from 9:50
    ]
    order = [e.id for e in queueing.order_queue(entries, now=NOW)]
    assert order == [4, 3, 2, 5, 1, 7, 6]
    assert queueing.next_ticket(entries, now=NOW).id == 4
    assert [e.id for e in queueing.ahead_of(entries, 1, now=NOW)] == [4, 3, 2, 5]
    assert queueing.ahead_of(entries, 99, now=NOW) is None
    assert queueing.next_ticket([], now=NOW) is None


def test_late_appointment_keeps_no_precedence_and_elderly_late_is_priority():
    late_elderly = appointment(1, -10, -30, priority=True)
    late = appointment(2, -10, -30)
    assert queueing.group_of(late_elderly, now=NOW) == Group.PRIORITY
    assert queueing.group_of(late, now=NOW) == Group.WALK_IN
    # an early appointment becomes due when its slot comes
    early = appointment(3, -10, 15)
    assert queueing.group_of(early, now=NOW) == Group.APPOINTMENT_EARLY
    assert queueing.group_of(early, now=NOW + timedelta(minutes=15)) == Group.APPOINTMENT_DUE


entry_strategy = st.builds(
    lambda i, minute, kind, slot, priority: (
        QueueEntry(id=i, issued_at=NOW + timedelta(minutes=minute), priority=priority) if kind == "walk"
        else QueueEntry(id=i, issued_at=NOW + timedelta(minutes=minute),
                        slot_start=NOW + timedelta(minutes=slot), priority=priority)),
    st.integers(1, 10**6), st.integers(-180, 0), st.sampled_from(["walk", "appt"]), st.integers(-60, 120),
    st.booleans(),
)
entries_strategy = st.lists(entry_strategy, max_size=30, unique_by=lambda e: e.id)


@settings(max_examples=300)
@given(entries_strategy, st.integers(0, 120), st.randoms())
def test_order_properties(entries, minutes_later, rnd):
    now = NOW + timedelta(minutes=minutes_later)
    ordered = queueing.order_queue(entries, now=now)
    # a permutation of the input, independent of the input order
    assert sorted(e.id for e in ordered) == sorted(e.id for e in entries)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert queueing.order_queue(shuffled, now=now) == ordered
    groups = [queueing.group_of(e, now=now) for e in ordered]
    # groups never go backwards: due appointments, then priority, then walk-ins, then early appointments
    assert groups == sorted(groups)
    for position, entry in enumerate(ordered):
        group = groups[position]
        if group == Group.APPOINTMENT_DUE:
            assert entry.slot_start <= now and queueing.is_on_time(entry.slot_start, entry.issued_at)
        if group == Group.APPOINTMENT_EARLY:
            assert entry.slot_start > now
            # called only when nobody else waits
            assert all(g == Group.APPOINTMENT_EARLY for g in groups[position:])
    # within priority and walk-ins: arrival order
    for group in (Group.PRIORITY, Group.WALK_IN):
        arrivals = [e.issued_at for e, g in zip(ordered, groups, strict=True) if g == group]
        assert arrivals == sorted(arrivals)
    # within appointment groups: slot order
    for group in (Group.APPOINTMENT_DUE, Group.APPOINTMENT_EARLY):
        slots = [e.slot_start for e, g in zip(ordered, groups, strict=True) if g == group]
        assert slots == sorted(slots)
    # a late appointment never overtakes a non-appointment ticket of its group that arrived earlier,
    # and never overtakes a priority ticket unless it is itself an elderly person's
    for position, entry in enumerate(ordered):
        if entry.slot_start is None or queueing.is_on_time(entry.slot_start, entry.issued_at):
            continue
        for later in ordered[position + 1:]:
            if queueing.group_of(later, now=now) == groups[position]:
                assert later.issued_at >= entry.issued_at
            if not entry.priority:
                assert queueing.group_of(later, now=now) != Group.PRIORITY
    if ordered:
        assert queueing.next_ticket(entries, now=now) == ordered[0]


@given(entries_strategy, st.integers(1, 6), st.lists(st.tuples(st.integers(0, 240), st.integers(1, 30)), max_size=6))
def test_wait_estimate_grows_with_the_queue(entries, windows, coming):
    ordered = queueing.order_queue(entries, now=NOW)
    upcoming = [(NOW + timedelta(minutes=m), work) for m, work in coming]
    waits = [queueing.estimate_wait_minutes(ordered[:i], open_windows=windows, now=NOW) for i in range(len(ordered))]
    assert waits == sorted(waits)
    if ordered:
        assert waits[0] == 0
    for i in range(len(ordered)):
        with_upcoming = queueing.estimate_wait_minutes(ordered[:i], open_windows=windows, now=NOW, upcoming=upcoming)
        assert with_upcoming >= waits[i]
        assert with_upcoming <= waits[i] + sum(work for _m, work in coming)


def test_wait_estimate_example():
    ahead = [QueueEntry(id=i, issued_at=NOW, service_minutes=m) for i, m in enumerate([15, 15, 10, 20])]
    assert queueing.estimate_wait_minutes(ahead, open_windows=2, now=NOW) == 30
    assert queueing.estimate_wait_minutes(ahead, open_windows=3, now=NOW) == 20
    assert queueing.estimate_wait_minutes(ahead, open_windows=0, now=NOW) == 60  # never divides by zero
    # appointments whose slot comes before the estimated call will overtake: their work counts
    soon, later = (NOW + timedelta(minutes=20), 15), (NOW + timedelta(minutes=50), 15)
    assert queueing.estimate_wait_minutes(ahead, open_windows=2, now=NOW, upcoming=[later, soon]) == 38
    assert queueing.estimate_wait_minutes(ahead, open_windows=4, now=NOW, upcoming=[later, soon]) == 15
    # an early appointment waits at least until its slot
    assert queueing.estimate_wait_minutes([], open_windows=2, now=NOW, slot_start=NOW + timedelta(minutes=25)) == 25


def test_recall_cooldown():
    called = at(2026, 11, 16, 10)
    assert queueing.cooldown_left(None, now=called) == 0
    assert queueing.cooldown_left(called, now=called) == 30
    assert queueing.cooldown_left(called, now=called + timedelta(seconds=29.5)) == 1
    assert queueing.cooldown_left(called, now=called + timedelta(seconds=30)) == 0
    assert queueing.cooldown_left(called, now=called, rules=HallRules(recall_cooldown_seconds=0)) == 0


def test_naive_datetimes_refused():
    with pytest.raises(ValueError):
        queueing.checkin_refusal(datetime(2026, 11, 16, 10), now=NOW)
