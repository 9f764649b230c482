"""Template filters and globals: masking of personal data, limits, role names, local time."""
from __future__ import annotations

import re

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app import timeutil
from app.domain.catalogue import FILING_SCHEMAS
from app.domain.identifiers import mask_id_number, mask_name, mask_phone, mask_uscc
from app.operations import localize_value

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
    "applicant_type": _l("申请类型"), "purpose": _l("证明用途"), "channel": _l("申请渠道"), "terminal_id": _l("自助终端编号"), "route": _l("受理地"),
    "relation": _l("与单位关系"), "legal_provision": _l("法律依据"), "legal_provision_bar": _l("条款内容（申请时）"),
    "job": _l("从事或拟从事的职业"), "query_reason": _l("查询理由"),
    "power_of_attorney": _l("授权委托书"), "purpose_detail": _l("用途说明"), "requests_this_year": _l("本年度第几次申请"),
    # newborn_registration
    "birth_certificate_number": _l("出生医学证明编号"), "receiving_parent": _l("落户方式"),
    "child_name": _l("新生儿姓名"), "child_sex": _l("新生儿性别"), "child_birth_date": _l("出生日期"),
    "household_number": _l("落户户号"), "station": _l("受理派出所"), "late_registration": _l("逾期申报（出生超过一个月）"),
    "late_registration_note": _l("逾期申报说明"), "name_differs_from_certificate": _l("姓名核对"),
    # seal_engraving
    "enterprise_name": _l("企业名称"), "uscc": _l("统一社会信用代码"), "address": _l("住所"),
    "legal_rep_name": _l("法定代表人"), "legal_rep_phone": _l("法定代表人手机号码"), "shop_name": _l("刻章单位"),
    "shop_record_number": _l("刻章单位备案编号"), "seals": _l("刻制印章"), "engraving_started_at": _l("开始刻制时间"),
    # accident_evidence
    "case_number": _l("事故案件编号"), "person_type": _l("人员类型"), "person_relation": _l("与事故的关系"),
    "id_type": _l("身份证明类型"), "phone_masked": _l("联系电话"), "identity_verified": _l("已核验身份证件并收取书面申请"),
    "principal_name": _l("委托人"), "principal_id_masked": _l("委托人证件号码"), "request_note": _l("申请查阅的内容"),
    # truck_permit
    "applicant_kind": _l("申请人类型"), "plate": _l("号牌号码"), "vehicle_type": _l("车辆类型"),
    "driver_name": _l("驾驶人"), "driver_id_number": _l("驾驶人公民身份号码"), "zones": _l("通行区域"),
    "windows": _l("每日通行时段"), "valid_from": _l("有效期起始日"), "valid_until": _l("有效期截止日"),
    "validity_days": _l("有效期天数"), "check_outcome": _l("系统核验结果"), "check_reasons": _l("不符合核发条件的情形"),
    "review_reasons": _l("转人工审核的原因"),
    # rating_rectification
    "rating_id": _l("评价编号"), "rated_number": _l("被评办件编号"), "rated_service": _l("被评事项"),
    "level": _l("评价等级"), "comment": _l("评价内容"),
    # security_licence
    "company_name": _l("公司名称"), "registered_capital_yuan": _l("注册资本（企业登记信息）"),
    "armed_escort": _l("经营武装守护押运业务"), "state_controlled": _l("国有独资或国有控股"),
    "premises_address": _l("住所和服务场所"), "managers": _l("拟任法定代表人和主要管理人员"),
    # 容缺受理 (any service with the tolerance step)
    "materials_provided": _l("已提交材料"), "tolerance_requested": _l("申请容缺受理"),
    "materials_missing": _l("容缺材料（承诺补齐补正）"), "commitment_days": _l("承诺补齐期限（工作日）"),
    "signatory": _l("承诺书签署人"), "agent_name": _l("受托人"), "agent_id_number": _l("受托人公民身份号码"),
}


class TranslatedNames:
    """A name table whose values are marked Chinese msgids, translated when looked up."""

    def __init__(self, names):
        self.names = names

    def __getitem__(self, key):
        from flask_babel import gettext

        return gettext(self.names[key])

    def get(self, key, default=None):
        return self[key] if key in self.names else default


def service_name(code: str) -> str:
    from app.domain.catalogue import CATALOGUE

    service = CATALOGUE[code]
    return service.name_en if str(get_locale()) == "en" else service.name_zh


class TranslatedServiceNames:
    def __getitem__(self, code):
        return service_name(code)


def limit_text(limit) -> str:
    if limit is None:
        return ""
    return limit.describe_en() if str(get_locale()) == "en" else limit.describe_zh()


def localized(value) -> str:
    """A domain value in the request's language: a marked msgid, a Message with its
    parameters, a Bilingual name or a list of these (see app.operations.localize_value)."""
    return "" if value is None else str(localize_value(value))


def local_time(dt, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timeutil.local(dt).strftime(fmt) if dt is not None else ""


def due_time(dt) -> str:
    """A whole-day deadline (23:59) as its date; one in working hours with its time."""
    if dt is None:
        return ""
    local = timeutil.local(dt)
    return local.strftime("%Y-%m-%d" if (local.hour, local.minute) == (23, 59) else "%Y-%m-%d %H:%M")


# The portal's own links in a message's text ("…登录补正：https://<host>/my/applications/7。"),
# made links to the same path here (whatever host the message was written with).
_PORTAL_LINK = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(/(?:my|t|ratings)/[A-Za-z0-9_\-/~%?=&#.]*[A-Za-z0-9_/])")


def message_body(text: str) -> Markup:
    """A message's plain text as HTML: escaped, and the portal's links clickable."""
    text, html, at = text or "", Markup(""), 0
    for match in _PORTAL_LINK.finditer(text):
        html += escape(text[at:match.start()]) + Markup('<a href="{}">{}</a>').format(match.group(1), match.group(0))
        at = match.end()
    return html + escape(text[at:])


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        mask_id=mask_id_number,
        mask_phone=mask_phone,
        mask_name=mask_name,
        mask_uscc=mask_uscc,
        limit_text=limit_text,
        reject_page=lambda args: {k: v for k, v in args.items() if k not in ("page", "after")},
        local_time=local_time,
        due_time=due_time,
        message_body=message_body,
        localize=localized,
    )
    from app.domain.workflow import STATE_NAMES
    from app.web.navigation import nav_items
    from app.web.public import LIMIT_NAMES

    app.jinja_env.globals.update(
        nav_items=nav_items,
        role_names=ROLE_NAMES,
        service_names=TranslatedServiceNames(),
        state_names=TranslatedNames({state.value: name for state, name in STATE_NAMES.items()}),
        limit_names=LIMIT_NAMES,
        data_labels=DATA_LABELS,
        # A service's conditional questions (field → AskedWhen), for the forms to reveal.
        asked_questions=lambda service_code: FILING_SCHEMAS[service_code].conditions(),
    )
