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


DATA_LABELS = {
    "applicant_type": _l("申请类型"), "purpose": _l("证明用途"), "channel": _l("申请渠道"), "route": _l("受理地"),
    "relation": _l("与单位关系"), "legal_provision": _l("法律依据"), "query_reason": _l("查询理由"),
    "power_of_attorney": _l("授权委托书"), "purpose_detail": _l("用途说明"), "requests_this_year": _l("本年度第几次申请"),
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
        reject_page=lambda args: {k: v for k, v in args.items() if k != "page"},
        local_time=local_time,
    )
    from app.domain.catalogue import CATALOGUE
    from app.domain.workflow import STATE_NAMES
    from app.web.public import LIMIT_NAMES

    app.jinja_env.globals.update(
        role_names=ROLE_NAMES,
        service_names={code: service.name_zh for code, service in CATALOGUE.items()},
        state_names={state.value: name for state, name in STATE_NAMES.items()},
        limit_names=LIMIT_NAMES,
        data_labels=DATA_LABELS,
    )
