"""What the shared-data registries (信息共享) answer: plain, frozen records.

The population/hukou registry, the court-judgment registry, the enterprise registry,
the vehicle and driver registries, the accident-case system, the medical birth
certificates and the marriage registry each belong to another agency. The portal only
reads them (see ``app.registries``), so their answers are immutable values here — no
ORM objects leak out of the registry layer, and a real data-sharing adapter can return
the same records.

Conventions:
- ``id_number`` is the 18-character citizen ID number (居民身份证号码) for Chinese
  citizens; for foreigners it is their travel-document (passport) number.
- Dates are ``date``; instants are timezone-aware ``datetime``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class PersonRecord:
    """A person in the population registry (人口信息), citizen or resident foreigner."""

    id_number: str
    name: str
    sex: str  # "M" / "F"
    birth_date: date
    ethnicity: str  # 民族, e.g. "汉族"; "" for foreigners
    nationality: str  # "CHN" or an ISO 3166-1 alpha-3 code
    hukou_region_code: str  # 户籍地 6-digit division code; "" for foreigners (no hukou)
    household_number: str | None = None  # 户号
    residence_permit_region_code: str | None = None  # 居住证 / 居留 region
    resident_since: date | None = None  # foreigners: first day of residence in China
    passport_number: str | None = None
    deceased: bool = False

    @property
    def is_foreigner(self) -> bool:
        return self.nationality != "CHN"


@dataclass(frozen=True)
class HouseholdMemberRecord:
    id_number: str
    name: str
    relation: str  # 与户主关系: 户主, 配偶, 子, 女, 父亲, 母亲, 集体户成员 …


@dataclass(frozen=True)
class HouseholdRecord:
    """A hukou household (户): a family household (家庭户) or a collective one (集体户)."""

    household_number: str
    region_code: str
    address: str
    kind: str  # "family" / "collective"
    station_unit_code: str  # the police station (派出所) keeping the register
    members: tuple[HouseholdMemberRecord, ...] = ()

    def member(self, id_number: str) -> HouseholdMemberRecord | None:
        return next((m for m in self.members if m.id_number == id_number), None)


@dataclass(frozen=True)
class JudgmentRecord:
    """A criminal judgment in the court registry. Only an effective one (生效裁判) is a record."""

    case_number: str
    court: str
    offence: str
    judgment_date: date
    effective: bool
    sentence_months: int
    offence_at_age: int
    sealed_juvenile: bool  # 未成年人犯罪记录封存
    id_number: str = ""  # the defendant


@dataclass(frozen=True)
class EnterpriseRecord:
    """An entity in the enterprise registry (市场主体登记)."""

    uscc: str
    name: str
    address: str
    region_code: str
    legal_rep_name: str
    legal_rep_id_number: str
    status: str  # "active" (存续) / "cancelled" (注销)
    registered_capital_yuan: int
    established_on: date
    business_scope: str
    credit_status: str = "good"  # "good" / "bad" (失信)


@dataclass(frozen=True)
class VehicleRecord:
    plate: str
    owner_id: str  # citizen ID number or USCC
    owner_name: str
    vehicle_type: str  # e.g. "轻型厢式货车"
    energy: str  # "fuel" / "new_energy"
    refrigerated: bool
    emission_standard: str  # "国IV", "国V", "国VI"
    inspection_valid_until: date
    scrapped: bool


@dataclass(frozen=True)
class DriverRecord:
    id_number: str
    name: str
    licence_number: str
    licence_class: str  # 准驾车型, e.g. "C1", "B2"
    licence_valid_until: date
    status: str  # "valid" / "suspended" / "revoked"


@dataclass(frozen=True)
class ViolationRecord:
    """A traffic violation (交通违法); ``handled`` once processed and paid."""

    reference: str
    plate: str | None
    driver_id_number: str | None
    occurred_at: datetime
    description: str
    handled: bool


@dataclass(frozen=True)
class AccidentPartyRecord:
    id_number: str
    name: str
    phone: str
    role_zh: str  # e.g. "当事人（机动车驾驶人）"


@dataclass(frozen=True)
class AccidentCaseRecord:
    """A road traffic accident case (道路交通事故) handled by a traffic police unit."""

    case_number: str
    unit_code: str
    procedure: str  # "general" (一般程序) / "simple" (简易程序)
    fatal: bool
    occurred_at: datetime
    location: str
    summary: str
    determination_served_at: datetime | None  # 事故认定书/事故证明 served
    parties: tuple[AccidentPartyRecord, ...] = ()
    deceased: tuple[str, ...] = ()  # ID numbers of the deceased

    def party(self, id_number: str) -> AccidentPartyRecord | None:
        return next((p for p in self.parties if p.id_number == id_number), None)


EVIDENCE_KINDS = ("scene_diagram", "photo", "inspection_record", "test_report", "appraisal_opinion")
CONFIDENTIAL_REASONS = ("witness_protection", "state_secret", "trade_secret", "privacy")


@dataclass(frozen=True)
class EvidenceItemRecord:
    """One piece of accident evidence; confidential items are never shown to parties."""

    id: int
    case_number: str
    kind: str  # one of EVIDENCE_KINDS
    title: str
    filename: str
    mime: str
    confidential: bool
    confidential_reason: str | None  # one of CONFIDENTIAL_REASONS, or None


@dataclass(frozen=True)
class BirthCertificateRecord:
    """A medical birth certificate (出生医学证明)."""

    number: str
    child_name: str
    sex: str
    birth_date: date
    birth_province_code: str  # 2-digit province code of the place of birth ("41" Henan)
    hospital: str
    mother_id_number: str
    father_id_number: str | None


@dataclass(frozen=True)
class MarriageRecord:
    husband_id_number: str
    wife_id_number: str
    registered_on: date
    dissolved_on: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.registered_on <= day and (self.dissolved_on is None or day < self.dissolved_on)


@dataclass(frozen=True)
class EngravingShopRecord:
    """A seal-engraving shop that filed its record (备案) with the police."""

    id: int
    name: str
    record_number: str
    uscc: str
    region_code: str
    address: str
    status: str  # "recorded" / "suspended"


@dataclass(frozen=True)
class RelativeRecord:
    """A close relative (近亲属) of a deceased person."""

    id_number: str
    relative_of: str  # the deceased's ID number
    relation: str  # 配偶, 子, 女, 父亲, 母亲 …
    name: str = ""


# --- residence_permit: residence registration, the proofs of Art. 2, and the permit itself ---


@dataclass(frozen=True)
class ResidenceRegistrationRecord:
    """A residence registration (居住登记) kept by the police station of the address."""

    id_number: str
    region_code: str
    address: str
    registered_on: date
    station_unit_code: str


@dataclass(frozen=True)
class SocialInsuranceRecord:
    """Social insurance paid for the person (社会保险缴纳信息, 人力资源和社会保障部门): employment."""

    id_number: str
    region_code: str
    employer: str
    since: date
    until: date | None = None  # None: still paid

    def continuous_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class SchoolEnrolmentRecord:
    """A school enrolment (学籍信息, 教育部门): study."""

    id_number: str
    region_code: str
    school: str
    since: date
    until: date | None = None

    def continuous_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class PropertyRecord:
    """A property title held by the person (不动产登记信息): a lawful stable residence."""

    id_number: str
    region_code: str
    address: str
    certificate_number: str
    since: date


@dataclass(frozen=True)
class ResidencePermitRecord:
    """A residence permit issued (居住证): its number, holder, station, dates of issue and of
    the next endorsement (签注) due."""

    number: str
    id_number: str
    name: str
    region_code: str
    address: str
    station_unit_code: str
    issued_on: date
    endorsement_due: date
    last_endorsed_on: date | None = None
# --- credit_repair: police administrative penalties (公安行政处罚) and the credit marks they caused ---


@dataclass(frozen=True)
class PolicePenaltyRecord:
    """A police administrative penalty (公安行政处罚决定) on an enterprise, from the police's own
    case records: whether it has been carried out (履行完毕), and the credit mark it caused
    (信用等级降低) until the police have it repaired (信用修复)."""

    decision_number: str  # 行政处罚决定书文号
    uscc: str  # the penalised enterprise
    authority: str  # the police organ that decided
    decided_on: date
    conduct: str  # 违法行为
    sanction: str  # 处罚内容, e.g. "罚款人民币二万元"
    carried_out_on: date | None  # None: not yet carried out
    lowers_credit: bool  # the penalty lowered the enterprise's credit rating
    credit_repaired_on: date | None = None
    credit_repair_reference: str = ""  # the repair's 办件编号
