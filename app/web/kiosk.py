"""The public hall pages (no login): the self-service kiosk (/kiosk/<unit_code>), the ticket page
a phone opens from the ticket's QR code (/kiosk/ticket/<token>), the call display
(/display/<unit_code>) and managing a booking with its code (/manage-appointment).

A kiosk is a device standing in the hall: nobody logs in, so every POST is rate limited per
device (IP), and a wrong booking code counts against a tighter limit. The booking code is the
capability for cancelling or rescheduling: whoever holds it (the booker, or a relative who
booked for an elderly person) may change the booking; it never appears in a URL, every use
is written to the access log, and the page shows the booker's name masked.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from app import timeutil
from app.documents.qr import qr_svg
from app.domain import queueing
from app.domain.text import N_
from app.extensions import limiter
from app.operations import OperationError
from app.operations import tickets as ticket_ops
from app.web.guards import allow_public
from app.web.links import external_url

bp = Blueprint("kiosk", __name__)
bp.before_request(allow_public)

TICKET_REFRESH_SECONDS = 15
KIOSK_RETURN_SECONDS = 30


def _kiosk_limit() -> str:
    return current_app.config.get("KIOSK_RATE_LIMIT", "30 per minute")


def _code_failure_limit() -> str:
    return current_app.config.get("BOOKING_CODE_FAILURE_LIMIT", "10 per minute")


def _wrong_code(_response) -> bool:
    """Only a wrong booking code counts against the code limit (guessing is what it stops)."""
    return bool(g.get("wrong_code"))


def _code_error(exc: OperationError) -> None:
    if exc.code == "code.invalid":
        g.wrong_code = True


class CheckinForm(FlaskForm):
    code = StringField(_l("预约码"), validators=[Optional(), Length(max=20)],
                       description=_l("8位预约码，字母不区分大小写"))
    elderly = BooleanField(_l("老年人优先（年满65周岁）"))


class WalkInForm(FlaskForm):
    elderly = BooleanField(_l("老年人优先（年满65周岁）"))


class CodeForm(FlaskForm):
    code = StringField(_l("预约码"), validators=[Optional(), Length(max=20)])


def _kiosk_page(unit, *, checkin=None, walk_in=None, status=200):
    now = timeutil.now()
    rules = ticket_ops.rules_for(unit.id)
    closed = queueing.hall_closed(now, is_working_day=ticket_ops.is_working_day_at(unit), rules=rules)
    opens, closes = queueing.ticket_hours(timeutil.local(now).date(), rules)
    return render_template(
        "kiosk/home.html", unit=unit, services=ticket_ops.services_at(unit), other=ticket_ops.OTHER_SERVICE,
        checkin=checkin or CheckinForm(prefix="checkin"), walk_in=walk_in or WalkInForm(prefix="walkin"),
        closed=closed, opens=opens, closes=closes, now=now,
        waiting=len(ticket_ops.waiting_tickets(unit.id, timeutil.local(now).date())),
    ), status


@bp.route("/kiosk/<unit_code>")
def home(unit_code: str):
    return _kiosk_page(ticket_ops.unit_by_code(unit_code))


@bp.route("/kiosk/<unit_code>/walk-in", methods=["POST"])
@limiter.limit(_kiosk_limit)
def walk_in(unit_code: str):
    unit = ticket_ops.unit_by_code(unit_code)
    form = WalkInForm(prefix="walkin")
    if not form.validate_on_submit():
        return _kiosk_page(unit, walk_in=form, status=400)
    try:
        ticket = ticket_ops.issue_walk_in(unit, service_code=request.form.get("service", ""),
                                          elderly=bool(form.elderly.data), now=timeutil.now())
    except OperationError as exc:
        form.form_errors.append(exc.message)
        return _kiosk_page(unit, walk_in=form, status=exc.status)
    return redirect(url_for("kiosk.ticket", token=ticket.token, kiosk=1))


@bp.route("/kiosk/<unit_code>/check-in", methods=["POST"])
@limiter.limit(_kiosk_limit)
@limiter.limit(_code_failure_limit, deduct_when=_wrong_code)
def check_in(unit_code: str):
    unit = ticket_ops.unit_by_code(unit_code)
    form = CheckinForm(prefix="checkin")
    if not form.validate_on_submit():
        return _kiosk_page(unit, checkin=form, status=400)
    try:
        ticket, _already = ticket_ops.check_in(unit, code=form.code.data or "", elderly=bool(form.elderly.data),
                                               now=timeutil.now())
    except OperationError as exc:
        _code_error(exc)
        form.code.errors = [*form.code.errors, exc.message]
        return _kiosk_page(unit, checkin=form, status=exc.status)
    return redirect(url_for("kiosk.ticket", token=ticket.token, kiosk=1))


@bp.route("/kiosk/ticket/<token>")
@limiter.limit("60 per minute")
def ticket(token: str):
    ticket = ticket_ops.ticket_by_token(token)
    now = timeutil.now()
    status = ticket_ops.ticket_status(ticket, now=now)
    kiosk = request.args.get("kiosk") == "1"
    url = external_url("kiosk.ticket", token=token)
    finished = ticket.status in (ticket_ops.SERVED, ticket_ops.NO_SHOW) or ticket.day != timeutil.local(now).date()
    return render_template(
        "kiosk/ticket.html", t=ticket, s=status, kiosk=kiosk, qr=qr_svg(url), finished=finished,
        service_name=ticket_ops.service_name(ticket.service_code), refresh=TICKET_REFRESH_SECONDS,
        kiosk_return=KIOSK_RETURN_SECONDS, Group=queueing.Group,
        now=now, rules=ticket_ops.rules_for(ticket.unit_id),
    )


@bp.route("/display/<unit_code>")
def display(unit_code: str):
    unit = ticket_ops.unit_by_code(unit_code)
    return render_template("kiosk/display.html", unit=unit,
                           data=ticket_ops.display_data(unit, now=timeutil.now()))


@bp.route("/display/<unit_code>/calls.json")
@limiter.limit("120 per minute")
def display_calls(unit_code: str):
    unit = ticket_ops.unit_by_code(unit_code)
    response = jsonify(ticket_ops.display_data(unit, now=timeutil.now()))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- managing a booking with its code -------------------------------------------------------------


def _parse_slot(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@bp.route("/manage-appointment", methods=["GET", "POST"])
@limiter.limit(_kiosk_limit, methods=["POST"])
@limiter.limit(_code_failure_limit, methods=["POST"], deduct_when=_wrong_code)
def manage():
    form = CodeForm()
    status = 200
    now = timeutil.now()
    if request.method == "GET":
        return render_template("kiosk/manage.html", form=form, appointment=None)
    if not form.validate_on_submit():
        return render_template("kiosk/manage.html", form=form, appointment=None), 400
    try:
        appointment = ticket_ops.appointment_by_code(form.code.data)
    except OperationError as exc:
        _code_error(exc)
        form.code.errors = [*form.code.errors, exc.message]
        return render_template("kiosk/manage.html", form=form, appointment=None), exc.status
    action = request.form.get("action", "show")
    error, done = None, None
    day = _parse_day(request.form.get("day"))
    try:
        if action == "cancel":
            ticket_ops.cancel(appointment, now=now)
            ticket_ops.log_code_access(appointment, "cancel")
            done = _("预约已取消。")
        elif action == "reschedule":
            slot = _parse_slot(request.form.get("slot"))
            if slot is None:
                raise OperationError("slot.missing", N_("请选择新的预约时段。"), field="slot")
            ticket_ops.reschedule(appointment, slot_start=slot, now=now)
            ticket_ops.log_code_access(appointment, "reschedule")
            done = _("已改约到%(when)s。", when=timeutil.local(appointment.slot_start).strftime("%Y-%m-%d %H:%M"))
            day = None
        else:
            ticket_ops.log_code_access(appointment, "view")
    except OperationError as exc:
        error, status = exc.message, exc.status
    state = ticket_ops.appointment_state(appointment, now)
    days = ticket_ops.bookable_days(appointment.unit, now=now) if state == ticket_ops.BOOKED else []
    slots = ticket_ops.slots_of_day(appointment.unit, day, now=now) if day in days else None
    return render_template("kiosk/manage.html", form=form, appointment=appointment, state=state,
                           service_name=ticket_ops.service_name(appointment.service_code), code=form.code.data,
                           days=days, day=day, slots=slots, error=error, done=done,
                           code_text=queueing.format_code(appointment.code)), status
