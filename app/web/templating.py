"""Template filters and globals: masking of personal data, limits, role names, local time."""
from __future__ import annotations

import re

from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app import timeutil
from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.identifiers import mask_id_number, mask_name, mask_phone, mask_uscc
from app.domain.workflow import STATE_NAMES
from app.operations import localize_value
from app.web.i18n import page_translations, select_locale
from app.web.navigation import nav_items
from app.web.public import LIMIT_NAMES

ROLE_NAMES = {
    "citizen": _l("个人用户"),
    "enterprise": _l("企业用户"),
    "clerk": _l("窗口民警"),
    "supervisor": _l("负责人"),
    "admin": _l("系统管理员"),
    "officer": _l("办案民警"),
    "shop": _l("刻章企业"),
}


# Labels of an application's data shared by every service (each service's own are its
# catalogue entry's `data_labels`).
DATA_LABELS = {
    # 容缺受理 (any service with the tolerance step)
    "materials_provided": _l("已提交材料"), "tolerance_requested": _l("申请容缺受理"),
    "materials_missing": _l("容缺材料（承诺补齐补正）"), "commitment_days": _l("承诺补齐期限（工作日）"),
    "signatory": _l("承诺书签署人"), "agent_name": _l("受托人"), "agent_id_number": _l("受托人公民身份号码"),
    **{key: _l(label) for service in CATALOGUE.values() for key, label in service.data_labels.items()},
}


class TranslatedNames:
    """A name table whose values are marked Chinese msgids, translated when looked up (in the
    request's catalogue: a queue page looks up a name on every row)."""

    def __init__(self, names):
        self.names = names

    def __getitem__(self, key):
        return page_translations().ugettext(self.names[key])

    def get(self, key, default=None):
        return self[key] if key in self.names else default


def service_name(code: str) -> str:
    service = CATALOGUE[code]
    return service.name_en if select_locale() == "en" else service.name_zh


def unit_name(unit) -> str:
    """A unit's name in the request's language: its recorded English name on English pages."""
    if unit is None:
        return ""
    return (unit.name_en or unit.name) if select_locale() == "en" else unit.name


class TranslatedServiceNames:
    def __getitem__(self, code):
        return service_name(code)


def limit_text(limit) -> str:
    if limit is None:
        return ""
    return limit.describe_en() if select_locale() == "en" else limit.describe_zh()


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
        unit_name=unit_name,
    )
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
