"""The one state machine for every service (DESIGN.md §3).

`TRANSITIONS` is the whole table: for each action, the states it may leave, the state it
enters, who may fire it and which fields it needs. `decide` applies the table plus the few
rules that a table cannot say (correction once and complete, extension once, lawful
suspension reasons). Services only switch steps on or off in the catalogue; nothing here
knows a service by name.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.domain.calendar import SHANGHAI
from app.domain.catalogue.base import Service, Step
from app.domain.text import N_, Message


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # 已提交，待受理
    CORRECTION_REQUESTED = "correction_requested"  # 待补正
    ACCEPTED = "accepted"  # 已受理，审查中
    SUSPENDED = "suspended"  # 中止（不计入办理时限）
    APPROVED = "approved"  # 准予/办结
    REJECTED = "rejected"  # 不予许可/不予出具
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    ISSUED = "issued"  # 已发证/送达
    WITHDRAWN = "withdrawn"  # 申请人撤回
    CLOSED = "closed"  # 逾期未补正，终止
    REVOKED = "revoked"  # 撤销


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    NOT_ACCEPT = "not_accept"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    APPROVE = "approve"
    REJECT = "reject"
    ISSUE = "issue"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"
    SUPPLY_MATERIALS = "supply_materials"  # 申请人提交容缺承诺补齐的材料
    FULFIL_COMMITMENT = "fulfil_commitment"  # 容缺材料补齐
    FORWARD = "forward"  # 审查完毕，报上级机关决定
    REQUEST_EXTENSION = "request_extension"  # 承办人申请延期，待负责人审批
    REFUSE_EXTENSION = "refuse_extension"  # 负责人不批准延期
    # 违诺认定: after a missed 容缺 deadline, the listing is a separate, reasoned decision.
    STATE_CAUSE = "state_cause"  # 申请人陈述逾期未补齐的正当理由
    LIST_UNTRUE = "list_untrue"  # 负责人认定违诺，列入违诺名单
    NOT_LIST_UNTRUE = "not_list_untrue"  # 负责人决定不予列入违诺名单
    # public_request (警民直通车): 转办 keeps the clock; 重新办理 starts the answer limit again.
    TRANSFER = "transfer"  # 转办至其他承办单位
    REOPEN = "reopen"  # 申请人对答复不满意，申请重新办理
    # 办件寄递 and 加急办, for any service that issues (Step.ISSUE).
    DISPATCH = "dispatch"  # 交寄：登记快递公司和运单号
    DELIVER = "deliver"  # 寄递送达（快递签收，由快递状态查询确认）
    REQUEST_URGENT = "request_urgent"  # 申请人申请加急办
    APPROVE_URGENT = "approve_urgent"  # 负责人批准加急办
    REFUSE_URGENT = "refuse_urgent"  # 负责人不批准加急办
    # Timer actions, fired only by the sweep.
    DEEM_ACCEPTED = "deem_accepted"
    CLOSE_UNANSWERED = "close_unanswered"
    BREACH_COMMITMENT = "breach_commitment"
    ESCALATE = "escalate"  # 逾期升级至负责人（状态不变）


class ActorKind(StrEnum):
    APPLICANT = "applicant"
    CLERK = "clerk"
    SUPERVISOR = "supervisor"  # 负责人
    SYSTEM = "system"


OPEN_STATES = frozenset(
    {State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED, State.APPROVED}
)
FINAL_STATES = frozenset(
    {State.REJECTED, State.NOT_ACCEPTED, State.ISSUED, State.WITHDRAWN, State.CLOSED, State.REVOKED}
)
DECIDED_STATES = frozenset({State.APPROVED, State.REJECTED, State.ISSUED, State.REVOKED})
STAFF = frozenset({ActorKind.CLERK, ActorKind.SUPERVISOR})
SYSTEM = frozenset({ActorKind.SYSTEM})
# Decisions the system itself takes, only for services that switch on 即办 or automatic review.
STAFF_OR_SYSTEM = STAFF | SYSTEM
AUTOMATION_STEPS = (Step.IMMEDIATE, Step.AUTOMATIC)


class SuspensionReason(StrEnum):
    """Lawful reasons whose time is not counted (行政许可法第45条; 犯罪记录查询规定: 调查核实)."""

    INVESTIGATION = "investigation"  # 调查核实（须县级负责人批准）
    HEARING = "hearing"  # 听证
    TESTING = "testing"  # 检验、检测
    INSPECTION = "inspection"  # 检疫、现场核查
    APPRAISAL = "appraisal"  # 鉴定
    EXPERT_REVIEW = "expert_review"  # 专家评审


SUSPENSION_REASON_NAMES = {
    SuspensionReason.INVESTIGATION: N_("调查核实"),
    SuspensionReason.HEARING: N_("听证"),
    SuspensionReason.TESTING: N_("检验、检测"),
    SuspensionReason.INSPECTION: N_("检疫、现场核查"),
    SuspensionReason.APPRAISAL: N_("鉴定"),
    SuspensionReason.EXPERT_REVIEW: N_("专家评审"),
}
# Reasons that need the head of the unit's approval, so only a supervisor may fire them.
HEAD_APPROVAL_REASONS = frozenset({SuspensionReason.INVESTIGATION})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State | None  # None: the state does not change
    actors: frozenset[ActorKind]
    required: tuple[str, ...] = ()
    step: Step | None = None  # the catalogue step a service must switch on
    documents: tuple[str, ...] = ()


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


APPLICANT = frozenset({ActorKind.APPLICANT})
BEFORE_DECISION = _states(
    State.DRAFT, State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED
)

URGENT_STATES = _states(State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED)

TRANSITIONS: Mapping[Action, Transition] = {
    Action.SUBMIT: Transition(
        _states(State.DRAFT), State.SUBMITTED, APPLICANT | STAFF, documents=("receipt",)
    ),
    Action.ACCEPT: Transition(
        _states(State.SUBMITTED), State.ACCEPTED, STAFF_OR_SYSTEM, documents=("acceptance_notice",)
    ),
    Action.REQUEST_CORRECTION: Transition(
        _states(State.SUBMITTED), State.CORRECTION_REQUESTED, STAFF, ("items",), Step.CORRECTION,
        ("correction_notice",),
    ),
    Action.RESUBMIT: Transition(
        _states(State.CORRECTION_REQUESTED), State.SUBMITTED, APPLICANT, step=Step.CORRECTION,
        documents=("receipt",),
    ),
    Action.NOT_ACCEPT: Transition(
        _states(State.SUBMITTED), State.NOT_ACCEPTED, STAFF, ("reason",),
        documents=("non_acceptance_decision",),
    ),
    Action.SUSPEND: Transition(
        _states(State.ACCEPTED), State.SUSPENDED, STAFF, ("reason_code", "reason"), Step.SUSPENSION,
        ("suspension_notice",),
    ),
    Action.RESUME: Transition(_states(State.SUSPENDED), State.ACCEPTED, STAFF, step=Step.SUSPENSION),
    Action.EXTEND: Transition(
        _states(State.ACCEPTED), None, frozenset({ActorKind.SUPERVISOR}), ("reason",), Step.EXTENSION,
        ("extension_notice",),
    ),
    Action.APPROVE: Transition(
        _states(State.ACCEPTED), State.APPROVED, STAFF_OR_SYSTEM, documents=("outcome",)
    ),
    Action.REJECT: Transition(
        _states(State.ACCEPTED), State.REJECTED, STAFF_OR_SYSTEM, ("reason",), documents=("refusal_decision",)
    ),
    Action.ISSUE: Transition(_states(State.APPROVED), State.ISSUED, STAFF_OR_SYSTEM, step=Step.ISSUE),
    Action.WITHDRAW: Transition(BEFORE_DECISION, State.WITHDRAWN, APPLICANT),
    Action.REVOKE: Transition(
        _states(State.APPROVED, State.ISSUED), State.REVOKED, frozenset({ActorKind.SUPERVISOR}) | SYSTEM,
        ("reason",), documents=("revocation_decision",),
    ),
    Action.SUPPLY_MATERIALS: Transition(
        _states(State.ACCEPTED, State.SUSPENDED, State.APPROVED, State.ISSUED), None, APPLICANT,
        step=Step.TOLERANCE,
    ),
    Action.FULFIL_COMMITMENT: Transition(
        _states(State.ACCEPTED, State.SUSPENDED, State.APPROVED, State.ISSUED), None, STAFF,
        step=Step.TOLERANCE,
    ),
    Action.FORWARD: Transition(
        _states(State.ACCEPTED), None, STAFF, ("opinion",), Step.TWO_TIER, ("forwarding_notice",)
    ),
    Action.REQUEST_EXTENSION: Transition(
        _states(State.ACCEPTED), None, frozenset({ActorKind.CLERK}), ("reason",), Step.EXTENSION
    ),
    Action.REFUSE_EXTENSION: Transition(
        _states(State.ACCEPTED), None, frozenset({ActorKind.SUPERVISOR}), ("reason",), Step.EXTENSION
    ),
    Action.DEEM_ACCEPTED: Transition(
        _states(State.SUBMITTED), State.ACCEPTED, SYSTEM, documents=("acceptance_notice",)
    ),
    Action.CLOSE_UNANSWERED: Transition(_states(State.CORRECTION_REQUESTED), State.CLOSED, SYSTEM),
    Action.BREACH_COMMITMENT: Transition(
        _states(State.ACCEPTED, State.SUSPENDED, State.APPROVED, State.ISSUED), None, SYSTEM,
        step=Step.TOLERANCE, documents=("revocation_decision",),
    ),
    Action.ESCALATE: Transition(OPEN_STATES, None, SYSTEM),
    # The matter itself has ended (closed or revoked by the breach); only its listing review goes on.
    Action.STATE_CAUSE: Transition(
        _states(State.CLOSED, State.REVOKED), None, APPLICANT, ("cause_kind", "reason"), Step.TOLERANCE,
    ),
    Action.LIST_UNTRUE: Transition(
        _states(State.CLOSED, State.REVOKED), None, frozenset({ActorKind.SUPERVISOR}), ("reason",), Step.TOLERANCE,
    ),
    Action.NOT_LIST_UNTRUE: Transition(
        _states(State.CLOSED, State.REVOKED), None, frozenset({ActorKind.SUPERVISOR}), ("reason",), Step.TOLERANCE,
    ),
    # public_request (警民直通车): the unit moves, the state and the clock do not (转办); the
    # requester reopens an answered request (重新办理; once and in time: the service's rule).
    Action.TRANSFER: Transition(
        _states(State.SUBMITTED, State.ACCEPTED), None, STAFF, ("reason",), Step.TRANSFER,
    ),
    Action.REOPEN: Transition(_states(State.APPROVED), State.ACCEPTED, APPLICANT, ("reason",), Step.REOPEN),
    # 办件寄递: a result issued by post is delivered when the courier reports it signed for (第44条).
    Action.DISPATCH: Transition(_states(State.ISSUED), None, STAFF, ("courier", "tracking_number"), Step.ISSUE),
    Action.DELIVER: Transition(_states(State.ISSUED), None, SYSTEM, step=Step.ISSUE),
    # 加急办: asked while the matter is open and undecided; the head approves or refuses, with reasons.
    Action.REQUEST_URGENT: Transition(URGENT_STATES, None, APPLICANT, ("reason",), Step.ISSUE),
    Action.APPROVE_URGENT: Transition(URGENT_STATES, None, frozenset({ActorKind.SUPERVISOR}), ("reason",), Step.ISSUE),
    Action.REFUSE_URGENT: Transition(URGENT_STATES, None, frozenset({ActorKind.SUPERVISOR}), ("reason",), Step.ISSUE),
}
# The steps of a listing review (违诺认定), open from a breach until the supervisor decides.
LISTING_REVIEW_ACTIONS = frozenset({Action.STATE_CAUSE, Action.LIST_UNTRUE, Action.NOT_LIST_UNTRUE})
LISTING_DECISIONS = frozenset({Action.LIST_UNTRUE, Action.NOT_LIST_UNTRUE})


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class EventRecord:
    """One entry of an application's event log, as the domain sees it."""

    seq: int
    action: Action
    from_state: State
    to_state: State
    at: datetime  # effective time (a timer fired late is dated at its due time)
    reason: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    action: Action
    from_state: State
    to_state: State
    reason: str
    payload: dict[str, Any]
    documents: tuple[str, ...]


class TransitionRefused(Exception):
    """A refused action changes nothing. `status`: 403 who, 409 state, 422 fields.

    `template` is a marked Chinese message with %(name)s placeholders filled from `params`;
    `message` is the Chinese text as is."""

    def __init__(self, code: str, template: str, status: int, **params):
        self.code = code
        self.template = template
        self.params = params
        self.message = Message(template, params)
        self.status = status
        super().__init__(self.message)


def count(history: Sequence[EventRecord], action: Action) -> int:
    return sum(1 for event in history if event.action == action)


def commitment_open(history: Sequence[EventRecord]) -> bool:
    """A tolerance commitment (容缺承诺) was made and is neither fulfilled nor breached."""
    made = any(e.payload.get("tolerance") for e in history if e.action in _ACCEPTING)
    settled = any(e.action in (Action.FULFIL_COMMITMENT, Action.BREACH_COMMITMENT) for e in history)
    return made and not settled


_ACCEPTING = (Action.ACCEPT, Action.DEEM_ACCEPTED)


def listing_review_open(history: Sequence[EventRecord]) -> bool:
    """违诺认定待决定: the commitment was breached and the supervisor has not yet decided
    whether to list the applicant."""
    breached = any(e.action == Action.BREACH_COMMITMENT for e in history)
    return breached and not any(e.action in LISTING_DECISIONS for e in history)


def extension_requested(history: Sequence[EventRecord]) -> bool:
    """A clerk asked for the one extension and the head has not yet decided."""
    pending = False
    for event in history:
        if event.action == Action.REQUEST_EXTENSION:
            pending = True
        elif event.action in (Action.EXTEND, Action.REFUSE_EXTENSION):
            pending = False
    return pending


EXTENSION_ACTIONS = frozenset({Action.EXTEND, Action.REQUEST_EXTENSION})


def extension_refusal(action: Action, *, now: datetime | None,
                      decision_due_at: datetime | None) -> TransitionRefused | None:
    """An extension (延长办理期限) or a clerk's request for one is possible only while the limit
    it would extend still runs: "不能在规定期限内作出决定的" is decided within the limit
    (行政许可法第42条). Once the limit has passed, the matter is overdue, and an extension then
    would count it as on time. `decision_due_at`: the decision limit in force now (the derived
    statutory_due_at). Without it, or without `now`, nothing can be judged, and it is refused."""
    if action not in EXTENSION_ACTIONS:
        return None
    if now is None or decision_due_at is None:
        return TransitionRefused("extension_no_limit", N_("本件没有正在计算的办理期限，不能延长。"), 409)
    if now > decision_due_at:
        return TransitionRefused(
            "extension_too_late",
            N_("办理期限已于%(due)s届满，期限届满后不能再延长办理期限，请尽快作出决定。"), 409,
            due=decision_due_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
    return None


# --- 办件寄递 and 加急办: what the log says of them ---------------------------------------------
POST = "post"  # the ISSUE event's payload["delivery"] when the result goes by post (邮寄送达)


@dataclass(frozen=True)
class PostalDelivery:
    """邮寄送达 as the log records it: by post at all, the dispatch event, the delivery event."""

    by_post: bool = False
    dispatched: EventRecord | None = None
    delivered: EventRecord | None = None


def postal_delivery(history: Sequence[EventRecord]) -> PostalDelivery:
    by_post = any(e.action == Action.ISSUE and e.payload.get("delivery") == POST for e in history)
    dispatched = next((e for e in history if e.action == Action.DISPATCH), None)
    delivered = next((e for e in history if e.action == Action.DELIVER), None)
    return PostalDelivery(by_post, dispatched, delivered)


def urgent_status(history: Sequence[EventRecord]) -> str | None:
    """加急办: None (never asked), "requested" (awaiting the head), "approved" or "refused"."""
    status = None
    for event in history:
        status = {Action.REQUEST_URGENT: "requested", Action.APPROVE_URGENT: "approved",
                  Action.REFUSE_URGENT: "refused"}.get(event.action, status)
    return status


def _delivery_urgent_refusal(service: Service, action: Action,
                             history: Sequence[EventRecord]) -> TransitionRefused | None:
    if action == Action.REQUEST_URGENT and service.limits.urgent is None:
        return TransitionRefused("no_urgent_limit", N_("该事项没有加急办时限，不能申请加急办。"), 409)
    if action == Action.REQUEST_URGENT and urgent_status(history) is not None:
        return TransitionRefused("urgent_already_requested", N_("本件已申请过加急办，不能重复申请。"), 409)
    if action in (Action.APPROVE_URGENT, Action.REFUSE_URGENT) and urgent_status(history) != "requested":
        return TransitionRefused("no_urgent_request", N_("本件没有待审批的加急办申请。"), 409)
    post = postal_delivery(history)
    if action == Action.DISPATCH and not post.by_post:
        return TransitionRefused("not_by_post", N_("本件由申请人到窗口领取，无需寄递。"), 409)
    if action == Action.DISPATCH and post.dispatched is not None:
        return TransitionRefused("already_dispatched", N_("本件已交寄，运单号已登记。"), 409)
    if action == Action.DELIVER and (post.dispatched is None or post.delivered is not None):
        return TransitionRefused("not_in_transit", N_("本件没有在途的邮件。"), 409)
    return None


def allowed_actions(
    service: Service, state: State, actor: Actor, *, unit_id: int | None,
    history: Sequence[EventRecord] = (),
) -> list[Action]:
    """The actions this actor could fire now (before field checks and the rules that depend on
    time, `extension_refusal`): the buttons to show, less those the rules refuse as things stand."""
    result = []
    for action in TRANSITIONS:
        try:
            _check_structure(service, state, actor, action, unit_id=unit_id, history=history)
        except TransitionRefused:
            continue
        result.append(action)
    return result


def _check_structure(
    service: Service, state: State, actor: Actor, action: Action, *, unit_id: int | None,
    history: Sequence[EventRecord],
) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused("unknown_action", N_("未知的操作。"), 404)
    if transition.step is not None and not service.has(transition.step):
        raise TransitionRefused("step_not_offered", N_("该事项不适用此项操作。"), 409)
    if actor.kind not in transition.actors:
        raise TransitionRefused("forbidden", _WHO[transition.actors], 403)
    if (
        actor.kind == ActorKind.SYSTEM
        and transition.actors != SYSTEM
        and not any(service.has(step) for step in AUTOMATION_STEPS)
    ):
        raise TransitionRefused("forbidden", N_("该事项须由工作人员办理。"), 403)
    if action == Action.SUBMIT and actor.kind in STAFF and not service.filed_by_staff:
        raise TransitionRefused("forbidden", N_("该事项须由申请人本人提交。"), 403)
    if actor.kind in STAFF and actor.unit_id != unit_id:
        raise TransitionRefused("forbidden", N_("只有承办单位的工作人员可以办理此件。"), 403)
    if state not in transition.sources:
        raise TransitionRefused("invalid_state", N_("当前状态（%(state)s）下不能进行此项操作。"), 409,
                                state=STATE_NAMES[state])
    if action == Action.REQUEST_CORRECTION and count(history, Action.REQUEST_CORRECTION):
        raise TransitionRefused("correction_already_requested", N_("补正告知只能一次性发出，本件已发出过补正告知，不能再次要求补正。"), 409,
        )
    if action in (Action.EXTEND, Action.REQUEST_EXTENSION) and count(history, Action.EXTEND):
        raise TransitionRefused("already_extended", N_("办理期限只能延长一次，本件已延长过。"), 409)
    if action == Action.REQUEST_EXTENSION and extension_requested(history):
        raise TransitionRefused("extension_pending", N_("延期申请已提交，正等待负责人审批。"), 409)
    if action == Action.REFUSE_EXTENSION and not extension_requested(history):
        raise TransitionRefused("no_extension_request", N_("本件没有待审批的延期申请。"), 409)
    if action == Action.FORWARD and count(history, Action.FORWARD):
        raise TransitionRefused("already_forwarded", N_("本件已报送上级机关决定。"), 409)
    if action in (Action.SUPPLY_MATERIALS, Action.FULFIL_COMMITMENT, Action.BREACH_COMMITMENT) and not commitment_open(history):
        raise TransitionRefused("no_open_commitment", N_("本件没有待履行的容缺承诺。"), 409)
    if action in LISTING_REVIEW_ACTIONS and not listing_review_open(history):
        raise TransitionRefused("no_listing_review", N_("本件没有待作出的违诺认定。"), 409)
    if action == Action.STATE_CAUSE and count(history, Action.STATE_CAUSE):
        raise TransitionRefused("cause_already_stated", N_("正当理由已经陈述，不能重复提交。"), 409)
    refused = _delivery_urgent_refusal(service, action, history)
    if refused is not None:
        raise refused
    return transition


_WHO = {
    APPLICANT: N_("只有申请人本人可以进行此项操作。"),
    APPLICANT | STAFF: N_("只有申请人本人可以进行此项操作。"),
    STAFF: N_("只有承办单位的工作人员可以进行此项操作。"),
    frozenset({ActorKind.SUPERVISOR}): N_("此项操作须由单位负责人审批。"),
    frozenset({ActorKind.CLERK}): N_("此项操作由承办人提出，负责人请直接审批。"),
    SYSTEM: N_("此项操作由系统按时限自动执行。"),
    STAFF_OR_SYSTEM: N_("只有承办单位的工作人员可以进行此项操作。"),
    frozenset({ActorKind.SUPERVISOR}) | SYSTEM: N_("此项操作须由单位负责人审批。"),
}


def decide(
    service: Service,
    state: State,
    action: Action | str,
    actor: Actor,
    fields: Mapping[str, Any],
    *,
    unit_id: int | None,
    history: Sequence[EventRecord],
    now: datetime | None = None,
    decision_due_at: datetime | None = None,
) -> Decision:
    """Check an action against the table and the rules; return what to record, or refuse.
    `now` and `decision_due_at` (the decision limit in force, from the clocks) judge the
    rules that depend on time: an extension only before the limit has passed."""
    try:
        action = Action(action)
    except ValueError:
        raise TransitionRefused("unknown_action", N_("未知的操作。"), 404) from None
    transition = _check_structure(service, state, actor, action, unit_id=unit_id, history=history)
    late = extension_refusal(action, now=now, decision_due_at=decision_due_at)
    if late is not None:
        raise late
    payload = _validated_fields(action, transition, actor, fields)
    reason = str(fields.get("reason") or "").strip()
    target = transition.target or state
    if action == Action.BREACH_COMMITMENT:
        # A missed commitment revokes a decision already made, or ends the case.
        target = State.REVOKED if state in DECIDED_STATES else State.CLOSED
    if action == Action.APPROVE_URGENT:
        # The limit approved is recorded with the approval: the clock reads it from the log.
        urgent = service.limits.urgent
        assert urgent is not None
        payload["urgent_limit"] = {"amount": format(urgent.amount.normalize(), "f"), "unit": urgent.unit.value}
    documents = transition.documents
    if action == Action.BREACH_COMMITMENT and target == State.CLOSED:
        documents = ("termination_notice",)
    return Decision(action, state, target, reason, payload, documents)


def _validated_fields(
    action: Action, transition: Transition, actor: Actor, fields: Mapping[str, Any]
) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for name in transition.required:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            raise TransitionRefused("missing_field", N_("缺少必填项：%(field)s。"), 422,
                                    field=FIELD_NAMES.get(name, name))
    if action == Action.REQUEST_CORRECTION:
        items = fields["items"]
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise TransitionRefused("invalid_field", N_("补正事项须逐项列明。"), 422)
        items = [i.strip() for i in items if i.strip()]
        if not items:
            raise TransitionRefused("missing_field", N_("补正告知须一次性列明全部需补正的材料。"), 422)
        payload["items"] = items
    if action == Action.SUSPEND:
        try:
            code = SuspensionReason(fields["reason_code"])
        except ValueError:
            raise TransitionRefused("invalid_field", N_("中止理由不属于法定不计入办理时限的情形。"), 422) from None
        if code in HEAD_APPROVAL_REASONS and actor.kind != ActorKind.SUPERVISOR:
            raise TransitionRefused("forbidden", N_("因调查核实中止办理须经负责人批准。"), 403)
        payload["reason_code"] = code.value
    for key in PASS_THROUGH_FIELDS:
        if key in fields:
            payload[key] = fields[key]
    return payload


# Optional fields recorded in the event payload as given (checked by the service's rules).
# `materials`: the files an event hands in, each with its SHA-256 (so the hash chain covers the
# bytes); `material_items`: the slots a correction notice names, with problem and requirement.
PASS_THROUGH_FIELDS = ("cause_kind", "cause_due", "tolerance", "commitment_days", "missing_materials", "outcome", "decision_note",
                       "clock", "due", "channel", "result", "opinion", "to_unit_id", "from_unit_id",
                       "materials", "material_items", "delivery", "courier", "tracking_number", "courier_status")


FIELD_NAMES = {"items": N_("补正事项"), "reason": N_("理由"), "cause_kind": N_("正当理由类别"), "reason_code": N_("中止事由"), "opinion": N_("审查意见"),
               "courier": N_("快递公司"), "tracking_number": N_("运单号")}

STATE_NAMES = {
    State.DRAFT: N_("草稿"),
    State.SUBMITTED: N_("待受理"),
    State.CORRECTION_REQUESTED: N_("待补正"),
    State.ACCEPTED: N_("审查中"),
    State.SUSPENDED: N_("中止办理"),
    State.APPROVED: N_("已办结（准予）"),
    # Mirrors 已办结（准予）: not every refusal is a licence's (不予出具, 不予查询, 不予办理户口登记…);
    # each service's own refusal document names its act.
    State.REJECTED: N_("已办结（不予）"),
    State.NOT_ACCEPTED: N_("不予受理"),
    State.ISSUED: N_("已发证"),
    State.WITHDRAWN: N_("已撤回"),
    State.CLOSED: N_("已终止"),
    State.REVOKED: N_("已撤销"),
}
STATE_NAMES_EN = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Awaiting acceptance",
    State.CORRECTION_REQUESTED: "Correction requested",
    State.ACCEPTED: "Under review",
    State.SUSPENDED: "Suspended",
    State.APPROVED: "Approved",
    State.REJECTED: "Refused",
    State.NOT_ACCEPTED: "Not accepted",
    State.ISSUED: "Issued",
    State.WITHDRAWN: "Withdrawn",
    State.CLOSED: "Closed",
    State.REVOKED: "Revoked",
}
ACTION_NAMES = {
    Action.SUBMIT: N_("提交申请"),
    Action.ACCEPT: N_("受理"),
    Action.REQUEST_CORRECTION: N_("一次性告知补正"),
    Action.RESUBMIT: N_("补正后重新提交"),
    Action.NOT_ACCEPT: N_("不予受理"),
    Action.SUSPEND: N_("中止办理"),
    Action.RESUME: N_("恢复办理"),
    Action.EXTEND: N_("延长办理期限"),
    Action.APPROVE: N_("审批通过/办结"),
    Action.REJECT: N_("作出不予决定"),
    Action.ISSUE: N_("发证/送达"),
    Action.WITHDRAW: N_("撤回申请"),
    Action.REVOKE: N_("撤销决定"),
    Action.SUPPLY_MATERIALS: N_("提交容缺补齐材料"),
    Action.FULFIL_COMMITMENT: N_("确认容缺材料已补齐"),
    Action.FORWARD: N_("审查完毕，报上级机关决定"),
    Action.REQUEST_EXTENSION: N_("申请延长办理期限（报负责人审批）"),
    Action.REFUSE_EXTENSION: N_("不批准延期"),
    Action.STATE_CAUSE: N_("陈述逾期未补齐的正当理由"),
    Action.LIST_UNTRUE: N_("认定违诺，列入违诺名单"),
    Action.NOT_LIST_UNTRUE: N_("不予列入违诺名单"),
    Action.DISPATCH: N_("登记寄递运单"),
    Action.DELIVER: N_("邮件已签收"),
    Action.REQUEST_URGENT: N_("申请加急办"),
    Action.APPROVE_URGENT: N_("批准加急办"),
    Action.REFUSE_URGENT: N_("不批准加急办"),
    Action.DEEM_ACCEPTED: N_("逾期未作受理决定，视为受理"),
    Action.CLOSE_UNANSWERED: N_("逾期未补正，终止办理"),
    Action.BREACH_COMMITMENT: N_("逾期未履行容缺承诺"),
    Action.ESCALATE: N_("超期预警，升级至负责人"),
    Action.TRANSFER: N_("转办"),
    Action.REOPEN: N_("申请重新办理"),
}
