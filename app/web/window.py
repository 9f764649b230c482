"""The clerk's numbered window (叫号): sit at a window, call the next ticket, recall it, mark it
served or a no-show, link it to an application, check an elderly-priority claim; and the hall
settings of the unit for its supervisor."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import timeutil
from app.domain import queueing
from app.models.accounts import Role
from app.operations import OperationError
from app.operations import tickets as ticket_ops
from app.web.guards import require_staff

bp = Blueprint("window", __name__, url_prefix="/window")
bp.before_request(require_staff)

KIND_NAMES = {"appointment": _l("预约"), "walk_in": _l("现场"), "priority": _l("老年人优先")}
GROUP_NAMES = {
    queueing.Group.APPOINTMENT_DUE: _l("预约（已到预约时间）"),
    queueing.Group.PRIORITY: _l("老年人优先"),
    queueing.Group.WALK_IN: _l("现场取号"),
    queueing.Group.APPOINTMENT_EARLY: _l("预约（未到预约时间）"),
}
STATUS_NAMES = {"waiting": _l("等候中"), "called": _l("已呼叫"), "served": _l("已办结"), "no_show": _l("未到")}


@bp.before_request
def _unit_required():
    if current_user.unit_id is None:
        abort(403)


class ActionForm(FlaskForm):
    """CSRF only."""


class FinishForm(FlaskForm):
    application_number = StringField(_l("关联办件编号（可不填）"), validators=[Optional(), Length(max=32)])


class LinkForm(FlaskForm):
    application_number = StringField(_l("办件编号"), validators=[DataRequired(_l("请填写办件编号。")), Length(max=32)])


SETTING_LABELS = {
    "windows": (_l("窗口数量"), 1, 99),
    "slot_minutes": (_l("预约时段长度（分钟）"), 5, 240),
    "slot_capacity": (_l("每个时段可预约人数"), 1, 99),
    "booking_days_ahead": (_l("最多可提前预约天数"), 0, 90),
    "checkin_early_minutes": (_l("最早提前签到（分钟）"), 0, 240),
    "checkin_late_minutes": (_l("最晚迟到签到（分钟）"), 0, 240),
    "late_grace_minutes": (_l("迟到宽限（分钟，超过则按现场号排队）"), 0, 240),
    "recall_cooldown_seconds": (_l("重呼间隔（秒）"), 0, 3600),
    "default_service_minutes": (_l("默认平均办理时长（分钟）"), 1, 240),
}


def _service_codes() -> list[str]:
    return [s.code for s in ticket_ops.bookable_services()] + [ticket_ops.OTHER_SERVICE]


def _settings_form(rules, data=None):
    class SettingsForm(FlaskForm):
        pass

    for name, (label, low, high) in SETTING_LABELS.items():
        setattr(SettingsForm, name, IntegerField(label, default=getattr(rules, name),
                                                 validators=[InputRequired(_l("此项为必填项。")),
                                                             NumberRange(low, high)]))
    for code in _service_codes():
        setattr(SettingsForm, f"minutes_{code}", IntegerField(
            ticket_ops.service_name(code), default=rules.service_minutes.get(code),
            validators=[Optional(), NumberRange(1, 240)]))
    return SettingsForm(formdata=data)


def _back():
    return redirect(url_for("window.index"))


def _run(operation, success: str | None = None):
    try:
        result = operation()
    except OperationError as exc:
        flash(exc.message, "error")
        return None
    if success:
        flash(success, "success")
    return result


@bp.route("/")
def index():
    now = timeutil.now()
    window = ticket_ops.window_of(current_user, now=now)
    current = ticket_ops.current_ticket(window)
    rules = ticket_ops.rules_for(current_user.unit_id)
    waiting = ticket_ops.ordered_waiting(current_user.unit_id, now=now)
    return render_template(
        "window/index.html", window=window, current=current, rules=rules, waiting=waiting,
        windows=ticket_ops.windows_overview(current_user, now=now), served=ticket_ops.served_today(current_user, now=now),
        form=ActionForm(), finish_form=FinishForm(), link_form=LinkForm(), group_names=GROUP_NAMES,
        kind_names=KIND_NAMES, status_names=STATUS_NAMES, service_name=ticket_ops.service_name,
        recall_left=queueing.cooldown_left(current.last_called_at, now=now, rules=rules) if current else 0,
        recall_at=current.last_called_at + timedelta(seconds=rules.recall_cooldown_seconds) if current else None,
        calls=ticket_ops.recent_calls(current_user.unit_id, now=now, limit=5),
        can_configure=current_user.role_enum in (Role.SUPERVISOR, Role.ADMIN),
    )


@bp.route("/open", methods=["POST"])
def open_window():
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        number = int(request.form.get("number", ""))
    except ValueError:
        number = 0
    if _run(lambda: ticket_ops.open_window(current_user, number, now=timeutil.now())):
        flash(_("您已在%(n)s号窗口。", n=number), "success")
    return _back()


@bp.route("/leave", methods=["POST"])
def leave():
    if not ActionForm().validate_on_submit():
        abort(400)
    _run(lambda: ticket_ops.leave_window(current_user, now=timeutil.now()), _("已离开窗口。"))
    return _back()


@bp.route("/call-next", methods=["POST"])
def call_next():
    if not ActionForm().validate_on_submit():
        abort(400)
    ticket = _run(lambda: ticket_ops.call_next(current_user, now=timeutil.now()))
    if ticket is not None:
        flash(_("已呼叫%(number)s。", number=ticket.number), "success")
    return _back()


@bp.route("/recall", methods=["POST"])
def recall():
    if not ActionForm().validate_on_submit():
        abort(400)
    ticket = _run(lambda: ticket_ops.recall(current_user, now=timeutil.now()))
    if ticket is not None:
        flash(_("已重呼%(number)s（第%(n)s次呼叫）。", number=ticket.number, n=ticket.call_count), "success")
    return _back()


@bp.route("/served", methods=["POST"])
def served():
    form = FinishForm()
    if not form.validate_on_submit():
        flash(_("办件编号过长，请核对。"), "error")
        return _back()
    ticket = _run(lambda: ticket_ops.finish(current_user, ticket_ops.SERVED, now=timeutil.now(),
                                            application_number=form.application_number.data))
    if ticket is not None:
        flash(_("%(number)s已办结。", number=ticket.number), "success")
    return _back()


@bp.route("/no-show", methods=["POST"])
def no_show():
    if not ActionForm().validate_on_submit():
        abort(400)
    ticket = _run(lambda: ticket_ops.finish(current_user, ticket_ops.NO_SHOW, now=timeutil.now()))
    if ticket is not None:
        flash(_("%(number)s已标记为未到（过号）。", number=ticket.number), "info")
    return _back()


@bp.route("/tickets/<int:ticket_id>/link", methods=["POST"])
def link(ticket_id: int):
    form = LinkForm()
    if not form.validate_on_submit():
        flash(_("请填写办件编号。"), "error")
        return _back()
    ticket = _run(lambda: ticket_ops.link_application(current_user, ticket_id, form.application_number.data,
                                                      now=timeutil.now()))
    if ticket is not None:
        flash(_("%(number)s已关联办件%(application)s。", number=ticket.number,
                application=ticket.application.number), "success")
    return _back()


@bp.route("/tickets/<int:ticket_id>/elderly", methods=["POST"])
def elderly(ticket_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    confirmed = request.form.get("decision") == "confirm"
    ticket = _run(lambda: ticket_ops.check_elderly(current_user, ticket_id, confirmed, now=timeutil.now()))
    if ticket is not None:
        flash(_("%(number)s：已核验老年人优先资格。", number=ticket.number) if confirmed else
              _("%(number)s：不符合老年人优先条件，已转为普通号，按取号时间排队。", number=ticket.number), "info")
    return _back()


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    if current_user.role_enum not in (Role.SUPERVISOR, Role.ADMIN):
        abort(403)
    rules = ticket_ops.rules_for(current_user.unit_id)
    form = _settings_form(rules, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.validate():
        values = {name: getattr(form, name).data for name in SETTING_LABELS}
        minutes = {code: getattr(form, f"minutes_{code}").data for code in _service_codes()
                   if getattr(form, f"minutes_{code}").data}
        try:
            ticket_ops.save_settings(current_user, values, minutes, now=timeutil.now())
        except OperationError as exc:
            form.form_errors.append(exc.message)
            status = exc.status
        else:
            flash(_("大厅设置已保存。"), "success")
            return redirect(url_for("window.settings"))
    elif request.method == "POST":
        status = 422
    return render_template("window/settings.html", form=form, setting_names=list(SETTING_LABELS),
                           minute_names=[f"minutes_{code}" for code in _service_codes()]), status
