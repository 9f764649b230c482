"""Template filters and globals: masking of personal data, limits, role names, local time."""
from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app import timeutil
from app.domain.identifiers import mask_id_number, mask_name, mask_phone, mask_uscc

ROLE_NAMES = {
    "citizen": _l("个人用户"),
    "enterprise": _l("企业用户"),
    "clerk": _l("窗口民警"),
    "supervisor": _l("负责人"),
    "admin": _l("系统管理员"),
    "officer": _l("办案民警"),
    "shop": _l("刻章企业"),
}


def limit_text(limit) -> str:
    if limit is None:
        return ""
    return limit.describe_en() if str(get_locale()) == "en" else limit.describe_zh()


def local_time(dt, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timeutil.local(dt).strftime(fmt) if dt is not None else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        mask_id=mask_id_number,
        mask_phone=mask_phone,
        mask_name=mask_name,
        mask_uscc=mask_uscc,
        limit_text=limit_text,
        local_time=local_time,
    )
    app.jinja_env.globals["role_names"] = ROLE_NAMES
