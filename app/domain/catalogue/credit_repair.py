"""企业信用修复 — repairing an enterprise's credit rating lowered by a police administrative
penalty (seed 004 第11条; RULES.md "Enterprise credit repair").

An enterprise whose credit rating was lowered because the police penalised it (违反公安行政管理被
公安机关行政处罚) applies directly to the police station of its registered address (属地公安派出所).
The station reviews within 10 working days; where the conditions of credit repair are met, the
police have the rating repaired with the market regulator (与市市场监管委沟通修复其信用等级).

The seed names no conditions beyond "符合信用修复条件": the conditions here are the national
ones for repairing credit after a penalty — the legal obligation performed (the penalty carried
out, 履行完毕), the unlawful conduct corrected (纠正违法行为), and a written commitment to keep
faith (信用承诺书) — and one matter per penalty at a time.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from app.domain.catalogue.documents import outcome, service_refusal
from app.domain.catalogue.schema import FilingModel, Text
from app.domain.records import PolicePenaltyRecord
from app.domain.text import N_

CODE = "credit_repair"
SEED_RULE = "《天津市公安局关于进一步做好优化营商环境工作“五个方面二十项措施”》（2021年1月19日）第十一项"
# The national conditions of repair after a penalty (cited without an article: the articles of
# the order are not checked against its text here).
REPAIR_RULE = "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展和改革委员会令2023年第58号）"
BASIS = f"{SEED_RULE}关于简化企业信用等级修复流程的规定、{REPAIR_RULE}"

SERVICE = Service(
    code=CODE,
    name_zh="企业信用修复",
    name_en="Credit repair for an enterprise",
    summary_zh="因违反公安行政管理被公安机关行政处罚导致信用等级降低的企业，行政处罚履行完毕、违法行为已纠正的，"
    "可直接向属地公安派出所申请信用修复，公安机关10个工作日内完成复查和审核。",
    summary_en="An enterprise whose credit rating was lowered by a police administrative penalty may apply to "
    "its local police station once the penalty is carried out and the conduct corrected; the police review "
    "within 10 working days.",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.ENTERPRISE}),
    materials=(
        Material("penalty_record", "行政处罚决定及信用等级降低记录", "Penalty decision and credit mark", shared=True,
                 registry_zh=N_("公安机关行政处罚信息")),
        Material("performance_proof", "行政处罚履行完毕证明", "Proof the penalty was carried out",
                 note_zh=N_("罚款缴款凭证、责令改正的整改验收材料等")),
        Material("credit_commitment", "信用承诺书", "Credit commitment letter",
                 note_zh=N_("法定代表人签字并加盖企业公章")),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(10),
        statutory=workdays(10),
        extension=None,
        sources={
            "acceptance": N_("本系统设置（受理时限，可调整）"),
            "correction_reply": N_("本系统设置（补正答复期限，可调整）"),
            "promised": N_("优化营商环境“五个方面二十项措施”第11项：公安机关复查和审核时限缩短至10个工作日"),
            "statutory": N_("优化营商环境“五个方面二十项措施”第11项：公安机关复查和审核时限缩短至10个工作日"),
            "extension": N_("不适用延长：公安机关复查和审核时限为10个工作日"),
        },
    ),
    steps=frozenset({Step.CORRECTION}),
    documents=(
        outcome("credit_repair_decision", "credit_repair_decision.html", N_("信用修复决定书"), BASIS),
        service_refusal(N_("不予信用修复决定书"), "不予信用修复", BASIS),
    ),
    legal_basis_zh=BASIS,
    number_prefix="XF",
    position=130,
    data_labels={
        "enterprise_name": N_("企业名称"), "uscc": N_("统一社会信用代码"),
        "penalty_decision_number": N_("行政处罚决定书文号"), "penalty_authority": N_("作出处罚的机关"),
        "penalty_date": N_("处罚决定日期"), "penalty_conduct": N_("违法行为"), "penalty_sanction": N_("处罚内容"),
        "carried_out_on": N_("履行完毕日期"), "credit_mark": N_("信用等级降低情况"),
        "conduct_corrected": N_("违法行为已纠正"), "correction_measures": N_("整改情况"),
    },
)


def open_marks(penalties: Iterable[PolicePenaltyRecord]) -> list[PolicePenaltyRecord]:
    """The penalties whose credit mark (信用等级降低) still stands."""
    return [p for p in penalties if p.lowers_credit and p.credit_repaired_on is None]


def check_has_marks(penalties: Sequence[PolicePenaltyRecord]) -> None:
    """Nothing to repair without a credit mark a police penalty caused."""
    if not open_marks(penalties):
        raise RuleViolation(
            "credit_repair.nothing_to_repair",
            N_("经查询公安机关行政处罚信息，本企业没有因公安行政处罚导致信用等级降低的记录，无需申请信用修复。"
               "因其他部门的处罚或记录导致信用等级降低的，请向作出记录的部门申请。"),
            "penalty_decision_number",
        )


def find_penalty(penalties: Sequence[PolicePenaltyRecord], decision_number: str) -> PolicePenaltyRecord:
    penalty = next((p for p in penalties if p.decision_number == decision_number.strip()), None)
    if penalty is None:
        raise RuleViolation(
            "credit_repair.penalty_unknown",
            N_("未查询到本企业的该行政处罚决定，请从列出的处罚决定中选择。"),
            "penalty_decision_number",
        )
    return penalty


def check_penalty(penalty: PolicePenaltyRecord) -> None:
    """The penalty lowered the rating, the mark still stands, and the penalty is carried out."""
    if not penalty.lowers_credit or penalty.credit_repaired_on is not None:
        raise RuleViolation(
            "credit_repair.no_mark",
            N_("行政处罚决定（%(number)s）未导致信用等级降低或已完成信用修复，无需申请。"),
            "penalty_decision_number",
            {"number": penalty.decision_number},
        )
    if penalty.carried_out_on is None:
        raise RuleViolation(
            "credit_repair.not_carried_out",
            N_("行政处罚决定（%(number)s，%(sanction)s）尚未履行完毕，不符合信用修复条件；"
               "请履行完毕后，持履行完毕证明再申请信用修复。"),
            "penalty_decision_number",
            {"number": penalty.decision_number, "sanction": penalty.sanction},
        )


def check_not_pending(penalty: PolicePenaltyRecord, pending: Iterable[str]) -> None:
    """One repair at a time for one penalty: a second application waits for the first."""
    if penalty.decision_number in set(pending):
        raise RuleViolation(
            "credit_repair.pending",
            N_("本企业针对行政处罚决定（%(number)s）的信用修复申请正在办理中，请勿重复申请。"),
            "penalty_decision_number",
            {"number": penalty.decision_number},
        )


def check_corrected(corrected: bool, measures: str) -> None:
    """The unlawful conduct corrected (纠正违法行为), with what was done."""
    if not corrected:
        raise RuleViolation(
            "credit_repair.not_corrected",
            N_("违法行为纠正后方可申请信用修复，请确认已纠正违法行为并说明整改情况。"),
            "conduct_corrected",
        )
    if not measures.strip():
        raise RuleViolation("credit_repair.measures", N_("请说明纠正违法行为的整改情况。"), "correction_measures")


def filing_violations(penalties: Sequence[PolicePenaltyRecord], decision_number: str, *,
                      pending: Iterable[str], corrected: bool, measures: str) -> list[RuleViolation]:
    """Every reason a filing cannot go ahead: about the penalty (the first that fails: nothing
    more can be said of a penalty that is not there), and about the correction, both at once."""
    violations = []
    try:
        check_has_marks(penalties)
        penalty = find_penalty(penalties, decision_number)
        check_penalty(penalty)
        check_not_pending(penalty, pending)
    except RuleViolation as violation:
        violations.append(violation)
    try:
        check_corrected(corrected, measures)
    except RuleViolation as violation:
        violations.append(violation)
    return violations


def decision_violations(penalty: PolicePenaltyRecord | None) -> list[RuleViolation]:
    """What bars approval as the penalty record stands at the decision."""
    if penalty is None:
        return [RuleViolation("credit_repair.penalty_unknown", N_("公安机关行政处罚信息中已查询不到该处罚决定。"))]
    try:
        check_penalty(penalty)
    except RuleViolation as violation:
        return [violation]
    return []


CREDIT_MARK = N_("信用等级降低")


class CreditRepairFiling(FilingModel):
    """信用修复申请: which penalty, and the correction of the conduct (the penalty record, its
    performance and the credit mark come from the police's penalty records)."""

    penalty_decision_number: Text(60)
    conduct_corrected: bool = False
    correction_measures: Text(1000, multiline=True)

    missing_messages = {
        "penalty_decision_number": ("credit_repair.penalty_unknown", N_("请选择申请修复的行政处罚决定。")),
        "correction_measures": ("credit_repair.measures", N_("请说明纠正违法行为的整改情况。")),
    }


FILING = CreditRepairFiling
