"""Booking a window appointment (网上预约) for citizens and enterprises: choose the service, the
unit, a working day and a slot; get a booking code; cancel or reschedule. Managing with the code
alone (no login) is /manage-appointment in app/web/kiosk.py."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app import timeutil
from app.domain import queueing
from app.domain.text import N_
from app.operations import OperationError
from app.operations import tickets as ticket_ops
from app.web.guards import require_applicant

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
bp.before_request(require_applicant)

STATE_NAMES = {
    "booked": _l("已预约"),
    "cancelled": _l("已取消"),
    "checked_in": _l("已签到取号"),
    "missed": _l("已过期未签到"),
}


class ConfirmForm(FlaskForm):
    """CSRF only; the fields are read from the request (choices depend on the chosen day)."""


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _slot(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _view(appointment, now):
    return {
        "a": appointment,
        "state": ticket_ops.appointment_state(appointment, now),
        "service_name": ticket_ops.service_name(appointment.service_code),
        "code": queueing.format_code(appointment.code),
    }


@bp.route("/")
def index():
    now = timeutil.now()
    views = [_view(a, now) for a in ticket_ops.appointments_of(current_user)]
    upcoming = [v for v in views if v["state"] == "booked"]
    past = [v for v in views if v["state"] != "booked"]
    return render_template("appointments/index.html", upcoming=upcoming[::-1], past=past,
                           state_names=STATE_NAMES)


@bp.route("/new", methods=["GET", "POST"])
def new():
    now = timeutil.now()
    form = ConfirmForm()
    source = request.form if request.method == "POST" else request.args
    service_code = source.get("service") or ""
    service = next((s for s in ticket_ops.bookable_services() if s.code == service_code), None)
    units = ticket_ops.units_for_service(service_code) if service else []
    unit = next((u for u in units if str(u.id) == source.get("unit", "")), units[0] if len(units) == 1 else None)
    days = ticket_ops.bookable_days(unit, now=now) if unit else []
    day = _day(source.get("day"))
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        slot = _slot(request.form.get("slot"))
        try:
            if unit is None:
                raise OperationError("unit.missing", N_("请选择办理单位。"), field="unit")
            if slot is None:
                raise OperationError("slot.missing", N_("请选择预约时段。"), field="slot")
            appointment = ticket_ops.book(current_user, unit_id=unit.id, service_code=service_code,
                                          slot_start=slot, now=now)
        except OperationError as exc:
            error, status = exc.message, exc.status
            day = day or (timeutil.local(slot).date() if slot else None)
        else:
            flash(_("预约成功。请牢记预约码，凭预约码在大厅自助机签到取号。"), "success")
            return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    slots = ticket_ops.slots_of_day(unit, day, now=now) if unit and day in days else None
    return render_template("appointments/new.html", form=form, services=ticket_ops.bookable_services(), service=service,
                           units=units, unit=unit, days=days, day=day, slots=slots, error=error,
                           rules=ticket_ops.rules_for(unit.id) if unit else queueing.DEFAULT_RULES), status


@bp.route("/<int:appointment_id>")
def detail(appointment_id: int):
    appointment = ticket_ops.own_appointment(current_user, appointment_id)
    now = timeutil.now()
    rules = ticket_ops.rules_for(appointment.unit_id)
    opens, closes = queueing.checkin_window(appointment.slot_start, rules)
    return render_template("appointments/detail.html", v=_view(appointment, now), form=ConfirmForm(),
                           state_names=STATE_NAMES, opens=opens, closes=closes, rules=rules)


@bp.route("/<int:appointment_id>/cancel", methods=["POST"])
def cancel(appointment_id: int):
    appointment = ticket_ops.own_appointment(current_user, appointment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ticket_ops.cancel(appointment, now=timeutil.now())
        flash(_("预约已取消。"), "success")
    except OperationError as exc:
        flash(exc.message, "error")
    return redirect(url_for("appointments.detail", appointment_id=appointment.id))


@bp.route("/<int:appointment_id>/reschedule", methods=["GET", "POST"])
def reschedule(appointment_id: int):
    appointment = ticket_ops.own_appointment(current_user, appointment_id)
    now = timeutil.now()
    form = ConfirmForm()
    source = request.form if request.method == "POST" else request.args
    day = _day(source.get("day"))
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        slot = _slot(request.form.get("slot"))
        try:
            if slot is None:
                raise OperationError("slot.missing", N_("请选择新的预约时段。"), field="slot")
            ticket_ops.reschedule(appointment, slot_start=slot, now=now)
        except OperationError as exc:
            error, status = exc.message, exc.status
        else:
            flash(_("已改约。新的预约时间见下方，预约码不变。"), "success")
            return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    state = ticket_ops.appointment_state(appointment, now)
    days = ticket_ops.bookable_days(appointment.unit, now=now) if state == "booked" else []
    slots = ticket_ops.slots_of_day(appointment.unit, day, now=now) if day in days else None
    return render_template("appointments/reschedule.html", v=_view(appointment, now), form=form, days=days,
                           day=day, slots=slots, error=error, state_names=STATE_NAMES), status
