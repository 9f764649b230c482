"""The traffic officer's pages for evidence query codes: record a written request at the
window, accept and approve it (the generic lifecycle), print the voucher, void a code, and
read the log of every use of it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.domain.catalogue import accident_evidence as rules
from app.domain.catalogue import get_service
from app.domain.text import N_
from app.domain.workflow import ACTION_NAMES, Action
from app.operations import OperationError
from app.operations import applications as application_ops
from app.operations import evidence as evidence_ops
from app.registries import get_registries
from app.web.downloads import send_document
from app.web.guards import require_staff
from app.web.presenters import application_json
from app.web.service_forms import service_data, show_refusal
from app.web.service_forms.accident_evidence import AccidentEvidenceForm

bp = Blueprint("officer", __name__, url_prefix="/officer")
bp.before_request(require_staff)

# The steps an officer takes on this page; any other allowed action goes through the desk.
PAGE_ACTIONS = (Action.ACCEPT, Action.APPROVE, Action.ISSUE)
PAGE_ACTION_LABELS = {
    Action.ACCEPT: _l("受理"),
    Action.APPROVE: _l("审批通过，生成查询码和查询凭证"),
    Action.ISSUE: _l("查询凭证已送交查阅人"),
}
CONFIDENTIAL_REASON_NAMES = {
    "witness_protection": N_("证人要求保密"),
    "state_secret": N_("涉及国家秘密"),
    "trade_secret": N_("涉及商业秘密"),
    "privacy": N_("涉及个人隐私"),
}


@bp.before_request
def traffic_units_only():
    """Runs after the guard: only the staff of a traffic brigade handle accident evidence."""
    unit = current_user.unit
    if unit is None or unit.kind != rules.SERVICE.unit_kind:
        abort(403)


class StepForm(FlaskForm):
    submit = SubmitField(_l("确认"))


class RevokeCodeForm(FlaskForm):
    reason = TextAreaField(_l("作废原因"), validators=[DataRequired(_l("请填写作废原因。")), Length(max=200)],
                           description=_l("例如：查询凭证遗失、查阅人申请作废。作废立即生效，查阅人已打开的页面也随即失效。"))
    submit = SubmitField(_l("作废查询码"))


@bp.route("/")
def index():
    now = timeutil.now()
    rows = [{"a": a, "code": c, "status": evidence_ops.status_of(c, now)}
            for a, c in evidence_ops.unit_requests(current_user)]
    return render_template("officer/index.html", rows=rows, status_names=rules.CODE_STATUS_NAMES,
                           person_types=rules.PERSON_TYPES)


@bp.route("/evidence/new", methods=["GET", "POST"])
def new_request():
    form = AccidentEvidenceForm()
    status = 200
    if form.validate_on_submit():
        try:
            application = application_ops.file_application(
                applicant=current_user, service_code=rules.SERVICE.code, data=service_data(form),
                now=timeutil.now())
        except OperationError as exc:
            show_refusal(form, exc)
            status = exc.status if exc.status in (403, 409, 422) else 422
        else:
            flash(_("已登记查阅申请 %(number)s。请受理并审批，系统将生成查询码。", number=application.number),
                  "success")
            return redirect(url_for("officer.detail", application_id=application.id))
    elif form.is_submitted():
        status = 422
    return render_template("officer/new.html", form=form, service=get_service(rules.SERVICE.code)), status


@bp.route("/evidence/<int:application_id>")
def detail(application_id: int):
    now = timeutil.now()
    application, row = evidence_ops.staff_view(current_user, application_id)
    application_ops.log_staff_access(current_user, application, "view")
    allowed = application_ops.allowed_actions_for(current_user, application, now=timeutil.now())
    items = get_registries().evidence_items(row.case_number)
    voucher = next((d for d in application.documents if d.kind == "outcome"), None)
    return render_template(
        "officer/detail.html", a=application_json(application, now=now, allowed=allowed, staff=True), application=application,
        row=row, status=evidence_ops.status_of(row, now), status_names=rules.CODE_STATUS_NAMES,
        page_actions=[action for action in allowed if action in PAGE_ACTIONS],
        desk_actions=[action for action in allowed if action not in PAGE_ACTIONS],
        action_labels=PAGE_ACTION_LABELS, action_names=ACTION_NAMES, step_form=StepForm(),
        revoke_form=RevokeCodeForm(), log=evidence_ops.access_log(row), voucher=voucher,
        items=items, kind_names=rules.EVIDENCE_KIND_NAMES, reason_names=CONFIDENTIAL_REASON_NAMES,
        person_types=rules.PERSON_TYPES, id_types=rules.ID_TYPES,
    )


@bp.route("/evidence/<int:application_id>/actions/<action>", methods=["POST"])
def act(application_id: int, action: str):
    try:
        action = Action(action)
    except ValueError:
        abort(404)
    if action not in PAGE_ACTIONS:
        abort(404)
    evidence_ops.staff_view(current_user, application_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        application_ops.perform_action(application_id=application_id, action=action, user=current_user,
                                       fields={}, now=timeutil.now())
    except OperationError as exc:
        flash(exc.message, "error")
    else:
        if action == Action.APPROVE:
            flash(_("已审批通过并生成查询码。请打印查询凭证交查阅人；查询码只印在凭证上，系统不保存明文。"), "success")
        else:
            flash(_("已完成：%(action)s。", action=ACTION_NAMES[action]), "success")
    return redirect(url_for("officer.detail", application_id=application_id))


@bp.route("/evidence/<int:application_id>/revoke-code", methods=["POST"])
def revoke_code(application_id: int):
    evidence_ops.staff_view(current_user, application_id)
    form = RevokeCodeForm()
    if not form.validate_on_submit():
        flash(_("请填写作废原因。"), "error")
        return redirect(url_for("officer.detail", application_id=application_id))
    try:
        evidence_ops.revoke(current_user, application_id, form.reason.data, now=timeutil.now())
    except OperationError as exc:
        flash(exc.message, "error")
    else:
        flash(_("查询码已作废，立即生效。"), "success")
    return redirect(url_for("officer.detail", application_id=application_id))


@bp.route("/evidence/<int:application_id>/voucher")
def voucher(application_id: int):
    application, _row = evidence_ops.staff_view(current_user, application_id)
    document = next((d for d in application.documents if d.kind == "outcome"), None)
    if document is None:
        abort(404)
    return send_document(current_user, application_id, document.id, endpoint="officer.voucher")

