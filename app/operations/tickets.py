"""Window tickets and appointments (排队叫号、网上预约): booking, the kiosk, the clerk's window
and the public display. The rules are in app.domain.queueing; this module loads, asks and
writes in one transaction.

Concurrency:
- a slot's capacity is a seat number unique within (unit, slot): two bookings for the last
  seat cannot both commit; the loser re-reads the taken seats and is told the slot is full;
- a ticket number is unique within (unit, day, prefix): a collision retries with the next one;
- calling the next ticket is a conditional UPDATE (``status = 'waiting'``): two windows never
  call the same ticket; a window is taken with a conditional UPDATE as well.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.domain import queueing
from app.domain.calendar import OfficeHours
from app.domain.catalogue import CATALOGUE
from app.domain.queueing import (
    BookingRefusal,
    CheckinRefusal,
    Group,
    HallClosed,
    HallRules,
    QueueEntry,
    TicketKind,
)
from app.domain.text import N_
from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.applications import Application
from app.models.tickets import Appointment, HallSetting, HallWindow, Ticket
from app.operations import NotFound, OperationError, settings
from app.operations.audit import log_access
from app.operations.calendar import load_calendar

log = logging.getLogger(__name__)

BOOKED, CANCELLED, CHECKED_IN = "booked", "cancelled", "checked_in"
WAITING, CALLED, SERVED, NO_SHOW = "waiting", "called", "served", "no_show"
ELDERLY_CONFIRMED, ELDERLY_REFUSED = "confirmed", "refused"
# A walk-in who does not know which service applies (咨询 and the like).
OTHER_SERVICE = "other"
ATTEMPTS = 8

SETTING_FIELDS = ("windows", "slot_minutes", "slot_capacity", "booking_days_ahead", "checkin_early_minutes",
                  "checkin_late_minutes", "late_grace_minutes", "recall_cooldown_seconds",
                  "default_service_minutes")

BOOKING_MESSAGES = {
    BookingRefusal.INVALID_SLOT: N_("所选时段不是本单位的预约时段，请重新选择。"),
    BookingRefusal.PAST: N_("所选时段已过，请选择其他时段。"),
    BookingRefusal.TOO_FAR: N_("最多可预约%(days)s天内的时段。"),
    BookingRefusal.NOT_WORKING_DAY: N_("%(day)s不是工作日，窗口不办公，请选择工作日。"),
}
CHECKIN_MESSAGES = {
    CheckinRefusal.OTHER_DAY: N_("您预约的是%(slot)s，请在预约当天签到。"),
    CheckinRefusal.TOO_EARLY: N_("您预约的是%(slot)s，请于%(opens)s后签到。"),
    CheckinRefusal.TOO_LATE: N_("已超过签到时间（%(closes)s），本次预约失效，请现场取普通号。"),
}
HALL_MESSAGES = {
    HallClosed.NOT_WORKING_DAY: N_("今天不是工作日，大厅不办理业务。"),
    HallClosed.OUTSIDE_HOURS: N_("当前不在取号时间（%(opens)s–%(closes)s）。"),
}


def _hm(moment: datetime) -> str:
    return timeutil.local(moment).strftime("%H:%M")


def _when(moment: datetime) -> str:
    local = timeutil.local(moment)
    return f"{local.month}月{local.day}日 {local.strftime('%H:%M')}"


# --- units, services, settings -----------------------------------------------------------------


def unit_by_code(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(N_("未找到该单位。"))
    return unit


def bookable_services() -> list:
    """The services people come to a window for (not internal work orders such as 差评整改)."""
    return [s for s in CATALOGUE.values() if s.listed]


def services_at(unit: Unit) -> list:
    """The listed services handled by this kind of unit (every listed service if none is)."""
    own = [s for s in bookable_services() if s.unit_kind == unit.kind]
    return own or bookable_services()


def units_for_service(service_code: str) -> list[Unit]:
    service = CATALOGUE.get(service_code)
    if service is None or not service.listed:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.kind == service.unit_kind).order_by(Unit.code)))


def service_name(code: str) -> str:
    if code == OTHER_SERVICE:
        return "其他业务（咨询等）"
    service = CATALOGUE.get(code)
    return service.name_zh if service else code


def rules_for(unit_id: int) -> HallRules:
    row = db.session.get(HallSetting, unit_id)
    if row is None:
        return queueing.DEFAULT_RULES
    return HallRules(**{name: getattr(row, name) for name in SETTING_FIELDS},
                     service_minutes=dict(row.service_minutes or {}))


def save_settings(user: User, values: dict, service_minutes: dict[str, int], *, now: datetime) -> HallRules:
    """A supervisor (or admin) sets the hall of their own unit."""
    if user.role_enum not in (Role.SUPERVISOR, Role.ADMIN) or user.unit_id is None:
        raise OperationError("settings.forbidden", N_("只有本单位负责人可以修改大厅设置。"), status=403)
    try:
        rules = HallRules(**{name: int(values[name]) for name in SETTING_FIELDS}, service_minutes=service_minutes)
    except (KeyError, TypeError, ValueError) as exc:
        raise OperationError("settings.invalid", N_("设置超出允许范围，请检查后重试。")) from exc
    row = db.session.get(HallSetting, user.unit_id) or HallSetting(unit_id=user.unit_id)
    for name in SETTING_FIELDS:
        setattr(row, name, getattr(rules, name))
    row.service_minutes = dict(service_minutes)
    row.updated_at, row.updated_by_id = now, user.id
    db.session.add(row)
    db.session.commit()
    return rules


def is_working_day_at(unit: Unit) -> Callable[[date], bool]:
    """The hall's open days: the calendar's working days, and the weekend days the unit opens on
    (a unit setting, e.g. for truck permits)."""
    working = load_calendar(unit.region_code).is_working_day
    weekend = settings.weekend_days(unit.id, timeutil.now())
    if not weekend:
        return working
    return lambda day: working(day) or day.isoweekday() in weekend


def office_hours_at(unit: Unit, now: datetime) -> OfficeHours:
    """The unit's office hours in force now (a unit setting; the default 09:00–12:00, 13:00–17:00)."""
    return settings.office_hours(unit.id, now)


# --- appointments -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotView:
    start: datetime
    free: int
    bookable: bool
    past: bool


def slots_of_day(unit: Unit, day: date, *, now: datetime) -> list[SlotView]:
    rules = rules_for(unit.id)
    hours = office_hours_at(unit, now)
    starts = queueing.day_slots(day, rules, hours)
    taken = dict(db.session.execute(
        select(Appointment.slot_start, func.count(Appointment.id))
        .where(Appointment.unit_id == unit.id, Appointment.seat.is_not(None),
               Appointment.slot_start.in_(starts) if starts else false())
        .group_by(Appointment.slot_start)
    ).all())
    taken = {timeutil.local(k): v for k, v in taken.items()}
    working = is_working_day_at(unit)
    views = []
    for start in starts:
        free = max(0, rules.slot_capacity - taken.get(start, 0))
        ok = free > 0 and queueing.booking_refusal(start, now=now, is_working_day=working, rules=rules,
                                                   office_hours=hours) is None
        views.append(SlotView(start, free, ok, start <= now))
    return views


def bookable_days(unit: Unit, *, now: datetime) -> list[date]:
    return queueing.bookable_days(now=now, is_working_day=is_working_day_at(unit), rules=rules_for(unit.id),
                                  office_hours=office_hours_at(unit, now))


def _check_slot(unit: Unit, slot_start: datetime, now: datetime, rules: HallRules) -> None:
    refusal = queueing.booking_refusal(slot_start, now=now, is_working_day=is_working_day_at(unit), rules=rules,
                                       office_hours=office_hours_at(unit, now))
    if refusal is not None:
        raise OperationError(refusal.value, BOOKING_MESSAGES[refusal], field="slot",
                             params={"days": rules.booking_days_ahead,
                                     "day": timeutil.local(slot_start).strftime("%Y-%m-%d")})


def _seat_into(appointment: Appointment, unit_id: int, slot_start: datetime, capacity: int) -> None:
    """Give the appointment a free seat of the slot (flushes); a lost race re-reads the seats."""
    for _attempt in range(capacity + ATTEMPTS):
        taken = db.session.scalars(select(Appointment.seat).where(
            Appointment.unit_id == unit_id, Appointment.slot_start == slot_start,
            Appointment.seat.is_not(None), Appointment.id != (appointment.id or 0))).all()
        seat = queueing.free_seat(taken, capacity)
        if seat is None:
            raise OperationError("slot.full", N_("该时段已约满，请选择其他时段。"), field="slot", status=409)
        try:
            with db.session.begin_nested():
                appointment.slot_start, appointment.seat = slot_start, seat
                db.session.add(appointment)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise OperationError("slot.busy", N_("预约的人较多，请稍后重试。"), field="slot", status=409)


def book(applicant: User, *, unit_id: int, service_code: str, slot_start: datetime, now: datetime) -> Appointment:
    if service_code not in {s.code for s in bookable_services()}:
        raise OperationError("service.unknown", N_("请选择要办理的事项。"), field="service")
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.kind != CATALOGUE[service_code].unit_kind:
        raise OperationError("unit.invalid", N_("该单位不办理所选事项，请重新选择办理单位。"), field="unit")
    rules = rules_for(unit.id)
    slot_start = timeutil.local(slot_start)
    _check_slot(unit, slot_start, now, rules)
    active = list(db.session.scalars(select(Appointment).where(
        Appointment.applicant_user_id == applicant.id, Appointment.status == BOOKED, Appointment.slot_start > now)))
    same_day = [a for a in active if a.unit_id == unit.id and a.service_code == service_code
                and timeutil.local(a.slot_start).date() == slot_start.date()]
    if same_day:
        raise OperationError("appointment.duplicate", N_("您已预约当天在该单位办理该事项（%(when)s），如需调整请改约。"),
                             field="slot", params={"when": _when(same_day[0].slot_start)})
    if len(active) >= rules.max_active_appointments:
        raise OperationError("appointment.too_many", N_("您已有%(n)s个未到期的预约，请先办理或取消后再预约。"),
                             params={"n": len(active)})
    appointment = Appointment(unit_id=unit.id, service_code=service_code, applicant_user_id=applicant.id,
                              status=BOOKED, created_at=now, updated_at=now)
    for _attempt in range(ATTEMPTS):
        appointment.code = queueing.new_booking_code()
        try:
            _seat_into(appointment, unit.id, slot_start, rules.slot_capacity)
            break
        except IntegrityError:  # pragma: no cover - a code collision (about 1 in 10^11)
            continue
    db.session.commit()
    log.info("appointment booked id=%s unit=%s slot=%s", appointment.id, unit.code, slot_start.isoformat())
    return appointment


def appointments_of(user: User) -> list[Appointment]:
    return list(db.session.scalars(select(Appointment).where(Appointment.applicant_user_id == user.id)
                                   .order_by(Appointment.slot_start.desc())))


def own_appointment(user: User, appointment_id: int) -> Appointment:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.applicant_user_id != user.id:
        raise NotFound(N_("未找到该预约。"))
    return appointment


def appointment_by_code(text: str | None) -> Appointment:
    """The appointment behind a booking code; every failure reads the same (nothing is revealed)."""
    code = queueing.normalize_code(text)
    appointment = db.session.scalar(select(Appointment).where(Appointment.code == code)) if code else None
    if appointment is None:
        raise OperationError("code.invalid", N_("预约码不正确，请核对后重新输入。"), field="code", status=422)
    return appointment


def log_code_access(appointment: Appointment, action: str) -> None:
    """Someone holding the code (not necessarily the booker) saw or changed the booking."""
    log_access(actor=None, action=f"appointment.code_{action}", subject_kind="appointment",
               subject_id=str(appointment.id))
    db.session.commit()


def _changeable(appointment: Appointment, now: datetime) -> None:
    if appointment.status == CANCELLED:
        raise OperationError("appointment.cancelled", N_("该预约已取消。"), status=409)
    if appointment.status == CHECKED_IN:
        raise OperationError("appointment.checked_in", N_("该预约已签到取号，不能再改约或取消。"), status=409)
    if appointment.slot_start <= now:
        raise OperationError("appointment.past", N_("预约时间已到或已过，不能再改约或取消。"), status=409)


def cancel(appointment: Appointment, *, now: datetime) -> Appointment:
    _changeable(appointment, now)
    appointment.status, appointment.seat = CANCELLED, None
    appointment.cancelled_at = appointment.updated_at = now
    db.session.commit()
    log.info("appointment cancelled id=%s", appointment.id)
    return appointment


def reschedule(appointment: Appointment, *, slot_start: datetime, now: datetime) -> Appointment:
    _changeable(appointment, now)
    slot_start = timeutil.local(slot_start)
    if slot_start == timeutil.local(appointment.slot_start):
        raise OperationError("slot.same", N_("新时段与原预约时段相同，请选择其他时段。"), field="slot")
    rules = rules_for(appointment.unit_id)
    _check_slot(appointment.unit, slot_start, now, rules)
    try:
        _seat_into(appointment, appointment.unit_id, slot_start, rules.slot_capacity)
    except OperationError:
        db.session.rollback()
        raise
    appointment.reschedule_count += 1
    appointment.updated_at = now
    db.session.commit()
    log.info("appointment rescheduled id=%s slot=%s", appointment.id, slot_start.isoformat())
    return appointment


def appointment_state(appointment: Appointment, now: datetime) -> str:
    """booked / cancelled / checked_in, or ``missed`` for a booked slot whose check-in has closed."""
    if appointment.status == BOOKED:
        _opens, closes = queueing.checkin_window(appointment.slot_start, rules_for(appointment.unit_id))
        if now > closes:
            return "missed"
    return appointment.status


# --- the kiosk ------------------------------------------------------------------------------------


def _hall_open(unit: Unit, now: datetime, rules: HallRules) -> None:
    hours = office_hours_at(unit, now)
    closed = queueing.hall_closed(now, is_working_day=is_working_day_at(unit), rules=rules, office_hours=hours)
    if closed is not None:
        opens, closes = queueing.ticket_hours(timeutil.local(now).date(), rules, hours)
        raise OperationError(closed.value, HALL_MESSAGES[closed], status=409,
                             params={"opens": _hm(opens), "closes": _hm(closes)})


def _issue(unit: Unit, kind: TicketKind, *, service_code: str, now: datetime, **fields) -> Ticket:
    day = timeutil.local(now).date()
    prefix = queueing.PREFIXES[kind]
    for _attempt in range(ATTEMPTS):
        last = db.session.scalar(select(func.max(Ticket.seq)).where(
            Ticket.unit_id == unit.id, Ticket.day == day, Ticket.prefix == prefix)) or 0
        ticket = Ticket(token=secrets.token_urlsafe(32), unit_id=unit.id, day=day, prefix=prefix, seq=last + 1,
                        kind=kind.value, service_code=service_code, issued_at=now, status=WAITING,
                        call_count=0, elderly_check="", **fields)
        try:
            with db.session.begin_nested():
                db.session.add(ticket)
                db.session.flush()
            return ticket
        except IntegrityError:
            continue
    raise OperationError("ticket.busy", N_("取号的人较多，请稍后重试。"), status=409)


def issue_walk_in(unit: Unit, *, service_code: str, elderly: bool, now: datetime) -> Ticket:
    if service_code != OTHER_SERVICE and service_code not in {s.code for s in services_at(unit)}:
        raise OperationError("service.unknown", N_("请选择要办理的业务。"), field="service")
    rules = rules_for(unit.id)
    _hall_open(unit, now, rules)
    kind = TicketKind.PRIORITY if elderly else TicketKind.WALK_IN
    ticket = _issue(unit, kind, service_code=service_code, now=now, elderly=elderly)
    db.session.commit()
    log.info("ticket issued unit=%s number=%s", unit.code, ticket.number)
    return ticket


def check_in(unit: Unit, *, code: str, elderly: bool, now: datetime) -> tuple[Ticket, bool]:
    """An appointment arrives: its ticket (A…). Returns (ticket, already) — a second check-in
    with the same code shows the ticket issued the first time."""
    appointment = appointment_by_code(code)
    if appointment.unit_id != unit.id:
        raise OperationError("checkin.other_unit", N_("该预约的办理单位是%(unit)s，请到该单位签到。"), field="code",
                             params={"unit": appointment.unit.name})
    if appointment.status == CANCELLED:
        raise OperationError("appointment.cancelled", N_("该预约已取消，请现场取普通号。"), field="code", status=409)
    existing = db.session.scalar(select(Ticket).where(Ticket.appointment_id == appointment.id))
    if existing is not None:
        return existing, True
    rules = rules_for(unit.id)
    refusal = queueing.checkin_refusal(appointment.slot_start, now=now, rules=rules)
    if refusal is not None:
        opens, closes = queueing.checkin_window(appointment.slot_start, rules)
        raise OperationError(refusal.value, CHECKIN_MESSAGES[refusal], field="code", status=409,
                             params={"slot": _when(appointment.slot_start), "opens": _hm(opens),
                                     "closes": _hm(closes)})
    _hall_open(unit, now, rules)
    taken = db.session.execute(update(Appointment).where(Appointment.id == appointment.id,
                                                          Appointment.status == BOOKED)
                               .values(status=CHECKED_IN, updated_at=now)
                               .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        raise OperationError("appointment.changed", N_("该预约刚刚被签到或取消，请重试。"), field="code", status=409)
    ticket = _issue(unit, TicketKind.APPOINTMENT, service_code=appointment.service_code, now=now, elderly=elderly,
                    appointment_id=appointment.id, slot_start=appointment.slot_start)
    db.session.commit()
    log.info("appointment checked in id=%s number=%s", appointment.id, ticket.number)
    return ticket, False


def ticket_by_token(token: str) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.token == token)) if token and len(token) <= 64 else None
    if ticket is None:
        raise NotFound(N_("未找到该号码。"))
    return ticket


# --- the queue ----------------------------------------------------------------------------------


def _entry(ticket: Ticket, rules: HallRules) -> QueueEntry:
    return QueueEntry(id=ticket.id, issued_at=ticket.issued_at, slot_start=ticket.slot_start,
                      priority=ticket.elderly and ticket.elderly_check != ELDERLY_REFUSED,
                      service_minutes=rules.minutes_for(ticket.service_code))


def waiting_tickets(unit_id: int, day: date) -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).where(
        Ticket.unit_id == unit_id, Ticket.day == day, Ticket.status == WAITING)))


def ordered_waiting(unit_id: int, *, now: datetime) -> list[tuple[Ticket, Group]]:
    rules = rules_for(unit_id)
    tickets = {t.id: t for t in waiting_tickets(unit_id, timeutil.local(now).date())}
    ordered = queueing.order_queue([_entry(t, rules) for t in tickets.values()], now=now, rules=rules)
    return [(tickets[e.id], queueing.group_of(e, now=now, rules=rules)) for e in ordered]


def open_windows(unit_id: int, *, now: datetime) -> list[HallWindow]:
    start = _day_start(now)
    return list(db.session.scalars(select(HallWindow).where(
        HallWindow.unit_id == unit_id, HallWindow.clerk_user_id.is_not(None), HallWindow.opened_at >= start)
        .order_by(HallWindow.number)))


@dataclass(frozen=True)
class TicketStatus:
    ticket: Ticket
    ahead: int | None  # people to be called before this ticket (None when not waiting)
    wait_minutes: int | None
    open_windows: int
    group: Group | None


def ticket_status(ticket: Ticket, *, now: datetime) -> TicketStatus:
    rules = rules_for(ticket.unit_id)
    windows = len(open_windows(ticket.unit_id, now=now))
    if ticket.status != WAITING or ticket.day != timeutil.local(now).date():
        return TicketStatus(ticket, None, None, windows, None)
    entries = [_entry(t, rules) for t in waiting_tickets(ticket.unit_id, ticket.day)]
    ahead = queueing.ahead_of(entries, ticket.id, now=now, rules=rules) or []
    mine = _entry(ticket, rules)
    group = queueing.group_of(mine, now=now, rules=rules)
    # Appointments that will overtake this ticket when their slot comes: early check-ins not
    # ahead yet, and today's bookings not checked in (an appointment only yields to earlier slots).
    counted = {entry.id for entry in ahead} | {ticket.id}
    upcoming = [(e.slot_start, e.service_minutes) for e in entries if e.id not in counted
                and queueing.group_of(e, now=now, rules=rules) == Group.APPOINTMENT_EARLY]
    upcoming += [(a.slot_start, rules.minutes_for(a.service_code)) for a in db.session.scalars(select(Appointment).where(
        Appointment.unit_id == ticket.unit_id, Appointment.status == BOOKED, Appointment.slot_start > now,
        Appointment.slot_start < _day_start(now) + timedelta(days=1)))]
    if ticket.slot_start is not None:
        upcoming = [item for item in upcoming if item[0] < ticket.slot_start]
    wait = queueing.estimate_wait_minutes(
        ahead, open_windows=windows or rules.windows, now=now, upcoming=upcoming,
        slot_start=ticket.slot_start if group == Group.APPOINTMENT_EARLY else None)
    return TicketStatus(ticket, len(ahead), wait, windows, group)


def recent_calls(unit_id: int, *, now: datetime, limit: int = 8) -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).where(
        Ticket.unit_id == unit_id, Ticket.day == timeutil.local(now).date(), Ticket.last_called_at.is_not(None),
        Ticket.window_number.is_not(None))
        .order_by(Ticket.last_called_at.desc(), Ticket.id.desc()).limit(limit)))


def display_data(unit: Unit, *, now: datetime, limit: int = 8) -> dict:
    calls = recent_calls(unit.id, now=now, limit=limit)
    waiting = db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.unit_id == unit.id, Ticket.day == timeutil.local(now).date(), Ticket.status == WAITING)) or 0
    return {
        "unit": unit.name,
        "now": timeutil.local(now).isoformat(timespec="seconds"),
        "waiting": waiting,
        "calls": [{"number": t.number, "window": t.window_number, "called_at": _hm(t.last_called_at),
                   "recall": t.call_count > 1, "key": f"{t.id}:{t.call_count}"} for t in calls],
    }


# --- the clerk's window -----------------------------------------------------------------------------


def _day_start(now: datetime) -> datetime:
    local = timeutil.local(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _staff_unit(user: User) -> int:
    if user.unit_id is None or not (user.role_enum.is_staff or user.role_enum == Role.ADMIN):
        raise OperationError("window.forbidden", N_("只有本单位窗口工作人员可以使用叫号窗口。"), status=403)
    return user.unit_id


def window_of(user: User, *, now: datetime) -> HallWindow | None:
    """The window the user sits at today."""
    if user.unit_id is None:
        return None
    return db.session.scalar(select(HallWindow).where(
        HallWindow.unit_id == user.unit_id, HallWindow.clerk_user_id == user.id,
        HallWindow.opened_at >= _day_start(now)))


def current_ticket(window: HallWindow | None) -> Ticket | None:
    if window is None or window.current_ticket is None:
        return None
    ticket = window.current_ticket
    return ticket if ticket.status == CALLED and ticket.window_number == window.number else None


def windows_overview(user: User, *, now: datetime) -> list[dict]:
    unit_id = _staff_unit(user)
    rules = rules_for(unit_id)
    held = {w.number: w for w in open_windows(unit_id, now=now)}
    return [{"number": n, "clerk": held[n].clerk if n in held else None} for n in range(1, rules.windows + 1)]


def open_window(user: User, number: int, *, now: datetime) -> HallWindow:
    unit_id = _staff_unit(user)
    rules = rules_for(unit_id)
    if not 1 <= number <= rules.windows:
        raise OperationError("window.invalid", N_("本单位大厅设有1至%(n)s号窗口。"), field="number",
                             params={"n": rules.windows})
    mine = window_of(user, now=now)
    if mine is not None and mine.number == number:
        return mine
    if current_ticket(mine) is not None:
        raise OperationError("window.busy", N_("请先办结或标记未到当前号（%(number)s），再更换窗口。"), status=409,
                             params={"number": mine.current_ticket.number})
    for _attempt in range(ATTEMPTS):
        taken = db.session.execute(
            update(HallWindow)
            .where(HallWindow.unit_id == unit_id, HallWindow.number == number,
                   or_(HallWindow.clerk_user_id.is_(None), HallWindow.clerk_user_id == user.id,
                       HallWindow.opened_at < _day_start(now)))
            .values(clerk_user_id=user.id, opened_at=now, current_ticket_id=None)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            break
        exists = db.session.scalar(select(HallWindow.id).where(HallWindow.unit_id == unit_id,
                                                                HallWindow.number == number))
        if exists is not None:
            db.session.rollback()
            raise OperationError("window.taken", N_("%(number)s号窗口已有工作人员，请选择其他窗口。"), field="number",
                                 status=409, params={"number": number})
        try:
            with db.session.begin_nested():
                db.session.add(HallWindow(unit_id=unit_id, number=number, clerk_user_id=user.id, opened_at=now))
                db.session.flush()
            break
        except IntegrityError:
            continue
    if mine is not None:
        mine.clerk_user_id = mine.opened_at = mine.current_ticket_id = None
    db.session.commit()
    log.info("window opened unit=%s number=%s user=%s", unit_id, number, user.id)
    return window_of(user, now=now)


def leave_window(user: User, *, now: datetime) -> None:
    window = window_of(user, now=now)
    if window is None:
        return
    if current_ticket(window) is not None:
        raise OperationError("window.busy", N_("请先办结或标记未到当前号（%(number)s），再离开窗口。"), status=409,
                             params={"number": window.current_ticket.number})
    window.clerk_user_id = window.opened_at = window.current_ticket_id = None
    db.session.commit()


def _my_window(user: User, now: datetime) -> HallWindow:
    _staff_unit(user)
    window = window_of(user, now=now)
    if window is None:
        raise OperationError("window.none", N_("请先选择您所在的窗口。"), status=409)
    return window


def call_next(user: User, *, now: datetime) -> Ticket:
    window = _my_window(user, now)
    current = current_ticket(window)
    if current is not None:
        raise OperationError("window.busy", N_("请先办结或标记未到当前号（%(number)s），再呼叫下一位。"), status=409,
                             params={"number": current.number})
    for ticket, _group in ordered_waiting(window.unit_id, now=now):
        taken = db.session.execute(
            update(Ticket).where(Ticket.id == ticket.id, Ticket.status == WAITING)
            .values(status=CALLED, window_number=window.number, called_by_id=user.id, first_called_at=now,
                    last_called_at=now, call_count=1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            window.current_ticket_id = ticket.id
            db.session.commit()
            db.session.refresh(ticket)
            log.info("ticket called unit=%s number=%s window=%s", window.unit_id, ticket.number, window.number)
            return ticket
    db.session.rollback()
    raise OperationError("queue.empty", N_("当前没有等候的号。"), status=409)


def _current(user: User, now: datetime) -> tuple[HallWindow, Ticket]:
    window = _my_window(user, now)
    ticket = current_ticket(window)
    if ticket is None:
        raise OperationError("window.idle", N_("当前窗口没有正在办理的号，请先呼叫下一位。"), status=409)
    return window, ticket


def recall(user: User, *, now: datetime) -> Ticket:
    _window, ticket = _current(user, now)
    left = queueing.cooldown_left(ticket.last_called_at, now=now, rules=rules_for(ticket.unit_id))
    if left:
        raise OperationError("recall.cooldown", N_("刚刚已呼叫%(number)s，请%(seconds)s秒后再重呼。"), status=409,
                             params={"number": ticket.number, "seconds": left})
    ticket.last_called_at = now
    ticket.call_count += 1
    db.session.commit()
    return ticket


def finish(user: User, outcome: str, *, now: datetime, application_number: str | None = None) -> Ticket:
    """Served (办结) or no-show (未到); a no-show only once the cooldown after the last call is over."""
    if outcome not in (SERVED, NO_SHOW):
        raise OperationError("outcome.invalid", N_("无效的操作。"))
    window, ticket = _current(user, now)
    if outcome == NO_SHOW:
        left = queueing.cooldown_left(ticket.last_called_at, now=now, rules=rules_for(ticket.unit_id))
        if left:
            raise OperationError("no_show.too_soon", N_("刚刚呼叫%(number)s，请等候%(seconds)s秒，仍未到再标记未到。"),
                                 status=409, params={"number": ticket.number, "seconds": left})
    if application_number and outcome == SERVED:
        ticket.application_id = _unit_application(user, application_number).id
    ticket.status, ticket.finished_at = outcome, now
    window.current_ticket_id = None
    db.session.commit()
    log.info("ticket %s unit=%s number=%s", outcome, ticket.unit_id, ticket.number)
    return ticket


def _unit_application(user: User, number: str) -> Application:
    number = (number or "").strip().upper()
    application = db.session.scalar(select(Application).where(
        Application.number == number, Application.unit_id == user.unit_id)) if number else None
    if application is None:
        raise OperationError("application.not_found", N_("本单位没有编号为%(number)s的办件，请核对办件编号。"),
                             field="application_number", params={"number": number[:32] or "—"})
    return application


def _unit_ticket(user: User, ticket_id: int, now: datetime) -> Ticket:
    unit_id = _staff_unit(user)
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.unit_id != unit_id or ticket.day != timeutil.local(now).date():
        raise NotFound(N_("未找到该号码。"))
    return ticket


def link_application(user: User, ticket_id: int, number: str, *, now: datetime) -> Ticket:
    ticket = _unit_ticket(user, ticket_id, now)
    if ticket.status not in (CALLED, SERVED):
        raise OperationError("ticket.not_served", N_("只有已呼叫或已办结的号可以关联办件。"), status=409)
    ticket.application_id = _unit_application(user, number).id
    db.session.commit()
    return ticket


def check_elderly(user: User, ticket_id: int, confirmed: bool, *, now: datetime) -> Ticket:
    """The hall staff check the 65+ claim (ID card): confirmed, or refused — a refused ticket queues
    as a walk-in by its arrival time (a called one goes back to the queue)."""
    ticket = _unit_ticket(user, ticket_id, now)
    if not ticket.elderly:
        raise OperationError("ticket.not_elderly", N_("该号不是老年人优先号。"), status=409)
    if ticket.status not in (WAITING, CALLED):
        raise OperationError("ticket.finished", N_("该号已办结。"), status=409)
    ticket.elderly_check = ELDERLY_CONFIRMED if confirmed else ELDERLY_REFUSED
    ticket.elderly_checked_by_id = user.id
    if not confirmed and ticket.status == CALLED and ticket.slot_start is None:
        db.session.execute(update(HallWindow).where(HallWindow.current_ticket_id == ticket.id)
                           .values(current_ticket_id=None).execution_options(synchronize_session=False))
        ticket.status, ticket.window_number = WAITING, None
    db.session.commit()
    return ticket


def served_today(user: User, *, now: datetime, limit: int = 20) -> list[Ticket]:
    unit_id = _staff_unit(user)
    return list(db.session.scalars(select(Ticket).where(
        Ticket.unit_id == unit_id, Ticket.day == timeutil.local(now).date(), Ticket.called_by_id == user.id,
        Ticket.status.in_([SERVED, NO_SHOW])).order_by(Ticket.finished_at.desc()).limit(limit)))
