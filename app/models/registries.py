"""Tables of the simulated shared-data registries (信息共享), prefixed ``reg_``.

Each table stands in for another agency's system (population/hukou, courts, market
regulation, vehicles and drivers, accident cases, birth certificates, marriages,
engraving-shop records). Foreign keys exist only inside one registry (a household and
its members, an accident case and its parties and evidence): across registries the
link is the natural key (ID number, USCC, plate), as between real agencies.
Code outside ``app.registries`` reads these through ``to_record()`` values only.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.records import (  # residence_permit
    AccidentCaseRecord,
    AccidentPartyRecord,
    BirthCertificateRecord,
    DriverRecord,
    EngravingShopRecord,
    EnterpriseRecord,
    EvidenceItemRecord,
    HouseholdMemberRecord,
    HouseholdRecord,
    JudgmentRecord,
    MarriageRecord,
    PersonRecord,
    PolicePenaltyRecord,
    PropertyRecord,
    RelativeRecord,
    ResidencePermitRecord,
    ResidenceRegistrationRecord,
    SchoolEnrolmentRecord,
    SocialInsuranceRecord,
    VehicleRecord,
    ViolationRecord,
)
from app.extensions import db
from app.models.types import UTCDateTime

# --- Population and hukou (人口信息 / 户籍) -------------------------------------------


class RegPerson(db.Model):
    __tablename__ = "reg_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Citizen ID number; a foreigner's passport number.
    id_number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(60))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    ethnicity: Mapped[str] = mapped_column(String(16), default="")
    nationality: Mapped[str] = mapped_column(String(3), default="CHN")
    hukou_region_code: Mapped[str] = mapped_column(String(6), default="", index=True)
    household_number: Mapped[str | None] = mapped_column(
        ForeignKey("reg_households.household_number"), index=True
    )
    residence_permit_region_code: Mapped[str | None] = mapped_column(String(6))
    resident_since: Mapped[date | None] = mapped_column(Date)
    passport_number: Mapped[str | None] = mapped_column(String(20), index=True)
    deceased: Mapped[bool] = mapped_column(default=False)

    # Declared so that the unit of work inserts households before their persons (it
    # orders inserts by relationships, not by bare foreign keys). Set the column instead.
    household: Mapped[RegHousehold | None] = relationship(foreign_keys=[household_number])

    @classmethod
    def from_record(cls, record: PersonRecord) -> RegPerson:
        return cls(
            id_number=record.id_number,
            name=record.name,
            sex=record.sex,
            birth_date=record.birth_date,
            ethnicity=record.ethnicity,
            nationality=record.nationality,
            hukou_region_code=record.hukou_region_code,
            household_number=record.household_number,
            residence_permit_region_code=record.residence_permit_region_code,
            resident_since=record.resident_since,
            passport_number=record.passport_number,
            deceased=record.deceased,
        )

    def to_record(self) -> PersonRecord:
        return PersonRecord(
            id_number=self.id_number,
            name=self.name,
            sex=self.sex,
            birth_date=self.birth_date,
            ethnicity=self.ethnicity,
            nationality=self.nationality,
            hukou_region_code=self.hukou_region_code,
            household_number=self.household_number,
            residence_permit_region_code=self.residence_permit_region_code,
            resident_since=self.resident_since,
            passport_number=self.passport_number,
            deceased=self.deceased,
        )


class RegHousehold(db.Model):
    __tablename__ = "reg_households"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_number: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # family / collective
    station_unit_code: Mapped[str] = mapped_column(String(32), index=True)

    members: Mapped[list[RegHouseholdMember]] = relationship(
        back_populates="household", order_by="RegHouseholdMember.position", lazy="selectin"
    )

    def to_record(self) -> HouseholdRecord:
        return HouseholdRecord(
            household_number=self.household_number,
            region_code=self.region_code,
            address=self.address,
            kind=self.kind,
            station_unit_code=self.station_unit_code,
            members=tuple(member.to_record() for member in self.members),
        )


class RegHouseholdMember(db.Model):
    __tablename__ = "reg_household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("reg_households.id"), index=True)
    # A person belongs to one household at a time.
    id_number: Mapped[str] = mapped_column(ForeignKey("reg_persons.id_number"), unique=True)
    relation: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)

    household: Mapped[RegHousehold] = relationship(back_populates="members")
    person: Mapped[RegPerson] = relationship(lazy="joined")

    def to_record(self) -> HouseholdMemberRecord:
        return HouseholdMemberRecord(
            id_number=self.id_number, name=self.person.name, relation=self.relation
        )


class RegMarriage(db.Model):
    __tablename__ = "reg_marriages"
    __table_args__ = (
        UniqueConstraint("husband_id_number", "wife_id_number", "registered_on",
                         name="uq_reg_marriages_couple_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    husband_id_number: Mapped[str] = mapped_column(String(32), index=True)
    wife_id_number: Mapped[str] = mapped_column(String(32), index=True)
    registered_on: Mapped[date] = mapped_column(Date)
    dissolved_on: Mapped[date | None] = mapped_column(Date)

    def to_record(self) -> MarriageRecord:
        return MarriageRecord(
            husband_id_number=self.husband_id_number,
            wife_id_number=self.wife_id_number,
            registered_on=self.registered_on,
            dissolved_on=self.dissolved_on,
        )


class RegBirthCertificate(db.Model):
    """出生医学证明 (health commission)."""

    __tablename__ = "reg_birth_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    child_name: Mapped[str] = mapped_column(String(60))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    birth_province_code: Mapped[str] = mapped_column(String(2))
    hospital: Mapped[str] = mapped_column(String(120))
    mother_id_number: Mapped[str] = mapped_column(String(32), index=True)
    father_id_number: Mapped[str | None] = mapped_column(String(32), index=True)

    def to_record(self) -> BirthCertificateRecord:
        return BirthCertificateRecord(
            number=self.number,
            child_name=self.child_name,
            sex=self.sex,
            birth_date=self.birth_date,
            birth_province_code=self.birth_province_code,
            hospital=self.hospital,
            mother_id_number=self.mother_id_number,
            father_id_number=self.father_id_number,
        )


# --- Courts (裁判文书) -------------------------------------------------------------


class RegJudgment(db.Model):
    __tablename__ = "reg_judgments"
    __table_args__ = (
        UniqueConstraint("case_number", "id_number", name="uq_reg_judgments_case_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    court: Mapped[str] = mapped_column(String(120))
    offence: Mapped[str] = mapped_column(String(120))
    judgment_date: Mapped[date] = mapped_column(Date)
    effective: Mapped[bool] = mapped_column(default=True)
    sentence_months: Mapped[int] = mapped_column(default=0)
    offence_at_age: Mapped[int] = mapped_column(default=18)
    sealed_juvenile: Mapped[bool] = mapped_column(default=False)

    def to_record(self) -> JudgmentRecord:
        return JudgmentRecord(
            case_number=self.case_number,
            court=self.court,
            offence=self.offence,
            judgment_date=self.judgment_date,
            effective=self.effective,
            sentence_months=self.sentence_months,
            offence_at_age=self.offence_at_age,
            sealed_juvenile=self.sealed_juvenile,
            id_number=self.id_number,
        )


# --- Enterprises (市场主体登记) and engraving shops (印章刻制业备案) ----------------------


class RegEnterprise(db.Model):
    __tablename__ = "reg_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6))
    legal_rep_name: Mapped[str] = mapped_column(String(60))
    legal_rep_id_number: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    registered_capital_yuan: Mapped[int] = mapped_column(BigInteger, default=0)
    established_on: Mapped[date] = mapped_column(Date)
    business_scope: Mapped[str] = mapped_column(Text, default="")
    credit_status: Mapped[str] = mapped_column(String(8), default="good")

    def to_record(self) -> EnterpriseRecord:
        return EnterpriseRecord(
            uscc=self.uscc,
            name=self.name,
            address=self.address,
            region_code=self.region_code,
            legal_rep_name=self.legal_rep_name,
            legal_rep_id_number=self.legal_rep_id_number,
            status=self.status,
            registered_capital_yuan=self.registered_capital_yuan,
            established_on=self.established_on,
            business_scope=self.business_scope,
            credit_status=self.credit_status,
        )


class RegEngravingShop(db.Model):
    __tablename__ = "reg_engraving_shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    record_number: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="recorded")

    def to_record(self) -> EngravingShopRecord:
        return EngravingShopRecord(
            id=self.id,
            name=self.name,
            record_number=self.record_number,
            uscc=self.uscc,
            region_code=self.region_code,
            address=self.address,
            status=self.status,
        )


# --- Vehicles, drivers, violations (机动车 / 驾驶人 / 交通违法) ---------------------------


class RegVehicle(db.Model):
    __tablename__ = "reg_vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    owner_name: Mapped[str] = mapped_column(String(200))
    vehicle_type: Mapped[str] = mapped_column(String(40))
    energy: Mapped[str] = mapped_column(String(16), default="fuel")
    refrigerated: Mapped[bool] = mapped_column(default=False)
    emission_standard: Mapped[str] = mapped_column(String(8))
    inspection_valid_until: Mapped[date] = mapped_column(Date)
    scrapped: Mapped[bool] = mapped_column(default=False)

    def to_record(self) -> VehicleRecord:
        return VehicleRecord(
            plate=self.plate,
            owner_id=self.owner_id,
            owner_name=self.owner_name,
            vehicle_type=self.vehicle_type,
            energy=self.energy,
            refrigerated=self.refrigerated,
            emission_standard=self.emission_standard,
            inspection_valid_until=self.inspection_valid_until,
            scrapped=self.scrapped,
        )


class RegDriver(db.Model):
    __tablename__ = "reg_drivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(60))
    licence_number: Mapped[str] = mapped_column(String(32), unique=True)
    licence_class: Mapped[str] = mapped_column(String(16))
    licence_valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="valid")

    def to_record(self) -> DriverRecord:
        return DriverRecord(
            id_number=self.id_number,
            name=self.name,
            licence_number=self.licence_number,
            licence_class=self.licence_class,
            licence_valid_until=self.licence_valid_until,
            status=self.status,
        )


class RegViolation(db.Model):
    __tablename__ = "reg_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    plate: Mapped[str | None] = mapped_column(String(16), index=True)
    driver_id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(String(200))
    handled: Mapped[bool] = mapped_column(default=False)

    def to_record(self) -> ViolationRecord:
        return ViolationRecord(
            reference=self.reference,
            plate=self.plate,
            driver_id_number=self.driver_id_number,
            occurred_at=self.occurred_at,
            description=self.description,
            handled=self.handled,
        )


# --- Accident cases (道路交通事故) ------------------------------------------------


class RegAccidentCase(db.Model):
    __tablename__ = "reg_accident_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    procedure: Mapped[str] = mapped_column(String(16))  # general / simple
    fatal: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    determination_served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parties: Mapped[list[RegAccidentParty]] = relationship(
        back_populates="case", order_by="RegAccidentParty.id", lazy="selectin"
    )
    evidence_items: Mapped[list[RegEvidenceItem]] = relationship(
        back_populates="case", order_by="RegEvidenceItem.id"
    )

    def to_record(self) -> AccidentCaseRecord:
        return AccidentCaseRecord(
            case_number=self.case_number,
            unit_code=self.unit_code,
            procedure=self.procedure,
            fatal=self.fatal,
            occurred_at=self.occurred_at,
            location=self.location,
            summary=self.summary,
            determination_served_at=self.determination_served_at,
            parties=tuple(party.to_record() for party in self.parties),
            deceased=tuple(party.id_number for party in self.parties if party.deceased),
        )


class RegAccidentParty(db.Model):
    __tablename__ = "reg_accident_parties"
    __table_args__ = (
        UniqueConstraint("case_id", "id_number", name="uq_reg_accident_parties_case_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("reg_accident_cases.id"), index=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(11), default="")
    role_zh: Mapped[str] = mapped_column(String(40))
    deceased: Mapped[bool] = mapped_column(default=False)  # died in the accident

    case: Mapped[RegAccidentCase] = relationship(back_populates="parties")

    def to_record(self) -> AccidentPartyRecord:
        return AccidentPartyRecord(
            id_number=self.id_number, name=self.name, phone=self.phone, role_zh=self.role_zh
        )


class RegCloseRelative(db.Model):
    """近亲属 of a person who died in an accident (for accident-evidence queries)."""

    __tablename__ = "reg_close_relatives"
    __table_args__ = (
        UniqueConstraint("deceased_id_number", "id_number", name="uq_reg_close_relatives_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deceased_id_number: Mapped[str] = mapped_column(String(32), index=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    relation: Mapped[str] = mapped_column(String(16))

    def to_record(self) -> RelativeRecord:
        return RelativeRecord(
            id_number=self.id_number,
            relative_of=self.deceased_id_number,
            relation=self.relation,
            name=self.name,
        )


class RegEvidenceItem(db.Model):
    __tablename__ = "reg_evidence_items"
    __table_args__ = (
        UniqueConstraint("case_id", "filename", name="uq_reg_evidence_items_case_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("reg_accident_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(80))
    confidential: Mapped[bool] = mapped_column(default=False)
    confidential_reason: Mapped[str | None] = mapped_column(String(32))
    # The file itself; deferred so that listing items never loads it.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    case: Mapped[RegAccidentCase] = relationship(back_populates="evidence_items", lazy="joined")

    def to_record(self) -> EvidenceItemRecord:
        return EvidenceItemRecord(
            id=self.id,
            case_number=self.case.case_number,
            kind=self.kind,
            title=self.title,
            filename=self.filename,
            mime=self.mime,
            confidential=self.confidential,
            confidential_reason=self.confidential_reason,
        )


# --- residence_permit: residence registration, social insurance, school, property, permits ---


class RegResidenceRegistration(db.Model):
    __tablename__ = "reg_residence_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(String(200))
    registered_on: Mapped[date] = mapped_column(Date)
    station_unit_code: Mapped[str] = mapped_column(String(32))

    def to_record(self) -> ResidenceRegistrationRecord:
        return ResidenceRegistrationRecord(self.id_number, self.region_code, self.address, self.registered_on,
                                           self.station_unit_code)


class RegSocialInsurance(db.Model):
    __tablename__ = "reg_social_insurance"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    employer: Mapped[str] = mapped_column(String(120))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    def to_record(self) -> SocialInsuranceRecord:
        return SocialInsuranceRecord(self.id_number, self.region_code, self.employer, self.since, self.until)


class RegSchoolEnrolment(db.Model):
    __tablename__ = "reg_school_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    school: Mapped[str] = mapped_column(String(120))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    def to_record(self) -> SchoolEnrolmentRecord:
        return SchoolEnrolmentRecord(self.id_number, self.region_code, self.school, self.since, self.until)


class RegProperty(db.Model):
    __tablename__ = "reg_properties"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(String(200))
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    since: Mapped[date] = mapped_column(Date)

    def to_record(self) -> PropertyRecord:
        return PropertyRecord(self.id_number, self.region_code, self.address, self.certificate_number, self.since)


class RegResidencePermit(db.Model):
    """The residence permits issued (居住证信息): written by the station's approval."""

    __tablename__ = "reg_residence_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(60))
    region_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(String(200))
    station_unit_code: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[date] = mapped_column(Date)
    endorsement_due: Mapped[date] = mapped_column(Date)
    last_endorsed_on: Mapped[date | None] = mapped_column(Date)

    def to_record(self) -> ResidencePermitRecord:
        return ResidencePermitRecord(self.number, self.id_number, self.name, self.region_code, self.address,
                                     self.station_unit_code, self.issued_on, self.endorsement_due,
                                     self.last_endorsed_on)
# --- credit_repair: police administrative penalties (公安行政处罚) -------------------------------


class RegPolicePenalty(db.Model):
    """公安行政处罚决定 on an enterprise and the credit mark it caused (by USCC, as between agencies)."""

    __tablename__ = "reg_police_penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_number: Mapped[str] = mapped_column(String(60), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    authority: Mapped[str] = mapped_column(String(120))
    decided_on: Mapped[date] = mapped_column(Date)
    conduct: Mapped[str] = mapped_column(String(400))
    sanction: Mapped[str] = mapped_column(String(200))
    carried_out_on: Mapped[date | None] = mapped_column(Date)
    lowers_credit: Mapped[bool] = mapped_column(default=False)
    credit_repaired_on: Mapped[date | None] = mapped_column(Date)
    credit_repair_reference: Mapped[str] = mapped_column(String(40), default="")

    @classmethod
    def from_record(cls, record: PolicePenaltyRecord) -> RegPolicePenalty:
        return cls(**record.__dict__)

    def to_record(self) -> PolicePenaltyRecord:
        return PolicePenaltyRecord(
            decision_number=self.decision_number, uscc=self.uscc, authority=self.authority,
            decided_on=self.decided_on, conduct=self.conduct, sanction=self.sanction,
            carried_out_on=self.carried_out_on, lowers_credit=self.lowers_credit,
            credit_repaired_on=self.credit_repaired_on, credit_repair_reference=self.credit_repair_reference,
        )
