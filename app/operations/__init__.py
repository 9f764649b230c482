"""Use cases: load, ask the domain, write state and events in one transaction.

This is the only layer that commits.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_request_context, request
from flask_babel import get_locale, gettext

from app.domain.text import N_, Bilingual, Message, chinese, fill, is_sentences


def localize(template: str, params: dict | None = None) -> str:
    """The message in the request's language: Chinese msgids are translated when a request
    is being served in another language; placeholders are filled after translation. String
    parameters are msgids themselves; a `Message` parameter is localised in turn, a `Bilingual`
    name takes the request's language and a list is localised item by item."""
    params = params or {}
    if not has_request_context():
        return fill(template, params)
    translated = {key: localize_value(value) for key, value in params.items()}
    return gettext(template, **translated) if translated else gettext(template)


def localize_value(value: object) -> object:
    """One value shown in the request's language: a str is a msgid, a `Message` is localised
    with its parameters, a `Bilingual` name picks its language, a list is localised item by item."""
    if isinstance(value, Message):
        return localize(value.template, value.params)
    if isinstance(value, str):
        return gettext(value) if value else value
    if isinstance(value, Bilingual):
        return value.en if str(get_locale()).startswith("en") else value.zh
    if isinstance(value, date) and not isinstance(value, datetime):
        if str(get_locale()).startswith("en"):
            return f"{value.day} {value:%B} {value.year}"
        return chinese(value)
    if isinstance(value, list | tuple):
        # TRANSLATORS: the separator between the items of a list inside a sentence.
        separator = ("" if not str(get_locale()).startswith("en") else " ") if is_sentences(value) else gettext("、")
        return separator.join(str(localize_value(item)) for item in value)
    return value


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
        if isinstance(message, Message) and params is None:
            # A domain refusal's message: keep its template and parameters to translate.
            message, params = message.template, message.params
        super().__init__(fill(message, params))
        self.code = code
        self.template = message
        self.params = params or {}
        self.field = field
        self.status = status

    @property
    def message(self) -> str:
        return localize(self.template, self.params)


class NotFound(OperationError):
    def __init__(self, message: str = N_("未找到该记录。")):
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
