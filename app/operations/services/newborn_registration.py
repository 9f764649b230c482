"""新生儿出生登记"全省通办": the eligibility check against the registries, filing at any
hukou police station in the province, and, on approval, the child entered into the receiving
household with a newly allocated citizen ID number.

Who may see what: only a parent named on the birth certificate (the logged-in citizen is its
father or mother) may check or file for the child. Anyone else, and any unknown certificate
number, gets one and the same refusal, so a refusal reveals nothing about the child.

Allocating the ID number safely (two approvals at the same moment): the number is chosen from
the numbers in use (``app.domain.newborn_ids``) and inserted inside a SAVEPOINT; the unique key
on ``reg_persons.id_number`` decides. If a concurrent approval has claimed the same number, the
insert fails (PostgreSQL: once the other transaction commits), the savepoint is rolled back and
the next free number is tried. A lock was the alternative, but it would need either a lock
table or database-specific advisory locks, and it would not protect against writers that do not
take it; the unique key protects every writer. On SQLite the write transaction is opened with
BEGIN IMMEDIATE first: pysqlite would otherwise let the SAVEPOINT start (and its RELEASE commit)
a transaction of its own, and SQLite's single write lock then also keeps the read of the numbers
in use and the insert together.

Why in ``check_action`` and not ``after_action``: the engine renders the outcome document (the
入户登记证明, which prints the new number) while recording the approval, before ``after_action``
runs; so the number is allocated and the child entered just before the event is recorded, and
the number goes into the approval event's payload (hash-chained). Everything is one transaction:
a refused or failed approval leaves the registry untouched. ``after_action`` audits the write.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.domain.catalogue import newborn_registration as rules
from app.domain.records import BirthCertificateRecord, HouseholdRecord, MarriageRecord, PersonRecord
from app.domain.text import N_, Bilingual, Message
from app.domain.workflow import Action, Actor, State
from app.extensions import db
from app.models.accounts import Role, Unit, UnitKind, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError, localize, localize_value, settings
from app.operations.audit import log_access
from app.operations.services import (
    Filing,
    OutcomeDocument,
    ServiceHandler,
    refusal,
    register,
    unit_for_region,
)
from app.registries import get_registries
from app.registries.simulated import RegistryWriteError

CODE = rules.SERVICE.code
MAX_AGE_KEY = "newborn_registration.max_age_years"  # a setting (app.domain.catalogue.defaults)
SEX_NAMES = {"M": N_("男"), "F": N_("女")}
# An application in one of these states still stands for the child (open, or registered).
_STANDING_STATES = tuple(s.value for s in (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED,
                                             State.SUSPENDED, State.APPROVED, State.ISSUED))
_REGISTERED_STATES = (State.APPROVED.value, State.ISSUED.value)
MAX_ALLOCATION_ATTEMPTS = 25

# One message for "no such certificate" and "you are not a parent on it": reveals nothing.
NOT_FOUND_MESSAGE = (N_("未查询到您作为父亲或母亲登记的该《出生医学证明》。请核对编号；"
                     "只有《出生医学证明》上登记的父亲或母亲本人可以查询和申报。"))


def _not_found() -> OperationError:
    return OperationError("newborn.certificate_not_found", NOT_FOUND_MESSAGE, field="birth_certificate_number")


@dataclass(frozen=True)
class Facts:
    """What the registries say about one child and its parents."""

    certificate: BirthCertificateRecord
    father: PersonRecord | None
    mother: PersonRecord | None
    marriage: MarriageRecord | None
    household: HouseholdRecord | None  # the receiving parent's household
    receiving: str
    other_household: HouseholdRecord | None = None  # the other parent's (for the advice)

    def eligibility(self, today: date) -> rules.Eligibility:
        return rules.check_eligibility(self.certificate, self.father, self.mother, self.marriage,
                                       self.household, today, receiving=self.receiving,
                                       other_household=self.other_household,
                                       max_age_years=int(settings.global_value(MAX_AGE_KEY, timeutil.now())))

    @property
    def receiving_person(self) -> PersonRecord | None:
        return self.father if self.receiving == "father" else self.mother


@dataclass(frozen=True)
class CheckResult:
    certificate_number: str
    receiving: str
    child_name: str
    child_sex: str
    birth_date: date
    eligibility: rules.Eligibility
    late_note: Message | None
    existing_number: str | None  # an application for this child already stands
    existing_registered: bool  # … and the child is already registered under it
    default_station: str | None

    @property
    def may_file(self) -> bool:
        return self.eligibility.eligible and self.existing_number is None


# --- reading the registries -------------------------------------------------------------------


def _clean_number(value: object) -> str:
    try:
        return rules.normalise_certificate_number(value)
    except rules.RuleViolation as violation:
        raise refusal(violation) from None


def _clean_receiving(value: object) -> str:
    if value not in rules.RECEIVING_PARENTS:
        raise OperationError("receiving_parent.invalid", N_("请选择随父落户或随母落户。"), field="receiving_parent")
    return str(value)


def certificate_for_parent(applicant: User, number: str, registries) -> BirthCertificateRecord:
    """The certificate, only for a parent named on it. Anyone else (and an unknown number)
    gets the same refusal; the attempt is audited and committed even though it is refused."""
    if applicant.role_enum != Role.CITIZEN or not applicant.id_number:
        raise OperationError("newborn.account", N_("新生儿出生登记须由父亲或母亲使用本人的个人实名账号查询和申报。"),
                             status=403)
    certificate = registries.birth_certificate(number)
    if certificate is None or applicant.id_number not in (certificate.father_id_number, certificate.mother_id_number):
        log_access(actor=applicant, action="newborn.check_refused", subject_kind="birth_certificate",
                   subject_id=number, detail="unknown certificate or not a parent on it")
        db.session.commit()
        raise _not_found()
    return certificate


def gather(certificate: BirthCertificateRecord, receiving: str, registries) -> Facts:
    father = registries.person(certificate.father_id_number) if certificate.father_id_number else None
    mother = registries.person(certificate.mother_id_number) if certificate.mother_id_number else None
    marriage = registries.marriage_between(father.id_number, mother.id_number) if father and mother else None
    parent, other = (father, mother) if receiving == "father" else (mother, father)
    household = registries.household_of(parent.id_number) if parent else None
    other_household = registries.household_of(other.id_number) if other else None
    return Facts(certificate, father, mother, marriage, household, receiving, other_household)


def standing_application(number: str, *, exclude_id: int | None = None,
                         states: tuple[str, ...] = _STANDING_STATES) -> Application | None:
    query = select(Application).where(
        Application.service_code == CODE,
        Application.data["birth_certificate_number"].as_string() == number,
        Application.state.in_(states),
    )
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    return db.session.scalars(query.order_by(Application.id)).first()


def police_stations() -> list[Unit]:
    """Every hukou police station in the province (全省通办: the family may apply at any)."""
    units = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.POLICE_STATION.value).order_by(Unit.code))
    return [unit for unit in units if rules.in_province(unit.region_code)]


def station_choices() -> list[tuple[str, str]]:
    """The stations by name (in the request's language) with their address."""
    return [(unit.code, localize(N_("%(name)s（%(address)s）"), {"name": _unit_name(unit), "address": unit.address})
             if unit.address else localize_value(_unit_name(unit))) for unit in police_stations()]


def _unit_name(unit: Unit) -> Bilingual:
    return Bilingual(unit.name, unit.name_en or unit.name)


def default_station(household: HouseholdRecord | None) -> Unit | None:
    """The receiving household's own station, else the station of its region."""
    if household is None:
        return None
    stations = {unit.code: unit for unit in police_stations()}
    if household.station_unit_code in stations:
        return stations[household.station_unit_code]
    unit = unit_for_region(UnitKind.POLICE_STATION.value, household.region_code)
    return unit if unit is not None and unit.code in stations else None


def check(applicant: User, certificate_number: object, receiving: object, *, now: datetime) -> CheckResult:
    """The eligibility check a family runs before filing (audited: it reads the other parent's
    and the child's data)."""
    number = _clean_number(certificate_number)
    receiving = _clean_receiving(receiving)
    registries = get_registries()
    certificate = certificate_for_parent(applicant, number, registries)
    facts = gather(certificate, receiving, registries)
    today = timeutil.local(now).date()
    eligibility = facts.eligibility(today)
    existing = standing_application(number)
    station = default_station(facts.household)
    log_access(actor=applicant, action="newborn.eligibility_check", subject_kind="birth_certificate",
               subject_id=number)
    db.session.commit()
    return CheckResult(
        certificate_number=number, receiving=receiving, child_name=certificate.child_name,
        child_sex=certificate.sex, birth_date=certificate.birth_date, eligibility=eligibility,
        late_note=rules.late_message(certificate.birth_date, today) if eligibility.late else None,
        existing_number=existing.number if existing else None,
        existing_registered=existing is not None and existing.state in _REGISTERED_STATES,
        default_station=station.code if station else None,
    )


def filing_defaults(applicant: User, certificate_number: str, receiving: str) -> dict[str, str]:
    """Pre-filled filing fields after a check (child's name from the certificate, station)."""
    registries = get_registries()
    try:
        certificate = certificate_for_parent(applicant, _clean_number(certificate_number), registries)
        receiving = _clean_receiving(receiving)
    except OperationError:
        return {}
    station = default_station(gather(certificate, receiving, registries).household)
    return {"birth_certificate_number": certificate.number, "receiving_parent": receiving,
            "child_name": certificate.child_name, "station": station.code if station else ""}


def own_household_station(applicant: User) -> str | None:
    if not applicant.id_number:
        return None
    station = default_station(get_registries().household_of(applicant.id_number))
    return station.code if station else None


# --- entering the child into the household ------------------------------------------------------


class _Collision(Exception):
    """The candidate number is in use after all (claimed since it was chosen)."""


def _begin_write_transaction() -> None:
    """See the module docstring: on SQLite, open the transaction (and take the write lock)
    before the SAVEPOINT; elsewhere the driver has already opened it."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only_refusal(registries) -> OperationError | None:
    """The population registry must take new members for a child to be entered online."""
    if not hasattr(registries, "allocate_citizen_id") or not hasattr(registries, "add_household_member"):
        return OperationError("newborn.registry_read_only", N_("户籍系统暂不支持网上入户登记，请在户政系统中办理。"),
                              status=409)
    return None


def enter_child(registries, household: HouseholdRecord, child: PersonRecord, relation: str) -> str:
    """Allocate a free ID number and enter the child into the household under it; retry with
    the next free number when a concurrent registration has claimed it. Returns the number."""

    refused = read_only_refusal(registries)
    if refused is not None:
        raise refused
    _begin_write_transaction()
    collided: set[str] = set()
    for _ in range(MAX_ALLOCATION_ATTEMPTS):
        try:
            candidate = registries.allocate_citizen_id(household.region_code, child.birth_date, child.sex,
                                                       also_taken=collided)
        except RegistryWriteError as exc:
            raise OperationError(
                "newborn.no_free_id",
                N_("该地区当日出生的同性别人员公民身份号码顺序码已分配完毕，请报上级户政部门处理。"), status=409,
            ) from exc
        try:
            with db.session.begin_nested():
                if registries.person(candidate) is not None:
                    raise _Collision
                new = replace(child, id_number=candidate)
                registries.add_household_member(household.household_number, new, relation)
        except (IntegrityError, _Collision):
            collided.add(candidate)
            continue
        except RegistryWriteError as exc:
            if registries.household(household.household_number) is not None:
                collided.add(candidate)  # the number was committed by someone else just now
                continue
            raise OperationError("newborn.household_changed", N_("落户户籍信息已变化，请核实后重新办理。"),
                                 status=409) from exc
        return candidate
    raise OperationError("newborn.allocation_busy", N_("公民身份号码分配繁忙，请稍后重试。"), status=409)


# --- the handler --------------------------------------------------------------------------------


class NewbornRegistrationHandler(ServiceHandler):
    code = CODE
    value_labels = {"receiving_parent": rules.RECEIVING_PARENTS, "child_sex": SEX_NAMES}

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        stations = {unit.code: unit.name for unit in police_stations()}
        return [(key, stations.get(value, value) if key == "station" else value)
                for key, value in super().display_data(application)]

    def prepare(self, applicant: User, data: rules.NewbornFiling, *, now: datetime) -> Filing:
        today = timeutil.local(now).date()
        number, receiving, child_name = data.birth_certificate_number, data.receiving_parent, data.child_name
        registries = get_registries()
        certificate = certificate_for_parent(applicant, number, registries)
        facts = gather(certificate, receiving, registries)
        eligibility = facts.eligibility(today)
        if not eligibility.eligible:
            raise refusal(rules.refusal(eligibility))
        existing = standing_application(number)
        if existing is not None:
            raise OperationError("newborn.duplicate",
                                 N_("该新生儿已有出生登记申请（办件编号%(number)s），请勿重复申报。"),
                                 field="birth_certificate_number", status=409, params={"number": existing.number})
        unit = self._station(data.station, facts.household)
        clean: dict[str, Any] = {
            "birth_certificate_number": number,
            "receiving_parent": receiving,
            "child_name": child_name,
            "child_sex": certificate.sex,
            "child_birth_date": certificate.birth_date.isoformat(),
            "household_number": facts.household.household_number,
            "station": unit.code,
            "late_registration": eligibility.late,
        }
        if eligibility.late:
            clean["late_registration_note"] = rules.late_note(certificate.birth_date, today)
        if child_name != certificate.child_name:
            clean["name_differs_from_certificate"] = f"与《出生医学证明》登记的姓名（{certificate.child_name}）不一致，请核实"
        log_access(actor=applicant, action="newborn.file", subject_kind="birth_certificate", subject_id=number)
        declarant = registries.person(applicant.id_number)
        return Filing(unit_id=unit.id, data=clean, subject_name=declarant.name if declarant else applicant.real_name,
                      subject_id_number=applicant.id_number)

    def _station(self, code: str | None, household: HouseholdRecord | None) -> Unit:
        if code:
            unit = next((u for u in police_stations() if u.code == code), None)
            if unit is None:
                raise OperationError("station.invalid", N_("请选择河南省内的公安户籍派出所。"), field="station")
            return unit
        unit = default_station(household)
        if unit is None:
            raise OperationError("station.missing", N_("落户方户籍派出所暂未开通网上受理，请选择受理派出所。"), field="station")
        return unit

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        if action != Action.APPROVE or application.state != State.ACCEPTED.value:
            return None
        return self._standing(application)[0]

    def _standing(self, application: Application):
        """The registries as of now, before the child is entered: (the refusal or None, the
        certificate, the facts the rules read)."""
        data = application.data
        registries = get_registries()
        certificate = registries.birth_certificate(data["birth_certificate_number"])
        if certificate is None:
            return OperationError("newborn.certificate_missing", N_("未查询到该《出生医学证明》，请核实后作出不予登记决定。"),
                                  status=409), None, None
        facts = gather(certificate, data["receiving_parent"], registries)
        filed_on = timeutil.local(application.submitted_at or application.created_at).date()
        eligibility = facts.eligibility(filed_on)
        if not eligibility.eligible:
            violation = rules.refusal(eligibility)
            return OperationError("newborn.no_longer_eligible", N_("登记信息已变化：%(reason)s请作出不予登记决定。"),
                                  status=409, params={"reason": Message(violation.template, violation.params)}), \
                certificate, facts
        if standing_application(certificate.number, exclude_id=application.id, states=_REGISTERED_STATES):
            return OperationError("newborn.already_registered", N_("该新生儿已通过其他申请办理入户，请作出不予登记决定。"),
                                  status=409), certificate, facts
        return read_only_refusal(registries), certificate, facts

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        if action != Action.APPROVE or application.state != State.ACCEPTED.value:
            return None
        refused, certificate, facts = self._standing(application)
        if refused is not None:
            raise refused
        data = application.data
        registries = get_registries()
        household, parent = facts.household, facts.receiving_person
        relation = rules.relation_to_head(household.member(parent.id_number).relation, certificate.sex)
        child = PersonRecord(
            id_number="", name=data["child_name"], sex=certificate.sex, birth_date=certificate.birth_date,
            ethnicity=parent.ethnicity, nationality="CHN", hukou_region_code=household.region_code,
            household_number=household.household_number,
        )
        child_id_number = enter_child(registries, household, child, relation)
        return {"child_id_number": child_id_number, "household_number": household.household_number,
                "relation": relation}

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:
        if event.action != Action.APPROVE.value or "household_number" not in (event.payload or {}):
            return
        actor = db.session.get(User, event.actor_user_id) if event.actor_user_id else None
        log_access(actor=actor, action="newborn.entered_into_household", subject_kind="household",
                   subject_id=event.payload["household_number"], detail=f"application {application.id}")

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        payload = event.payload or {}
        if event.action != Action.APPROVE.value or "child_id_number" not in payload:
            return []
        data = application.data
        registries = get_registries()
        household = registries.household(payload["household_number"])
        certificate = registries.birth_certificate(data["birth_certificate_number"])
        head = next((m.name for m in household.members if m.relation == "户主"), "") if household else ""

        def name(id_number):
            person = registries.person(id_number) if id_number else None
            return person.name if person else ""

        birth_date = date.fromisoformat(data["child_birth_date"])
        child = registries.person(payload["child_id_number"])
        context = {
            "child_name": data["child_name"],
            "child_sex": SEX_NAMES.get(data["child_sex"], ""),
            "child_birth_date": birth_date,
            "child_id_number": payload["child_id_number"],
            "ethnicity": child.ethnicity if child else "",
            "relation": payload.get("relation", ""),
            "father_name": name(certificate.father_id_number) if certificate else "",
            "mother_name": name(certificate.mother_id_number) if certificate else "",
            "receiving": rules.RECEIVING_PARENTS.get(data["receiving_parent"], ""),
            "household_number": payload["household_number"],
            "household_address": household.address if household else "",
            "household_head": head,
            "registered_on": timeutil.local(event.occurred_at).date(),
            "birth_certificate_number": data["birth_certificate_number"],
            "hospital": certificate.hospital if certificate else "",
            "late": bool(data.get("late_registration")),
        }
        return [OutcomeDocument(rules.SERVICE.document("newborn_registration_result"), context,
                                certificate_kind=CODE, holder_name=data["child_name"])]



register(NewbornRegistrationHandler())
