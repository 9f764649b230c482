"""Every clock of an application, derived from its event log and the calendar (DESIGN.md §3).

Nothing here is stored as truth: the stored due times are a cache of `derive_clocks`, and a
test recomputes them from random event sequences. `derive_clocks` also says *why* each
deadline is what it is, step by step, for the applicant and the clerk.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from app.domain.calendar import (
    DEFAULT_OFFICE_HOURS,
    Limit,
    LimitUnit,
    OfficeHours,
    WorkCalendar,
    due_at,
)
from app.domain.catalogue.base import Service, ServiceLimits, Step
from app.domain.settings import effective_service, filed_rules
from app.domain.text import N_, Bilingual, Message
from app.domain.workflow import (
    SUSPENSION_REASON_NAMES,
    Action,
    EventRecord,
    State,
    SuspensionReason,
    commitment_open,
    postal_delivery,
)

CLOCK_NAMES = (
    "acceptance_due_at",
    "correction_reply_due_at",
    "promised_due_at",
    "statutory_due_at",
    "delivery_due_at",
    "commitment_due_at",
)


# A tolerance commitment binds only while the matter is alive (handled, or decided on it);
# a withdrawn, refused or already revoked matter leaves nothing to breach.
COMMITMENT_STATES = frozenset({State.ACCEPTED, State.SUSPENDED, State.APPROVED, State.ISSUED})


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class Clocks:
    acceptance_due_at: datetime | None = None
    correction_reply_due_at: datetime | None = None
    promised_due_at: datetime | None = None
    statutory_due_at: datetime | None = None
    delivery_due_at: datetime | None = None
    commitment_due_at: datetime | None = None
    accepted_as_of: datetime | None = None  # when the decision clock started
    paused_since: datetime | None = None
    paused_reason_code: str | None = None
    yellow_from_at: datetime | None = None
    derivation: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, datetime | None]:
        return {name: getattr(self, name) for name in CLOCK_NAMES}


@dataclass(frozen=True)
class Timer:
    action: Action
    due_at: datetime
    payload: dict


def _fmt(moment: datetime) -> str:
    from app.domain.calendar import SHANGHAI

    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class _Walk:
    """What the event log says, gathered in one pass."""

    state: State = State.DRAFT
    received_at: datetime | None = None
    received_label: Bilingual | str = ""
    correction_at: datetime | None = None
    decision_start: datetime | None = None
    decision_label: Bilingual | str = ""
    pauses: list[tuple[datetime, datetime, str]] = field(default_factory=list)
    paused_since: datetime | None = None
    paused_code: str | None = None
    extended_at: datetime | None = None
    approved_at: datetime | None = None
    commitment_limit_days: int | None = None
    forwarded: bool = False
    urgent_at: datetime | None = None  # 加急办 approved
    urgent_limit: Limit | None = None


# What happened and which limit runs, as the "why this date" steps name them (the same words
# as buttons elsewhere would translate as commands, so they carry their English here).
_SUBMITTED = Bilingual("提交申请", "application submitted")
_RESUBMITTED = Bilingual("补正后重新提交", "resubmitted after correction")
_ACCEPTED = Bilingual("受理", "accepted")
_DEEMED_ACCEPTED = Bilingual("视为受理（自收到申请材料之日起）", "deemed accepted (from the date the materials were received)")
_REOPENED = Bilingual("重新办理", "reopened")
_OPINION_RECEIVED = Bilingual("上级机关收到审查意见", "review opinion received by the higher authority")
_PROMISED = Bilingual("承诺时限", "promised time limit")
_STATUTORY = Bilingual("法定时限", "statutory time limit")
_URGENT = Bilingual("加急办时限", "urgent time limit")


def _walk(events: Sequence[EventRecord]) -> _Walk:
    w = _Walk()
    for e in events:
        if e.action in (Action.SUBMIT, Action.RESUBMIT):
            w.received_at = e.at
            w.received_label = _SUBMITTED if e.action == Action.SUBMIT else _RESUBMITTED
            w.correction_at = None
        elif e.action == Action.REQUEST_CORRECTION:
            w.correction_at = e.at
        elif e.action == Action.ACCEPT:
            w.decision_start, w.decision_label = e.at, _ACCEPTED
        elif e.action == Action.DEEM_ACCEPTED:
            w.decision_start = w.received_at
            w.decision_label = _DEEMED_ACCEPTED
        elif e.action == Action.SUSPEND:
            w.paused_since, w.paused_code = e.at, e.payload.get("reason_code")
        elif e.action == Action.RESUME and w.paused_since is not None:
            w.pauses.append((w.paused_since, e.at, w.paused_code or ""))
            w.paused_since, w.paused_code = None, None
        elif e.action == Action.EXTEND:
            w.extended_at = e.at
        elif e.action == Action.APPROVE:
            w.approved_at = e.at
        elif e.action == Action.FORWARD:
            # The higher office's own limit runs from receiving the review opinion.
            w.decision_start, w.decision_label = e.at, _OPINION_RECEIVED
            w.pauses, w.extended_at, w.forwarded = [], None, True
        elif e.action == Action.REOPEN:
            # 重新办理: the answer ended the first count; the same limit runs again from the reopening.
            w.decision_start, w.decision_label = e.at, _REOPENED
            w.pauses, w.extended_at, w.approved_at = [], None, None
        elif e.action == Action.APPROVE_URGENT and e.payload.get("urgent_limit"):
            limit = e.payload["urgent_limit"]
            w.urgent_at, w.urgent_limit = e.at, Limit(Decimal(limit["amount"]), LimitUnit(limit["unit"]))
        if e.action in (Action.ACCEPT, Action.DEEM_ACCEPTED) and e.payload.get("tolerance"):
            w.commitment_limit_days = e.payload.get("commitment_days")
        w.state = e.to_state
    return w


class _Counter:
    """Adds limits and pauses in the limit's own unit (working days, working hours, or time)."""

    def __init__(self, calendar: WorkCalendar, office_hours: OfficeHours):
        self.calendar = calendar
        self.office_hours = office_hours

    def add(self, start: datetime, limit: Limit) -> datetime:
        return due_at(start, limit, calendar=self.calendar, office_hours=self.office_hours)

    def pause_length(self, limit: Limit, begin: datetime, end: datetime) -> Limit:
        """How much of `limit`'s unit a pause from `begin` to `end` took: that much is added."""
        whole_workdays = limit.unit is LimitUnit.WORKDAYS and limit.amount == limit.amount.to_integral_value()
        if whole_workdays:
            return Limit(Decimal(self.calendar.working_days_between(begin, end)), LimitUnit.WORKDAYS)
        if limit.unit in (LimitUnit.WORKDAYS, LimitUnit.WORKHOURS):
            hours = self.calendar.working_hours_between(begin, end, self.office_hours)
            return Limit(hours, LimitUnit.WORKHOURS)
        return Limit(Decimal((end - begin) / timedelta(hours=1)), LimitUnit.HOURS)


def counting(limit: Limit, start: datetime) -> Message:
    """How a limit is counted from its start, as the "why this date" steps say it: whole days
    from the next day (行政许可法: the day itself is not counted); hours, and part of a working
    day, from the moment itself. The rule is `Limit.counted_from_next_day` (app.domain.calendar)."""
    if limit.counted_from_next_day:
        return Message(N_("不含当日"))
    if limit.unit in (LimitUnit.WORKDAYS, LimitUnit.WORKHOURS):
        return Message(N_("自%(start)s起按办公时间计算"), {"start": _fmt(start)})
    return Message(N_("自%(start)s起连续计算"), {"start": _fmt(start)})


def _due_before_extension(counter: _Counter, w: _Walk, limit: Limit) -> datetime:
    """The limit in force when the extension was granted: the pauses before it counted, not later ones."""
    assert w.decision_start is not None and w.extended_at is not None
    due = counter.add(w.decision_start, limit)
    for begin, end, _code in w.pauses:
        if begin < w.extended_at:
            length = counter.pause_length(limit, begin, end)
            if length.amount:
                due = counter.add(due, length)
    return due


def extension_phrase(limits: ServiceLimits, base: Limit) -> Message:
    """"延长10个工作日" (行政许可法第42条), or "延长至30个工作日" where the rule states the total."""
    form, amount = limits.extension_phrase(base)
    template = N_("延长至%(limit)s") if form == "to" else N_("延长%(limit)s")
    return Message(template, {"limit": _limit(amount)})


def _decision_due(
    counter: _Counter, w: _Walk, limit: Limit, limits: ServiceLimits, label: Bilingual, *,
    extension_counts: bool, explain: bool,
) -> tuple[datetime, list[str]]:
    assert w.decision_start is not None
    due = counter.add(w.decision_start, limit)
    steps: list[str] = [
        Message(N_("%(start)s %(event)s，%(label)s%(limit)s（%(counting)s），至 %(due)s"),
                {"start": _fmt(w.decision_start), "event": w.decision_label, "label": label,
                 "limit": _limit(limit), "counting": counting(limit, w.decision_start), "due": _fmt(due)})
    ] if explain else []
    for begin, end, code in w.pauses:
        length = counter.pause_length(limit, begin, end)
        if length.amount:
            due = counter.add(due, length)
        if explain:
            steps.append(Message(N_("%(begin)s 至 %(end)s 中止办理（%(reason)s），不计入时限，顺延%(length)s，至 %(due)s"),
                                 {"begin": _fmt(begin), "end": _fmt(end), "reason": _reason(code),
                                  "length": _limit(length), "due": _fmt(due)}))
    if limits.extension is not None and w.extended_at is not None:
        if extension_counts:
            due = counter.add(due, limits.extension)
            if explain:
                steps.append(Message(N_("%(at)s 经负责人批准%(extension)s，至 %(due)s"),
                                     {"at": _fmt(w.extended_at), "extension": extension_phrase(limits, limit),
                                      "due": _fmt(due)}))
        elif explain:
            steps.append(Message(N_("%(at)s 的延长在法定期限届满之后作出，不发生延长效力，期限仍至 %(due)s"),
                                 {"at": _fmt(w.extended_at), "due": _fmt(due)}))
    elif explain and w.extended_at is not None:
        steps.append(Message(N_("%(at)s 的延长：本事项不适用延长，不发生延长效力，期限仍至 %(due)s"),
                             {"at": _fmt(w.extended_at), "due": _fmt(due)}))
    if explain and w.paused_since is not None:
        steps.append(Message(N_("%(at)s 起中止办理，计时暂停，恢复办理后顺延"), {"at": _fmt(w.paused_since)}))
    return due, steps


def _limit(limit: Limit) -> Bilingual:
    return Bilingual(limit.describe_zh(), limit.describe_en())


def _reason(code: str) -> str:
    """A suspension's reason by name (the code itself when it is not a known one)."""
    try:
        return SUSPENSION_REASON_NAMES[SuspensionReason(code)]
    except ValueError:
        return code


def _yellow_from(counter: _Counter, start: datetime, due: datetime, limit: Limit) -> datetime:
    """A clock turns yellow on its last working day (or its last quarter for hour limits)."""
    from app.domain.calendar import SHANGHAI

    whole_workdays = limit.unit is LimitUnit.WORKDAYS and limit.amount == limit.amount.to_integral_value()
    if whole_workdays:
        local_due = due.astimezone(SHANGHAI)
        return local_due.replace(hour=0, minute=0, second=0, microsecond=0)
    return due - (due - start) / 4


def derive_clocks(
    service: Service,
    events: Sequence[EventRecord],
    *,
    calendar: WorkCalendar,
    office_hours: OfficeHours | None = None,
    explain: bool = True,
) -> Clocks:
    """Every clock of an application from its events. `explain`: with the step-by-step reason
    for each date ("why this date", shown on the pages); the dates are the same without it.

    The limits, steps and office hours are those recorded when the application was filed
    (`app.domain.settings.filed_rules`), so a setting changed later never moves its clocks;
    `service` and `office_hours` count only for an application filed without them."""
    rules = filed_rules(events)
    service = effective_service(service, rules)
    if rules is not None:
        office_hours = rules.office_hours
    elif office_hours is None:
        office_hours = DEFAULT_OFFICE_HOURS
    limits = service.limits
    counter = _Counter(calendar, office_hours)
    w = _walk(events)
    values: dict = {}
    why: dict[str, list[str]] = {}

    if w.state == State.SUBMITTED and limits.acceptance and w.received_at:
        due = counter.add(w.received_at, limits.acceptance)
        values["acceptance_due_at"] = due
        why["acceptance_due_at"] = [] if not explain else [
            Message(N_("%(at)s %(event)s，收到申请材料"), {"at": _fmt(w.received_at), "event": w.received_label}),
            Message(N_("受理时限%(limit)s（%(counting)s），至 %(due)s；逾期未作决定的，自收到申请材料之日起视为受理"),
                    {"limit": _limit(limits.acceptance), "counting": counting(limits.acceptance, w.received_at),
                     "due": _fmt(due)}),
        ]
    if w.state == State.CORRECTION_REQUESTED and limits.correction_reply and w.correction_at:
        due = counter.add(w.correction_at, limits.correction_reply)
        values["correction_reply_due_at"] = due
        why["correction_reply_due_at"] = [] if not explain else [
            Message(N_("%(at)s 一次性告知补正，补正期限%(limit)s，至 %(due)s"),
                    {"at": _fmt(w.correction_at), "limit": _limit(limits.correction_reply), "due": _fmt(due)}),
            Message(N_("补正期间审查时限不起算")),
        ]
    if w.decision_start is not None:
        promised_limit, statutory_limit = limits.promised, limits.statutory
        if w.forwarded and limits.higher_review is not None:
            promised_limit = statutory_limit = limits.higher_review
        # 加急办: from its approval the promised limit is the urgent one, counted from the same start
        # and never longer than the promised (so never beyond the statutory) limit.
        urgent = (w.urgent_limit is not None and not w.forwarded and w.urgent_limit.unit is promised_limit.unit
                  and w.urgent_limit.amount < promised_limit.amount)
        if urgent:
            promised_limit = w.urgent_limit
        # An extension counts only if it was granted while the statutory limit still ran: one
        # recorded after it had passed (before that was refused) leaves the matter overdue.
        extension_counts = (limits.extension is not None and w.extended_at is not None
                            and w.extended_at <= _due_before_extension(counter, w, statutory_limit))
        promised, why["promised_due_at"] = _decision_due(counter, w, promised_limit, limits,
                                                         _URGENT if urgent else _PROMISED,
                                                         extension_counts=extension_counts, explain=explain)
        if urgent and explain:
            why["promised_due_at"].insert(0, Message(N_("%(at)s 经负责人批准加急办，承诺时限改为加急办时限%(limit)s"),
                                                     {"at": _fmt(w.urgent_at), "limit": _limit(promised_limit)}))
        statutory, why["statutory_due_at"] = _decision_due(counter, w, statutory_limit, limits, _STATUTORY,
                                                           extension_counts=extension_counts, explain=explain)
        values["promised_due_at"] = promised
        values["statutory_due_at"] = statutory
        values["accepted_as_of"] = w.decision_start
        values["yellow_from_at"] = _yellow_from(counter, w.decision_start, promised, promised_limit)
        if (w.commitment_limit_days is not None and commitment_open(events)
                and w.state in COMMITMENT_STATES):
            original_promise = counter.add(w.decision_start, limits.promised)
            agreed = counter.add(w.decision_start, Limit(Decimal(w.commitment_limit_days), LimitUnit.WORKDAYS))
            due = min(agreed, original_promise)
            values["commitment_due_at"] = due
            why["commitment_due_at"] = [] if not explain else [
                Message(N_("容缺受理，承诺%(days)s个工作日内补齐材料，至 %(agreed)s"),
                        {"days": w.commitment_limit_days, "agreed": _fmt(agreed)}),
                Message(N_("补齐期限不得超过承诺办理时限（%(promised)s），取 %(due)s"),
                        {"promised": _fmt(original_promise), "due": _fmt(due)}),
            ]
    if w.approved_at is not None and service.has(Step.ISSUE) and limits.delivery:
        due = counter.add(w.approved_at, limits.delivery)
        post = postal_delivery(events)
        # 邮寄送达: issuing does not deliver; the limit runs until the courier reports it signed for.
        in_post = w.state == State.ISSUED and post.by_post and post.delivered is None
        if w.state == State.APPROVED or in_post:
            values["delivery_due_at"] = due
            why["delivery_due_at"] = [] if not explain else [
                Message(N_("%(at)s 作出准予决定，送达时限%(limit)s，至 %(due)s"),
                        {"at": _fmt(w.approved_at), "limit": _limit(limits.delivery), "due": _fmt(due)})
            ]
            if in_post and explain:
                why["delivery_due_at"].append(Message(N_("邮寄送达：快递签收之日为送达之日，签收前送达时限继续计算")))
    return Clocks(
        **values,
        paused_since=w.paused_since,
        paused_reason_code=w.paused_code,
        derivation=why if explain else {},
    )


def light(state: State, clocks: Clocks, now: datetime) -> Light | None:
    """Green on track, yellow when the promised limit is near or passed, red when the
    statutory limit (or the delivery limit) has passed. None for a closed matter."""
    if state == State.ISSUED and clocks.delivery_due_at is not None:  # 邮寄送达, not yet signed for
        return Light.RED if now > clocks.delivery_due_at else Light.GREEN
    if state not in (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED, State.APPROVED):
        return None
    if state == State.APPROVED and clocks.delivery_due_at is None:
        return None  # nothing left to deliver: the matter is done
    at = clocks.paused_since or now
    if state in (State.ACCEPTED, State.SUSPENDED):
        if clocks.statutory_due_at and at > clocks.statutory_due_at:
            return Light.RED
        if clocks.yellow_from_at and at >= clocks.yellow_from_at:
            return Light.YELLOW
    if state == State.APPROVED and clocks.delivery_due_at and at > clocks.delivery_due_at:
        return Light.RED
    if state == State.SUBMITTED and clocks.acceptance_due_at and at > clocks.acceptance_due_at:
        return Light.RED
    return Light.GREEN


def _escalated_for(events: Sequence[EventRecord], clock: str, due: datetime) -> bool:
    key = due.isoformat()
    return any(
        e.action == Action.ESCALATE and e.payload.get("clock") == clock and e.payload.get("due") == key
        for e in events
    )


def pending_timers(state: State, clocks: Clocks, events: Sequence[EventRecord]) -> list[Timer]:
    """The timers armed in this state, earliest first. The sweep fires those that are due."""
    timers: list[Timer] = []
    if state == State.SUBMITTED and clocks.acceptance_due_at:
        timers.append(Timer(Action.DEEM_ACCEPTED, clocks.acceptance_due_at, {}))
    if state == State.CORRECTION_REQUESTED and clocks.correction_reply_due_at:
        timers.append(Timer(Action.CLOSE_UNANSWERED, clocks.correction_reply_due_at, {}))
    if (
        state == State.ACCEPTED
        and clocks.statutory_due_at
        and not _escalated_for(events, "statutory_due_at", clocks.statutory_due_at)
    ):
        timers.append(
                Timer(Action.ESCALATE, clocks.statutory_due_at,
                      {"clock": "statutory_due_at", "due": clocks.statutory_due_at.isoformat()})
            )
    if (
        state == State.APPROVED
        and clocks.delivery_due_at
        and not _escalated_for(events, "delivery_due_at", clocks.delivery_due_at)
    ):
        timers.append(
                Timer(Action.ESCALATE, clocks.delivery_due_at,
                      {"clock": "delivery_due_at", "due": clocks.delivery_due_at.isoformat()})
            )
    if clocks.commitment_due_at and commitment_open(events) and state in COMMITMENT_STATES:
        timers.append(Timer(Action.BREACH_COMMITMENT, clocks.commitment_due_at, {}))
    return sorted(timers, key=lambda t: t.due_at)


def next_timer_at(state: State, clocks: Clocks, events: Sequence[EventRecord]) -> datetime | None:
    timers = pending_timers(state, clocks, events)
    return timers[0].due_at if timers else None


def work_due_at(state: State, clocks: Clocks) -> datetime | None:
    """The deadline the handling unit is working against now, which orders its queue: the
    acceptance decision, the promised decision, or delivery. None while the applicant has
    the turn (correction) or the matter is closed."""
    if state == State.SUBMITTED:
        return clocks.acceptance_due_at
    if state in (State.ACCEPTED, State.SUSPENDED):
        return clocks.promised_due_at
    if state in (State.APPROVED, State.ISSUED):
        return clocks.delivery_due_at
    return None
