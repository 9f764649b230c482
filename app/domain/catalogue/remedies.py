"""救济途径: the remedies every written refusal states, with the provisions they come from.

One place for the facts a refusal must tell the applicant (行政许可法第三十八条第二款; 行政复议法
第二十条第三款: a decision that does not name the right, the body and the time limit leaves the
limit running from when the applicant learns them, up to a year):

- 行政复议 (《中华人民共和国行政复议法》, 2023年修订): within 60 days of knowing of the act
  (第二十条); the body is the people's government at the level of the public security organ that
  made it (第二十四条第一款第（一）项). A police station (派出所) acting in its own name is a
  派出机构 of the bureau that set it up: the bureau's own people's government (第二十四条第四款),
  i.e. a county bureau's station → that county's (district's) people's government. Public security
  is not among the vertically led organs of 第二十七条, so the higher bureau is no longer the body.
- 行政诉讼 (《中华人民共和国行政诉讼法》第四十六条): within 6 months of knowing of the act, to
  the people's court (the court where the organ sits, 第十八条).
- 异议复核 (《公安机关办理犯罪记录查询工作规定》): a criminal-record query result may be
  objected to; a written review opinion within 15 working days, 30 for complex cases. The portal
  takes it as the service `criminal_record_objection`.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.catalogue import criminal_record_objection
from app.domain.catalogue.base import Service
from app.domain.catalogue.documents import CRIMINAL_RECORD_RULE_NAME

RECONSIDERATION_LAW = "《中华人民共和国行政复议法》（2023年修订）"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"


@dataclass(frozen=True)
class Remedies:
    """What a refusal tells the applicant about challenging it (everything a template prints)."""

    reconsideration_organ: str  # 行政复议机关
    reconsideration_days: int = 60  # 行政复议法第二十条第一款
    reconsideration_basis: str = RECONSIDERATION_LAW + "第二十条、第二十四条"
    litigation_months: int = 6  # 行政诉讼法第四十六条第一款
    litigation_basis: str = LITIGATION_LAW + "第四十六条"
    # 异议复核, only for a criminal-record query result.
    objection_review_days: int | None = None
    objection_review_complex_days: int | None = None
    objection_basis: str = ""
    objection_service: str = ""  # the portal's service name, e.g. 无犯罪记录证明异议复核
    objection_url: str = ""  # where it is filed in the portal


def objection_limits(service: Service) -> tuple[int, int]:
    """The objection review's limits as the objection service declares them: 15 working days,
    and 15 + 15 = 30 with the one extension for complex cases."""
    limits = service.limits
    standard = int(limits.statutory.amount)
    extended = standard + int(limits.extension.amount) if limits.extension else standard
    return standard, extended


def remedies_for(reconsideration_organ: str, *, objection_url: str | None = None) -> Remedies:
    """The remedies of a refusal: reconsideration and litigation always; the objection review
    too when `objection_url` is given (a criminal-record result)."""
    if objection_url is None:
        return Remedies(reconsideration_organ)
    service = criminal_record_objection.SERVICE
    standard, extended = objection_limits(service)
    return Remedies(reconsideration_organ, objection_review_days=standard, objection_review_complex_days=extended,
                    objection_basis=CRIMINAL_RECORD_RULE_NAME, objection_service=service.name_zh,
                    objection_url=objection_url)


def reconsideration_organ(governments: list[str]) -> str:
    """行政复议机关: the people's government of the nearest organ in the issuing unit's chain (the
    unit itself, then its parents) that has one; a station has none of its own and takes its
    bureau's. `governments` is that chain's 本级人民政府 names, nearest first ("" for none)."""
    for government in governments:
        if government:
            return government
    return "作出本决定的公安机关的本级人民政府"
