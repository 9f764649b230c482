"""No personal data or capability in a log line: every record is masked before any handler
writes it — ID numbers, phones and bank cards (`app.domain.scrub`), tracking and API tokens
(a tracking token in a `/t/<token>` access-log line opens the application's page; a bearer
token is a login), in the message, its arguments and the exception text.

`install` masks each record as it is made (the log record factory), so handlers added later —
Celery's when a worker starts, a test's, an error tracker's — never see the plain text, and
puts the same filter on the handlers of the root logger and of the loggers that keep handlers
of their own (werkzeug, gunicorn, celery), for records that reach a handler without the
factory (rebuilt from a queue or a socket with `logging.makeLogRecord`).
"""
from __future__ import annotations

import logging
import re

from app.domain.scrub import scrub

MASK = "***"
# The loggers that may have handlers of their own, beside the root's.
LOGGERS = ("app", "werkzeug", "gunicorn", "gunicorn.error", "gunicorn.access", "celery", "celery.task",
           "celery.worker", "celery.app.trace")

_URLSAFE = "A-Za-z0-9_-"
# Capabilities in paths and query strings, whatever their length: /t/<tracking token>, the kiosk
# ticket, ?token=… (the tracking lookup), ?s=… (signed verification links).
_PATH_TOKEN = re.compile(rf"(/t/|/kiosk/ticket/)[{_URLSAFE}]+")
_QUERY_TOKEN = re.compile(r"([?&](?:token|s|access_token)=)[^&\s\"']+")
_BEARER = re.compile(r"(\bBearer\s+)[^\s\"',]+", re.IGNORECASE)
# A bare token anywhere: secrets.token_urlsafe(24) is 32 characters, token_urlsafe(32) 43. Mixed
# case is what tells one from a hex digest or a long name (both are left alone): a random
# URL-safe string of that length all but always has both.
_BARE_TOKEN = re.compile(rf"(?<![{_URLSAFE}])(?=[{_URLSAFE}]*[a-z])(?=[{_URLSAFE}]*[A-Z])[{_URLSAFE}]{{32,}}"
                         rf"(?![{_URLSAFE}])")


def redact(text: str) -> str:
    """`text` with tokens and personal numbers masked."""
    text = _PATH_TOKEN.sub(lambda m: m.group(1) + MASK, text)
    text = _QUERY_TOKEN.sub(lambda m: m.group(1) + MASK, text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    text = _BARE_TOKEN.sub(MASK, text)
    return scrub(text)


class RedactingFilter(logging.Filter):
    """Masks a record in place: the message with its arguments merged in (so no argument is
    formatted later unmasked), the exception text and the stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args is None and getattr(record, "_redacted", None) is record.msg:
            return True  # masked already (by the factory, or by another handler's filter)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a broken format string: keep what there is
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._redacted = record.msg
        return True


_FILTER = RedactingFilter()


def _masking_factory(previous):
    def make(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    make.masks_records = True
    return make


def install() -> None:
    """Idempotent: create_app may run many times in one process (tests, CLI)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "masks_records", False):
        logging.setLogRecordFactory(_masking_factory(factory))
    for logger in (logging.getLogger(), *(logging.getLogger(name) for name in LOGGERS)):
        for owner in (logger, *logger.handlers):
            if _FILTER not in owner.filters:
                owner.addFilter(_FILTER)
