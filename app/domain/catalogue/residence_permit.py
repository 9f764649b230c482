"""居住证 — residence permit (居住证暂行条例, State Council 2015), first application (首次申领)
and the yearly endorsement (签注), filed online with uploaded proofs (seed 002 便民第10条).

Art. 2: a person who has left their hukou place and lived in a city for at least half a year
(居住登记), with continuous employment, continuous study or a lawful stable residence. Each
condition is proved by an uploaded material or, where a registry holds it (social insurance,
school enrolment, property), by data sharing. Tianjin's 承诺制 (seed 004 第3条): after six
months' residence a signed commitment replaces the proof, verified afterwards by the station.
Art. 10: endorsed within the month before each full year of residence; a missed endorsement
suspends the permit's use until it is endorsed (and the years of residence count afresh).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

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
from app.domain.catalogue.documents import outcome, service_refusal
from app.domain.catalogue.newborn_registration import add_months, cn_date
from app.domain.catalogue.schema import FieldError, FilingModel, Optional, Text, asked_when
from app.domain.text import N_

REGULATION = "《居住证暂行条例》"

SERVICE = Service(
    code="residence_permit",
    name_zh="居住证申领和签注",
    name_en="Residence permit (first application and yearly endorsement)",
    summary_zh="离开常住户口所在地、到许昌市居住半年以上，并有连续就业、连续就读或合法稳定住所之一的，"
    "可在网上申领居住证：按模板提示上传证明材料，能通过社保、学籍、不动产信息共享核验的无需上传；"
    "居住满六个月的也可签署承诺书代替证明材料（承诺制）。受理之日起15日内制证，到居住地派出所领取。"
    "居住证每年签注一次，在居住每满一年之日前一个月内办理。",
    summary_en="People who have left their hukou place and lived in Xuchang for half a year or more, "
    "with continuous employment, continuous study or a lawful stable residence, apply online with "
    "uploaded proofs (none where social insurance, school or property records show it); after six "
    "months a signed commitment may replace the proof. Made within 15 days of acceptance and "
    "collected at the station. Endorsed once a year, in the month before each full year of residence.",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL}),
    materials=(
        Material("residence_registration", "居住登记信息", "Residence registration", shared=True,
                 registry_zh=N_("公安机关居住登记信息")),
        Material("id_card", "居民身份证", "Resident ID card", shared=True, registry_zh=N_("公安人口信息")),
        Material("photo", "近期免冠证件照片", "Recent ID photo", required=False,
                 note_zh=N_("首次申领时上传；白色背景，不戴帽子")),
        Material("employment_proof", "连续就业证明", "Proof of continuous employment", required=False,
                 note_zh=N_("劳动合同、营业执照或用人单位证明；社会保险缴纳信息可核验的无需上传")),
        Material("study_proof", "连续就读证明", "Proof of continuous study", required=False,
                 note_zh=N_("学校出具的在读证明；学籍信息可核验的无需上传")),
        Material("residence_proof", "合法稳定住所证明", "Proof of lawful stable residence", required=False,
                 note_zh=N_("房屋租赁合同或房屋所有权证明；不动产登记信息可核验的无需上传")),
        Material("commitment", "居住证申领承诺书", "Commitment letter", required=False, entered=True,
                 note_zh=N_("承诺制：居住满六个月的，签署承诺书代替证明材料，事后核查")),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=days(15),
        statutory=days(30),
        extension=None,
        sources={
            "acceptance": N_("行政许可法第32条"),
            "correction_reply": N_("本系统设置（补正答复期限，可调整）"),
            "promised": N_("居住证暂行条例第9条：受理之日起15日内制作发放居住证（可调整）"),
            "statutory": N_("居住证暂行条例第9条：偏远地区、交通不便的地区或者因特殊情况，"
                            "可以适当延长，但延长的时限最长不得超过15日（合计不超过30日）"),
            "extension": N_("不适用延长：居住证暂行条例第9条的延长（最长15日）已计入30日的法定时限"),
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.ISSUE}),
    documents=(
        outcome("residence_permit", "residence_permit.html", N_("居住证（电子证照）"),
                "《居住证暂行条例》第二条、第九条、第十条"),
        outcome("residence_permit_collection", "residence_permit_collection.html", N_("居住证领取通知书"),
                "《居住证暂行条例》第九条"),
        service_refusal(N_("不予签发居住证决定书"), "不予签发居住证或者不予签注",
                        "《居住证暂行条例》第二条、第十条"),
    ),
    legal_basis_zh="《居住证暂行条例》（国务院令第663号）第二条、第九条、第十条",
    number_prefix="JZ",
    position=90,
    data_labels={
        "kind": N_("申请类别"), "basis": N_("申领条件"), "residence_address": N_("居住地址"),
        "residence_since": N_("居住登记日期"), "basis_proof": N_("条件证明方式"),
        "commitment": N_("签署承诺书（承诺制）"), "verify_after": N_("事后核查事项"),
        "permit_number": N_("居住证号码"), "endorsement_due": N_("签注到期日"),
        "permit_suspended": N_("居住证使用功能中止（逾期未签注）"), "station": N_("受理派出所"),
        "region_code": N_("居住地行政区划代码"),
    },
)

MIN_RESIDENCE_MONTHS = 6  # 居住证暂行条例第2条: 居住半年以上
ENDORSEMENT_WINDOW_MONTHS = 1  # 第10条: 居住每满一年之日前一个月内
MAX_LIMIT_DAYS = 30  # 第9条: 15日, 延长最长不超过15日


class Kind(StrEnum):
    FIRST = "first"  # 首次申领
    ENDORSEMENT = "endorsement"  # 签注


class Basis(StrEnum):
    """The one condition of Art. 2 besides the half year's residence."""

    EMPLOYMENT = "employment"  # 连续就业
    STUDY = "study"  # 连续就读
    RESIDENCE = "residence"  # 合法稳定住所


KIND_NAMES = {Kind.FIRST: N_("首次申领"), Kind.ENDORSEMENT: N_("签注")}
BASIS_NAMES = {Basis.EMPLOYMENT: N_("连续就业"), Basis.STUDY: N_("连续就读"), Basis.RESIDENCE: N_("合法稳定住所")}
# The upload slot and the registry that prove each condition.
BASIS_MATERIALS = {Basis.EMPLOYMENT: "employment_proof", Basis.STUDY: "study_proof",
                   Basis.RESIDENCE: "residence_proof"}
BASIS_REGISTRIES = {Basis.EMPLOYMENT: N_("社会保险缴纳信息"), Basis.STUDY: N_("学籍信息"),
                    Basis.RESIDENCE: N_("不动产登记信息")}


class Proof(StrEnum):
    """How the condition was shown (条件证明方式)."""

    REGISTRY = "registry"  # 信息共享核验
    UPLOAD = "upload"  # 上传证明材料
    COMMITMENT = "commitment"  # 承诺制（事后核查）


PROOF_NAMES = {Proof.REGISTRY: N_("信息共享核验"), Proof.UPLOAD: N_("上传证明材料"),
               Proof.COMMITMENT: N_("签署承诺书，事后核查")}


@dataclass(frozen=True)
class Registration:
    """A residence registration (居住登记) as the rules read it."""

    region_code: str
    address: str
    registered_on: date


def full_residence_date(registered_on: date) -> date:
    """The day the half year of residence is complete."""
    return add_months(registered_on, MIN_RESIDENCE_MONTHS)


def residence_violations(*, hukou_region_code: str, registration: Registration | None, city_code: str,
                         today: date) -> list[RuleViolation]:
    """Art. 2: left the hukou place, registered as resident in this city ≥ half a year."""
    if hukou_region_code[:4] == city_code[:4]:
        return [RuleViolation("residence_permit.local_hukou", N_(
            "您的常住户口在本市，无需申领本市居住证。"), "kind")]
    if registration is None or registration.region_code[:4] != city_code[:4]:
        return [RuleViolation("residence_permit.unregistered", N_(
            "未查询到您在本市的居住登记信息，请先到居住地派出所或社区办理居住登记，居住满%(months)s个月后再申领居住证。"),
            "kind", {"months": MIN_RESIDENCE_MONTHS})]
    complete = full_residence_date(registration.registered_on)
    if today < complete:
        return [RuleViolation("residence_permit.too_short", N_(
            "您于%(since)s办理居住登记，居住未满%(months)s个月，%(complete)s起可以申领居住证。"), "kind",
            {"since": cn_date(registration.registered_on), "months": MIN_RESIDENCE_MONTHS,
             "complete": cn_date(complete)})]
    return []


def basis_proof(basis: Basis, *, in_registry: bool, uploaded: bool, commitment: bool) -> Proof | None:
    """How `basis` stands proved: data sharing first (nothing asked of the applicant), then the
    uploaded material, then the commitment (承诺制); None: not proved."""
    if in_registry:
        return Proof.REGISTRY
    if uploaded:
        return Proof.UPLOAD
    if commitment:
        return Proof.COMMITMENT
    return None


def basis_violations(basis: Basis, proof: Proof | None) -> list[RuleViolation]:
    """No proof of the condition: what to supply (the correction notice names it)."""
    if proof is not None:
        return []
    return [RuleViolation("residence_permit.basis_unproved", N_(
        "%(registry)s未能核验您的%(basis)s情况，请上传“%(material)s”或签署承诺书。"), "basis",
        {"registry": BASIS_REGISTRIES[basis], "basis": BASIS_NAMES[basis],
         "material": SERVICE.material(BASIS_MATERIALS[basis]).name_zh})]


# --- the permit and its endorsement (签注) ------------------------------------------------


class PermitStatus(StrEnum):
    VALID = "valid"  # 有效
    ENDORSEMENT_DUE = "endorsement_due"  # 签注期内（居住满一年之日前一个月内）
    SUSPENDED = "suspended"  # 逾期未签注，使用功能中止


PERMIT_STATUS_NAMES = {PermitStatus.VALID: N_("有效"), PermitStatus.ENDORSEMENT_DUE: N_("请在签注期内办理签注"),
                       PermitStatus.SUSPENDED: N_("逾期未签注，使用功能中止")}


def endorsement_window(due: date) -> tuple[date, date]:
    """第10条: the month before the full year, the full year's day included."""
    return add_months(due, -ENDORSEMENT_WINDOW_MONTHS), due


def permit_status(due: date, today: date) -> PermitStatus:
    """The permit's use on `today` with its next endorsement due on `due`."""
    if today > due:
        return PermitStatus.SUSPENDED
    if today >= endorsement_window(due)[0]:
        return PermitStatus.ENDORSEMENT_DUE
    return PermitStatus.VALID


def endorsement_violations(*, has_permit: bool, due: date | None, today: date) -> list[RuleViolation]:
    """签注: a permit held here, and not before the month before its full year; after the day
    (逾期) the endorsement is still made (补办), restoring the permit's use."""
    if not has_permit or due is None:
        return [RuleViolation("residence_permit.no_permit", N_(
            "未查询到您持有的本市居住证，请选择首次申领。"), "kind")]
    opens, _closes = endorsement_window(due)
    if today < opens:
        return [RuleViolation("residence_permit.endorsement_early", N_(
            "居住证应在居住每满一年之日前一个月内签注：您的居住证签注期为%(opens)s至%(due)s，请届时办理。"), "kind",
            {"opens": cn_date(opens), "due": cn_date(due)})]
    return []


def after_endorsement(due: date, endorsed_on: date) -> date:
    """The next endorsement due: a year after the one endorsed in time; after a late one (补办
    签注) the years of residence count afresh from the endorsement day (第10条)."""
    if endorsed_on <= due:
        return add_months(due, 12)
    return add_months(endorsed_on, 12)


def permit_number(station_code: str, year: int, sequence: int) -> str:
    """居住证号码 as printed: the station's region, the year and a sequence (the card carries the
    holder's citizen ID number as well; this number keys the permit record)."""
    return f"JZ{station_code[:6]}{year}{sequence:06d}"


class ResidencePermitFiling(FilingModel):
    """居住证: which application, the condition relied on, and (first application) the address
    lived at and the commitment in lieu of proof. The registration, social insurance, school
    and property records come from the registries."""

    kind: Literal["first", "endorsement"] = Field(description="首次申领 or 签注")
    basis: Optional(Literal["employment", "study", "residence"]) = Field(
        default=None, description="Art. 2 condition (first application)")
    residence_address: Optional(Text(200)) = Field(default=None, description="defaults to the registration's")
    commitment: bool = Field(default=False, description="承诺制: a signed commitment replaces the proof")

    asked = {"basis": asked_when("kind", "first"), "residence_address": asked_when("kind", "first"),
             "commitment": asked_when("kind", "first"),
             "materials.photo": asked_when("kind", "first"),
             "materials.employment_proof": asked_when("basis", "employment"),
             "materials.study_proof": asked_when("basis", "study"),
             "materials.residence_proof": asked_when("basis", "residence")}
    missing_messages = {"kind": ("kind.invalid", N_("请选择首次申领或签注。"))}
    invalid_messages = {"kind": missing_messages["kind"],
                        "basis": ("basis.invalid", N_("请选择连续就业、连续就读或合法稳定住所。"))}

    def cross_field_errors(self) -> list[FieldError]:
        if self.kind == Kind.FIRST and not self.basis:
            return [FieldError("basis", "basis.missing", N_("请选择您申领居住证所依据的条件。"))]
        return []


FILING = ResidencePermitFiling
