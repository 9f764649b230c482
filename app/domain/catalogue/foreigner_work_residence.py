"""外国人工作类居留许可 — a work-type residence permit for a foreigner employed here
(出境入境管理法 第30条、第31条; 外国人入境出境管理条例 第15条), at the exit-entry office where
the foreigner lives.

Issued within 15 working days; for staff of an enterprise on the key-project list (重点项目单位
名单) within 5 (seed 002 便民第5条: 签发时限由15个工作日缩短至5个工作日). Which limit applies is
fixed when the application is filed (`promised_limit`), from the employer named then. The
permit is collected at the office: the decision names the appointment (`collection_appointment`).
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from app.domain.calendar import Limit, LimitUnit, OfficeHours
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
from app.domain.catalogue.documents import licence_refusal, outcome
from app.domain.catalogue.newborn_registration import add_months
from app.domain.catalogue.schema import FilingModel, Text, rule
from app.domain.identifiers import validate_uscc
from app.domain.text import N_
from app.domain.verification import Finding, RegistryCheck, Tone, worst

SERVICE = Service(
    code="foreigner_work_residence",
    name_zh="外国人工作类居留许可",
    name_en="Work-type residence permit for foreigners",
    summary_zh="在本市工作的外国人持有效护照和外国人工作许可证，向居住地公安机关出入境管理部门申请工作类居留证件。"
    "15个工作日内签发；重点工程、重大项目单位的外籍工作人员5个工作日内签发。批准后按预约时间到出入境管理部门领取。",
    summary_en="Foreigners working here, with a valid passport and work permit, apply to the exit-entry office "
    "where they live. Issued within 15 working days; within 5 for staff of key-project enterprises. "
    "Collect the permit at the office at the appointment given with the approval.",
    unit_kind="exit_entry",
    applicant_kinds=frozenset({ApplicantKind.FOREIGNER}),
    materials=(
        Material("passport", "护照（资料页及有效签证或居留许可页）", "Passport (data page and current visa page)"),
        Material("work_permit", "外国人工作许可证", "Foreigner's work permit"),
        Material("employer_letter", "单位函件", "Employer's letter",
                 note_zh=N_("写明聘用职务、聘用期限并加盖单位公章")),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(15),
        statutory=workdays(15),
        sources={
            "acceptance": N_("行政许可法第32条"),
            "correction_reply": N_("本系统设置（补正答复期限，可调整）"),
            "promised": N_("出境入境管理法第31条：自收到申请材料之日起15日内作出审查决定；"
                           "重点项目单位外籍工作人员5个工作日（许昌公安2022年便民利民十项措施第5条）"),
            "statutory": N_("出境入境管理法第31条：自收到申请材料之日起15日内作出审查决定"),
            "extension": N_("不适用延长：出境入境管理法第31条未规定延长审查期限"),
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.SUSPENSION}),
    documents=(
        outcome("work_residence_decision", "foreigner_work_residence.html", N_("准予签发外国人工作类居留证件决定书"),
                "《中华人民共和国出境入境管理法》第三十条、第三十一条"),
        licence_refusal(N_("不予签发外国人居留证件决定书"), "《中华人民共和国出境入境管理法》第三十一条"),
    ),
    legal_basis_zh="《中华人民共和国出境入境管理法》第三十条、第三十一条；《中华人民共和国外国人入境出境管理条例》第十五条",
    number_prefix="WJ",
    position=100,
    data_labels={
        "nationality": N_("国籍"), "passport_number": N_("护照号码"), "passport_expires_on": N_("护照有效期至"),
        "work_permit_number": N_("外国人工作许可证号"), "work_permit_expires_on": N_("工作许可有效期至"),
        "employer_uscc": N_("聘用单位统一社会信用代码"), "employer_name": N_("聘用单位"),
        "position": N_("聘用职务"), "residence_until": N_("申请居留至"),
        "key_project": N_("重点项目单位（5个工作日内签发）"),
        "collection_appointment": N_("领取证件预约时间"),
    },
)

# 出境入境管理法第30条: 工作类居留证件的有效期最短为九十日，最长为五年.
MIN_PERIOD_DAYS = 90
MAX_PERIOD_YEARS = 5
# seed 002 便民第5条 (L): a setting, this is its default.
KEY_PROJECT_WORKDAYS = 5
# The appointment to collect the permit: this long after the office opens on the day.
COLLECTION_AFTER_OPENING_MINUTES = 30


def passport_violations(expires_on: date, residence_until: date, *, today: date) -> list[RuleViolation]:
    """The passport is valid today and at least as long as the permit asked for."""
    if expires_on <= today:
        return [RuleViolation("passport.expired", N_("护照已过有效期，请先换发护照后再申请。"), "passport_expires_on")]
    if residence_until > expires_on:
        return [RuleViolation("period.beyond_passport",
                              N_("申请的居留期限（至%(until)s）超过护照有效期（至%(expires)s）。"), "residence_until",
                              {"until": residence_until.isoformat(), "expires": expires_on.isoformat()})]
    return []


def work_permit_violations(expires_on: date, residence_until: date, *, today: date) -> list[RuleViolation]:
    """A work-type residence permit never outlasts the work permit it rests on."""
    if expires_on <= today:
        return [RuleViolation("work_permit.expired", N_("外国人工作许可证已过有效期，请先办理工作许可延期。"),
                              "work_permit_expires_on")]
    if residence_until > expires_on:
        return [RuleViolation("period.beyond_work_permit",
                              N_("申请的居留期限（至%(until)s）超过外国人工作许可证有效期（至%(expires)s）。"),
                              "residence_until",
                              {"until": residence_until.isoformat(), "expires": expires_on.isoformat()})]
    return []


def period_violations(residence_until: date, *, today: date) -> list[RuleViolation]:
    """出境入境管理法第30条: at least 90 days, at most 5 years."""
    if (residence_until - today).days < MIN_PERIOD_DAYS:
        return [RuleViolation("period.too_short", N_("工作类居留证件的有效期最短为%(days)s日，请延长申请的居留期限。"),
                              "residence_until", {"days": MIN_PERIOD_DAYS})]
    if residence_until > add_months(today, 12 * MAX_PERIOD_YEARS):
        return [RuleViolation("period.too_long", N_("工作类居留证件的有效期最长为%(years)s年。"), "residence_until",
                              {"years": MAX_PERIOD_YEARS})]
    return []


def employer_violations(enterprise) -> list[RuleViolation]:
    """The employer is in the enterprise registry (市场主体登记) and still in business."""
    if enterprise is None:
        return [RuleViolation("employer.unknown", N_("未在企业登记信息中查询到聘用单位，请核对统一社会信用代码。"),
                              "employer_uscc")]
    if enterprise.status != "active":
        return [RuleViolation("employer.inactive", N_("企业登记信息显示聘用单位已注销或吊销。"), "employer_uscc")]
    return []


def applicant_violations(person) -> list[RuleViolation]:
    """A foreigner known to the population registry with a recorded residence here."""
    if person is None:
        return [RuleViolation("identity.unknown", N_("未能核验您的护照信息，请到出入境管理部门窗口办理。"))]
    if person.nationality == "CHN":
        return [RuleViolation("applicant.not_foreigner", N_("外国人工作类居留许可仅由外国人申请。"))]
    if not person.residence_permit_region_code:
        return [RuleViolation("residence.unknown", N_("未查询到您的住宿登记（居住地）信息，请先办理住宿登记。"))]
    return []


def filing_violations(person, enterprise, *, passport_expires_on: date, work_permit_expires_on: date,
                      residence_until: date, today: date) -> list[RuleViolation]:
    """Every condition of the filing at once, so all of them can be put right in one go."""
    violations = applicant_violations(person) + employer_violations(enterprise)
    violations += passport_violations(passport_expires_on, residence_until, today=today)
    violations += work_permit_violations(work_permit_expires_on, residence_until, today=today)
    violations += period_violations(residence_until, today=today)
    return violations


REGISTRY_SOURCES = N_("人口信息（外国人住宿登记）；企业登记信息（市场监管部门）；重点项目单位名单")


def registry_check(person, enterprise, *, key_project_limit: Limit | None, passport_expires_on: date, work_permit_expires_on: date,
                   residence_until: date, today: date) -> RegistryCheck:
    """What the decision rests on as the registries and the documents stand today (核查结果).
    `key_project_limit`: the limit the application was filed with, for a key-project employer."""

    def finding(label: str, violations: list[RuleViolation], ok: str, params: dict) -> Finding:
        if violations:
            problems = "；".join(v.message.rstrip("。") for v in violations)
            return Finding(label, N_("%(problems)s。"), Tone.BAD, {"problems": problems})
        return Finding(label, ok, Tone.OK, params)

    findings = [
        finding(N_("申请人身份和居住地"), applicant_violations(person), N_("外国人（国籍%(nationality)s），已办理住宿登记"),
                {"nationality": person.nationality if person else ""}),
        finding(N_("聘用单位"), employer_violations(enterprise), N_("%(name)s，存续"),
                {"name": enterprise.name if enterprise else ""}),
        finding(N_("护照"), passport_violations(passport_expires_on, residence_until, today=today),
                N_("有效期至%(until)s"), {"until": passport_expires_on.isoformat()}),
        finding(N_("外国人工作许可证"), work_permit_violations(work_permit_expires_on, residence_until, today=today),
                N_("有效期至%(until)s"), {"until": work_permit_expires_on.isoformat()}),
    ]
    if key_project_limit is not None:
        findings.append(Finding(N_("重点项目单位名单"), N_("申请时聘用单位在名单中：%(limit)s内签发"), Tone.NOTE,
                                {"limit": key_project_limit.describe_zh()}))
    tone = worst(f.tone for f in findings)
    conclusion = (N_("不符合签发条件：不能准予，请作出不予许可决定并写明理由。") if tone == Tone.BAD
                  else N_("符合签发条件。"))
    return RegistryCheck(REGISTRY_SOURCES, tuple(findings), conclusion, tone)


def promised_limit(normal: Limit, *, key_project: bool, key_project_workdays: int = KEY_PROJECT_WORKDAYS) -> Limit:
    """The limit an application keeps (承诺时限): the key-project one for staff of an enterprise on
    the list when filed, never longer than the normal one."""
    if not key_project:
        return normal
    fast = Limit(Decimal(key_project_workdays), LimitUnit.WORKDAYS)
    if normal.unit is LimitUnit.WORKDAYS and normal.amount <= fast.amount:
        return normal
    return fast


def collection_appointment(approved_at: datetime, is_working_day, hours: OfficeHours) -> datetime:
    """领证预约: the first working day after the approval (local time), half an hour after the
    office opens. `is_working_day`: the office's calendar."""
    day = approved_at.date()
    while True:
        day = date.fromordinal(day.toordinal() + 1)
        if is_working_day(day):
            break
    opening = hours.sessions[0][0]
    minutes = opening.hour * 60 + opening.minute + COLLECTION_AFTER_OPENING_MINUTES
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=approved_at.tzinfo)


class WorkResidenceFiling(FilingModel):
    """外国人工作类居留许可申请: the passport's and work permit's validity, the employer, the period
    asked for (identity and residence come from the population registry by the account's passport)."""

    passport_expires_on: date
    work_permit_number: Text(20, pattern=r"^[0-9A-Za-z]{6,20}$")
    work_permit_expires_on: date
    employer_uscc: Annotated[Text(18), rule(validate_uscc)]
    position: Text(60)
    residence_until: date

    missing_messages = {
        "passport_expires_on": ("passport_expires_on.missing", N_("请填写护照有效期截止日。")),
        "work_permit_number": ("work_permit_number.missing", N_("请填写外国人工作许可证号。")),
        "work_permit_expires_on": ("work_permit_expires_on.missing", N_("请填写工作许可有效期截止日。")),
        "employer_uscc": ("employer_uscc.missing", N_("请填写聘用单位的统一社会信用代码。")),
        "position": ("position.missing", N_("请填写聘用职务。")),
        "residence_until": ("residence_until.missing", N_("请填写申请居留的截止日。")),
    }
    invalid_messages = {
        "work_permit_number": ("work_permit_number.invalid", N_("外国人工作许可证号为6至20位字母或数字。")),
    }


FILING = WorkResidenceFiling
