"""Citizen and enterprise pages: my applications, filing, answering a correction, documents,
the message centre."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import timeutil
from app.documents.qr import qr_svg
from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.catalogue.schema import MAX_ID
from app.domain.ratings import LEVEL_NAMES, ratable
from app.domain.workflow import Action
from app.operations import OperationError
from app.operations import applications as application_ops
from app.operations import materials as material_ops
from app.operations import messages as message_ops
from app.operations import ratings as rating_ops
from app.operations import settings as settings_ops
from app.operations import tolerance as tolerance_ops
from app.web.downloads import document_status as document_status_of
from app.web.downloads import send_document
from app.web.guards import require_applicant
from app.web.materials import slot_views, stage_from_form
from app.web.presenters import application_json, filing_outcome
from app.web.service_forms import (
    answer_rows,
    fit_to,
    service_data,
    service_forms,
    show_refusal,
    show_schema_problems,
)
from app.web.service_forms.applicant import (
    CauseForm,
    ReopenForm,
    ResubmitForm,
    SupplyForm,
    UrgentForm,
    WithdrawForm,
)

bp = Blueprint("citizen", __name__, url_prefix="/my")
bp.before_request(require_applicant)


@bp.route("/")
def dashboard():
    items, total, _following = application_ops.list_visible(current_user, per_page=50)
    todos = message_ops.todos(current_user, now=timeutil.now())
    return render_template("citizen/dashboard.html", applications=items, total=total, todos=todos,
                           waiting={t.application.id: t for t in todos if t.kind != "rating"})


@bp.route("/messages")
def messages():
    """消息中心: my messages, newest first (opening a page reads its messages); the to-dos on top."""
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before <= MAX_ID:
        before = None
    page = message_ops.open_page(current_user, before=before, now=timeutil.now())
    return render_template("citizen/messages.html", page=page,
                           todos=message_ops.todos(current_user, now=timeutil.now()) if before is None else None)


@bp.route("/apply/<service_code>", methods=["GET", "POST"])
def new_application(service_code: str):
    """The filing form, then check-your-answers (核对申请信息), then the filing. Every check the
    filing would make runs before the answers are shown, so confirming does not meet a new
    error; `step=edit` goes back to the form with every answer kept."""
    if service_code not in CATALOGUE:
        abort(404)
    service = settings_ops.service_at(service_code, timeutil.now())  # the limits a filing now gets
    form_class = service_forms().get(service_code)
    if service.filed_by_staff:
        flash(_("该事项须到承办单位窗口书面申请，民警核验身份后代为录入。"), "warning")
        return redirect(url_for("public.home"))
    if not service.listed:
        abort(404)
    if form_class is None or not service.workflow_built:
        flash(_("该事项即将开通网上申请，请到窗口办理。"), "warning")
        return redirect(url_for("public.home"))
    form = form_class()
    fit_to(form, current_user)
    step = request.form.get("step", "") if form.is_submitted() else ""
    status = 200
    slot_errors: dict[str, list[str]] = {}
    handed_in: dict[str, list[int]] = {}
    if form.is_submitted():
        # Files sent with the form (no script) are kept even when a field is wrong.
        handed_in, slot_errors = stage_from_form(service)
    if step != "edit" and form.validate_on_submit() and not slot_errors:
        data = {**service_data(form), "materials": handed_in}
        try:
            if step == "confirm":
                application = application_ops.file_application(
                    applicant=current_user, service_code=service_code, data=data, now=timeutil.now())
                return redirect(url_for("citizen.filed", application_id=application.id))
            application_ops.preview_filing(applicant=current_user, service_code=service_code, data=data,
                                           now=timeutil.now())
        except OperationError as exc:
            for slot, messages in show_refusal(form, exc, slots={m.code for m in service.upload_slots()}).items():
                slot_errors.setdefault(slot, []).extend(messages)
            status = exc.status if exc.status in (409, 422) else 422
        else:
            return _check_answers(service, form, handed_in)
    elif form.is_submitted() and step != "edit":
        status = 422
        # The form stopped at its own checks: what the schema would say of the rest, too.
        show_schema_problems(form, application_ops.filing_problems(service_code, service_data(form),
                                                                   applicant=current_user, now=timeutil.now()))
    staged = material_ops.staged_files(current_user, service_code=service.code, application=None)
    return render_template("citizen/apply.html", form=form, service=service, slot_errors=slot_errors,
                           slots=slot_views(service, staged), wallet=material_ops.wallet(current_user)), status


def _check_answers(service, form, handed_in: dict[str, list[int]]):
    """核对申请信息: every answer that applies and every file handed in, each with a way back to
    change it; the answers travel on as the form's own fields, so nothing is stored yet."""
    unasked = FILING_SCHEMAS[service.code].unasked(service_data(form))
    ids = {file_id for files in handed_in.values() for file_id in files}
    files = [f for f in material_ops.staged_files(current_user, service_code=service.code, application=None)
             if f.id in ids]
    slots = [s for s in slot_views(service, files) if s["files"] and f"materials.{s['code']}" not in unasked]
    carried = [(name, value) for name in request.form if name not in ("csrf_token", "step", "submit")
               and not name.startswith(("materials-", "wallet-")) for value in request.form.getlist(name)]
    carried += [(f"materials-{slot}", file_id) for slot, file_ids in handed_in.items() for file_id in file_ids]
    return render_template("citizen/check_answers.html", service=service, form=form,
                           answers=answer_rows(form, unasked), slots=slots, carried=carried)


@bp.route("/applications/<int:application_id>/filed")
def filed(application_id: int):
    application = application_ops.get_visible(current_user, application_id)
    view = application_json(application, now=timeutil.now())
    return render_template("citizen/filed.html", a=view, outcome=filing_outcome(view), qr=qr_svg(view["tracking_url"]))


@bp.route("/applications/<int:application_id>")
def detail(application_id: int):
    application = application_ops.get_visible(current_user, application_id)
    allowed, refused = application_ops.available_actions(current_user, application, now=timeutil.now())
    view = application_json(application, now=timeutil.now(), allowed=allowed)
    service = CATALOGUE[application.service_code]
    open_slots = material_ops.replaceable_slots(application)
    reply_slots = None
    if open_slots is not None:
        staged = material_ops.staged_files(None, service_code=service.code, application=application)
        reply_slots = slot_views(service, staged, review_rows=material_ops.reviews(application), only=open_slots)
    rating = rating_ops.rating_for(application.id)
    return render_template("citizen/detail.html", a=view, resubmit_form=ResubmitForm(), supply_form=SupplyForm(),
                           untrue=tolerance_ops.review_of(application, now=timeutil.now()), cause_form=CauseForm(),
                           bar_years=tolerance_ops.bar_years(),
                           rating=rating, ratable=rating is None and ratable(service, application.state),
                           level_names=LEVEL_NAMES,
                           withdraw_form=WithdrawForm(), reopen_form=ReopenForm(),
                           reopen_refusal=refused.get(Action.REOPEN), urgent_form=UrgentForm(),
                           qr=qr_svg(view["tracking_url"]), service=service,
                           submitted=slot_views(service, material_ops.current_files(application)),
                           answers=application_ops.submitted_answers(application),
                           reply_slots=reply_slots, wallet=material_ops.wallet(current_user) if reply_slots else [])


def _act(application_id: int, action: Action, fields: dict, success: str):
    try:
        application_ops.perform_action(application_id=application_id, action=action, user=current_user,
                                       fields=fields, now=timeutil.now())
    except OperationError as exc:
        flash(exc.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("citizen.detail", application_id=application_id))


def _stage_reply(application_id: int) -> bool:
    """Files sent with a reply form (no script) are staged first; False: some were refused."""
    application = application_ops.get_visible(current_user, application_id)
    _ids, errors = stage_from_form(CATALOGUE[application.service_code], application=application)
    for messages in errors.values():
        for message in messages:
            flash(message, "error")
    return not errors


@bp.route("/applications/<int:application_id>/resubmit", methods=["POST"])
def resubmit(application_id: int):
    form = ResubmitForm()
    staged = _stage_reply(application_id)  # files sent with the form are kept even if the note is missing
    if not form.validate_on_submit():
        flash(_("请填写补正说明。"), "error")
        return redirect(url_for("citizen.detail", application_id=application_id))
    if not staged:
        return redirect(url_for("citizen.detail", application_id=application_id))
    return _act(application_id, Action.RESUBMIT, {"decision_note": form.note.data},
                _("补正材料已提交，承办单位将重新审查。"))


@bp.route("/applications/<int:application_id>/supply", methods=["POST"])
def supply(application_id: int):
    """容缺: hand in the materials promised at acceptance (the office then confirms them)."""
    if not SupplyForm().validate_on_submit():
        abort(400)
    if not _stage_reply(application_id):
        return redirect(url_for("citizen.detail", application_id=application_id))
    return _act(application_id, Action.SUPPLY_MATERIALS, {},
                _("容缺材料已提交，承办单位核对后将确认补齐。"))


@bp.route("/applications/<int:application_id>/cause", methods=["POST"])
def state_cause(application_id: int):
    """违诺认定: the applicant states the justified cause of a missed 容缺 deadline."""
    form = CauseForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("citizen.detail", application_id=application_id) + "#untrue-title")
    return _act(application_id, Action.STATE_CAUSE, {"cause_kind": form.cause_kind.data, "reason": form.statement.data},
                _("理由已提交，承办单位负责人审查后将书面告知是否列入违诺名单。"))


@bp.route("/applications/<int:application_id>/reopen", methods=["POST"])
def reopen(application_id: int):
    """重新办理: the requester, unsatisfied with the answer, reopens it (once, in time: the rules')."""
    form = ReopenForm()
    if not form.validate_on_submit():
        for message in form.reason.errors or [_("申请未完成，请重试。")]:
            flash(message, "error")
        return redirect(url_for("citizen.detail", application_id=application_id) + "#reopen-title")
    return _act(application_id, Action.REOPEN, {"reason": form.reason.data},
                _("已申请重新办理，承办单位将重新办理并再次答复。"))


@bp.route("/applications/<int:application_id>/urgent", methods=["POST"])
def request_urgent(application_id: int):
    """加急办: asked while the matter is open and undecided; the head of the unit decides."""
    form = UrgentForm()
    if not form.validate_on_submit():
        for message in form.urgent_reason.errors or [_("申请未完成，请重试。")]:
            flash(message, "error")
        return redirect(url_for("citizen.detail", application_id=application_id) + "#urgent-ask-title")
    return _act(application_id, Action.REQUEST_URGENT, {"reason": form.urgent_reason.data},
                _("加急办申请已提交，承办单位负责人审批后将告知结果。"))


@bp.route("/wallet")
def wallet():
    """我的证照: the certificates issued to me, to download or to attach to a later application."""
    return render_template("citizen/wallet.html", certificates=material_ops.wallet(current_user))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
def withdraw(application_id: int):
    form = WithdrawForm()
    if not form.validate_on_submit():
        # Nothing happens without the confirmation; the page says why (and keeps the matter open).
        for message in form.confirm.errors or form.reason.errors or [_("撤回未完成，请重试。")]:
            flash(message, "error")
        return redirect(url_for("citizen.detail", application_id=application_id) + "#withdraw-title")
    return _act(application_id, Action.WITHDRAW, {"reason": form.reason.data or ""}, _("申请已撤回。"))


@bp.route("/applications/<int:application_id>/documents/<int:document_id>")
def document(application_id: int, document_id: int):
    return send_document(current_user, application_id, document_id, endpoint="citizen.document")


@bp.route("/applications/<int:application_id>/documents/<int:document_id>/status")
def document_status(application_id: int, document_id: int):
    return document_status_of(current_user, application_id, document_id, endpoint="citizen.document")
