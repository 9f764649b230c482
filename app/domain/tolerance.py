"""容缺受理 (tolerance acceptance): the rules any service gets by switching on `Step.TOLERANCE`.

A service with all its core materials (主审要件) present but some non-core ones missing or
flawed may be accepted at once, on the applicant's written commitment (承诺书) to supply the
rest within an agreed number of working days (seed 002 item 4; RULES.md "Tolerance
acceptance"). The agreed time never runs past the promised processing time: the engine
(`app.domain.clock`) caps `commitment_due_at` at it. Applicants with a bad-credit record, or
listed for an untrue commitment (违诺) within the bar period, get no tolerance.

Pure: no Flask or SQLAlchemy; facts (credit, listings, `now`) come in as arguments. Nothing
here knows a service by name: only its steps, limits and the materials' `core` flags.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from app.domain.calendar import Limit, LimitUnit, WorkCalendar, due_at
from app.domain.catalogue.base import Material, RuleViolation, Service, Step
from app.domain.text import N_, Bilingual
from app.domain.workflow import Action, EventRecord

# RULES.md (L): late without cause or false materials → listed, barred for 3 years (a setting:
# the app config `UNTRUE_COMMITMENT_BAR_YEARS` overrides it).
UNTRUE_COMMITMENT_BAR_YEARS = 3
# RULES.md lists only those late "without justified cause": before the supervisor decides, the
# applicant may state one within this time from being told of the breach (a setting: the app
# config `UNTRUE_CAUSE_WINDOW_WORKDAYS` overrides it). No rule fixes the number.
CAUSE_WINDOW = Limit(Decimal(5), LimitUnit.WORKDAYS)
CAUSE_WINDOW_SOURCE = N_("本系统设置（可调整）")
# How a missing item is to be supplied when the catalogue says nothing more specific.
DEFAULT_SUPPLY_FORM = N_("原件或加盖公章（签名）的复印件，送交受理窗口或网上补传")

SIGNATORIES = {
    "self": N_("申请人本人"),
    "legal_rep": N_("法定代表人（负责人）"),
    "agent": N_("受托人"),
}
ORGANISATION_SIGNATORIES = ("legal_rep", "agent")
PERSON_SIGNATORIES = ("self", "agent")


class ToleranceRefused(RuleViolation):
    """Tolerance (or the way it was asked for) is refused, with the reason for the applicant."""


def offers_tolerance(service: Service) -> bool:
    return service.has(Step.TOLERANCE)


def declarable_materials(service: Service) -> list[Material]:
    """The materials an applicant attaches (upload slots); shared ones are verified through data
    sharing, entered ones are the form's own fields."""
    return [m for m in service.materials if m.uploaded]


def check_material_codes(service: Service, codes: object, field: str) -> tuple[str, ...]:
    """A list of material codes of this service (unknown or shared codes are refused)."""
    if codes is None or codes == "":
        return ()
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        raise ToleranceRefused("materials.invalid", N_("材料清单格式有误，请逐项勾选。"), field)
    known = {m.code for m in declarable_materials(service)}
    result = []
    for code in codes:
        if not isinstance(code, str) or code not in known:
            raise ToleranceRefused("materials.unknown", N_("勾选的材料不属于本事项的申请材料，请重新勾选。"), field)
        if code not in result:
            result.append(code)
    return tuple(result)


def missing_materials(service: Service, provided: Sequence[str], to_follow: Sequence[str]) -> list[Material]:
    """Required materials not attached, plus those the applicant will supply or put right
    later (暂缺或存在瑕疵), in catalogue order."""
    return [
        m for m in declarable_materials(service)
        if (m.required and m.code not in provided) or m.code in to_follow
    ]


def check_no_core_missing(missing: Sequence[Material]) -> None:
    """Only non-core materials may be missing (主审要件齐全)."""
    core = [Bilingual(m.name_zh, m.name_en) for m in missing if m.core]
    if core:
        raise ToleranceRefused(
            "tolerance.core_missing",
            N_("主审要件（%(materials)s）不齐全，不能容缺受理；可补齐后申请，"
               "或不申请容缺受理直接提交，由承办单位一次性告知补正。"),
            "materials_provided",
            {"materials": core},
        )
    if not missing:
        raise ToleranceRefused(
            "tolerance.nothing_missing",
            N_("申请材料已齐全，无需申请容缺受理，请取消勾选“申请容缺受理”后直接提交。"),
            "tolerance_requested",
        )


@dataclass(frozen=True)
class Listing:
    """An entry on the untrue-commitment list (违诺/失信名单) as the rules see it."""

    listed_at: datetime
    expires_at: datetime


def check_standing(*, bad_credit: bool, listings: Iterable[Listing], now: datetime) -> None:
    """No tolerance for bad credit (until repaired) or an untrue commitment within the bar."""
    if bad_credit:
        raise ToleranceRefused(
            "tolerance.bad_credit",
            N_("经查询，申请人存在失信（不良信用）记录，信用修复前不适用容缺受理；可按一般程序提交申请。"),
            "tolerance_requested",
        )
    active = [entry for entry in listings if now < entry.expires_at]
    if active:
        until = max(entry.expires_at for entry in active)
        raise ToleranceRefused(
            "tolerance.untrue_commitment",
            N_("申请人因未履行容缺受理承诺被列入违诺（失信）名单，%(until)s前不适用容缺受理；"
               "可按一般程序提交申请。"),
            "tolerance_requested",
            {"until": _day(until)},
        )


def max_commitment_days(service: Service) -> int:
    """The longest supplement period an applicant may promise, in working days: the catalogue's
    commitment limit, never beyond the promised processing time."""
    limits = service.limits
    promised_days = _whole_workdays(limits.promised)
    base = _whole_workdays(limits.commitment) if limits.commitment is not None else promised_days
    return max(1, min(base, promised_days))


def _whole_workdays(limit) -> int:
    if limit.unit is LimitUnit.WORKDAYS:
        return max(1, math.floor(limit.amount))
    return 1  # hour- or natural-time services: one working day, capped by the engine anyway


def check_commitment_days(service: Service, value: object) -> int:
    limit = max_commitment_days(service)
    if value is None or value == "":
        return limit
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if isinstance(value, bool) or str(days) != str(value).strip() or not 1 <= days <= limit:
        raise ToleranceRefused(
            "tolerance.commitment_days",
            N_("承诺补齐期限须为1至%(limit)s个工作日（不得超过本事项的承诺办理时限）。"),
            "commitment_days",
            {"limit": limit},
        )
    return days


def check_signatory(*, organisation: bool, signatory: object, agent_name: str, agent_id_ok: bool,
                    power_of_attorney: bool) -> str:
    """Who signs the commitment (seed 002 item 4): a person signs it themself; an organisation's
    legal representative (负责人) signs and its seal is applied; an agent (受托人) may sign instead
    and must also hand in a power of attorney (委托书)."""
    allowed = ORGANISATION_SIGNATORIES if organisation else PERSON_SIGNATORIES
    if signatory in (None, ""):
        signatory = allowed[0]
    if signatory not in allowed:
        raise ToleranceRefused("tolerance.signatory", N_("承诺书须由%(signatories)s签署，请重新选择。"), "signatory",
                               {"signatories": [SIGNATORIES[s] for s in allowed]})
    if signatory == "agent":
        if not agent_name.strip():
            raise ToleranceRefused("tolerance.agent_name", N_("由受托人签署承诺书的，请填写受托人姓名。"), "agent_name")
        if not agent_id_ok:
            raise ToleranceRefused("tolerance.agent_id", N_("请填写受托人有效的公民身份号码。"), "agent_id_number")
        if not power_of_attorney:
            raise ToleranceRefused(
                "tolerance.power_of_attorney",
                N_("委托办理容缺受理的，受托人还须提交委托书，请确认已取得委托书。"),
                "power_of_attorney",
            )
    return str(signatory)


def supply_form(material: Material) -> str:
    """How a missing item is to be supplied (what the notice prints in 提交形式)."""
    return material.note_zh or DEFAULT_SUPPLY_FORM


def listing_expires_at(listed_at: datetime, years: int = UNTRUE_COMMITMENT_BAR_YEARS) -> datetime:
    """Listed for `years` calendar years (29 February → 28 February)."""
    try:
        return listed_at.replace(year=listed_at.year + years)
    except ValueError:
        return listed_at.replace(year=listed_at.year + years, day=28)


def _day(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        from app.domain.calendar import SHANGHAI

        moment = moment.astimezone(SHANGHAI).date()
    return moment


# --- 违诺认定: the listing review after a missed deadline -------------------------------------------


class CauseKind(StrEnum):
    """The justified causes (正当理由) an applicant may state for a missed supplement."""

    FORCE_MAJEURE = "force_majeure"  # 不可抗力
    OTHER_AGENCY_DELAY = "other_agency_delay"  # 其他部门办理延误
    OTHER = "other"  # 其他正当理由


CAUSE_KIND_NAMES = {
    CauseKind.FORCE_MAJEURE: N_("不可抗力"),
    CauseKind.OTHER_AGENCY_DELAY: N_("其他部门办理延误"),
    CauseKind.OTHER: N_("其他正当理由"),
}


def cause_due_at(told_at: datetime, *, calendar: WorkCalendar, window: Limit = CAUSE_WINDOW) -> datetime:
    """陈述正当理由的期限: the window runs from when the applicant is told of the breach (the
    sweep records it), on the working-day calendar."""
    return due_at(told_at, window, calendar=calendar)


@dataclass(frozen=True)
class ListingReview:
    """违诺认定 of one case, as its event log tells it: opened by the breach, a cause stated (or
    not) within the window, then the supervisor's decision."""

    breached_at: datetime  # the supplement deadline that was missed
    cause_due_at: datetime
    cause_kind: str | None = None
    cause_statement: str = ""
    cause_stated_at: datetime | None = None
    decision: Action | None = None  # LIST_UNTRUE or NOT_LIST_UNTRUE
    decision_reason: str = ""
    decided_at: datetime | None = None

    @property
    def decided(self) -> bool:
        return self.decision is not None

    @property
    def cause_stated(self) -> bool:
        return self.cause_stated_at is not None

    @property
    def listed(self) -> bool:
        return self.decision == Action.LIST_UNTRUE


def listing_review(history: Sequence[EventRecord]) -> ListingReview | None:
    """The case's listing review, or None if its commitment was never breached."""
    review = None
    for event in history:
        if event.action == Action.BREACH_COMMITMENT:
            # A breach recorded before listing reviews existed carries no window: it is closed.
            due = event.payload.get("cause_due")
            review = ListingReview(event.at, datetime.fromisoformat(due) if due else event.at)
        elif review is None:
            continue
        elif event.action == Action.STATE_CAUSE:
            review = _replace(review, cause_kind=event.payload.get("cause_kind"), cause_statement=event.reason,
                              cause_stated_at=event.at)
        elif event.action in (Action.LIST_UNTRUE, Action.NOT_LIST_UNTRUE):
            review = _replace(review, decision=event.action, decision_reason=event.reason, decided_at=event.at)
    return review


def _replace(review: ListingReview, **changes) -> ListingReview:
    return ListingReview(**{**review.__dict__, **changes})


def cause_window_open(review: ListingReview, *, now: datetime) -> bool:
    """The applicant may still state a cause: undecided, none stated yet, the window not passed."""
    return not review.decided and not review.cause_stated and now <= review.cause_due_at


def check_cause(review: ListingReview, *, kind: object, statement: str, now: datetime) -> CauseKind:
    """A cause may be stated once, within the window, before the decision; of a known kind and
    with a statement of what happened."""
    if review.decided:
        raise ToleranceRefused("untrue.decided", N_("违诺认定已作出决定，不能再陈述理由。"))
    if review.cause_stated:
        raise ToleranceRefused("untrue.cause_stated", N_("正当理由已经陈述，不能重复提交。"))
    if now > review.cause_due_at:
        raise ToleranceRefused("untrue.cause_window_passed",
                               N_("陈述正当理由的期限已于%(due)s届满，不能再提交。"), params={"due": _day(review.cause_due_at)})
    try:
        cause = CauseKind(kind)
    except ValueError:
        raise ToleranceRefused("untrue.cause_kind", N_("请选择正当理由的类别。"), "cause_kind") from None
    if not statement.strip():
        raise ToleranceRefused("untrue.statement", N_("请说明逾期未补齐材料的具体原因。"), "reason")
    return cause


def ready_for_decision(review: ListingReview, *, now: datetime) -> bool:
    """The supervisor may decide to list: the applicant has stated a cause, or the window passed."""
    return not review.decided and (review.cause_stated or now > review.cause_due_at)


def check_decision(review: ListingReview, action: Action, *, now: datetime) -> None:
    """Not listing may be decided at any time (it favours the applicant); listing only once the
    applicant has been heard: a cause stated, or the window passed without one."""
    if review.decided:
        raise ToleranceRefused("untrue.decided", N_("违诺认定已作出决定。"))
    if action == Action.LIST_UNTRUE and not ready_for_decision(review, now=now):
        raise ToleranceRefused(
            "untrue.cause_window_open",
            N_("申请人陈述正当理由的期限至%(due)s届满，期满前未陈述理由的，不能作出列入违诺名单的决定。"),
            params={"due": _day(review.cause_due_at)},
        )


def listing_bar(decided_at: datetime, years: int = UNTRUE_COMMITMENT_BAR_YEARS) -> Listing:
    """The bar a listing decision imposes: from the decision (not the missed deadline)."""
    return Listing(decided_at, listing_expires_at(decided_at, years))
