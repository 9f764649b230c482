"""The window clerk's workbench: the unit's queue, claiming, and each action as a form."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app import timeutil
from app.couriers import COURIERS
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.schema import CORRECTION_ITEM_MAX, MAX_ITEMS
from app.domain.clock import light
from app.domain.workflow import ACTION_NAMES, OPEN_STATES, STATE_NAMES, SUSPENSION_REASON_NAMES, Action, State
from app.models.materials import FileStatus
from app.operations import OperationError
from app.operations import applications as application_ops
from app.operations import materials as material_ops
from app.operations import queue as queue_ops
from app.operations.services import foreigner_accommodation as accommodation_ops  # foreigner_accommodation
from app.web.downloads import document_status as document_status_of
from app.web.downloads import send_document
from app.web.guards import require_staff
from app.web.materials import file_json, slot_views
from app.web.presenters import application_json, refusal_notes, staff_data_rows
from app.web.service_forms import action_forms, service_data, show_refusal
from app.web.service_forms.public_request_hotline import SERVICE_CODE as HOTLINE_CODE
from app.web.service_forms.public_request_hotline import HotlineOrderForm

bp = Blueprint("clerk", __name__, url_prefix="/desk")
bp.before_request(require_staff)
PER_PAGE = 25
# foreigner_accommodation: registered on filing, so never open; the station lists the last days'.
ACCOMMODATION_DAYS = 7
REQUIRED = _l("此项为必填项。")


class ItemsForm(FlaskForm):
    items = TextAreaField(_l("其他补正事项（每行一项；已标记“需补正”的材料会自动列入）"),
                          validators=[Optional(), Length(max=MAX_ITEMS * (CORRECTION_ITEM_MAX + 2))])
    submit = SubmitField(_l("发出补正告知"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由（写入文书，告知申请人）"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    internal_note = TextAreaField(_l("内部备注（可不填，申请人不可见）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("确认"))


class InternalReasonForm(FlaskForm):
    """延期申请 and the head's refusal of it: between the clerk and the head, never the applicant's."""
    reason = TextAreaField(_l("理由（仅工作人员可见，不告知申请人）"),
                           validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("确认"))


class DecisionForm(ReasonForm):
    """不予受理, 不予许可, 撤销: decisions served on the applicant that the system cannot undo."""
    confirm = BooleanField(_l("我已核实：确认后将生成决定书并送达申请人，本决定不能在系统内撤回。"),
                           validators=[DataRequired(_l("请勾选确认后再作出决定。"))])


class SuspendForm(FlaskForm):
    reason_code = SelectField(_l("中止事由"), choices=[(k.value, _l(v)) for k, v in SUSPENSION_REASON_NAMES.items()])
    reason = TextAreaField(_l("具体说明"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("中止办理"))


class ConfirmForm(FlaskForm):
    internal_note = TextAreaField(_l("内部备注（可不填，申请人不可见）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("确认"))


class DispatchForm(FlaskForm):
    """办件寄递: the courier and waybill number of a result just posted (the applicant sees them)."""
    courier = SelectField(_l("快递公司"), choices=[(code, _l(name)) for code, name in COURIERS.items()])
    tracking_number = StringField(_l("运单号"), validators=[
        DataRequired(REQUIRED), Length(max=40), Regexp(r"^[A-Za-z0-9-]+$", message=_l("运单号只能包含字母、数字和连字符。"))])
    submit = SubmitField(_l("登记寄递运单"))


ACTION_FORMS = {
    Action.REQUEST_CORRECTION: ItemsForm,
    Action.NOT_ACCEPT: DecisionForm,
    Action.REJECT: DecisionForm,
    Action.EXTEND: ReasonForm,
    Action.REVOKE: DecisionForm,
    Action.REQUEST_EXTENSION: InternalReasonForm,
    Action.REFUSE_EXTENSION: InternalReasonForm,
    Action.SUSPEND: SuspendForm,
    # 办件寄递 and 加急办 (any service that issues)
    Action.DISPATCH: DispatchForm,
    Action.APPROVE_URGENT: ReasonForm,
    Action.REFUSE_URGENT: ReasonForm,
}


def _fields(action: Action, form) -> dict:
    if not isinstance(form, (ItemsForm, ReasonForm, InternalReasonForm, SuspendForm, ConfirmForm)):
        return service_data(form)  # a service's own action form
    if action == Action.REQUEST_CORRECTION:
        return {"items": [line.strip() for line in form.items.data.splitlines() if line.strip()]}
    # The reason goes to the applicant (and into the document); a note stays with the staff.
    data = {"reason": form.reason.data or ""} if hasattr(form, "reason") else {}
    if getattr(form, "internal_note", None) is not None and form.internal_note.data:
        data["decision_note"] = form.internal_note.data
    if action == Action.SUSPEND:
        data["reason_code"] = form.reason_code.data
    return data


@bp.route("/")
def queue():
    filters = queue_ops.QueueFilters(
        service=request.args.get("service") or None,
        state=request.args.get("state") or None,
        light=request.args.get("light") if request.args.get("light") in ("green", "yellow", "red") else None,
        mine=request.args.get("mine") == "1",
        number=request.args.get("number") or None,
    )
    now = timeutil.now()
    after = request.args.get("after")
    items, total, following = queue_ops.queue(current_user, filters, now=now, per_page=PER_PAGE, after=after)
    rows = [{"a": a, "light": light(State(a.state), application_ops.stored_clocks(a), now)} for a in items]
    return render_template(
        "clerk/queue.html", rows=rows, total=total, following=following, first=bool(after),
        filters=filters, services=CATALOGUE.values(), open_states=[s for s in State if s in OPEN_STATES],
        state_label=STATE_NAMES,
        # foreigner_accommodation
        accommodation_reports=accommodation_ops.station_reports(
            current_user.unit_id, since=now - timedelta(days=ACCOMMODATION_DAYS)),
        accommodation_days=ACCOMMODATION_DAYS,
    )


@bp.route("/applications/<int:application_id>")
def detail(application_id: int):
    application = application_ops.get_visible(current_user, application_id)
    application_ops.log_staff_access(current_user, application, "view")
    now = timeutil.now()
    # A step the rules refuse as things stand is not offered: the page says why and what to do.
    allowed, refused = application_ops.available_actions(current_user, application, now=now)
    check = application_ops.registry_check_for(current_user, application, now=now)
    view = application_json(application, now=now, allowed=allowed, staff=True, refused=refused, registry_check=check)
    service = CATALOGUE[application.service_code]
    files = material_ops.all_files(application)
    current = [f for f in files if f.status in (FileStatus.CURRENT, FileStatus.PURGED)]
    older = [file_json(f) for f in files if f.status == FileStatus.SUPERSEDED]
    return render_template("clerk/detail.html", a=view, application=application, allowed=allowed,
                           refusal_notes=refusal_notes(refused), check=view.get("registry_check"), checked_at=now,
                           action_names=ACTION_NAMES, claim_form=ConfirmForm(),
                           data_rows=staff_data_rows(application),
                           slots=slot_views(service, current, review_rows=material_ops.reviews(application),
                                            answers=application.data or {}),
                           older_files=older, review_open=material_ops.reviewable_slots(application))


@bp.route("/applications/<int:application_id>/materials/<slot>/review", methods=["POST"])
def review_material(application_id: int, slot: str):
    """合格 / 需补正 for one slot (the correction notice is filled from these)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    application = application_ops.get_visible(current_user, application_id, for_update=True)
    try:
        material_ops.review_slot(reviewer=current_user, application=application, slot=slot,
                                 verdict=request.form.get("verdict", ""), problem=request.form.get("problem", ""),
                                 requirement=request.form.get("requirement", ""), now=timeutil.now())
    except OperationError as exc:
        flash(exc.message, "error")
    else:
        flash(_("已保存审查结论。"), "success")
    return redirect(url_for("clerk.detail", application_id=application_id, _anchor=f"slot-{slot}"))


@bp.route("/applications/<int:application_id>/claim", methods=["POST"])
def claim(application_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        queue_ops.claim(current_user, application_id, now=timeutil.now(),
                        idle=timedelta(minutes=current_app.config["CLAIM_IDLE_MINUTES"]))
        flash(_("已认领该办件。"), "success")
    except OperationError as exc:
        flash(exc.message, "error")
    return redirect(url_for("clerk.detail", application_id=application_id))


@bp.route("/applications/<int:application_id>/release", methods=["POST"])
def release(application_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    queue_ops.release(current_user, application_id)
    flash(_("已释放该办件。"), "info")
    return redirect(url_for("clerk.queue"))


@bp.route("/applications/<int:application_id>/actions/<action>", methods=["GET", "POST"])
def act(application_id: int, action: str):
    try:
        action = Action(action)
    except ValueError:
        abort(404)
    application = application_ops.get_visible(current_user, application_id)
    service_forms = action_forms(application.service_code)
    form = (service_forms.get(action) or ACTION_FORMS.get(action, ConfirmForm))()
    status = 200
    if form.validate_on_submit():
        try:
            application_ops.perform_action(application_id=application_id, action=action, user=current_user,
                                           fields=_fields(action, form), now=timeutil.now())
        except OperationError as exc:
            show_refusal(form, exc)
            status = exc.status
        else:
            flash(_("已完成：%(action)s。", action=ACTION_NAMES[action]), "success")
            if action in application_ops.UNIT_MOVES:
                return redirect(url_for("clerk.queue"))  # the matter is now another unit's
            return redirect(url_for("clerk.detail", application_id=application_id))
    elif form.is_submitted():
        status = 422
    else:
        # Reached by its address although the rules refuse it now: say so before anything is typed.
        refused = application_ops.available_actions(current_user, application, now=timeutil.now())[1].get(action)
        if refused is not None:
            form.form_errors.append(refused.message)
    view = application_json(application, now=timeutil.now(), staff=True)
    marked = material_ops.needing_correction(application) if action == Action.REQUEST_CORRECTION else []
    return render_template("clerk/action.html", a=view, form=form, action=action,
                           action_name=ACTION_NAMES[action], marked=marked,
                           material_names={m.code: m.name_zh for m in CATALOGUE[application.service_code].materials}), status


# public_request_hotline (12345热线转办工单): the unit's staff record an order the hotline handed them.
@bp.route("/hotline/new", methods=["GET", "POST"])
def new_hotline_order():
    form = HotlineOrderForm()
    status = 200
    if form.validate_on_submit():
        try:
            application = application_ops.file_application(
                applicant=current_user, service_code=HOTLINE_CODE, data=service_data(form), now=timeutil.now())
        except OperationError as exc:
            show_refusal(form, exc)
            status = exc.status if exc.status in (403, 409, 422) else 422
        else:
            flash(_("已录入热线工单 %(number)s。", number=application.number), "success")
            return redirect(url_for("clerk.detail", application_id=application.id))
    elif form.is_submitted():
        status = 422
    return render_template("clerk/hotline_new.html", form=form, service=CATALOGUE[HOTLINE_CODE]), status


@bp.route("/applications/<int:application_id>/documents/<int:document_id>")
def document(application_id: int, document_id: int):
    return send_document(current_user, application_id, document_id, endpoint="clerk.document")


@bp.route("/applications/<int:application_id>/documents/<int:document_id>/status")
def document_status(application_id: int, document_id: int):
    return document_status_of(current_user, application_id, document_id, endpoint="clerk.document")
