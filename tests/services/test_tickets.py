"""排队叫号、网上预约 end to end, on SQLite and PostgreSQL: booking (capacity, working days,
make-up Saturdays, concurrency on the last seat), cancelling and rescheduling with the code
(wrong code refused, rate limited), kiosk check-in and walk-in, the calling order at the
window (appointments on time, then priority, then walk-ins; a late appointment queues by its
check-in time), recall cooldown, no-show, linking to an application, the ticket page and the
public display."""
from __future__ import annotations

import re
import threading
from dataclasses import asdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.domain import queueing
from app.extensions import db
from app.models.accounts import AccessLog, User
from app.models.tickets import Appointment, Ticket
from app.operations import OperationError
from app.operations import tickets as ticket_ops
from tests.conftest import csrf_from, local, login, logout
from tests.operations.helpers import file_criminal_record

XDJ = "411002-PS-XDJ"  # 西大街派出所: `clerk` and `supervisor`; `citizen`'s hukou station
JGC = "411003-PS-JGC"  # 将官池派出所: `clerk_jianan`
SERVICE = "criminal_record"


# --- helpers ---------------------------------------------------------------------------------------


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def unit_id(code: str = XDJ) -> int:
    return ticket_ops.unit_by_code(code).id


def book(username: str, slot, *, unit_code: str = XDJ, service: str = SERVICE) -> Appointment:
    return ticket_ops.book(user(username), unit_id=unit_id(unit_code), service_code=service, slot_start=slot,
                           now=timeutil.now())


def set_hall(username: str = "supervisor", **overrides) -> None:
    values = {name: getattr(queueing.DEFAULT_RULES, name) for name in ticket_ops.SETTING_FIELDS} | overrides
    ticket_ops.save_settings(user(username), values, {}, now=timeutil.now())


def walk_in(*, elderly: bool = False, unit_code: str = XDJ, service: str = SERVICE) -> Ticket:
    return ticket_ops.issue_walk_in(ticket_ops.unit_by_code(unit_code), service_code=service, elderly=elderly,
                                    now=timeutil.now())


def check_in(appointment: Appointment, *, elderly: bool = False) -> Ticket:
    ticket, _already = ticket_ops.check_in(appointment.unit, code=appointment.code, elderly=elderly,
                                           now=timeutil.now())
    return ticket


def refused(expected: str, operation, /, *args, **kwargs) -> OperationError:
    with pytest.raises(OperationError) as caught:
        operation(*args, **kwargs)
    assert caught.value.code == expected, (caught.value.code, caught.value.message)
    db.session.rollback()
    return caught.value


def serve_all(username: str = "clerk") -> list[str]:
    """Call and serve every waiting ticket at the user's window; the numbers in calling order."""
    numbers = []
    while True:
        try:
            ticket = ticket_ops.call_next(user(username), now=timeutil.now())
        except OperationError as exc:
            assert exc.code == "queue.empty"
            return numbers
        numbers.append(ticket.number)
        ticket_ops.finish(user(username), ticket_ops.SERVED, now=timeutil.now())


def kiosk_token(html: str) -> str:
    """The kiosk page's two forms carry prefixed fields (walkin-…, checkin-…); one token for both."""
    return re.search(r'name="walkin-csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def run_together(*functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


# --- booking -------------------------------------------------------------------------------------------


def test_booking_gives_a_typable_code_and_a_full_slot_is_refused(ctx, clock):
    set_hall(slot_capacity=2)
    slot = local(2026, 11, 17, 9, 30)
    first = book("citizen", slot)
    second = book("citizen2", slot)
    assert first.code != second.code and queueing.normalize_code(first.code) == first.code
    assert {first.seat, second.seat} == {1, 2} and first.status == "booked"
    error = refused("slot.full", book, "foreigner", slot)
    assert "约满" in error.message
    views = {v.start: v for v in ticket_ops.slots_of_day(ticket_ops.unit_by_code(XDJ), slot.date(), now=timeutil.now())}
    assert views[slot].free == 0 and not views[slot].bookable
    assert views[local(2026, 11, 17, 10)].free == 2
    # a cancellation gives the seat back
    ticket_ops.cancel(first, now=timeutil.now())
    assert first.seat is None and first.status == "cancelled"
    assert book("foreigner", slot).seat == 1


def test_booking_rules_past_slot_horizon_and_unit(ctx, clock):
    refused("slot.past", book, "citizen", local(2026, 11, 16, 9, 30))
    refused("slot.past", book, "citizen", local(2026, 11, 16, 10))
    refused("slot.invalid", book, "citizen", local(2026, 11, 17, 12))
    refused("slot.invalid", book, "citizen", local(2026, 11, 17, 9, 10))
    refused("slot.too_far", book, "citizen", local(2026, 12, 1, 9))
    refused("slot.not_working_day", book, "citizen", local(2026, 11, 21, 9))  # Saturday
    refused("unit.invalid", book, "citizen", local(2026, 11, 17, 9), unit_code="411002-TB-WD")  # traffic brigade
    refused("service.unknown", book, "citizen", local(2026, 11, 17, 9), service="nope")
    refused("service.unknown", book, "citizen", local(2026, 11, 17, 9), service="rating_rectification")  # internal
    assert book("citizen", local(2026, 11, 16, 10, 30)).status == "booked"  # later today
    assert book("citizen", local(2026, 11, 30, 16, 30)).status == "booked"  # the 14th day


def test_booking_on_working_days_only_holiday_refused_make_up_saturday_allowed(ctx, clock):
    clock.set(local(2026, 2, 9, 10))  # Monday before the 2026 Spring Festival
    error = refused("slot.not_working_day", book, "citizen", local(2026, 2, 16, 9))  # 春节 holiday (Monday)
    assert "2026-02-16不是工作日" in error.message
    refused("slot.not_working_day", book, "citizen", local(2026, 2, 15, 9))  # Sunday, part of the holiday
    appointment = book("citizen", local(2026, 2, 14, 9))  # Saturday, make-up working day (调休)
    assert appointment.status == "booked"
    days = ticket_ops.bookable_days(ticket_ops.unit_by_code(XDJ), now=timeutil.now())
    assert local(2026, 2, 14).date() in days and local(2026, 2, 28).date() not in days  # beyond 14 days
    assert all(d not in days for d in (local(2026, 2, 16 + i).date() for i in range(8)))
    # the kiosk issues tickets on the make-up Saturday, not on the holiday
    clock.set(local(2026, 2, 14, 9, 10))
    assert check_in(appointment).number == "A001"
    clock.set(local(2026, 2, 16, 10))
    refused("hall.not_working_day", walk_in)


def test_no_hoarding_one_booking_per_service_and_day_and_at_most_three_upcoming(ctx, clock):
    book("citizen", local(2026, 11, 17, 9))
    error = refused("appointment.duplicate", book, "citizen", local(2026, 11, 17, 14))
    assert "11月17日 09:00" in error.message
    book("citizen", local(2026, 11, 18, 9))
    book("citizen", local(2026, 11, 19, 9))
    refused("appointment.too_many", book, "citizen", local(2026, 11, 20, 9))


@pytest.mark.parametrize("round_", range(3))
def test_two_bookings_for_the_last_seat_one_wins(app, clock, round_):
    with app.app_context():
        set_hall(slot_capacity=1)
        users = [user("citizen").id, user("citizen2").id]
    slot = local(2026, 11, 18, 10)

    def attempt(user_id):
        def run():
            with app.app_context():
                try:
                    appointment = ticket_ops.book(db.session.get(User, user_id), unit_id=unit_id(), service_code=SERVICE,
                                                  slot_start=slot, now=timeutil.now())
                    return ("booked", appointment.seat)
                except OperationError as exc:
                    db.session.rollback()
                    return (exc.code, None)
        return run

    results = run_together(attempt(users[0]), attempt(users[1]))
    assert sorted(r[0] for r in results) == ["booked", "slot.full"], results
    with app.app_context():
        seats = db.session.scalars(select(Appointment.seat).where(Appointment.status == "booked")).all()
        assert seats == [1]


def test_reschedule_moves_the_seat_and_keeps_the_code(ctx, clock):
    set_hall(slot_capacity=1)
    appointment = book("citizen", local(2026, 11, 17, 9))
    code = appointment.code
    refused("slot.same", ticket_ops.reschedule, appointment, slot_start=local(2026, 11, 17, 9), now=timeutil.now())
    book("citizen2", local(2026, 11, 17, 10))
    refused("slot.full", ticket_ops.reschedule, appointment, slot_start=local(2026, 11, 17, 10), now=timeutil.now())
    refused("slot.not_working_day", ticket_ops.reschedule, appointment, slot_start=local(2026, 11, 22, 10),
            now=timeutil.now())
    db.session.refresh(appointment)
    assert appointment.slot_start == local(2026, 11, 17, 9)  # unchanged by the refusals
    ticket_ops.reschedule(appointment, slot_start=local(2026, 11, 18, 14), now=timeutil.now())
    db.session.refresh(appointment)
    assert (appointment.code, appointment.slot_start, appointment.reschedule_count) == (code, local(2026, 11, 18, 14), 1)
    assert book("foreigner", local(2026, 11, 17, 9)).seat == 1  # the old seat is free again
    # once the slot has begun, nothing can change
    clock.set(local(2026, 11, 18, 14))
    refused("appointment.past", ticket_ops.cancel, appointment, now=timeutil.now())
    refused("appointment.past", ticket_ops.reschedule, appointment, slot_start=local(2026, 11, 19, 9),
            now=timeutil.now())


# --- managing with the code (public page) ----------------------------------------------------------------


def _manage(client, **data):
    page = client.get("/manage-appointment")
    return client.post("/manage-appointment", data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data})


def test_cancel_and_reschedule_with_the_code_wrong_code_refused(app, client, clock):
    with app.app_context():
        appointment = book("citizen", local(2026, 11, 17, 9))
        code, appointment_id = queueing.format_code(appointment.code), appointment.id
    wrong = _manage(client, code="ABCD-EFGH", action="cancel")
    assert wrong.status_code == 422 and "预约码不正确" in wrong.get_data(as_text=True)
    shown = _manage(client, code=code.lower(), action="show", day="2026-11-18")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "李*" in html and "李明" not in html and "西大街派出所" in html
    assert "2026-11-18T09:00:00+08:00" in html  # the new day's slots are offered
    moved = _manage(client, code=code, action="reschedule", slot="2026-11-18T09:30:00+08:00")
    assert moved.status_code == 200 and "已改约到2026-11-18 09:30" in moved.get_data(as_text=True)
    full = _manage(client, code=code, action="reschedule", slot="2026-11-22T09:30:00+08:00")
    assert full.status_code == 422 and "不是工作日" in full.get_data(as_text=True)
    cancelled = _manage(client, code=code, action="cancel")
    assert cancelled.status_code == 200 and "预约已取消" in cancelled.get_data(as_text=True)
    again = _manage(client, code=code, action="cancel")
    assert again.status_code == 409 and "该预约已取消" in again.get_data(as_text=True)
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert (appointment.status, appointment.seat, appointment.slot_start) == (
            "cancelled", None, local(2026, 11, 18, 9, 30))
        logged = db.session.scalars(select(AccessLog.action).where(AccessLog.subject_kind == "appointment")).all()
        assert logged.count("appointment.code_view") == 1
        assert {"appointment.code_reschedule", "appointment.code_cancel"} <= set(logged)


def test_wrong_codes_are_rate_limited(app, client, clock):
    with app.app_context():
        code = book("citizen", local(2026, 11, 17, 9)).code
    for _ in range(10):
        assert _manage(client, code="ZZZZ-ZZZZ").status_code == 422
    assert _manage(client, code=code).status_code == 429  # locked out for the minute, even with the right code
    clock.advance(minutes=2)
    # (Flask-Limiter counts real time; a fresh app is a fresh window)


def test_correct_codes_do_not_count_against_the_code_limit(app, client, clock):
    with app.app_context():
        code = book("citizen", local(2026, 11, 17, 9)).code
    for _ in range(12):
        assert _manage(client, code=code).status_code == 200


# --- the kiosk ------------------------------------------------------------------------------------------------


def test_check_in_window_and_appointment_ticket(ctx, clock):
    appointment = book("citizen", local(2026, 11, 17, 10))
    refused("checkin.other_day", check_in, appointment)  # Monday; the slot is Tuesday
    clock.set(local(2026, 11, 17, 9, 29))
    error = refused("checkin.too_early", check_in, appointment)
    assert "请于09:30后签到" in error.message
    clock.set(local(2026, 11, 17, 9, 45))
    ticket = check_in(appointment)
    assert (ticket.number, ticket.kind, ticket.service_code) == ("A001", "appointment", SERVICE)
    assert ticket.slot_start == local(2026, 11, 17, 10) and appointment.status == "checked_in"
    again, already = ticket_ops.check_in(appointment.unit, code=appointment.code, elderly=False, now=timeutil.now())
    assert already and again.id == ticket.id  # a second check-in shows the same ticket
    refused("appointment.checked_in", ticket_ops.cancel, appointment, now=timeutil.now())
    # another unit's kiosk sends the person to the right place; a late arrival is told to take a walk-in ticket
    other = book("citizen2", local(2026, 11, 17, 10))
    error = refused("checkin.other_unit", ticket_ops.check_in, ticket_ops.unit_by_code(JGC), code=other.code,
                    elderly=False, now=timeutil.now())
    assert "西大街派出所" in error.message
    clock.set(local(2026, 11, 17, 10, 15) + timedelta(seconds=1))
    error = refused("checkin.too_late", check_in, other)
    assert "现场取普通号" in error.message
    assert ticket_ops.appointment_state(other, timeutil.now()) == "missed"
    refused("code.invalid", ticket_ops.check_in, appointment.unit, code="nope", elderly=False, now=timeutil.now())


def test_kiosk_walk_in_numbers_and_hall_hours(ctx, clock):
    assert [walk_in().number, walk_in().number, walk_in(elderly=True).number] == ["B001", "B002", "P001"]
    assert walk_in(service=ticket_ops.OTHER_SERVICE).number == "B003"
    refused("service.unknown", walk_in, service="truck_permit")  # not handled at a police station
    clock.set(local(2026, 11, 16, 8, 29))
    refused("hall.outside_hours", walk_in)
    clock.set(local(2026, 11, 16, 17))
    refused("hall.outside_hours", walk_in)
    clock.set(local(2026, 11, 21, 10))  # Saturday
    refused("hall.not_working_day", walk_in)
    clock.set(local(2026, 11, 17, 8, 30))  # next day: numbers start again
    assert walk_in().number == "B001"


def test_kiosk_pages_issue_tickets_and_limit_wrong_codes(app, client, clock):
    page = client.get(f"/kiosk/{XDJ}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "无犯罪记录证明" in html and "老年人优先" in html
    token = kiosk_token(html)
    issued = client.post(f"/kiosk/{XDJ}/walk-in", data={"walkin-csrf_token": token, "walkin-elderly": "y",
                                                         "service": SERVICE})
    assert issued.status_code == 302 and "/kiosk/ticket/" in issued.headers["Location"]
    ticket_page = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert "P001" in ticket_page and "前面还有" in ticket_page and "0人" in ticket_page
    assert 'http-equiv="refresh"' in ticket_page and "<svg" in ticket_page
    bad = client.post(f"/kiosk/{XDJ}/walk-in", data={"walkin-csrf_token": token, "service": "nope"})
    assert bad.status_code == 422 and "请选择要办理的业务" in bad.get_data(as_text=True)
    assert client.get("/kiosk/zz-unknown").status_code == 404
    assert client.get("/kiosk/ticket/not-a-token").status_code == 404
    for _ in range(10):
        wrong = client.post(f"/kiosk/{XDJ}/check-in", data={"checkin-csrf_token": token, "checkin-code": "ZZZZZZZZ"})
        assert wrong.status_code == 422 and "预约码不正确" in wrong.get_data(as_text=True)
    assert client.post(f"/kiosk/{XDJ}/check-in", data={"checkin-csrf_token": token, "checkin-code": "ZZZZZZZZ"}
                       ).status_code == 429


def test_kiosk_issuing_is_rate_limited_per_device(app, client, clock):
    app.config["KIOSK_RATE_LIMIT"] = "5 per minute"
    token = kiosk_token(client.get(f"/kiosk/{XDJ}").get_data(as_text=True))
    statuses = [client.post(f"/kiosk/{XDJ}/walk-in", data={"walkin-csrf_token": token, "service": SERVICE}).status_code
                for _ in range(6)]
    assert statuses == [302] * 5 + [429]


# --- the calling order ---------------------------------------------------------------------------------------------


def test_calling_order_appointments_on_time_then_priority_then_walk_ins(ctx, clock):
    """Tuesday 17 November. A late appointment (checked in after slot + 5 min) queues by its
    check-in time among the walk-ins; an early one waits for its slot unless nobody else waits."""
    on_time = book("citizen", local(2026, 11, 17, 10))
    late = book("citizen2", local(2026, 11, 17, 10))
    early = book("foreigner", local(2026, 11, 17, 11))
    clock.set(local(2026, 11, 17, 9, 35))
    walk_in()  # B001
    clock.advance(minutes=5)
    walk_in(elderly=True)  # P001
    clock.advance(minutes=5)  # 09:45
    assert check_in(on_time).number == "A001"
    clock.advance(minutes=5)
    walk_in()  # B002 09:50
    clock.set(local(2026, 11, 17, 10, 6))
    assert check_in(late).number == "A002"  # 6 minutes after its slot: late
    clock.advance(minutes=1)
    walk_in()  # B003 10:07
    clock.set(local(2026, 11, 17, 10, 31))
    assert check_in(early).number == "A003"  # slot 11:00: early
    clock.advance(minutes=1)  # 10:32
    ordered = [t.number for t, _group in ticket_ops.ordered_waiting(unit_id(), now=timeutil.now())]
    assert ordered == ["A001", "P001", "B001", "B002", "A002", "B003", "A003"]
    b002 = db.session.scalar(select(Ticket).where(Ticket.prefix == "B", Ticket.seq == 2))
    status = ticket_ops.ticket_status(b002, now=timeutil.now())
    assert status.ahead == 3 and status.wait_minutes == 12  # 3 × 15 min shared by the 4 configured windows
    ticket_ops.open_window(user("clerk"), 1, now=timeutil.now())
    # one window open: 45 minutes of work ahead, and A003's 11:00 slot comes before that (+15)
    assert ticket_ops.ticket_status(b002, now=timeutil.now()).wait_minutes == 60
    assert serve_all() == ordered


def test_late_appointment_does_not_jump_the_queue_but_elderly_late_is_priority(ctx, clock):
    late = book("citizen", local(2026, 11, 17, 9))
    late_elderly = book("citizen2", local(2026, 11, 17, 9))
    clock.set(local(2026, 11, 17, 9, 3))
    walk_in()  # B001
    clock.set(local(2026, 11, 17, 9, 10))
    check_in(late)  # A001, late
    check_in(late_elderly, elderly=True)  # A002, late, 65+
    clock.advance(minutes=1)
    walk_in()  # B002
    ticket_ops.open_window(user("clerk"), 1, now=timeutil.now())
    assert serve_all() == ["A002", "B001", "A001", "B002"]


def test_an_appointment_whose_slot_comes_goes_before_earlier_walk_ins(ctx, clock):
    appointment = book("citizen", local(2026, 11, 17, 10))
    clock.set(local(2026, 11, 17, 9, 40))
    walk_in()  # B001
    check_in(appointment)  # A001 (slot 10:00)
    ticket_ops.open_window(user("clerk"), 1, now=timeutil.now())
    # 09:41: the slot has not come; the walk-in is called
    assert ticket_ops.call_next(user("clerk"), now=timeutil.now()).number == "B001"
    ticket_ops.finish(user("clerk"), ticket_ops.SERVED, now=timeutil.now())
    walk_in()  # B002
    clock.set(local(2026, 11, 17, 10))
    assert serve_all() == ["A001", "B002"]


def test_refused_elderly_claim_queues_as_a_walk_in_by_arrival(ctx, clock):
    clock.set(local(2026, 11, 17, 9))
    walk_in()  # B001
    claim = walk_in(elderly=True)  # P001
    walk_in()  # B002
    assert [t.number for t, _g in ticket_ops.ordered_waiting(unit_id(), now=timeutil.now())] == ["P001", "B001", "B002"]
    ticket_ops.check_elderly(user("clerk"), claim.id, False, now=timeutil.now())
    assert [t.number for t, _g in ticket_ops.ordered_waiting(unit_id(), now=timeutil.now())] == ["B001", "P001", "B002"]
    # confirmed at the window after being called: stays with the clerk
    second = walk_in(elderly=True)  # P002
    ticket_ops.open_window(user("clerk"), 1, now=timeutil.now())
    assert ticket_ops.call_next(user("clerk"), now=timeutil.now()).number == "P002"
    ticket_ops.check_elderly(user("clerk"), second.id, True, now=timeutil.now())
    assert db.session.get(Ticket, second.id).elderly_check == "confirmed"
    refused("ticket.not_elderly", ticket_ops.check_elderly, user("clerk"),
            db.session.scalar(select(Ticket.id).where(Ticket.prefix == "B", Ticket.seq == 1)), True,
            now=timeutil.now())


# --- the window: recall cooldown, no-show, link --------------------------------------------------------------------


def test_recall_cooldown_and_no_show(ctx, clock):
    clock.set(local(2026, 11, 17, 9))
    ticket = walk_in()
    clerk = user("clerk")
    refused("window.none", ticket_ops.call_next, clerk, now=timeutil.now())
    ticket_ops.open_window(clerk, 3, now=timeutil.now())
    called = ticket_ops.call_next(clerk, now=timeutil.now())
    assert (called.number, called.window_number, called.call_count) == ("B001", 3, 1)
    refused("window.busy", ticket_ops.call_next, clerk, now=timeutil.now())
    error = refused("recall.cooldown", ticket_ops.recall, clerk, now=timeutil.now())
    assert "30秒后再重呼" in error.message
    clock.advance(seconds=29)
    refused("recall.cooldown", ticket_ops.recall, clerk, now=timeutil.now())
    clock.advance(seconds=1)
    assert ticket_ops.recall(clerk, now=timeutil.now()).call_count == 2
    refused("no_show.too_soon", ticket_ops.finish, clerk, ticket_ops.NO_SHOW, now=timeutil.now())
    clock.advance(seconds=30)
    assert ticket_ops.finish(clerk, ticket_ops.NO_SHOW, now=timeutil.now()).status == "no_show"
    refused("window.idle", ticket_ops.recall, clerk, now=timeutil.now())
    refused("queue.empty", ticket_ops.call_next, clerk, now=timeutil.now())  # a no-show is not called again
    assert ticket_ops.ticket_status(db.session.get(Ticket, ticket.id), now=timeutil.now()).ahead is None
    # the cooldown is a hall setting
    set_hall(recall_cooldown_seconds=0)
    walk_in()
    ticket_ops.call_next(clerk, now=timeutil.now())
    assert ticket_ops.recall(clerk, now=timeutil.now()).call_count == 2


def test_switching_and_leaving_a_window(ctx, clock):
    clock.set(local(2026, 11, 17, 9))
    clerk = user("clerk")
    ticket_ops.open_window(clerk, 1, now=timeutil.now())
    ticket = walk_in()
    ticket_ops.call_next(clerk, now=timeutil.now())
    refused("window.busy", ticket_ops.open_window, clerk, 2, now=timeutil.now())
    refused("window.busy", ticket_ops.leave_window, clerk, now=timeutil.now())
    ticket_ops.finish(clerk, ticket_ops.SERVED, now=timeutil.now())
    assert ticket_ops.open_window(clerk, 2, now=timeutil.now()).number == 2
    assert [w["number"] for w in ticket_ops.windows_overview(clerk, now=timeutil.now()) if w["clerk"]] == [2]
    assert ticket_ops.ticket_status(ticket, now=timeutil.now()).open_windows == 1
    ticket_ops.leave_window(clerk, now=timeutil.now())
    assert ticket_ops.window_of(clerk, now=timeutil.now()) is None
    assert ticket_ops.ticket_status(ticket, now=timeutil.now()).open_windows == 0


def test_windows_are_exclusive_and_two_windows_never_call_the_same_ticket(app, clock):
    clock.set(local(2026, 11, 17, 9))
    with app.app_context():
        ticket_ops.open_window(user("clerk"), 1, now=timeutil.now())
        refused("window.taken", ticket_ops.open_window, user("supervisor"), 1, now=timeutil.now())
        refused("window.invalid", ticket_ops.open_window, user("supervisor"), 5, now=timeutil.now())
        ticket_ops.open_window(user("supervisor"), 2, now=timeutil.now())
        for _ in range(9):
            walk_in()
        clerk_ids = [user("clerk").id, user("supervisor").id]

    def worker(user_id):
        def run():
            called = []
            with app.app_context():
                while True:
                    person = db.session.get(User, user_id)
                    try:
                        ticket = ticket_ops.call_next(person, now=timeutil.now())
                    except OperationError as exc:
                        db.session.rollback()
                        if exc.code == "queue.empty":
                            return called
                        continue  # a busy database: try again
                    called.append(ticket.number)
                    ticket_ops.finish(person, ticket_ops.SERVED, now=timeutil.now())
        return run

    first, second = run_together(worker(clerk_ids[0]), worker(clerk_ids[1]))
    assert sorted(first + second) == [f"B{i:03d}" for i in range(1, 10)]
    assert not set(first) & set(second)
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id)).where(Ticket.status == "served")) == 9
        assert db.session.scalar(select(func.max(Ticket.call_count))) == 1
    # a window held yesterday is free today
    clock.set(local(2026, 11, 18, 9))
    with app.app_context():
        assert ticket_ops.open_window(user("supervisor"), 1, now=timeutil.now()).number == 1


def test_link_ticket_to_the_units_own_application_only(app, clock):
    with app.app_context():
        own = file_criminal_record(app, "citizen")
        assert own.unit.code == XDJ
        number = own.number
        ticket_ops.open_window(user("clerk"), 1, now=timeutil.now())
        walk_in()
        ticket = ticket_ops.call_next(user("clerk"), now=timeutil.now())
        refused("application.not_found", ticket_ops.finish, user("clerk"), ticket_ops.SERVED, now=timeutil.now(),
                application_number="CR000")
        served = ticket_ops.finish(user("clerk"), ticket_ops.SERVED, now=timeutil.now(),
                                   application_number=number.lower())
        assert served.application_id == own.id
        # another station's clerk cannot link to it (nor see that it exists)
        ticket_ops.open_window(user("clerk_jianan"), 1, now=timeutil.now())
        walk_in(unit_code=JGC)
        theirs = ticket_ops.call_next(user("clerk_jianan"), now=timeutil.now())
        ticket_ops.finish(user("clerk_jianan"), ticket_ops.SERVED, now=timeutil.now())
        error = refused("application.not_found", ticket_ops.link_application, user("clerk_jianan"), theirs.id, number,
                        now=timeutil.now())
        assert "本单位没有编号为" in error.message
        with pytest.raises(OperationError) as caught:  # and never another unit's ticket
            ticket_ops.link_application(user("clerk_jianan"), ticket.id, number, now=timeutil.now())
        assert caught.value.status == 404


# --- pages: window, display, booking --------------------------------------------------------------------------------


def test_window_page_calls_and_the_display_shows_it(app, client, clock):
    clock.set(local(2026, 11, 17, 9))
    with app.app_context():
        walk_in()
        walk_in(elderly=True)
    login(client, "clerk")
    page = client.get("/window/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "选择您所在的窗口" in html and "P001" in html
    token = csrf_from(html)
    assert client.post("/window/open", data={"csrf_token": token, "number": "2"}).status_code == 302
    client.post("/window/call-next", data={"csrf_token": token})
    html = client.get("/window/").get_data(as_text=True)
    assert "已呼叫P001" in html and "核验通过" in html
    client.post("/window/recall", data={"csrf_token": token})
    assert "请30秒后再重呼" in client.get("/window/").get_data(as_text=True)
    data = client.get(f"/display/{XDJ}/calls.json").get_json()
    assert data["calls"][0]["number"] == "P001" and data["calls"][0]["window"] == 2 and data["waiting"] == 1
    display = client.get(f"/display/{XDJ}").get_data(as_text=True)
    assert "P001" in display and "js/display.js" in display and "<script>" not in display
    client.post("/window/served", data={"csrf_token": token, "application_number": ""})
    assert "P001已办结" in client.get("/window/").get_data(as_text=True)
    # the hall settings are the supervisor's
    assert client.get("/window/settings").status_code == 403


def test_window_refuses_applicants_and_staff_without_a_unit(client, clock):
    login(client, "citizen")
    assert client.get("/window/").status_code == 403
    logout(client)
    login(client, "shop")
    assert client.get("/window/").status_code == 403


def test_supervisor_sets_the_hall(app, client, clock):
    login(client, "supervisor")
    page = client.get("/window/settings")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True))} | {
        name: str(value) for name, value in asdict(queueing.DEFAULT_RULES).items() if name in ticket_ops.SETTING_FIELDS}
    bad = client.post("/window/settings", data=data | {"windows": "0"})
    assert bad.status_code == 422
    ok = client.post("/window/settings", data=data | {"windows": "6", "minutes_criminal_record": "8"})
    assert ok.status_code == 302
    with app.app_context():
        rules = ticket_ops.rules_for(unit_id())
        assert rules.windows == 6 and rules.minutes_for("criminal_record") == 8


def test_citizen_books_reschedules_and_cancels_through_the_pages(app, client, clock):
    login(client, "citizen")
    page = client.get(f"/appointments/new?service={SERVICE}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "西大街派出所" in html and "交警" not in html and "差评整改" not in html
    with app.app_context():
        xdj = unit_id()
    html = client.get(f"/appointments/new?service={SERVICE}&unit={xdj}&day=2026-11-17").get_data(as_text=True)
    assert 'value="2026-11-17T09:00:00+08:00"' in html and "11/21" not in html  # no Saturday offered
    booked = client.post("/appointments/new", data={"csrf_token": csrf_from(html), "service": SERVICE, "unit": xdj,
                                                    "day": "2026-11-17", "slot": "2026-11-17T09:00:00+08:00"})
    assert booked.status_code == 302
    detail = client.get(booked.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="booking-code"[^>]*>([A-Z0-9-]{9})<', detail).group(1)
    assert "预约成功" in detail and "08:30–09:15" in detail
    assert code in client.get("/appointments/").get_data(as_text=True)
    path = booked.headers["Location"]
    moved = client.post(f"{path}/reschedule", data={"csrf_token": csrf_from(detail),
                                                    "slot": "2026-11-19T15:00:00+08:00"})
    assert moved.status_code == 302
    assert "2026-11-19 15:00" in client.get(path).get_data(as_text=True)
    client.post(f"{path}/cancel", data={"csrf_token": csrf_from(detail)})
    assert "已取消" in client.get(path).get_data(as_text=True)
    # someone else's appointment is a 404
    with app.app_context():
        other = book("citizen2", local(2026, 11, 17, 9))
        assert client.get(f"/appointments/{other.id}").status_code == 404
    past_slot = client.post("/appointments/new", data={"csrf_token": csrf_from(detail), "service": SERVICE,
                                                       "unit": xdj, "slot": "2026-11-16T09:00:00+08:00"})
    assert past_slot.status_code == 422 and "所选时段已过" in past_slot.get_data(as_text=True)
