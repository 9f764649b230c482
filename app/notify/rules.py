"""What an applicant is told, and when (pure: no Flask, no database).

`kind_for_event` maps an event of the lifecycle to the message kind the applicant should get,
or None for steps the applicant took themselves or that stay inside the office (submitting,
a clerk's extension request, escalation). The texts are templates/notify/<kind>.<lang>.txt.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.calendar import WorkCalendar
from app.domain.identifiers import mask_id_number
from app.domain.workflow import Action, State


class Kind(StrEnum):
    ACCEPTED = "accepted"
    DEEMED_ACCEPTED = "deemed_accepted"  # 逾期未作决定，视为受理
    CORRECTION = "correction"  # 一次性告知补正（列明全部事项）
    SUSPENDED = "suspended"  # 中止（事由）
    RESUMED = "resumed"
    EXTENDED = "extended"  # 延长（理由、新期限）
    FORWARDED = "forwarded"  # 报上级机关决定
    APPROVED = "approved"  # 准予（办结，或待发证/送达）
    REJECTED = "rejected"  # 不予许可（理由、救济途径）
    NOT_ACCEPTED = "not_accepted"  # 不予受理（理由、救济途径）
    ISSUED = "issued"  # 已发证/送达，可领取或下载
    CLOSED = "closed"  # 逾期未补正，终止
    REVOKED = "revoked"  # 撤销（理由）
    COMMITMENT_DUE = "commitment_due"  # 容缺补齐期限临近（定时检查）
    COMMITMENT_BREACHED = "commitment_breached"  # 逾期未履行容缺承诺（可陈述正当理由）
    UNTRUE_LISTED = "untrue_listed"  # 违诺认定：列入违诺名单（理由、期限、救济途径）
    UNTRUE_NOT_LISTED = "untrue_not_listed"  # 违诺认定：不予列入


_BY_ACTION = {
    Action.ACCEPT: Kind.ACCEPTED,
    Action.DEEM_ACCEPTED: Kind.DEEMED_ACCEPTED,
    Action.REQUEST_CORRECTION: Kind.CORRECTION,
    Action.SUSPEND: Kind.SUSPENDED,
    Action.RESUME: Kind.RESUMED,
    Action.EXTEND: Kind.EXTENDED,
    Action.FORWARD: Kind.FORWARDED,
    Action.APPROVE: Kind.APPROVED,
    Action.REJECT: Kind.REJECTED,
    Action.NOT_ACCEPT: Kind.NOT_ACCEPTED,
    Action.ISSUE: Kind.ISSUED,
    Action.CLOSE_UNANSWERED: Kind.CLOSED,
    Action.REVOKE: Kind.REVOKED,
    Action.BREACH_COMMITMENT: Kind.COMMITMENT_BREACHED,
    Action.LIST_UNTRUE: Kind.UNTRUE_LISTED,
    Action.NOT_LIST_UNTRUE: Kind.UNTRUE_NOT_LISTED,
}
# Progress messages that a later message of the same moment makes redundant: a terminal that
# accepts, approves and issues at once sends one message ("issued"), not three.
INTERIM = frozenset({Kind.ACCEPTED, Kind.DEEMED_ACCEPTED, Kind.RESUMED, Kind.APPROVED})
# Messages after which the matter has ended (they carry the invitation to rate it).
FINAL_STATES = frozenset({State.APPROVED, State.ISSUED, State.REJECTED, State.NOT_ACCEPTED, State.CLOSED,
                          State.REVOKED})


def kind_for_event(action: Action | str, from_state: State | str, to_state: State | str) -> Kind | None:
    try:
        action = Action(action)
    except ValueError:
        return None
    if action == Action.APPROVE and State(from_state) == State(to_state):
        return None
    return _BY_ACTION.get(action)


# --- never a full ID number in a message ---------------------------------------------------------

# 18-character citizen ID numbers (17 digits + digit or X) and the old 15-digit ones, standing
# alone (not inside a longer run of letters and digits, such as an application number).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def redact_id_numbers(text: str) -> str:
    """Mask every ID number in a text (a clerk may have typed one into a reason or an item)."""
    return _ID_NUMBER.sub(lambda match: mask_id_number(match.group(1)), text)


def contains_id_number(text: str) -> bool:
    return _ID_NUMBER.search(text) is not None


# --- the commitment reminder -----------------------------------------------------------------------

# Remind on the last working day before the supplement is due, and on the due day itself.
COMMITMENT_REMINDER_WORKDAYS = 1
# The widest natural-day span that one working day can cover (the National Day week plus the
# weekends around it): candidates beyond it cannot be due for a reminder yet.
REMINDER_SCAN = timedelta(days=12)


def commitment_reminder_due(as_of: datetime, due_at: datetime, calendar: WorkCalendar) -> bool:
    if as_of >= due_at:
        return False
    return calendar.working_days_left(as_of, due_at) <= COMMITMENT_REMINDER_WORKDAYS


def sms_text(body: str, *, sign: str = "警务通办") -> str:
    """An SMS carries its signature first (【签名】, as Chinese gateways require)."""
    return f"【{sign}】{body.strip()}"
