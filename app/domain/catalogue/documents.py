"""书面文书: one declaration per legal act the portal puts in writing — its template, its title
and the provision it is issued under. The steps every service shares (收件, 受理, 补正, 不予受理,
中止, 延长, 转报, 撤销, 终止, 容缺) are declared here; a service declares its own outcomes and its
refusal in its catalogue module (`Service.documents`), so the catalogue alone says which document
a service produces and on what basis."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.text import N_

LICENSING_LAW = "《中华人民共和国行政许可法》"
CRIMINAL_RECORD_RULE_NAME = "《公安机关办理犯罪记录查询工作规定》"
# Cited without an article: the articles of the rule are not checked against its text here.
CRIMINAL_RECORD_RULE = f"{CRIMINAL_RECORD_RULE_NAME}（公通字〔2021〕19号）"
# Tolerance acceptance has no national statute: the local measures (seed 002: 便民利民 item 4, 服务企业
# item 7) plus the applicant's signed commitment.
TOLERANCE_RULE = ("《许昌公安机关2022年便民利民服务十项措施》第四项、《许昌公安机关2022年服务企业十项措施》"
                  "第七项关于容缺受理的规定")
TOLERANCE_BASIS = f"{TOLERANCE_RULE}和申请人签署的《申请容缺受理承诺书》"


class Role(StrEnum):
    """What a service's own document does in its lifecycle."""

    OUTCOME = "outcome"  # 办结文书（证明、证照、告知函）
    REFUSAL = "refusal"  # 不予许可 / 不予出具 … : the written refusal after acceptance


@dataclass(frozen=True)
class DocumentAct:
    """A legal act in writing. `remedies`: a decision the applicant can challenge, so it states
    reconsideration and litigation (and, where there is one, the objection route)."""

    kind: str
    template: str
    title: str
    legal_basis: str
    role: Role | None = None
    remedies: bool = False
    # A refusal's operative words: "不予行政许可", "不予出具无犯罪记录证明", "不予办理户口登记" …
    operative: str = ""
    # The applicant types (ApplicantKind values) a refusal is for; empty: every applicant.
    applicant_types: frozenset[str] = frozenset()
    # The refusal also states the objection review (异议复核) of a criminal-record query result.
    objection_review: bool = False


def licence_refusal(title: str, basis: str) -> DocumentAct:
    """不予行政许可决定书 (行政许可法第三十八条第二款: written, with reasons, and the right to
    行政复议 or 行政诉讼) under the licence's own law."""
    return DocumentAct("refusal_decision", "refusal_decision.html", title,
                       f"{basis}和{LICENSING_LAW}第三十八条第二款", Role.REFUSAL, remedies=True,
                       operative="不予行政许可")


def service_refusal(title: str, operative: str, basis: str, *, template: str = "service_refusal.html",
                    applicant_types: frozenset[str] = frozenset(), objection_review: bool = False) -> DocumentAct:
    """A written refusal of an act that is not a licence (户口登记, 印章备案, 证据查阅…): reasons, the
    provision, and the same remedies (行政复议法第二条, 行政诉讼法第二条: any administrative act)."""
    return DocumentAct("refusal_decision", template, title, basis, Role.REFUSAL, remedies=True,
                       operative=operative, applicant_types=applicant_types, objection_review=objection_review)


def outcome(kind: str, template: str, title: str, basis: str) -> DocumentAct:
    return DocumentAct(kind, template, title, basis, Role.OUTCOME)


# The lifecycle's own documents, by the kind `app.domain.workflow` asks for.
LIFECYCLE: dict[str, DocumentAct] = {act.kind: act for act in (
    DocumentAct("receipt", "receipt.html", N_("收件回执"), f"{LICENSING_LAW}第二十九条、第三十二条"),
    DocumentAct("acceptance_notice", "acceptance_notice.html", N_("受理通知书"),
                f"{LICENSING_LAW}第三十二条第一款第（五）项、第二款"),
    DocumentAct("correction_notice", "correction_notice.html", N_("补正告知书"),
                f"{LICENSING_LAW}第三十二条第一款第（四）项"),
    DocumentAct("non_acceptance_decision", "non_acceptance_decision.html", N_("不予受理决定书"),
                f"{LICENSING_LAW}第三十二条第一款第（一）项、第（二）项及第二款", remedies=True),
    DocumentAct("suspension_notice", "suspension_notice.html", N_("中止办理告知书"), f"{LICENSING_LAW}第四十五条"),
    DocumentAct("extension_notice", "extension_notice.html", N_("延长办理期限告知书"), f"{LICENSING_LAW}第四十二条"),
    DocumentAct("forwarding_notice", "forwarding_notice.html", N_("审查意见转报告知书"), f"{LICENSING_LAW}第四十三条"),
    DocumentAct("revocation_decision", "revocation_decision.html", N_("撤销决定书"),
                f"{LICENSING_LAW}第六十九条；{TOLERANCE_BASIS}", remedies=True),
    DocumentAct("termination_notice", "termination_notice.html", N_("终止办理告知书"), TOLERANCE_BASIS),
    DocumentAct("tolerance_notice", "tolerance_notice.html", N_("容缺受理通知书"), TOLERANCE_BASIS),
    # The applicant's own letter (not issued by the office): the basis it is signed under.
    DocumentAct("commitment_letter", "commitment_letter.html", N_("申请容缺受理承诺书"), TOLERANCE_RULE),
    # 违诺认定: only a listing (the 3-year bar) is a decision the applicant can challenge.
    DocumentAct("untrue_listing_decision", "untrue_listing_decision.html", N_("容缺受理违诺认定决定书"),
                TOLERANCE_BASIS, remedies=True),
    DocumentAct("untrue_non_listing_decision", "untrue_non_listing_decision.html", N_("不予列入违诺名单决定书"),
                TOLERANCE_BASIS),
)}
