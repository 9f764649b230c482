"""The simulated registries: real tables (``reg_``) seeded with synthetic data.

Reads return records from ``app.domain.records``, never ORM objects. The few writes a
service needs from the registries (entering a newborn into a household) exist only
here, on the simulated side; they flush but never commit — the operation that calls
them owns the transaction.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, undefer

from app.domain.newborn_ids import NoFreeSequence, allocate_citizen_id, id_prefix
from app.domain.records import (  # residence_permit
    AccidentCaseRecord,
    BirthCertificateRecord,
    DriverRecord,
    EngravingShopRecord,
    EnterpriseRecord,
    EvidenceItemRecord,
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
from app.models.registries import (  # residence_permit
    RegAccidentCase,
    RegAccidentParty,
    RegBirthCertificate,
    RegCloseRelative,
    RegDriver,
    RegEngravingShop,
    RegEnterprise,
    RegEvidenceItem,
    RegHousehold,
    RegHouseholdMember,
    RegJudgment,
    RegMarriage,
    RegPerson,
    RegPolicePenalty,
    RegProperty,
    RegResidencePermit,
    RegResidenceRegistration,
    RegSchoolEnrolment,
    RegSocialInsurance,
    RegVehicle,
    RegViolation,
)


class RegistryWriteError(ValueError):
    """A write to the simulated registries that the registry itself refuses."""


class SimulatedRegistries:
    """:class:`app.registries.Registries` over the ``reg_`` tables of ``session``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- population and hukou ---------------------------------------------------

    def person(self, id_number: str) -> PersonRecord | None:
        row = self.session.scalar(select(RegPerson).where(RegPerson.id_number == id_number))
        return row.to_record() if row else None

    def household(self, household_number: str) -> HouseholdRecord | None:
        row = self._household_row(household_number)
        return row.to_record() if row else None

    def household_of(self, id_number: str) -> HouseholdRecord | None:
        row = self.session.scalar(
            select(RegHousehold)
            .join(RegHouseholdMember, RegHouseholdMember.household_id == RegHousehold.id)
            .where(RegHouseholdMember.id_number == id_number)
        )
        return row.to_record() if row else None

    def _household_row(self, household_number: str) -> RegHousehold | None:
        return self.session.scalar(
            select(RegHousehold).where(RegHousehold.household_number == household_number)
        )

    # --- courts -----------------------------------------------------------------

    def judgments(self, id_number: str) -> list[JudgmentRecord]:
        rows = self.session.scalars(
            select(RegJudgment)
            .where(RegJudgment.id_number == id_number)
            .order_by(RegJudgment.judgment_date, RegJudgment.id)
        )
        return [row.to_record() for row in rows]

    # --- enterprises --------------------------------------------------------------

    def enterprise(self, uscc: str) -> EnterpriseRecord | None:
        row = self.session.scalar(select(RegEnterprise).where(RegEnterprise.uscc == uscc))
        return self._with_police_marks(row.to_record()) if row else None

    def enterprises_by_legal_rep(self, id_number: str) -> list[EnterpriseRecord]:
        rows = self.session.scalars(
            select(RegEnterprise)
            .where(RegEnterprise.legal_rep_id_number == id_number)
            .order_by(RegEnterprise.established_on, RegEnterprise.id)
        )
        return [self._with_police_marks(row.to_record()) for row in rows]

    # --- vehicles, drivers, violations ----------------------------------------------

    def vehicle(self, plate: str) -> VehicleRecord | None:
        row = self.session.scalar(select(RegVehicle).where(RegVehicle.plate == plate))
        return row.to_record() if row else None

    def driver(self, id_number: str) -> DriverRecord | None:
        row = self.session.scalar(select(RegDriver).where(RegDriver.id_number == id_number))
        return row.to_record() if row else None

    def violations(
        self,
        *,
        plate: str | None = None,
        driver_id_number: str | None = None,
        unhandled_only: bool = True,
    ) -> list[ViolationRecord]:
        """Violations of the vehicle or of the driver (both given: either matches)."""
        conditions = []
        if plate is not None:
            conditions.append(RegViolation.plate == plate)
        if driver_id_number is not None:
            conditions.append(RegViolation.driver_id_number == driver_id_number)
        if not conditions:
            return []
        query = select(RegViolation).where(or_(*conditions))
        if unhandled_only:
            query = query.where(RegViolation.handled.is_(False))
        rows = self.session.scalars(query.order_by(RegViolation.occurred_at, RegViolation.id))
        return [row.to_record() for row in rows]

    # --- accident cases -------------------------------------------------------------

    def accident_case(self, case_number: str) -> AccidentCaseRecord | None:
        row = self.session.scalar(
            select(RegAccidentCase).where(RegAccidentCase.case_number == case_number)
        )
        return row.to_record() if row else None

    def accident_cases_of_person(self, id_number: str) -> list[AccidentCaseRecord]:
        """Cases in which the person is a party (relatives: see :meth:`close_relatives_of`)."""
        rows = self.session.scalars(
            select(RegAccidentCase)
            .where(
                RegAccidentCase.id.in_(
                    select(RegAccidentParty.case_id).where(RegAccidentParty.id_number == id_number)
                )
            )
            .order_by(RegAccidentCase.occurred_at, RegAccidentCase.id)
        )
        return [row.to_record() for row in rows]

    def evidence_items(self, case_number: str) -> list[EvidenceItemRecord]:
        """Every item of the case, confidential ones included: the caller filters."""
        rows = self.session.scalars(
            select(RegEvidenceItem)
            .join(RegAccidentCase, RegEvidenceItem.case_id == RegAccidentCase.id)
            .where(RegAccidentCase.case_number == case_number)
            .order_by(RegEvidenceItem.id)
        )
        return [row.to_record() for row in rows]

    def evidence_content(self, item_id: int) -> tuple[str, str, bytes] | None:
        """(filename, mime type, bytes) of one item, or None."""
        row = self.session.scalar(
            select(RegEvidenceItem)
            .options(undefer(RegEvidenceItem.content))
            .where(RegEvidenceItem.id == item_id)
        )
        return (row.filename, row.mime, bytes(row.content)) if row else None

    # --- births, marriages, relatives -----------------------------------------------

    def birth_certificate(self, number: str) -> BirthCertificateRecord | None:
        row = self.session.scalar(
            select(RegBirthCertificate).where(RegBirthCertificate.number == number)
        )
        return row.to_record() if row else None

    def marriage_between(self, id_a: str, id_b: str) -> MarriageRecord | None:
        """The couple's marriage in force if any, else their latest one (in either order)."""
        rows = list(
            self.session.scalars(
                select(RegMarriage)
                .where(
                    or_(
                        and_(RegMarriage.husband_id_number == id_a, RegMarriage.wife_id_number == id_b),
                        and_(RegMarriage.husband_id_number == id_b, RegMarriage.wife_id_number == id_a),
                    )
                )
                .order_by(RegMarriage.registered_on.desc(), RegMarriage.id.desc())
            )
        )
        if not rows:
            return None
        current = next((row for row in rows if row.dissolved_on is None), rows[0])
        return current.to_record()

    def close_relatives_of(self, deceased_id_number: str) -> list[RelativeRecord]:
        rows = self.session.scalars(
            select(RegCloseRelative)
            .where(RegCloseRelative.deceased_id_number == deceased_id_number)
            .order_by(RegCloseRelative.id)
        )
        return [row.to_record() for row in rows]

    # --- engraving shops --------------------------------------------------------------

    def engraving_shop(self, shop_id: int) -> EngravingShopRecord | None:
        row = self.session.get(RegEngravingShop, shop_id)
        return row.to_record() if row else None

    def engraving_shops(self, region_code: str | None = None) -> list[EngravingShopRecord]:
        """Shops of every status (the caller keeps the ``recorded`` ones), by name."""
        query = select(RegEngravingShop)
        if region_code is not None:
            query = query.where(RegEngravingShop.region_code == region_code)
        rows = self.session.scalars(query.order_by(RegEngravingShop.name, RegEngravingShop.id))
        return [row.to_record() for row in rows]

    # --- write side (simulated registries only) -----------------------------------------

    def allocate_citizen_id(
        self, region_code: str, birth_date: date, sex: str, *, also_taken: Collection[str] = ()
    ) -> str:
        """A free citizen ID number for a newborn: the numbers of that region and birth date
        already in the population registry (plus ``also_taken``, e.g. one a concurrent
        registration has just claimed) go to the pure rule in ``app.domain.newborn_ids``."""
        prefix = id_prefix(region_code, birth_date)
        taken = set(
            self.session.scalars(
                select(RegPerson.id_number).where(RegPerson.id_number.startswith(prefix))
            )
        )
        try:
            return allocate_citizen_id(region_code, birth_date, sex, taken | set(also_taken))
        except NoFreeSequence as exc:
            raise RegistryWriteError(f"no free ID sequence for {prefix}") from exc

    def add_household_member(
        self, household_number: str, person: PersonRecord, relation: str
    ) -> HouseholdRecord:
        """Enter ``person`` into the household (e.g. a newborn's 出生登记).

        A person not yet in the population registry is added with the household's
        region as hukou; one already there must not belong to another household.
        Flushes, does not commit.
        """
        household = self._household_row(household_number)
        if household is None:
            raise RegistryWriteError(f"household {household_number} not found")
        row = self.session.scalar(select(RegPerson).where(RegPerson.id_number == person.id_number))
        membership = self.session.scalar(
            select(RegHouseholdMember).where(RegHouseholdMember.id_number == person.id_number)
        )
        if membership is not None:
            raise RegistryWriteError("person already belongs to a household")
        if row is None:
            row = RegPerson.from_record(person)
            self.session.add(row)
        row.household_number = household.household_number
        row.hukou_region_code = household.region_code
        position = max((member.position for member in household.members), default=-1) + 1
        member = RegHouseholdMember(
            household=household, id_number=person.id_number, relation=relation, position=position
        )
        member.person = row
        self.session.add(member)
        self.session.flush()
        self.session.refresh(household)
        return household.to_record()

    # --- residence_permit: registration, Art. 2 proofs, the permits (read and write) ------

    def residence_registration(self, id_number: str) -> ResidenceRegistrationRecord | None:
        """The person's latest residence registration (居住登记)."""
        row = self.session.scalar(select(RegResidenceRegistration)
                                  .where(RegResidenceRegistration.id_number == id_number)
                                  .order_by(RegResidenceRegistration.registered_on.desc(),
                                            RegResidenceRegistration.id.desc()).limit(1))
        return row.to_record() if row else None

    def social_insurance(self, id_number: str) -> list[SocialInsuranceRecord]:
        rows = self.session.scalars(select(RegSocialInsurance).where(RegSocialInsurance.id_number == id_number)
                                    .order_by(RegSocialInsurance.since, RegSocialInsurance.id))
        return [row.to_record() for row in rows]

    def school_enrolments(self, id_number: str) -> list[SchoolEnrolmentRecord]:
        rows = self.session.scalars(select(RegSchoolEnrolment).where(RegSchoolEnrolment.id_number == id_number)
                                    .order_by(RegSchoolEnrolment.since, RegSchoolEnrolment.id))
        return [row.to_record() for row in rows]

    def properties(self, id_number: str) -> list[PropertyRecord]:
        rows = self.session.scalars(select(RegProperty).where(RegProperty.id_number == id_number)
                                    .order_by(RegProperty.since, RegProperty.id))
        return [row.to_record() for row in rows]

    def residence_permit_of(self, id_number: str) -> ResidencePermitRecord | None:
        row = self.session.scalar(select(RegResidencePermit).where(RegResidencePermit.id_number == id_number)
                                  .order_by(RegResidencePermit.issued_on.desc(), RegResidencePermit.id.desc())
                                  .limit(1))
        return row.to_record() if row else None

    def residence_permits_issued(self, prefix: str) -> int:
        """How many permit numbers start with `prefix` (a station's year): the next sequence."""
        return len(list(self.session.scalars(select(RegResidencePermit.id)
                                             .where(RegResidencePermit.number.startswith(prefix)))))

    def record_residence_permit(self, permit: ResidencePermitRecord) -> ResidencePermitRecord:
        """Enter a newly issued permit; flushes, does not commit."""
        self.session.add(RegResidencePermit(
            number=permit.number, id_number=permit.id_number, name=permit.name, region_code=permit.region_code,
            address=permit.address, station_unit_code=permit.station_unit_code, issued_on=permit.issued_on,
            endorsement_due=permit.endorsement_due, last_endorsed_on=permit.last_endorsed_on))
        self.session.flush()
        return permit

    def endorse_residence_permit(self, number: str, *, endorsed_on: date, next_due: date) -> ResidencePermitRecord:
        """Record an endorsement (签注); flushes, does not commit."""
        row = self.session.scalar(select(RegResidencePermit).where(RegResidencePermit.number == number))
        if row is None:
            raise RegistryWriteError(f"residence permit {number} not found")
        row.last_endorsed_on, row.endorsement_due = endorsed_on, next_due
    # --- credit_repair: police administrative penalties and their credit marks -----------------

    def police_penalties(self, uscc: str) -> list[PolicePenaltyRecord]:
        rows = self.session.scalars(
            select(RegPolicePenalty).where(RegPolicePenalty.uscc == uscc)
            .order_by(RegPolicePenalty.decided_on, RegPolicePenalty.id)
        )
        return [row.to_record() for row in rows]

    def _with_police_marks(self, record: EnterpriseRecord) -> EnterpriseRecord:
        """The market regulator's credit standing reflects the marks police penalties caused
        until the police have them repaired (seed 004 第11条: 与市市场监管委沟通修复其信用等级);
        a mark of its own (the stored status) stays whatever the police do."""
        if record.credit_status == "bad":
            return record
        marked = self.session.scalar(
            select(RegPolicePenalty.id).where(RegPolicePenalty.uscc == record.uscc, RegPolicePenalty.lowers_credit,
                                              RegPolicePenalty.credit_repaired_on.is_(None)).limit(1)
        )
        return replace(record, credit_status="bad") if marked is not None else record

    def repair_credit_mark(self, decision_number: str, *, repaired_on: date, reference: str) -> PolicePenaltyRecord:
        """Record the repair of the credit mark a penalty caused (信用修复). Flushes, does not commit."""
        row = self.session.scalar(
            select(RegPolicePenalty).where(RegPolicePenalty.decision_number == decision_number).with_for_update()
        )
        if row is None or not row.lowers_credit or row.credit_repaired_on is not None:
            raise RegistryWriteError(f"no standing credit mark for penalty {decision_number}")
        row.credit_repaired_on = repaired_on
        row.credit_repair_reference = reference
        self.session.flush()
        return row.to_record()
