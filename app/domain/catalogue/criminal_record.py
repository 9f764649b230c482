"""无犯罪记录证明 — no-criminal-record certificate (公安机关办理犯罪记录查询工作规定, 2021)."""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

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
from app.domain.catalogue.schema import (
    MAX_ID,
    FieldError,
    FilingModel,
    Optional,
    Text,
    asked_when,
    missing_fields,
)
from app.domain.text import N_
from app.domain.verification import Finding, RegistryCheck, Tone

SERVICE = Service(
    code="criminal_record",
    name_zh="无犯罪记录证明",
    name_en="No-criminal-record certificate",
    summary_zh="个人可在户籍地或居住地派出所申请开具本人无犯罪记录证明；单位可查询在职或拟招录人员。",
    summary_en="Individuals apply at the station of their hukou or residence; units may query "
    "their staff or people they plan to hire.",
    unit_kind="police_station",
    applicant_kinds=frozenset(
        {ApplicantKind.INDIVIDUAL, ApplicantKind.AGENT, ApplicantKind.UNIT, ApplicantKind.FOREIGNER}
    ),
    materials=(
        Material("id_card", "申请人有效身份证件", "Applicant's identity document", shared=True,
                 registry_zh=N_("公安人口信息系统")),
        # A certificate handed to an agent discloses the person's record: the clerk checks the
        # power of attorney before the decision.
        Material("power_of_attorney", "授权委托书及受托人身份证件", "Power of attorney and agent's ID",
                 required=False, checked=True, note_zh=N_("委托他人代为申请时提交")),
        # The provision is chosen from the maintained list in the form; the sealed letter may
        # follow under 容缺.
        Material("unit_letter", "单位介绍信及法律依据说明", "Unit letter stating the legal provision",
                 required=False, core=False, note_zh=N_("单位查询时提交，写明所依据的法律法规条款")),
        # Core (never waived by 容缺) and checked by the clerk before the letter: a disclosure
        # cannot be taken back.
        Material("employment_proof", "在职或拟招录证明", "Proof of employment or planned hiring",
                 required=False, core=True, checked=True,
                 note_zh=N_("单位查询时提交：劳动合同或录用通知复印件1份，加盖单位公章")),
        Material("residence_proof", "居住证或居留证件", "Residence permit",
                 required=False, note_zh=N_("在居住地或外国人申请时提交")),
        Material("purpose_proof", "用途证明材料", "Proof of purpose",
                 required=False, note_zh=N_("同一年度内第4次及以上申请时提交")),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(1),
        statutory=workdays(3),
        # No extension: the rule gives 3 working days and, for incomplete or conflicting data, an
        # investigation whose time is not counted (a suspension, Step.SUSPENSION), never more days.
        extension=None,
        delivery=workdays(10),
        sources={
            "acceptance": N_("行政许可法第32条"),
            "correction_reply": N_("本系统设置（补正答复期限，可调整）"),
            "promised": N_("本系统设置（承诺时限，可调整）"),
            "statutory": N_("公安机关办理犯罪记录查询工作规定：3个工作日"),
            "extension": N_("不适用延长：公安机关办理犯罪记录查询工作规定未规定延长；需调查核实的，"
                            "经县级公安机关负责人批准中止办理，调查核实时间不计入办理时限"),
            "delivery": N_("行政许可法第44条"),
        },
    ),
    # TOLERANCE: a unit whose sealed letter is still missing may be accepted on its commitment; the
    # proof of employment is core (a disclosure cannot be taken back), never waived.
    steps=frozenset({Step.CORRECTION, Step.SUSPENSION, Step.ISSUE, Step.IMMEDIATE, Step.TOLERANCE}),
    documents=(
        outcome("certificate", "certificate.html", N_("无犯罪记录证明"), CRIMINAL_RECORD_RULE),
        # Not a licence: the rule's own act, 不予出具, with the objection route besides the remedies.
        service_refusal(N_("不予出具无犯罪记录证明通知书"), "不予出具无犯罪记录证明", CRIMINAL_RECORD_RULE,
                        template="no_record_refusal.html", objection_review=True,
                        applicant_types=frozenset({ApplicantKind.INDIVIDUAL, ApplicantKind.AGENT,
                                                   ApplicantKind.FOREIGNER})),
        # A unit's query refused (no qualifying provision, not its staff): says nothing of any record.
        service_refusal(N_("不予查询犯罪记录告知书"), "不予查询", CRIMINAL_RECORD_RULE,
                        applicant_types=frozenset({ApplicantKind.UNIT})),
        outcome("unit_result_letter", "unit_result_letter.html", N_("查询告知函"), CRIMINAL_RECORD_RULE),
    ),
    legal_basis_zh="《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）",
    number_prefix="FZ",
    position=10,
    data_labels={
        "applicant_type": N_("申请类型"), "purpose": N_("证明用途"), "channel": N_("申请渠道"), "terminal_id": N_("自助终端编号"), "route": N_("受理地"),
        "relation": N_("与单位关系"), "legal_provision": N_("法律依据"), "legal_provision_bar": N_("条款内容（申请时）"),
        "job": N_("从事或拟从事的职业"), "query_reason": N_("查询理由"),
        "power_of_attorney": N_("授权委托书"), "purpose_detail": N_("用途说明"), "requests_this_year": N_("本年度第几次申请"),
    },
)

# 异议复核: a written review opinion within 15 working days, extendable to 30 for complex cases.
OBJECTION_REVIEW = workdays(15)
OBJECTION_REVIEW_COMPLEX = workdays(30)
# More than this many requests by one person in a calendar year need a stated purpose.
FREE_REQUESTS_PER_YEAR = 3
FOREIGNER_MIN_RESIDENCE_DAYS = 180
JUVENILE_AGE = 18
SEALED_MAX_SENTENCE_MONTHS = 60

# The legal-provision list's bounds (an entry's name, article, bar in short, jobs).
LAW_NAME_MAX, ARTICLE_MAX, BAR_MAX, JOB_MAX, MAX_JOBS = 60, 20, 300, 40, 20
UNIT_QUERY_RELATIONS = {"staff": N_("在职人员"), "planned_hire": N_("拟招录人员")}
APPLICANT_TYPES = {"individual": N_("本人申请"), "agent": N_("委托他人代为申请"), "unit": N_("单位查询"),
                   "foreigner": N_("外国人申请")}


def applicant_types_for(*, enterprise: bool) -> tuple[str, ...]:
    """What an account may apply as: an enterprise queries as a unit (or acts as an agent); a
    personal account applies for itself, as an agent, or as a foreigner living here."""
    return ("unit", "agent") if enterprise else ("individual", "agent", "foreigner")


def is_sealed_juvenile(judgment) -> bool:
    """犯罪记录封存: offence committed under 18 and sentenced to at most 5 years."""
    if getattr(judgment, "sealed_juvenile", False):
        return True
    age = judgment.offence_at_age
    return age is not None and age < JUVENILE_AGE and (judgment.sentence_months or 0) <= SEALED_MAX_SENTENCE_MONTHS


def counts_as_record(judgment) -> bool:
    """Only guilt confirmed by an effective court judgment is a record; sealed juvenile
    records are reported as none."""
    return bool(judgment.effective) and not is_sealed_juvenile(judgment)


def has_criminal_record(judgments) -> bool:
    return any(counts_as_record(j) for j in judgments)


def needs_manual_check(judgments) -> bool:
    """Anything in the court registry at all (even not a record) is looked at by a clerk;
    with nothing there, a local applicant can be served on the spot (即办)."""
    return any(True for _ in judgments)


JUDGMENT_SOURCE = N_("法院刑事裁判信息（人民法院信息共享）")


def registry_check(judgments, masked_id_number: str, *, unit_query: bool) -> RegistryCheck:
    """The subject's judgments as the decision reads them: each effective one is a record, one
    not yet effective is not; sealed juvenile records (犯罪记录封存) are named, never shown."""
    judgments = list(judgments)
    findings = []
    sealed = False
    for judgment in judgments:
        if is_sealed_juvenile(judgment):
            sealed = True
            continue
        params = {"court": judgment.court, "case": judgment.case_number, "offence": judgment.offence,
                  "date": judgment.judgment_date.isoformat()}
        if counts_as_record(judgment):
            findings.append(Finding(N_("%(court)s %(case)s"),
                                    N_("%(date)s判决，罪名：%(offence)s；判决已生效，构成犯罪记录"), Tone.BAD, params))
        else:
            findings.append(Finding(N_("%(court)s %(case)s"),
                                    N_("%(date)s判决，罪名：%(offence)s；判决尚未生效，不构成犯罪记录"), Tone.NOTE,
                                    params))
    if sealed:
        findings.append(Finding(N_("未成年人犯罪记录"), N_("有依法封存的记录（内容不予显示），按无犯罪记录出具"), Tone.NOTE))
    if not judgments:
        findings.append(Finding(N_("被查询人%(id_number)s"), N_("未查询到刑事裁判信息"), Tone.OK,
                                {"id_number": masked_id_number}))
    if has_criminal_record(judgments):
        conclusion = (N_("有犯罪记录：查询告知函将载明查询结果。") if unit_query else
                      N_("有犯罪记录：不能出具无犯罪记录证明，请作出不予出具决定。"))
        return RegistryCheck(JUDGMENT_SOURCE, tuple(findings), conclusion, Tone.NOTE if unit_query else Tone.BAD)
    if sealed:
        conclusion = N_("无犯罪记录（未成年人犯罪记录依法封存，不予提供）：可以出具。")
    else:
        conclusion = N_("未查询到犯罪记录：可以出具。")
    return RegistryCheck(JUDGMENT_SOURCE, tuple(findings), conclusion, Tone.NOTE if sealed else Tone.OK)


def needs_purpose_proof(requests_this_year: int) -> bool:
    """The 4th and later request by one person in a calendar year needs a stated purpose."""
    return requests_this_year >= FREE_REQUESTS_PER_YEAR


def check_foreigner_residence(resident_since, today) -> None:
    if resident_since is None or (today - resident_since).days < FOREIGNER_MIN_RESIDENCE_DAYS:
        raise RuleViolation(
            "foreigner.residence_too_short",
            N_("外国人须在本地居住满%(days)s日方可申请开具无犯罪记录证明。"),
            "applicant_type",
            {"days": FOREIGNER_MIN_RESIDENCE_DAYS},
        )


class CriminalRecordFiling(FilingModel):
    """The application (申请内容). Who the certificate is about follows from `applicant_type`:
    the account holder, or the person an agent or a unit names."""

    applicant_type: Literal["individual", "agent", "unit", "foreigner"]
    purpose: Text(100)
    route: Optional(Literal["hukou", "residence"]) = None
    subject_name: Optional(Text(60)) = None
    subject_id_number: Optional(Text(18)) = None
    relation: Optional(Literal["staff", "planned_hire"]) = None
    legal_provision_id: Optional(Annotated[int, Field(strict=True, ge=1, le=MAX_ID, description=(
        "a provision of the maintained list in force (GET /legal-provisions)"))]) = None
    job: Optional(Text(JOB_MAX)) = None
    query_reason: Optional(Text(500, multiline=True)) = None
    purpose_detail: Optional(Text(500, multiline=True)) = None

    invalid_messages = {
        "relation": ("unit.relation", N_("单位只能查询本单位在职人员或拟招录人员，不符合条件的查询申请不予受理。")),
        # The provision is chosen from the list, never typed: a phrase is no legal ground.
        "legal_provision": ("unit.legal_provision_typed", N_(
            "法律依据须从现行有效的法律、行政法规条款清单中选择（legal_provision_id），不接受自行填写的条款。")),
        "legal_provision_id": ("unit.legal_provision", N_(
            "请从现行有效的法律、行政法规条款清单中选择法律依据。")),
    }
    # Who is asked what: an agent and a unit name the person; only a unit states its grounds
    # and may ask for 容缺 (its sealed letter may follow); a foreigner is routed to exit-entry.
    asked = {
        "route": asked_when("applicant_type", "individual", "agent", "unit"),
        "subject_name": asked_when("applicant_type", "agent", "unit"),
        "subject_id_number": asked_when("applicant_type", "agent", "unit"),
        "relation": asked_when("applicant_type", "unit"),
        "legal_provision_id": asked_when("applicant_type", "unit"),
        "job": asked_when("applicant_type", "unit"),
        "query_reason": asked_when("applicant_type", "unit"),
        "tolerance_requested": asked_when("applicant_type", "unit"),
        "materials.power_of_attorney": asked_when("applicant_type", "agent"),
        "materials.unit_letter": asked_when("applicant_type", "unit"),
        "materials.employment_proof": asked_when("applicant_type", "unit"),
    }

    def cross_field_errors(self) -> list[FieldError]:
        errors = []
        if self.applicant_type in ("agent", "unit"):
            errors += missing_fields(self, ("subject_name", "subject_id_number"))
        if self.applicant_type == "unit":
            errors += unit_query_errors(self.relation, self.legal_provision_id, self.job, self.query_reason)
        return errors


def unit_query_errors(relation: str | None, legal_provision_id: int | None, job: str | None,
                      query_reason: str | None) -> list[FieldError]:
    """A unit may query only its staff or planned hires, citing the law that bars people with
    records from the job, naming the job and stating its reason. Whether the provision is in
    force and covers the job is `provision_errors`' to say (the list is the database's)."""
    errors = []
    if relation not in UNIT_QUERY_RELATIONS:
        errors.append(FieldError("relation", *CriminalRecordFiling.invalid_messages["relation"]))
    if legal_provision_id is None:
        errors.append(FieldError("legal_provision_id", "unit.legal_provision", N_(
            "单位查询须从清单中选择法律、行政法规中关于有犯罪记录人员不得从事该职业的具体条款，未选择的不予查询。")))
    if not (job or "").strip():
        errors.append(FieldError("job", "unit.job", N_("请填写被查询人从事或拟从事的职业（岗位）。")))
    if not (query_reason or "").strip():
        errors.append(FieldError("query_reason", "unit.reason", N_("请写明查询理由。")))
    return errors


# --- the legal provisions a unit query may rest on (法律、行政法规条款清单) -------------------------

# Only a law or an administrative regulation may bar people with records from a job (公安机关办理
# 犯罪记录查询工作规定); departmental and local rules, and lesser documents, may not.
PROVISION_KINDS = {"law": N_("法律"), "administrative_regulation": N_("行政法规")}
OTHER_KINDS = {"departmental_rule": N_("部门规章"), "local_regulation": N_("地方性法规"),
               "local_rule": N_("地方政府规章"), "normative_document": N_("规范性文件")}
ALL_KINDS = {**PROVISION_KINDS, **OTHER_KINDS}


@dataclass(frozen=True)
class Provision:
    """One entry of the list (法律依据条款): a law or administrative regulation, its article,
    the bar it sets in short, and the jobs it covers."""

    id: int
    law_name: str
    kind: str
    article: str
    bar_zh: str
    jobs: tuple[str, ...]
    in_force: bool = True

    @property
    def citation(self) -> str:
        """《中华人民共和国教师法》第十四条 — how a letter quotes it."""
        return f"《{self.law_name}》{self.article}"


def check_provision_entry(*, law_name: str, kind: str, article: str, bar_zh: str,
                          jobs: Sequence[str]) -> tuple[str, str, str, str, tuple[str, ...]]:
    """An entry as the admin gives it, cleaned (book-title marks dropped from the name, jobs
    trimmed and de-duplicated), or RuleViolation with the field and the reason."""
    law_name = (law_name or "").strip().strip("《》").strip()
    article, bar_zh = (article or "").strip(), (bar_zh or "").strip()
    if not law_name:
        raise RuleViolation("provision.law_name", N_("请填写法律或行政法规的名称。"), "law_name")
    if kind not in ALL_KINDS:
        raise RuleViolation("provision.kind", N_("请选择法律依据的类别。"), "kind")
    if kind not in PROVISION_KINDS:
        raise RuleViolation(
            "provision.not_law",
            N_("《%(law)s》属于%(kind)s，不是法律或行政法规。依照《公安机关办理犯罪记录查询工作规定》，"
               "单位只能依据法律、行政法规中有犯罪记录人员不得从事该职业的规定查询犯罪记录，不能列入清单。"),
            "kind", {"law": law_name, "kind": ALL_KINDS[kind]})
    if not article:
        raise RuleViolation("provision.article", N_("请填写具体条款（如“第十四条”）。"), "article")
    if not bar_zh:
        raise RuleViolation("provision.bar", N_("请简要写明该条款对有犯罪记录人员从业的限制。"), "bar_zh")
    cleaned: list[str] = []
    for job in jobs:
        job = (job or "").strip()
        if job and job not in cleaned:
            cleaned.append(job)
    if not cleaned:
        raise RuleViolation("provision.jobs", N_("请至少填写一个该条款适用的职业（岗位）。"), "jobs")
    if len(cleaned) > MAX_JOBS or any(len(job) > JOB_MAX for job in cleaned):
        raise RuleViolation("provision.jobs_long", N_("最多%(n)s个职业，每个不超过%(length)s个字。"), "jobs",
                            {"n": MAX_JOBS, "length": JOB_MAX})
    if len(law_name) > LAW_NAME_MAX or len(article) > ARTICLE_MAX or len(bar_zh) > BAR_MAX:
        raise RuleViolation("provision.too_long", N_("名称不超过%(name)s字，条款不超过%(article)s字，限制内容不超过%(bar)s字。"),
                            "law_name", {"name": LAW_NAME_MAX, "article": ARTICLE_MAX, "bar": BAR_MAX})
    return law_name, kind, article, bar_zh, tuple(cleaned)


def provision_errors(provision_id: object, job: object, in_force: Mapping[int, Provision]) -> list[FieldError]:
    """A unit query's provision must be on the list and in force, and cover the job named.
    `in_force`: the list's entries in force now, by id."""
    if not isinstance(provision_id, int) or isinstance(provision_id, bool):
        return []  # absent or of the wrong type: the schema says so
    provision = in_force.get(provision_id)
    if provision is None or not provision.in_force:
        return [FieldError("legal_provision_id", "unit.legal_provision_unknown", N_(
            "所选法律依据不在现行有效的法律、行政法规条款清单中（可能已废止），不能据此查询；请重新选择。"))]
    if isinstance(job, str) and job.strip() and job.strip() not in provision.jobs:
        return [FieldError("job", "unit.job_not_covered", N_(
            "%(citation)s适用的职业为：%(jobs)s；“%(job)s”不在其中，不能依据该条款查询。"
            "请选择与该职业对应的法律依据，或核对所填职业。"),
            {"citation": provision.citation, "jobs": "、".join(provision.jobs), "job": job.strip()})]
    return []


def decision_needs_provision(data: Mapping[str, object]) -> bool:
    """A unit query filed before the list existed rests on typed words: no letter on it."""
    return data.get("applicant_type") == "unit" and not data.get("legal_provision_id")


FILING = CriminalRecordFiling
