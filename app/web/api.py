"""JSON API under /api/v1 (DESIGN.md §6), described by /api/v1/openapi.json.

Authentication is a bearer token only: a browser session cookie never authenticates an
API call, so the API needs no CSRF token.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _

from app import timeutil
from app.domain.catalogue import CATALOGUE
from app.extensions import csrf, limiter
from app.operations import OperationError
from app.operations import accounts as account_ops
from app.web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Endpoints anyone may call without a token.
PUBLIC_ENDPOINTS = frozenset({"api.issue_token", "api.services", "api.openapi", "api.track", "api.verify"})


def api_error(code: str, message: str, status: int):
    return jsonify(error=code, message=message), status


@bp.before_request
def api_guard():
    """The API's one access guard: a valid bearer token, unless the endpoint is public."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.api_user = account_ops.user_for_api_token(header[7:].strip(), now=timeutil.now())
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.api_user is None:
        return api_error("unauthorized", _("缺少或无效的访问令牌。"), 401)
    return None


@bp.errorhandler(OperationError)
def operation_error(exc: OperationError):
    return api_error(exc.code, exc.message, exc.status)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_IP"]


@bp.route("/auth/token", methods=["POST"])
@limiter.limit(_login_rate_limit)
def issue_token():
    body = request.get_json(silent=True) or {}
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return api_error("invalid", _("请提供用户名和密码。"), 422)
    user = account_ops.authenticate(
        username,
        password,
        now=timeutil.now(),
        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
        lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
    )
    hours = current_app.config["API_TOKEN_HOURS"]
    token = account_ops.issue_api_token(user, now=timeutil.now(), hours=hours)
    return jsonify(access_token=token, token_type="Bearer", expires_in=hours * 3600, role=user.role)


def limit_json(limit) -> dict | None:
    if limit is None:
        return None
    return {
        "amount": float(limit.amount),
        "unit": limit.unit.value,
        "text_zh": limit.describe_zh(),
        "text_en": limit.describe_en(),
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
        "filing_open": service.workflow_built,
        "legal_basis_zh": service.legal_basis_zh,
        "limits": {
            name: {**limit_json(limit), "source": service.limits.sources.get(name, "")}
            for name, limit in service.limits.items()
        },
        "materials": [
            {
                "code": m.code,
                "name_zh": m.name_zh,
                "name_en": m.name_en,
                "core": m.core,
                "shared": m.shared,
                "required": m.required,
            }
            for m in service.materials
        ],
        "outcome_documents": list(service.outcome_documents),
    }


@bp.route("/services")
def services():
    return jsonify(services=[service_json(s) for s in CATALOGUE.values()])


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())
