"""The head of a unit's view: red and yellow items, extension requests, clerks' load, figures."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.domain.catalogue import CATALOGUE
from app.domain.workflow import Action
from app.operations import OperationError, supervision
from app.operations import applications as application_ops
from app.operations import tolerance as tolerance_ops
from app.operations.services import foreigner_accommodation as accommodation_ops  # foreigner_accommodation
from app.web.guards import require_supervisor

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
bp.before_request(require_supervisor)
DEFAULT_PERIOD_DAYS = 30


def _period() -> tuple[date, date]:
    today = timeutil.today()
    try:
        start = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        start = today - timedelta(days=DEFAULT_PERIOD_DAYS)
    try:
        end = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timeutil.LOCAL_TZ
    return datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)


@bp.route("/")
def dashboard():
    now = timeutil.now()
    unit_id = current_user.unit_id
    start, end = _period()
    figures = supervision.unit_figures(unit_id, start=_bounds(start, end)[0], end=_bounds(start, end)[1], now=now)
    return render_template(
        "supervisor/dashboard.html",
        red=supervision.red_items(unit_id, now=now),
        yellow=supervision.yellow_items(unit_id, now=now),
        extension_requests=supervision.pending_extension_requests(unit_id, now=now),
        listing_reviews=tolerance_ops.pending_reviews(unit_id, now=now),
        urgent_requests=supervision.pending_urgent_requests(unit_id),
        loads=supervision.clerk_loads(unit_id, now=now),
        figures=[figures[code] for code in sorted(figures)],
        start=start, end=end,
        # foreigner_accommodation: reports filed in the period, and the late ones (逾期申报)
        accommodation=accommodation_ops.report_figures(unit_id, start=_bounds(start, end)[0],
                                                       end=_bounds(start, end)[1]),
    )


@bp.route("/figures.csv")
def figures_csv():
    start, end = _period()
    lower, upper = _bounds(start, end)
    figures = supervision.unit_figures(current_user.unit_id, start=lower, end=upper, now=timeutil.now())
    names = {code: service.name_zh for code, service in CATALOGUE.items()}
    body = "\ufeff" + supervision.figures_csv(figures, names)  # BOM: spreadsheet software reads UTF-8
    filename = f"unit-figures-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


# --- 违诺认定: whether a missed 容缺 deadline puts the applicant on the untrue-commitment list ----


class ListingDecisionForm(FlaskForm):
    decision = RadioField(_l("认定决定"), choices=[
        (Action.NOT_LIST_UNTRUE.value, _l("不予列入违诺名单（逾期有正当理由）")),
        (Action.LIST_UNTRUE.value, _l("列入违诺名单（逾期无正当理由）")),
    ], validators=[DataRequired(_l("请选择认定决定。"))])
    reason = TextAreaField(_l("认定理由"), validators=[DataRequired(_l("请写明认定理由，将载入决定书。")), Length(max=2000)],
                           description=_l("写明对申请人陈述的理由（或未陈述）的审查意见和作出决定的依据，将载入决定书送达申请人。"))
    submit = SubmitField(_l("作出决定"))


@bp.route("/listing-reviews/<int:application_id>")
def listing_review(application_id: int):
    application = application_ops.get_visible(current_user, application_id)
    application_ops.log_staff_access(current_user, application, "listing_review")
    return _review_page(application, ListingDecisionForm())


def _review_page(application, form, status: int = 200):
    view = tolerance_ops.review_of(application, now=timeutil.now())
    if view is None:
        abort(404)
    commitment = tolerance_ops.commitment_of(application)
    return render_template("supervisor/listing_review.html", r=view, a=application, form=form,
                           commitment=commitment, materials=tolerance_ops.missing_material_names(application),
                           bar_years=tolerance_ops.bar_years()), status


@bp.route("/listing-reviews/<int:application_id>", methods=["POST"])
def decide_listing(application_id: int):
    application = application_ops.get_visible(current_user, application_id)
    form = ListingDecisionForm()
    if not form.validate_on_submit():
        return _review_page(application, form, 422)
    try:
        application_ops.perform_action(application_id=application_id, action=form.decision.data, user=current_user,
                                       fields={"reason": form.reason.data}, now=timeutil.now())
    except OperationError as exc:
        flash(exc.message, "error")
        return _review_page(application_ops.get_visible(current_user, application_id), form, exc.status)
    flash(_("已作出决定，决定书将送达申请人。"), "success")
    return redirect(url_for("supervisor.listing_review", application_id=application_id))
