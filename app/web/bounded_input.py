"""Input bounded before it is trusted: ids in URLs that fit the database's integers (a
23-digit id is "not found", never a 500), and JSON request bodies capped in size, in nesting
depth and free of text that cannot be stored or shown (unpaired surrogates, control
characters) — checked before any endpoint reads the body."""
from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.routing import IntegerConverter

from app.domain.catalogue.schema import MAX_ID, text_problem
from app.domain.text import N_
from app.operations import OperationError


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that does not match above MAX_ID (the tables' 32-bit keys), so such a URL is a
    404 instead of an "integer out of range" from the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """Whether arrays/objects nest deeper than `limit` (brackets inside strings ignored);
    the stdlib parser would recurse once per level and fail with a RecursionError."""
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def check_json_body() -> None:
    """Refuse an oversized, too deeply nested or unreadable JSON body (413/422)."""
    if request.method not in ("POST", "PUT", "PATCH") or request.mimetype == "multipart/form-data":
        return
    cap = current_app.config["API_MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > cap:
        raise OperationError("too_large", N_("请求内容过大：JSON 请求体不能超过 %(kb)s KB。"), status=413,
                             params={"kb": cap // 1024})
    request.max_content_length = cap  # a body sent without Content-Length is cut off at the cap too
    raw = request.get_data(cache=True)
    if len(raw) > cap:
        raise OperationError("too_large", N_("请求内容过大：JSON 请求体不能超过 %(kb)s KB。"), status=413,
                             params={"kb": cap // 1024})
    if json_depth_exceeds(raw, current_app.config["API_MAX_JSON_DEPTH"]):
        raise OperationError("invalid", N_("请求内容嵌套层级过深。"), status=422)
    body = request.get_json(silent=True)
    for text in _strings(body):
        if text_problem(text, multiline=True) is not None:
            raise OperationError("invalid_text", N_("请求内容含有无法识别的字符（不成对的代理字符或控制字符）。"), status=422)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
