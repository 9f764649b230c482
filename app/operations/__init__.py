"""Use cases: load, ask the domain, write state and events in one transaction.

This is the only layer that commits.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import gettext

from app.domain.text import N_


def localize(template: str, params: dict | None = None) -> str:
    """The message in the request's language: Chinese msgids are translated when a request
    is being served in another language; placeholders are filled after translation."""
    params = params or {}
    if not has_request_context():
        return template % params if params else template
    translated = {key: gettext(value) if isinstance(value, str) else value for key, value in params.items()}
    return gettext(template, **translated) if translated else gettext(template)


def public_base_url() -> str:
    """Where the portal is reached, for links in QR codes, documents and messages:
    PUBLIC_BASE_URL when set, else the host of the request being served (behind a proxy, the
    host the visitor used: ProxyFix with PROXY_HOPS)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


class OperationError(Exception):
    """A refusal meant for the user: a stable `code` and a Chinese message template (marked
    for translation), shown in the request's language through `message`."""

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int = 422,
                 params: dict | None = None):
        super().__init__(message % params if params else message)
        self.code = code
        self.template = message
        self.params = params or {}
        self.field = field
        self.status = status

    @property
    def message(self) -> str:
        return localize(self.template, self.params)


class NotFound(OperationError):
    def __init__(self, message: str = "未找到该记录。"):
        super().__init__("not_found", message, status=404)


class InvalidInput(OperationError):
    """Input that does not fit its schema: every field's error at once (`errors`, each with a
    `field` path such as `managers.0.name`, a code and a translatable template)."""

    def __init__(self, errors):
        first = errors[0] if errors else None
        super().__init__("invalid", N_("提交的内容有%(count)s处需要修改，请逐项核对。"),
                         field=first.field.split(".")[0] if first else None, params={"count": len(errors)})
        self.errors = list(errors)

    def localized_errors(self) -> list[dict]:
        return [{"field": e.field, "code": e.code, "message": localize(e.template, e.params)} for e in self.errors]
