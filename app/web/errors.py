"""Error pages in Chinese, JSON `{"error", "message"}` under /api."""
from __future__ import annotations

import redis
from flask import Flask, jsonify, make_response, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.operations import InvalidInput, OperationError
from app.web.security import wants_json

MESSAGES = {
    400: ("bad_request", _l("请求有误"), _l("请求内容不完整或格式不正确。")),
    401: ("unauthorized", _l("请先登录"), _l("请先登录后再访问。")),
    403: ("forbidden", _l("无权访问"), _l("您没有权限进行此项操作。")),
    404: ("not_found", _l("页面不存在"), _l("您访问的内容不存在或已被删除。")),
    405: ("method_not_allowed", _l("请求方式不支持"), _l("该地址不支持此请求方式。")),
    409: ("conflict", _l("状态冲突"), _l("当前状态下不能进行此项操作。")),
    413: ("too_large", _l("文件过大"), _l("上传的文件超过大小限制。")),
    422: ("unprocessable", _l("内容有误"), _l("提交的内容有误，请检查后重试。")),
    429: ("too_many_requests", _l("操作过于频繁"), _l("操作过于频繁，请稍后再试。")),
    500: ("server_error", _l("系统繁忙"), _l("系统暂时无法处理您的请求，请稍后再试。")),
    503: ("unavailable", _l("服务暂时不可用"), _l("系统正在恢复，请稍后再试。本次操作没有生效，可返回上一页重新提交。")),
}
RETRY_AFTER_SECONDS = 30


def render_error(status: int, message: str | None = None):
    code, title, default = MESSAGES.get(status, MESSAGES[500])
    text = message or str(default)
    if wants_json():
        return jsonify(error=code, message=text), status
    return render_template("errors/error.html", title=str(title), message=text), status


def error_json(exc: OperationError):
    """`{"error", "message"}`; a schema refusal adds `errors` (every field's, at once) and,
    when there is just one, answers with that field's own code and message."""
    if not isinstance(exc, InvalidInput):
        named = {"field": exc.field} if exc.field else {}
        return jsonify(error=exc.code, message=exc.message, **named), exc.status
    errors = exc.localized_errors()
    if len(errors) == 1:
        return jsonify(error=errors[0]["code"], message=errors[0]["message"], field=errors[0]["field"],
                       errors=errors), exc.status
    listing = "；".join(f"{e['field']}：{e['message'].rstrip('。')}" for e in errors)
    return jsonify(error=exc.code, message=f"{exc.message}{listing}。", errors=errors), exc.status


def init_app(app: Flask) -> None:
    @app.errorhandler(OperationError)
    def operation_error(exc: OperationError):
        if wants_json():
            return error_json(exc)
        return render_error(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("页面已过期或表单校验失败，请刷新页面后重新提交。"))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        return render_error(413, _("上传的内容过大：单个文件不能超过 %(file)s MB，一件申请的材料合计不能超过 %(total)s MB。"
                                   "请压缩或分页扫描后重新上传。",
                                   file=app.config["MATERIAL_MAX_FILE_MB"], total=app.config["MATERIAL_MAX_APPLICATION_MB"]))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        description = exc.description if exc.code == 429 else None
        return render_error(exc.code or 500, _("操作过于频繁，请稍后再试。") if description else None)

    @app.errorhandler(redis.RedisError)
    @app.errorhandler(StorageError)
    def store_unavailable(exc: Exception):
        # The shared store of the rate limits does not answer: refuse (fail closed) rather than
        # serve without limits, and say so plainly.
        app.logger.error("rate-limit store unavailable: %s", type(exc).__name__)
        response = make_response(render_error(503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        app.logger.exception("unhandled error")
        return render_error(500)
