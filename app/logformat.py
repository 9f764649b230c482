"""JSON log lines (`LOG_FORMAT=json`, production's default): one object per line, with the id
of the request being served, so every line of one request can be found from its
`X-Request-ID`. The records are masked before they get here (app.logfilter)."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import g, has_request_context

# Attributes a record may carry (`logger.info(..., extra={...})`) that belong in the line.
FIELDS = ("endpoint", "method", "status", "duration_ms")


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development format, with the request id when there is one."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = current_request_id()
        return f"{line} [request {request_id}]" if request_id else line


def configure(log_format: str) -> None:
    """The root logger writes to stderr in `log_format` ("json" or "text"); idempotent."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    formatter = JsonFormatter() if log_format == "json" else TextFormatter()
    handler = next((h for h in root.handlers if getattr(h, "portal_handler", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.portal_handler = True
        root.addHandler(handler)
    handler.setFormatter(formatter)
