"""The main navigation: which pages each role works from, in order. The first one is where
a user lands after logging in. The message centre carries the applicant's unread count."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.operations.messages import unread_count

APPLICANT = ("citizen", "enterprise")
DESK = ("clerk", "supervisor", "officer", "admin")

NAV: tuple[tuple[tuple[str, ...], str, object], ...] = (
    (APPLICANT, "citizen.dashboard", _l("我的办件")),
    (APPLICANT, "citizen.messages", _l("消息中心")),
    (APPLICANT, "citizen.wallet", _l("我的证照")),
    (("citizen",), "newborn.check", _l("新生儿登记自查")),
    (("enterprise",), "seals.index", _l("我的印章")),
    (APPLICANT, "permits.holder.mine", _l("我的通行证")),
    (APPLICANT, "appointments.index", _l("网上预约")),
    (APPLICANT, "ratings.index", _l("好差评")),
    (("shop",), "shop.queue", _l("刻章工作台")),
    (DESK, "clerk.queue", _l("工作台")),
    (("officer",), "officer.index", _l("事故查询码")),
    (("clerk", "supervisor", "officer"), "window.index", _l("窗口叫号")),
    (("supervisor",), "supervisor.dashboard", _l("负责人视图")),
    (("supervisor",), "ratings_unit.index", _l("差评整改")),
    (("admin",), "admin.index", _l("系统管理")),
)


def nav_items(user) -> list[tuple[str, object, int | None]]:
    """(url, label, count): the count is the unread messages beside 消息中心 (else None)."""
    if not user.is_authenticated:
        return []
    return [(url_for(endpoint), label, _count(user, endpoint)) for roles, endpoint, label in NAV if user.role in roles]


def _count(user, endpoint: str) -> int | None:
    if endpoint != "citizen.messages":
        return None
    return unread_count(user)


def home_url(user) -> str:
    """The first page of the user's role, without counting anything for the rest of the bar."""
    if user.is_authenticated:
        for roles, endpoint, _label in NAV:
            if user.role in roles:
                return url_for(endpoint)
    return url_for("public.home")
