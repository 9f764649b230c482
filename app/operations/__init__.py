"""Use cases: load, ask the domain, write state and events in one transaction.

This is the only layer that commits.
"""
from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext


def localize(template: str, params: dict | None = None) -> str:
    """The message in the request's language: Chinese msgids are translated when a request
    is being served in another language; placeholders are filled after translation."""
    params = params or {}
    if not has_request_context():
        return template % params if params else template
    translated = {key: gettext(value) if isinstance(value, str) else value for key, value in params.items()}
    return gettext(template, **translated) if translated else gettext(template)


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
