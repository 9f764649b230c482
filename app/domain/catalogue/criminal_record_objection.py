"""无犯罪记录证明异议复核 — an objection to a criminal-record query result (犯罪记录查询工作规定).

The office gives a written review opinion within 15 working days; a complex case may be
extended to 30 working days in all (one extension of 15, approved by the head of the office),
worded as the rule words it: 延长至30个工作日.
"""
from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    days,
    workdays,
)
from app.domain.catalogue.documents import CRIMINAL_RECORD_RULE, outcome, service_refusal
from app.domain.catalogue.schema import FilingModel, Text
from app.domain.text import N_

SERVICE = Service(
    code="criminal_record_objection",
    name_zh="无犯罪记录证明异议复核",
    name_en="Objection to a criminal-record query result",
    summary_zh="对犯罪记录查询结果有异议的，可以申请复核，公安机关在15个工作日内书面答复，情况复杂的可延长至30个工作日。",
    summary_en="An objection to a query result gets a written review opinion within 15 working days "
    "(30 for complex cases).",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL}),
    materials=(
        Material("objection_letter", "异议申请（写明异议事项和理由）", "Written objection with reasons",
                 entered=True),
        Material("supporting_evidence", "相关证明材料", "Supporting evidence", required=False, core=False),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(15),
        statutory=workdays(15),
        extension=workdays(15),
        extension_to=workdays(30),
        sources={
            "promised": N_("公安机关办理犯罪记录查询工作规定：15个工作日内书面答复"),
            "statutory": N_("公安机关办理犯罪记录查询工作规定：15个工作日内书面答复"),
            "extension": N_("公安机关办理犯罪记录查询工作规定：情况复杂的，经负责人批准可延长至30个工作日"),
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.EXTENSION, Step.SUSPENSION}),
    documents=(
        outcome("review_opinion", "review_opinion.html", N_("复核意见书"), CRIMINAL_RECORD_RULE),
        service_refusal(N_("不予复核决定书"), "不予复核", CRIMINAL_RECORD_RULE),
    ),
    legal_basis_zh="《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）",
    number_prefix="YY",
    position=20,
    extension_basis_zh="《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）",
)

REVIEW_OUTCOMES = {"maintained": N_("维持原查询结果"), "corrected": N_("更正原查询结果")}
# Only a decided query can be objected to.
OBJECTABLE_STATES = ("rejected", "approved", "issued")


def check_objection(original_state: str | None, reason: str) -> None:
    if original_state is None:
        raise RuleViolation("objection.original_unknown", N_("未找到您名下的该无犯罪记录证明办件。"), "original_number")
    if original_state not in OBJECTABLE_STATES:
        raise RuleViolation("objection.not_decided", N_("该办件尚未办结，暂不能提出异议。"), "original_number")
    if not reason.strip():
        raise RuleViolation("objection.reason", N_("请写明异议事项和理由。"), "reason")


def check_review(outcome: str | None, opinion: str | None) -> None:
    if outcome not in REVIEW_OUTCOMES:
        raise RuleViolation("review.outcome", N_("请选择复核结论（维持或更正）。"), "outcome")
    if not (opinion or "").strip():
        raise RuleViolation("review.opinion", N_("请写明复核意见及理由。"), "opinion")


class ObjectionFiling(FilingModel):
    """异议复核申请: the decided application objected to, and why."""

    original_number: Text(32)
    reason: Text(2000, multiline=True)


FILING = ObjectionFiling
