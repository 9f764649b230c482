"""JSON API under /api/v1 (DESIGN.md §6), described by /api/v1/openapi.json.

Authentication is a bearer token only: a browser session cookie never authenticates an
API call, so the API needs no CSRF token.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from flask_babel import gettext as _

from app import timeutil
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step
from app.domain.workflow import Action
from app.extensions import csrf, limiter
from app.operations import OperationError
from app.operations import accounts as account_ops
from app.operations import applications as application_ops
from app.operations import certificates as certificate_ops
from app.operations import materials as material_ops
from app.operations import provisions as provision_ops
from app.operations import settings as settings_ops
from app.operations import terminals as terminal_ops
from app.web import page_cache
from app.web.bounded_input import check_json_body
from app.web.downloads import send_document
from app.web.i18n import select_locale
from app.web.materials import send_material, sent_file, stage_sent, staged_response
from app.web.openapi import openapi_document
from app.web.presenters import application_json, revalidate, tracking_etag, tracking_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Endpoints anyone may call without a token.
PUBLIC_ENDPOINTS = frozenset({"api.issue_token", "api.services", "api.legal_provisions", "api.openapi", "api.track",
                              "api.verify"})


def api_error(code: str, message: str, status: int):
    return jsonify(error=code, message=message), status


@bp.before_request
def api_guard():
    """The API's one access guard: a valid bearer token, unless the endpoint is public."""
    g.api_user = None
    check_json_body()
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.api_user = account_ops.user_for_api_token(header[7:].strip(), now=timeutil.now())
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.api_user is None:
        return api_error("unauthorized", _("缺少或无效的访问令牌。"), 401)
    return None


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_IP"]


@bp.route("/auth/token", methods=["POST"])
@limiter.limit(_login_rate_limit)
def issue_token():
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return api_error("invalid", _("请提供用户名和密码。"), 422)
    user = account_ops.authenticate(
        username,
        password,
        now=timeutil.now(),
        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
        lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        ip=request.remote_addr,
    )
    hours = current_app.config["API_TOKEN_HOURS"]
    token = account_ops.issue_api_token(user, now=timeutil.now(), hours=hours)
    return jsonify(access_token=token, token_type="Bearer", expires_in=hours * 3600, role=user.role)  # noqa: S106


def limit_json(limit) -> dict | None:
    if limit is None:
        return None
    return {
        "amount": float(limit.amount),
        "unit": limit.unit.value,
        "text_zh": limit.describe_zh(),
        "text_en": limit.describe_en(),
    }


def extension_json(service) -> dict:
    """Whether the service's decision limit can be extended, by how much, and on what source."""
    limits = service.limits
    available = service.has(Step.EXTENSION) and limits.extension is not None
    return {
        "available": available,
        "by": limit_json(limits.extension) if available else None,
        "to": limit_json(limits.extension_to) if available and limits.extension_to else None,
        "basis_zh": service.extension_basis_zh,
        "source": limits.sources.get("extension", ""),
    }


def service_json(service) -> dict:
    return {
        "code": service.code,
        "name_zh": service.name_zh,
        "name_en": service.name_en,
        "summary_zh": service.summary_zh,
        "unit_kind": service.unit_kind,
        "applicant_kinds": sorted(kind.value for kind in service.applicant_kinds),
        "steps": sorted(step.value for step in service.steps),
        "filing_open": service.workflow_built and service.listed and not service.filed_by_staff,
        "legal_basis_zh": service.legal_basis_zh,
        "limits": {
            name: {**limit_json(limit), "source": service.limits.sources.get(name, "")}
            for name, limit in service.limits.items()
        },
        "extension": extension_json(service),
        "materials": [
            {
                "code": m.code,
                "name_zh": m.name_zh,
                "name_en": m.name_en,
                "core": m.core,
                "shared": m.shared,
                "required": m.required,
                "upload": m in service.upload_slots(),
                "registry_zh": m.registry_zh,
                "note_zh": m.note_zh,
            }
            for m in service.materials
        ],
        "outcome_documents": list(service.outcome_documents),
    }


@bp.route("/services")
def services():
    now = timeutil.now()
    return jsonify(services=[service_json(settings_ops.service_at(code, now)) for code in CATALOGUE])


@bp.route("/legal-provisions")
def legal_provisions():
    """The provisions a unit's criminal-record query may choose (`legal_provision_id`), in force."""
    return jsonify(legal_provisions=[
        {"id": p.id, "law_name": p.law_name, "kind": p.kind, "article": p.article, "citation": p.citation,
         "bar_zh": p.bar_zh, "jobs": list(p.jobs)}
        for p in provision_ops.entries(in_force_only=True)])


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())


# --- applications ------------------------------------------------------------------------

MAX_PAGE_SIZE = 100


def _int_arg(name: str, default: int, lowest: int, highest: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise OperationError("invalid", _("分页参数有误。"), status=422) from None
    return max(lowest, min(highest, value))


# A client's own id for one filing (a UUID, say): sent again, it files nothing new.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,64}")


@bp.route("/applications", methods=["POST"])
def create_application():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("service"), str):
        return api_error("invalid", _("请提供服务事项代码（service）和申请内容（data）。"), 422)
    data = body.get("data") or {}
    if not isinstance(data, dict):
        return api_error("invalid", _("申请内容（data）须为对象。"), 422)
    # A registered self-service terminal files for the citizen identified at it (即办 possible).
    credential = request.headers.get("X-Terminal-Credential", "").strip()
    terminal = terminal_ops.authenticate(credential, now=timeutil.now()) if credential else None
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        return api_error("invalid", _("Idempotency-Key 须为8至64位字母、数字或 - _ . : 符号（例如一个 UUID）。"), 422)
    application, replayed = application_ops.file_once(
        applicant=g.api_user, service_code=body["service"], data=data, now=timeutil.now(), key=key,
        terminal=terminal)
    response = jsonify(application_json(application, now=timeutil.now()))
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


@bp.route("/applications", methods=["GET"])
def list_applications():
    per_page = _int_arg("per_page", 20, 1, MAX_PAGE_SIZE)
    items, total, following = application_ops.list_visible(g.api_user, per_page=per_page,
                                                           after=request.args.get("after"), columns=application_ops.LIST_COLUMNS)
    return jsonify(
        per_page=per_page, total=total.count, total_more=total.more, next=following,
        items=[
            {"id": a.id, "number": a.number, "service": a.service_code, "status": a.state,
             "statutory_due_at": a.statutory_due_at.isoformat() if a.statutory_due_at else None,
             "created_at": a.created_at.isoformat()}
            for a in items
        ],
    )


@bp.route("/applications/<int:application_id>")
def get_application(application_id: int):
    application = application_ops.get_visible(g.api_user, application_id)
    application_ops.log_staff_access(g.api_user, application, "view")
    return jsonify(_application_view(application))


def _application_view(application) -> dict:
    """As the desk shows it: the actions to take, those the rules refuse now and why, and (staff,
    before the decision) the registries' answer."""
    now = timeutil.now()
    allowed, refused = application_ops.available_actions(g.api_user, application, now=now)
    return application_json(application, now=now, allowed=allowed, refused=refused, staff=g.api_user.is_staff,
                            registry_check=application_ops.registry_check_for(g.api_user, application, now=now))


@bp.route("/applications/<int:application_id>/actions/<action>", methods=["POST"])
def act(application_id: int, action: str):
    if action not in {a.value for a in Action}:
        return api_error("unknown_action", _("未知的操作。"), 404)
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        return api_error("invalid", _("请求内容须为JSON对象。"), 422)
    application = application_ops.perform_action(
        application_id=application_id, action=action, user=g.api_user, fields=body, now=timeutil.now()
    )
    return jsonify(_application_view(application))


@bp.route("/uploads", methods=["POST"])
def upload():
    """A file for a filing not yet submitted (`service`, `slot`, `file`); name its id in
    `data.materials` of POST /applications."""
    if g.api_user.is_staff:
        return api_error("forbidden", _("工作人员账号不能以申请人身份上传材料。"), 403)
    sent = sent_file(_("请在 multipart/form-data 的 file 字段中提供文件。"))
    service = request.form.get("service", "")
    if service not in CATALOGUE:
        return api_error("service.unknown", _("未找到该服务事项。"), 404)
    return staged_response(stage_sent(sent, owner=g.api_user, service_code=service, slot=request.form.get("slot", "")))


@bp.route("/applications/<int:application_id>/materials/<code>", methods=["POST"])
def upload_material(application_id: int, code: str):
    """A file for a slot of an existing application: the correction reply (handed in by
    `resubmit`) or a 容缺 supplement (handed in by `supply_materials`)."""
    sent = sent_file(_("请在 multipart/form-data 的 file 字段中提供文件。"))
    application = application_ops.get_visible(g.api_user, application_id)
    return staged_response(stage_sent(sent, owner=g.api_user, service_code=application.service_code, slot=code,
                                      application=application))


@bp.route("/applications/<int:application_id>/materials/<code>/review", methods=["POST"])
def review_material(application_id: int, code: str):
    """The clerk's verdict on a slot (`verdict`: ok 合格 | needs_correction 需补正, with `problem`
    and `requirement`)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error("invalid", _("请求内容须为JSON对象。"), 422)
    texts = {name: body.get(name) if isinstance(body.get(name), str) else "" for name in
             ("verdict", "problem", "requirement")}
    application = application_ops.get_visible(g.api_user, application_id, for_update=True)
    row = material_ops.review_slot(reviewer=g.api_user, application=application, slot=code, now=timeutil.now(),
                                   **texts)
    return jsonify(slot=row.slot, verdict=row.verdict, problem=row.problem, requirement=row.requirement)


@bp.route("/materials/<int:file_id>")
def material(file_id: int):
    """A material file, to its owner and the staff of the handling unit (staff reads recorded)."""
    row = material_ops.visible_file(g.api_user, file_id, visible_application=application_ops.get_visible)
    return send_material(g.api_user, row, download=True)


@bp.route("/applications/<int:application_id>/documents/<int:document_id>")
def document(application_id: int, document_id: int):
    return send_document(g.api_user, application_id, document_id, endpoint="api.document", api=True)


# --- public: tracking and verification ----------------------------------------------------


@bp.route("/track/<token>")
@limiter.limit("60 per minute")
def track(token: str):
    head = application_ops.tracking_head(token)
    if head is None:
        return api_error("not_found", _("未找到该办件，请核对二维码或查询码。"), 404)
    now = timeutil.now()
    explain = request.args.get("explain") == "1"
    tag = tracking_etag(head, now, "api", select_locale(), str(explain))
    if tag in request.if_none_match:
        return revalidate(Response(status=304), tag)

    def render() -> tuple[bytes, bool]:
        application = application_ops.by_tracking_token(token)
        if application is None:
            abort(404)
        body = jsonify(tracking_json(application, now=now, explain=explain)).get_data()
        return body, application.event_count == head.event_count

    # The JSON is the same for every caller (nothing in it, nor in the tag, is the caller's).
    return revalidate(page_cache.serve(("api.track", tag), render, mimetype="application/json",
                                       query_strings=TRACK_QUERIES, anyone=True), tag)


TRACK_QUERIES = frozenset({b"", b"explain=1"})


@bp.route("/verify/<number>")
@limiter.limit("60 per minute")
def verify(number: str):
    verdict = certificate_ops.verify(number, request.args.get("s", ""), request.args.get("code", "")[:20])
    return jsonify(verdict.as_dict())
