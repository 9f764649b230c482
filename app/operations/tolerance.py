"""容缺受理 for every service that switches on `Step.TOLERANCE` (rules: `app.domain.tolerance`).

The lifecycle (`app.operations.applications`) calls three hooks, for every service:
- `check_filing` before the service's own rules: the materials declaration and, when tolerance
  is asked for, every condition of it (core materials present, credit, no untrue commitment
  within the bar, the agreed days, who signs);
- `check_action` before the state machine decides: a tolerance acceptance records
  `tolerance=True`, `commitment_days` and `missing_materials` in the ACCEPT event (which opens
  the commitment and its clock in `app.domain.clock`); anything else that claims tolerance is
  refused; a two-tier case is forwarded only once the supplement is in;
- `on_event_recorded` (a subscriber) after each event: the commitment letter (承诺书) at filing, the tolerance
  acceptance notice (容缺受理通知书) at acceptance; and the listing review (违诺认定): a
  `breach_commitment` (the sweep) ends the matter and opens it, the applicant may state a
  justified cause (`state_cause`) within the window, and only the supervisor's `list_untrue`
  puts the applicant on the untrue-commitment list (违诺/失信名单), with its written decision
  (`not_list_untrue` has its own). The review is derived from those events.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import timeutil
from app.domain import tolerance as rules
from app.domain.calendar import Limit, LimitUnit, due_at
from app.domain.catalogue import get_service
from app.domain.catalogue.base import Service, Step
from app.domain.catalogue.documents import LIFECYCLE, DocumentAct
from app.domain.identifiers import InvalidIdentifier, mask_id_number, parse_citizen_id
from app.domain.text import N_
from app.domain.workflow import (
    FINAL_STATES,
    LISTING_REVIEW_ACTIONS,
    Action,
    State,
    commitment_open,
    count,
    listing_review_open,
)
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.models.tolerance import CommitmentStatus, ToleranceCommitment, UntrueCommitment
from app.operations import OperationError, settings
from app.operations.documents import common_context, declared_context, queue_document
from app.operations.events import calendar_for, clocks_for, event_records, service_of
from app.registries import get_registries

log = logging.getLogger(__name__)

TOLERANCE_FIELDS = ("tolerance", "commitment_days", "missing_materials")
COMMITMENT_LETTER = LIFECYCLE["commitment_letter"]
TOLERANCE_NOTICE = LIFECYCLE["tolerance_notice"]
LISTING_DECISION = LIFECYCLE["untrue_listing_decision"]
NON_LISTING_DECISION = LIFECYCLE["untrue_non_listing_decision"]


# --- who commits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """The party that signs the commitment and is listed on a breach."""

    kind: str  # "enterprise" (by USCC) or "person" (by citizen ID number)
    key: str
    name: str
    legal_rep_name: str = ""

    @property
    def organisation(self) -> bool:
        return self.kind == "enterprise"


def applicant_of_user(user: User) -> Applicant:
    if user.organisation is not None:
        org = user.organisation
        return Applicant("enterprise", org.uscc, org.name, org.legal_rep_name)
    return Applicant("person", user.id_number or f"user:{user.id}", user.real_name)


def applicant_of_application(application: Application) -> Applicant:
    if application.organisation is not None:
        org = application.organisation
        return Applicant("enterprise", org.uscc, org.name, org.legal_rep_name)
    return applicant_of_user(application.applicant)


def bar_years(at: datetime | None = None) -> int:
    """The bar after an untrue commitment in force at `at` (a setting, RULES.md L: 3 years by
    default; the app config `UNTRUE_COMMITMENT_BAR_YEARS` replaces the default)."""
    configured = current_app.config.get("UNTRUE_COMMITMENT_BAR_YEARS")
    if configured is not None:
        return int(configured)
    return int(settings.global_value(BAR_YEARS_KEY, at or timeutil.now()))


BAR_YEARS_KEY = "tolerance.untrue_commitment_bar_years"


def cause_window() -> Limit:
    """How long the applicant has to state a justified cause (a setting; default in the domain)."""
    days = current_app.config.get("UNTRUE_CAUSE_WINDOW_WORKDAYS")
    return Limit(Decimal(int(days)), LimitUnit.WORKDAYS) if days else rules.CAUSE_WINDOW


def listings(applicant: Applicant) -> list[UntrueCommitment]:
    return list(db.session.scalars(
        select(UntrueCommitment)
        .where(UntrueCommitment.applicant_kind == applicant.kind, UntrueCommitment.applicant_key == applicant.key)
        .order_by(UntrueCommitment.listed_at)
    ))


def active_listing(applicant: Applicant, *, now: datetime) -> UntrueCommitment | None:
    return next((e for e in reversed(listings(applicant)) if now < e.expires_at), None)


def _bad_credit(applicant: Applicant) -> bool:
    if applicant.kind != "enterprise":
        return False  # no personal credit registry is shared with the portal
    record = get_registries().enterprise(applicant.key)
    return record is not None and record.credit_status == "bad"


def _check_standing(applicant: Applicant, *, now: datetime) -> None:
    rules.check_standing(
        bad_credit=_bad_credit(applicant),
        listings=[rules.Listing(e.listed_at, e.expires_at) for e in listings(applicant)],
        now=now,
    )


def _refuse(refusal: rules.ToleranceRefused, status: int = 422):
    raise OperationError(refusal.code, refusal.template, field=refusal.field, status=status, params=refusal.params)


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "y", "yes", "on")


def _falsy(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("0", "false", "n", "no", "off"))


def value_labels(service: Service) -> dict[str, dict[str, str]]:
    """Readable names for the coded tolerance data, for a handler's `value_labels`."""
    names = {m.code: m.name_zh for m in rules.declarable_materials(service)}
    return {"materials_provided": names, "materials_missing": names, "signatory": dict(rules.SIGNATORIES)}


# --- filing -----------------------------------------------------------------------------------


def check_filing(service: Service, user: User, data: Mapping[str, Any], *, now: datetime) -> dict[str, Any]:
    """The materials declaration and the tolerance request, normalised for `application.data`.
    Services without tolerance get nothing added (and a tolerance request is refused)."""
    requested = _truthy(data.get("tolerance_requested"))
    if not rules.offers_tolerance(service):
        if requested:
            raise OperationError("tolerance.not_offered", N_("该事项未开通容缺受理，请按一般程序申请。"),
                                 field="tolerance_requested")
        return {}
    if not requested and "materials_provided" not in data:
        return {}  # a form without the materials declaration: nothing to record
    try:
        provided = rules.check_material_codes(service, data.get("materials_provided"), "materials_provided")
        clean: dict[str, Any] = {"materials_provided": list(provided), "tolerance_requested": requested}
        if not requested:
            return clean
        applicant = applicant_of_user(user)
        _check_standing(applicant, now=now)
        to_follow = rules.check_material_codes(service, data.get("materials_to_follow"), "materials_to_follow")
        missing = rules.missing_materials(service, provided, to_follow)
        rules.check_no_core_missing(missing)
        days = rules.check_commitment_days(service, data.get("commitment_days"))
        agent_name = str(data.get("agent_name") or "").strip()
        agent_id = _agent_id(data.get("agent_id_number"), now=now)
        signatory = rules.check_signatory(
            organisation=applicant.organisation, signatory=data.get("signatory"), agent_name=agent_name,
            agent_id_ok=agent_id is not None, power_of_attorney=_truthy(data.get("power_of_attorney")),
        )
    except rules.ToleranceRefused as refusal:
        _refuse(refusal)
    clean.update(materials_missing=[m.code for m in missing], commitment_days=days, signatory=signatory)
    if signatory == "agent":
        # Only the masked number is kept: the agent's identity is checked at the window.
        clean.update(agent_name=agent_name[:60], agent_id_number=mask_id_number(agent_id),
                     power_of_attorney=True)
    return clean


def _agent_id(value: object, *, now: datetime) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_citizen_id(value, today=timeutil.local(now).date()).number
    except InvalidIdentifier:
        return None


# --- acting -------------------------------------------------------------------------------------


def check_action(service: Service, application: Application, action: str, fields: Mapping[str, Any], *,
                 now: datetime, history) -> dict[str, Any]:
    """Extra payload for the event, or a refusal. Runs for every service and action."""
    # Only where the state allows the action: otherwise the state machine says why not.
    if action == Action.ACCEPT and application.state == State.SUBMITTED:
        return _acceptance(service, application, fields, now=now, history=history)
    review = rules.listing_review(history)
    # Without both fields the state machine refuses (the wrong actor first, then the missing field).
    if action == Action.STATE_CAUSE and review is not None and fields.get("cause_kind") and fields.get("reason"):
        try:
            cause = rules.check_cause(review, kind=fields.get("cause_kind"), statement=str(fields.get("reason") or ""),
                                      now=now)
        except rules.ToleranceRefused as refusal:
            _refuse(refusal, status=422 if refusal.field else 409)
        return {"cause_kind": cause.value}
    return {}


def breach_fields(application: Application, *, now: datetime) -> dict[str, Any]:
    """What a breach records besides the state change: when the window for stating a cause
    ends (from now, when the applicant is told), fixed in the event whatever the setting later."""
    due = rules.cause_due_at(now, calendar=calendar_for(application), window=cause_window())
    return {"cause_due": due.isoformat()}


def standing_refusal(service: Service, application: Application, action: str, *,
                     history, now: datetime) -> OperationError | None:
    """A refusal whatever the fields: the matter goes up only with every material in; the
    listing review's steps only in their time."""
    if action == Action.FORWARD and application.state == State.ACCEPTED and commitment_open(history):
        return OperationError(
            "tolerance.supplement_pending",
            N_("容缺材料尚未补齐：请待申请人补齐补正、本机关“确认容缺材料已补齐”后，再将审查意见和全部申请材料报送上级机关。"),
            status=409,
        )
    if action in LISTING_REVIEW_ACTIONS and listing_review_open(history):
        review = rules.listing_review(history)
        try:
            if action == Action.STATE_CAUSE:
                if not rules.cause_window_open(review, now=now):
                    rules.check_cause(review, kind=None, statement="", now=now)  # says why not
            else:
                rules.check_decision(review, Action(action), now=now)
        except rules.ToleranceRefused as refusal:
            return OperationError(refusal.code, refusal.template, status=409, params=refusal.params)
    return None


def _acceptance(service: Service, application: Application, fields: Mapping[str, Any], *, now: datetime,
                history) -> dict[str, Any]:
    claimed = any(fields.get(k) not in (None, "", [], False) and not _falsy(fields.get(k)) for k in TOLERANCE_FIELDS)
    requested = (rules.offers_tolerance(service) and application.data.get("tolerance_requested")
                 and not count(history, Action.REQUEST_CORRECTION))
    if not requested:
        if claimed:
            raise OperationError(
                "tolerance.not_requested",
                N_("本件未申请容缺受理（或已一次性告知补正），不能按容缺受理。"), status=422, field="tolerance")
        return {}
    if _falsy(fields.get("tolerance")):
        return {"tolerance": False}  # the materials turned out complete: an ordinary acceptance
    try:
        _check_standing(applicant_of_application(application), now=now)
        codes = fields.get("missing_materials") or application.data.get("materials_missing") or []
        codes = rules.check_material_codes(service, codes, "missing_materials")
        missing = [m for m in rules.declarable_materials(service) if m.code in codes]
        rules.check_no_core_missing(missing)
        days = rules.check_commitment_days(
            service, fields.get("commitment_days") or application.data.get("commitment_days"))
    except rules.ToleranceRefused as refusal:
        _refuse(refusal, status=409 if refusal.code in ("tolerance.bad_credit", "tolerance.untrue_commitment")
                else 422)
    return {"tolerance": True, "commitment_days": days, "missing_materials": [m.code for m in missing]}


# --- after each event -----------------------------------------------------------------------------


def _commitment(application: Application) -> ToleranceCommitment | None:
    return db.session.scalar(select(ToleranceCommitment).where(ToleranceCommitment.application_id == application.id))


def commitment_of(application: Application) -> ToleranceCommitment | None:
    """The signed commitment of an application, if it asked for tolerance."""
    return _commitment(application)


def missing_material_names(application: Application) -> str:
    """The promised materials, readable (for the review page)."""
    commitment = _commitment(application)
    return _missing_names(application, commitment) if commitment else ""


def on_event_recorded(application: Application, *, event: ApplicationEvent, decision=None) -> None:
    """Subscriber: the commitment's bookkeeping and its documents, in the event's transaction."""
    service = service_of(application)
    if not service.has(Step.TOLERANCE) or not application.data.get("tolerance_requested"):
        return  # a commitment is opened only for a filing that asked for tolerance
    action = Action(event.action)
    commitment = _commitment(application)
    if action == Action.SUBMIT:
        if commitment is None and application.data.get("tolerance_requested"):
            _open_letter(application, event)
        return
    if commitment is None:
        return
    if action in (Action.ACCEPT, Action.DEEM_ACCEPTED):
        if event.payload.get("tolerance"):
            commitment.status = CommitmentStatus.OPEN
            commitment.accepted_at = event.occurred_at
            commitment.missing_materials = list(event.payload.get("missing_materials") or [])
            commitment.commitment_days = int(event.payload["commitment_days"])
            _store(application, event, TOLERANCE_NOTICE, notice_context(application, event))
        else:
            commitment.status = CommitmentStatus.NOT_APPLIED
    elif action == Action.REQUEST_CORRECTION and commitment.status == CommitmentStatus.REQUESTED:
        commitment.status = CommitmentStatus.SUPERSEDED
    elif action == Action.FULFIL_COMMITMENT:
        commitment.status, commitment.settled_at = CommitmentStatus.FULFILLED, event.occurred_at
    elif action == Action.BREACH_COMMITMENT:
        # The listing is not automatic: the review opened here ends in the supervisor's decision.
        commitment.status, commitment.settled_at = CommitmentStatus.BREACHED, event.occurred_at
    elif action == Action.LIST_UNTRUE:
        commitment.status = CommitmentStatus.LISTED
        _list_untrue(application, event, commitment)
        _store(application, event, LISTING_DECISION, decision_context(application, event, commitment))
    elif action == Action.NOT_LIST_UNTRUE:
        commitment.status = CommitmentStatus.NOT_LISTED
        _store(application, event, NON_LISTING_DECISION, decision_context(application, event, commitment))
    elif State(event.to_state) in FINAL_STATES and commitment.status in (CommitmentStatus.REQUESTED,
                                                                            CommitmentStatus.OPEN):
        commitment.status, commitment.settled_at = CommitmentStatus.ENDED, event.occurred_at


def _open_letter(application: Application, event: ApplicationEvent) -> None:
    applicant = applicant_of_application(application)
    data = application.data
    db.session.add(ToleranceCommitment(
        application_id=application.id, service_code=application.service_code, applicant_kind=applicant.kind,
        applicant_key=applicant.key, applicant_name=applicant.name[:200], signatory=data["signatory"],
        missing_materials=list(data["materials_missing"]), commitment_days=int(data["commitment_days"]),
        status=CommitmentStatus.REQUESTED, requested_at=event.occurred_at,
    ))
    _store(application, event, COMMITMENT_LETTER, letter_context(application, event))


def _deadline_text(moment: datetime) -> str:
    """``2026年11月30日24时`` for the end of a day (23:59:59); ``2026年11月30日13:30`` for a
    deadline capped by an hour-counted promised limit."""
    local = timeutil.local(moment)
    day = f"{local.year}年{local.month}月{local.day}日"
    return day + ("24时" if (local.hour, local.minute) == (23, 59) else local.strftime("%H:%M"))


def _missing_names(application: Application, commitment: ToleranceCommitment) -> str:
    service = get_service(application.service_code)
    return "、".join(m.name_zh for m in rules.declarable_materials(service) if m.code in commitment.missing_materials)


def _list_untrue(application: Application, event: ApplicationEvent, commitment: ToleranceCommitment) -> None:
    """违诺: on the supervisor's decision, the applicant is barred from tolerance for the bar
    period from the decision (one entry per case)."""
    exists = db.session.scalar(select(UntrueCommitment.id).where(UntrueCommitment.application_id == application.id))
    if exists is not None:
        return
    service = get_service(application.service_code)
    review = rules.listing_review(event_records(application))
    due = _deadline_text(review.breached_at)
    bar = rules.listing_bar(event.occurred_at, bar_years(event.occurred_at))
    db.session.add(UntrueCommitment(
        applicant_kind=commitment.applicant_kind, applicant_key=commitment.applicant_key,
        applicant_name=commitment.applicant_name, application_id=application.id,
        service_code=application.service_code,
        reason=f"{service.name_zh}（申请编号：{application.number}）容缺受理后，未在承诺期限（{due}）内补齐补正"
        f"{_missing_names(application, commitment) or '容缺材料'}，经认定无正当理由"[:500],
        listed_at=bar.listed_at, expires_at=bar.expires_at,
    ))
    log.info("untrue commitment listed application=%s service=%s", application.id, application.service_code)


# --- documents ------------------------------------------------------------------------------------


def _store(application: Application, event: ApplicationEvent, act: DocumentAct, context: dict[str, Any]) -> None:
    queue_document(application, event, act.kind, act.title, act.template,
                   {**context, **declared_context(application, event, act)})


def _items(service: Service, codes, provided) -> list[dict[str, str]]:
    return [
        {"name": m.name_zh, "form": rules.supply_form(m),
         "problem": "瑕疵" if m.code in provided else "暂缺"}
        for m in rules.declarable_materials(service) if m.code in codes
    ]


def letter_context(application: Application, event: ApplicationEvent) -> dict[str, Any]:
    """《申请容缺受理承诺书》: the applicant's letter to the office, to be signed (and sealed)."""
    service = service_of(application)
    applicant = applicant_of_application(application)
    data = application.data
    common = common_context(application, event, "commitment_letter")
    return {
        **common,
        "addressee": application.unit.name,
        "applicant_name": applicant.name,
        "organisation": applicant.organisation,
        "id_label": "统一社会信用代码" if applicant.organisation else "公民身份号码",
        "id_text": applicant.key if applicant.organisation else mask_id_number(applicant.key),
        "legal_rep_name": applicant.legal_rep_name,
        "items": _items(service, data["materials_missing"], data.get("materials_provided", [])),
        "commitment_days": data["commitment_days"],
        "promised_limit": service.limits.promised.describe_zh(),
        "signatory": data["signatory"],
        "signatory_label": rules.SIGNATORIES[data["signatory"]],
        "agent_name": data.get("agent_name", ""),
        "agent_id_masked": data.get("agent_id_number", ""),
        "bar_years": bar_years(),
        "letter_date": timeutil.local(event.occurred_at).date(),
    }


def _agreed_due(application: Application, clocks, days: int) -> datetime:
    """The end of the agreed period before the engine's cap (for the notice's wording only)."""
    return due_at(clocks.accepted_as_of, Limit(Decimal(days), LimitUnit.WORKDAYS),
                  calendar=calendar_for(application))


def notice_context(application: Application, event: ApplicationEvent) -> dict[str, Any]:
    """《容缺受理通知书》: each missing item, its form and deadline, and what happens if missed.
    The deadline is the engine's `commitment_due_at` (capped at the promised limit)."""
    service = service_of(application)
    clocks = clocks_for(application, up_to_seq=event.seq, explain=False)
    due = clocks.commitment_due_at
    promised_due = clocks.promised_due_at
    days = int(event.payload["commitment_days"])
    items = _items(service, event.payload.get("missing_materials") or [], application.data.get("materials_provided", []))
    due_text = _deadline_text(due) if due else ""
    for item in items:
        item["deadline"] = due_text
    common = common_context(application, event, "tolerance_notice")
    issued = timeutil.local(event.occurred_at)
    applicant = applicant_of_application(application)
    return {
        **common,
        "applicant_name": applicant.name,  # the party that committed (not the person a query is about)
        "organisation": applicant.organisation,
        "doc_number": f"许公（{application.unit.name}）容字〔{issued.year}〕第{application.id:06d}-{event.seq:02d}号",
        "items": items,
        "commitment_days": days,
        "commitment_due": due_text,
        "capped": _agreed_due(application, clocks, days) > due if due else False,
        "promised_limit": service.limits.promised.describe_zh(),
        "promised_due": timeutil.local(promised_due).date() if promised_due else None,
        "bar_years": bar_years(),
        "cause_window": cause_window().describe_zh(),
        "two_tier": service.has(Step.TWO_TIER),
    }


def decision_context(application: Application, event: ApplicationEvent,
                     commitment: ToleranceCommitment) -> dict[str, Any]:
    """《容缺受理违诺认定决定书》 / 《不予列入违诺名单决定书》: the facts of the review (the
    commitment, the missed deadline, the applicant's statement or its absence), the supervisor's
    reasons, the local basis and, for a listing, the bar from the decision."""
    review = rules.listing_review(event_records(application))
    applicant = applicant_of_application(application)
    kind = LISTING_DECISION.kind if event.action == Action.LIST_UNTRUE.value else NON_LISTING_DECISION.kind
    common = common_context(application, event, kind)
    issued = timeutil.local(event.occurred_at)
    code = "违诺" if kind == LISTING_DECISION.kind else "不列"
    bar = rules.listing_bar(event.occurred_at, bar_years(event.occurred_at))
    return {
        **common,
        "applicant_name": applicant.name,
        "organisation": applicant.organisation,
        "doc_number": f"许公（{application.unit.name}）{code}字〔{issued.year}〕第{application.id:06d}-{event.seq:02d}号",
        "accepted_date": timeutil.local(commitment.accepted_at or commitment.requested_at).date(),
        "commitment_due": _deadline_text(review.breached_at),
        "materials": _missing_names(application, commitment) or "容缺材料",
        "revoked": application.state == State.REVOKED.value,
        "cause_due": _deadline_text(review.cause_due_at),
        "cause_kind": rules.CAUSE_KIND_NAMES[rules.CauseKind(review.cause_kind)] if review.cause_kind else "",
        "cause_statement": review.cause_statement,
        "cause_stated_date": timeutil.local(review.cause_stated_at).date() if review.cause_stated_at else None,
        "reasons": [event.reason] if event.reason else [],
        "bar_years": bar_years(event.occurred_at),
        "bar_from": timeutil.local(bar.listed_at).date(),
        "bar_until": timeutil.local(bar.expires_at).date(),
    }


# --- the listing review as pages show it -----------------------------------------------------------


@dataclass(frozen=True)
class ReviewView:
    """违诺认定 of one case for a page: the review and what may be done now."""

    application: Application
    review: rules.ListingReview
    may_state_cause: bool
    ready: bool  # the supervisor may decide to list (a cause stated, or the window passed)

    @property
    def cause_name(self) -> str:
        return rules.CAUSE_KIND_NAMES[rules.CauseKind(self.review.cause_kind)] if self.review.cause_kind else ""


def review_of(application: Application, *, now: datetime) -> ReviewView | None:
    review = rules.listing_review(event_records(application))
    if review is None:
        return None
    return ReviewView(application, review, rules.cause_window_open(review, now=now),
                      rules.ready_for_decision(review, now=now))


def pending_reviews(unit_id: int, *, now: datetime) -> list[ReviewView]:
    """The unit's undecided listing reviews (a breached commitment), those ready for decision
    first, then by when the window ends."""
    candidates = db.session.scalars(
        select(Application).join(ToleranceCommitment, ToleranceCommitment.application_id == Application.id)
        .where(ToleranceCommitment.status == CommitmentStatus.BREACHED, Application.unit_id == unit_id)
        .order_by(Application.id).options(selectinload(Application.events)))
    views = [view for view in (review_of(a, now=now) for a in candidates) if view and not view.review.decided]
    return sorted(views, key=lambda v: (not v.ready, v.review.cause_due_at, v.application.id))
