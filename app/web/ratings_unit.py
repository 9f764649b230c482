"""好差评 for the unit's supervisor: the figures, the rectification work orders (call-back and
fix), and setting a rating aside as mistaken or malicious. Staff guard, then supervisors only
(a clerk of the unit gets 403); every rating and work order is looked up within the
supervisor's own unit (another unit's is a 404)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app import timeutil
from app.domain.clock import light
from app.domain.ratings import FLAG_NAMES, FLAG_REASON_MAX, LEVEL_NAMES, LEVELS, Flag
from app.domain.workflow import Action, State
from app.models.accounts import Role
from app.operations import OperationError
from app.operations import applications as application_ops
from app.operations import ratings as rating_ops
from app.web.guards import require_staff
from app.web.presenters import application_json
from app.web.service_forms import service_data
from app.web.service_forms.rating_rectification import CallbackForm

bp = Blueprint("ratings_unit", __name__, url_prefix="/ratings/unit")
bp.before_request(require_staff)


@bp.before_request
def supervisors_only():
    if current_user.role_enum != Role.SUPERVISOR or current_user.unit_id is None:
        abort(403)


class FlagForm(FlaskForm):
    flag = RadioField(_l("甄别结论"), choices=[(f.value, _l(FLAG_NAMES[f])) for f in Flag],
                      validators=[InputRequired(_l("请选择甄别结论（误评或恶意差评）。"))])
    reason = TextAreaField(_l("甄别理由"), validators=[DataRequired(_l("请写明甄别理由。")), Length(max=FLAG_REASON_MAX)],
                           description=_l("评价保留原样，只是不计入满意率等统计。"))
    submit = SubmitField(_l("确认甄别"))


class RevealForm(FlaskForm):
    submit = SubmitField(_l("显示完整电话用于回访（将记录访问日志）"))


def _period() -> tuple[date, date]:
    today = timeutil.today()
    try:
        start = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        start = today - timedelta(days=29)
    try:
        end = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@bp.route("/")
def index():
    period = _period()
    now = timeutil.now()
    figures = rating_ops.rating_figures(current_user.unit_id, period=period, now=now)
    orders = [{"a": a, "rating": r, "light": light(State(a.state), application_ops.stored_clocks(a), now)
               if a.state in rating_ops.OPEN_WORK_ORDER else None}
              for a, r in rating_ops.unit_work_orders(current_user)]
    return render_template("ratings/unit_index.html", figures=figures, period=period, orders=orders,
                           ratings=rating_ops.unit_ratings(current_user, period=period), levels=LEVELS,
                           level_names=LEVEL_NAMES, flag_names=FLAG_NAMES)


def _work_order_page(application_id: int, *, form=None, phone: str | None = None, status: int = 200):
    application, rating = rating_ops.unit_work_order(current_user, application_id)
    application_ops.log_staff_access(current_user, application, "view")
    now = timeutil.now()
    view = application_json(application, now=now, staff=True)
    closing = next((e for e in application.events if e.action == Action.APPROVE.value), None)
    is_open = application.state in rating_ops.OPEN_WORK_ORDER
    return render_template(
        "ratings/unit_work_order.html", a=view, application=application, rating=rating, closing=closing, is_open=is_open,
        form=(form or CallbackForm(formdata=None, data={"callback_date": timeutil.today()})) if is_open else None,
        reveal_form=RevealForm(), phone=phone, level_names=LEVEL_NAMES, flag_names=FLAG_NAMES,
    ), status


@bp.route("/work-orders/<int:application_id>", methods=["GET", "POST"])
def work_order(application_id: int):
    if request.method == "GET":
        return _work_order_page(application_id)
    rating_ops.unit_work_order(current_user, application_id)
    form = CallbackForm()
    if not form.validate_on_submit():
        return _work_order_page(application_id, form=form, status=422)
    try:
        rating_ops.close_work_order(user=current_user, application_id=application_id, fields=service_data(form),
                                    now=timeutil.now())
    except OperationError as exc:
        field = getattr(form, exc.field, None) if exc.field else None
        (field.errors if field is not None else form.form_errors).append(exc.message)
        return _work_order_page(application_id, form=form, status=exc.status if exc.status in (403, 409, 422) else 422)
    flash(_("已登记回访和整改情况，差评整改工单已办结。"), "success")
    return redirect(url_for("ratings_unit.work_order", application_id=application_id))


@bp.route("/work-orders/<int:application_id>/phone", methods=["POST"])
def reveal_phone(application_id: int):
    _, rating = rating_ops.unit_work_order(current_user, application_id)
    if not RevealForm().validate_on_submit():
        abort(400)
    return _work_order_page(application_id, phone=rating_ops.reveal_rater_phone(current_user, rating))


@bp.route("/ratings/<int:rating_id>/flag", methods=["GET", "POST"])
def flag(rating_id: int):
    rating = rating_ops.unit_rating(current_user, rating_id)
    form = FlagForm()
    status = 200
    if rating.flag is None and form.validate_on_submit():
        try:
            rating_ops.flag_rating(user=current_user, rating_id=rating.id, flag=form.flag.data,
                                   reason=form.reason.data, now=timeutil.now())
        except OperationError as exc:
            form.form_errors.append(exc.message)
            status = exc.status
        else:
            flash(_("已甄别：该评价保留，不计入统计。"), "success")
            return redirect(url_for("ratings_unit.index"))
    elif form.is_submitted():
        status = 409 if rating.flag is not None else 422
    return render_template("ratings/unit_flag.html", rating=rating, form=form, level_names=LEVEL_NAMES,
                           flag_names=FLAG_NAMES), status
