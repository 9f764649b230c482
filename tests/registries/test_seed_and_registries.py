"""The demo seed and the simulated registries: idempotent, valid, consistent, and every
hand-made case looks as intended through the Registries interface."""
from __future__ import annotations

import struct
import uuid
import zlib
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.domain.identifiers import parse_citizen_id, validate_uscc
from app.domain.records import EVIDENCE_KINDS, PersonRecord
from app.models.accounts import Organisation, Unit, User
from app.models.registries import (
    RegEngravingShop,
    RegEnterprise,
    RegHousehold,
    RegHouseholdMember,
    RegMarriage,
    RegPerson,
)
from app.registries import Registries, get_registries
from app.registries.simulated import RegistryWriteError, SimulatedRegistries
from app.seed import (
    ACCIDENT_CASES,
    BIRTH_CERTIFICATES,
    BULK_HOUSEHOLDS_PER_SCALE,
    DEMO_ACCOUNTS,
    DEMO_IDS,
    DEMO_PASSWORD,
    DRIVERS,
    FOREIGNERS,
    PLATES,
    UNIT_CODES,
    USCCS,
    build_dataset,
    seed_demo,
)
from tests.conftest import ON_POSTGRES, _pg_execute, _pg_url_for, build_database  # noqa: E402

TODAY = date(2026, 11, 16)  # the suite's fixed "today" (tests/conftest.py TEST_NOW)


def _fresh_engine(uri: str):
    """A database built by the real migrations, not yet seeded."""
    build_database(uri, seed=False)
    return create_engine(uri)


def _counts(summary: dict) -> dict:
    return {key: value for key, value in summary.items() if isinstance(value, int)}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    if ON_POSTGRES:
        name = f"seed_{uuid.uuid4().hex[:10]}"
        _pg_execute(f'CREATE DATABASE "{name}"')
        uri = _pg_url_for(name)
    else:
        uri = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'registries.sqlite3'}"
    engine = _fresh_engine(uri)
    with Session(engine) as session:
        first = seed_demo(session, today=TODAY)
    yield engine, first
    engine.dispose()
    if ON_POSTGRES:
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def session(seeded):
    engine, _ = seeded
    with Session(engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def reg(session) -> SimulatedRegistries:
    return SimulatedRegistries(session)


# --- idempotence, determinism, scale ----------------------------------------------------


def test_seeding_twice_changes_nothing(seeded):
    engine, first = seeded
    with Session(engine) as session:
        second = seed_demo(session, today=TODAY)
        third = seed_demo(session, today=TODAY + timedelta(days=40))  # another day, same keys
    assert first["created"]["persons"] == first["persons"]
    assert second["created"] == {} and third["created"] == {}
    assert _counts(second) == _counts(first) == _counts(third)
    assert first["accounts"] == [username for username, _, _ in DEMO_ACCOUNTS]


def test_bulk_size_and_scale():
    one = build_dataset(today=TODAY, scale=1)
    two = build_dataset(today=TODAY, scale=2)
    assert one.bulk_households == BULK_HOUSEHOLDS_PER_SCALE
    assert 170 <= one.bulk_persons <= 240
    assert 1.8 <= two.bulk_persons / one.bulk_persons <= 2.2
    # Deterministic, and scale 2 extends scale 1 rather than reshuffling it.
    assert {p.id_number for p in one.persons} <= {p.id_number for p in two.persons}
    assert build_dataset(today=TODAY, scale=1).persons == one.persons


def test_scale_two_on_a_seeded_database_adds_the_second_half(tmp_path):
    engine = _fresh_engine(f"sqlite:///{tmp_path / 'scale.sqlite3'}")
    with Session(engine) as session:
        first = seed_demo(session, today=TODAY)
        second = seed_demo(session, today=TODAY, scale=2)
    added = second["persons"] - first["persons"]
    assert 0.8 * first["bulk"]["persons"] <= added <= 1.2 * first["bulk"]["persons"]
    assert second["households"] - first["households"] == BULK_HOUSEHOLDS_PER_SCALE
    assert second["created"].get("users") is None
    engine.dispose()


# --- validity and consistency ---------------------------------------------------------


def test_every_citizen_id_and_credit_code_is_valid(session):
    persons = session.scalars(select(RegPerson)).all()
    citizens = [p for p in persons if p.nationality == "CHN"]
    assert len(citizens) >= 200
    for person in citizens:
        parsed = parse_citizen_id(person.id_number, today=TODAY)
        assert parsed.number == person.id_number
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex
    for person in persons:
        if person.nationality != "CHN":
            assert person.passport_number == person.id_number and person.hukou_region_code == ""
    codes = set(session.scalars(select(RegEnterprise.uscc)))
    codes |= set(session.scalars(select(RegEngravingShop.uscc)))
    codes |= set(session.scalars(select(Organisation.uscc)))
    assert codes
    for code in codes:
        assert validate_uscc(code) == code


def test_households_and_members_are_consistent(session, reg):
    persons = {p.id_number: p for p in session.scalars(select(RegPerson))}
    households = session.scalars(select(RegHousehold)).all()
    memberships = {m.id_number: m for m in session.scalars(select(RegHouseholdMember))}
    for household in households:
        assert household.kind in ("family", "collective")
        assert household.members, household.household_number
        for member in household.members:
            person = persons[member.id_number]
            assert person.household_number == household.household_number
            assert person.hukou_region_code == household.region_code
    for person in persons.values():
        if person.nationality == "CHN":
            assert person.id_number in memberships
        else:
            assert person.household_number is None
    for marriage in session.scalars(select(RegMarriage)):
        husband, wife = persons[marriage.husband_id_number], persons[marriage.wife_id_number]
        assert (husband.sex, wife.sex) == ("M", "F")
        assert reg.marriage_between(wife.id_number, husband.id_number) is not None


def test_units_tree_and_codes(session):
    units = {unit.code: unit for unit in session.scalars(select(Unit))}
    assert set(UNIT_CODES.values()) <= set(units)
    xdj = units[UNIT_CODES["xidajie"]]
    assert xdj.kind == "police_station" and xdj.region_code == "411002"
    assert [u.code for u in xdj.ancestors()] == ["411002-BR", "411000-CB", "410000-PB"]
    assert units[UNIT_CODES["weidu_traffic"]].kind == "traffic_brigade"
    assert units[UNIT_CODES["weidu_traffic"]].parent.code == UNIT_CODES["traffic_detachment"]
    assert units[UNIT_CODES["exit_entry"]].kind == "exit_entry"
    assert units[UNIT_CODES["security"]].kind == "security_detachment"
    assert all(unit.name_en for unit in units.values())


# --- demo accounts ----------------------------------------------------------------------


def test_demo_accounts(session, reg):
    users = {user.username: user for user in session.scalars(select(User))}
    assert {username for username, _, _ in DEMO_ACCOUNTS} <= set(users)
    assert PasswordHasher().verify(users["citizen"].password_hash, DEMO_PASSWORD)

    citizen = users["citizen"]
    person = reg.person(citizen.id_number)
    assert person.name == citizen.real_name and citizen.phone
    household = reg.household_of(citizen.id_number)
    assert household.kind == "family"
    assert household.station_unit_code == UNIT_CODES["xidajie"]
    assert users["clerk"].unit.code == users["supervisor"].unit.code == household.station_unit_code
    assert (users["clerk"].role, users["supervisor"].role) == ("clerk", "supervisor")
    assert reg.judgments(citizen.id_number) == []

    citizen2 = users["citizen2"]
    assert reg.person(citizen2.id_number).name == citizen2.real_name
    assert any(j.effective for j in reg.judgments(citizen2.id_number))

    organisation = users["enterprise"].organisation
    assert users["enterprise"].role == "enterprise"
    enterprise = reg.enterprise(organisation.uscc)
    assert enterprise.status == "active" and enterprise.credit_status == "good"
    assert reg.person(enterprise.legal_rep_id_number).name == enterprise.legal_rep_name
    assert organisation.legal_rep_id_number == enterprise.legal_rep_id_number

    assert users["admin"].unit.code == UNIT_CODES["city"] and users["admin"].role == "admin"
    assert users["officer"].role == "officer"
    assert users["officer"].unit.code == reg.accident_case(ACCIDENT_CASES["served"]).unit_code
    assert users["shop"].role == "shop"
    assert reg.engraving_shop(users["shop"].shop_id).status == "recorded"
    for username, unit_key in (("clerk_jianan", "jiangguanchi"), ("clerk_exit", "exit_entry"),
                               ("clerk_security", "security"), ("clerk_traffic", "weidu_traffic"),
                               ("province_clerk", "province")):
        assert users[username].unit.code == UNIT_CODES[unit_key]
        assert users[username].role == "clerk"


# --- criminal record --------------------------------------------------------------------


def test_criminal_record_cases(reg):
    only_pending = reg.judgments(DEMO_IDS["qian_yong"])
    assert only_pending and not any(j.effective for j in only_pending)

    (sealed,) = reg.judgments(DEMO_IDS["zheng_kai"])
    assert sealed.effective and sealed.sealed_juvenile
    assert (sealed.offence_at_age, sealed.sentence_months) == (16, 24)

    (conviction,) = reg.judgments(DEMO_IDS["sun_hao"])
    assert conviction.effective and not conviction.sealed_juvenile

    long_stay = reg.person(FOREIGNERS["resident_400_days"])
    short_stay = reg.person(FOREIGNERS["resident_90_days"])
    assert long_stay.is_foreigner and long_stay.nationality == "KOR" and long_stay.passport_number
    assert (TODAY - long_stay.resident_since).days == 400
    assert (TODAY - short_stay.resident_since).days == 90
    assert long_stay.residence_permit_region_code == "411002"

    resident = reg.person(DEMO_IDS["gao_xiang"])
    assert resident.hukou_region_code == "410105"
    assert resident.residence_permit_region_code == "411002"
    assert reg.household_of(resident.id_number).region_code == "410105"


# --- newborn registration ---------------------------------------------------------------


def _newborn_failures(reg: Registries, number: str) -> set[str]:
    """The five province-wide conditions (seed 002), checked the way the service will."""
    cert = reg.birth_certificate(number)
    mother, father = reg.person(cert.mother_id_number), reg.person(cert.father_id_number)
    failures = set()
    if cert.birth_province_code != "41":
        failures.add("born_outside_henan")
    marriage = reg.marriage_between(mother.id_number, father.id_number)
    if marriage is None or not marriage.in_force_on(cert.birth_date):
        failures.add("parents_not_married")
    if not father.hukou_region_code.startswith("41"):
        failures.add("father_hukou_outside_henan")
    if not mother.hukou_region_code.startswith("41"):
        failures.add("mother_hukou_outside_henan")
    if mother.ethnicity != father.ethnicity:
        failures.add("different_ethnicity")
    households = [reg.household_of(parent.id_number) for parent in (father, mother)]
    if not any(h and h.kind == "family" and h.region_code.startswith("41") for h in households):
        failures.add("collective_household")
    age_years = (TODAY.year - cert.birth_date.year
                 - ((TODAY.month, TODAY.day) < (cert.birth_date.month, cert.birth_date.day)))
    if age_years > 6:
        failures.add("older_than_six")
    return failures


@pytest.mark.parametrize("case", sorted(BIRTH_CERTIFICATES))
def test_each_newborn_case_fails_exactly_its_condition(reg, case):
    expected = set() if case in ("eligible", "late") else {case}
    assert _newborn_failures(reg, BIRTH_CERTIFICATES[case]) == expected


def test_newborn_dates_and_parents(reg, session):
    users = {user.username: user for user in session.scalars(select(User))}
    eligible = reg.birth_certificate(BIRTH_CERTIFICATES["eligible"])
    assert eligible.father_id_number == users["citizen"].id_number
    assert reg.household_of(eligible.mother_id_number).household_number == \
        reg.household_of(eligible.father_id_number).household_number
    assert (TODAY - eligible.birth_date).days <= 31
    late = reg.birth_certificate(BIRTH_CERTIFICATES["late"])
    assert 85 <= (TODAY - late.birth_date).days <= 95
    assert reg.birth_certificate("Q000000000") is None


# --- enterprises and shops ----------------------------------------------------------------


def test_enterprise_cases(reg):
    demo = reg.enterprise(USCCS["demo"])
    assert demo.status == "active" and (TODAY - demo.established_on).days <= 30
    assert demo in reg.enterprises_by_legal_rep(demo.legal_rep_id_number)
    assert reg.enterprise(USCCS["cancelled"]).status == "cancelled"
    assert reg.enterprise(USCCS["security_2m"]).registered_capital_yuan == 2_000_000
    assert reg.enterprise(USCCS["security_500k"]).registered_capital_yuan == 500_000
    assert reg.enterprise(USCCS["bad_credit"]).credit_status == "bad"
    assert reg.enterprise("91411002MA00000000") is None


def test_engraving_shops(reg):
    shops = reg.engraving_shops("411002")
    assert sorted(shop.status for shop in shops) == ["recorded", "recorded", "suspended"]
    for shop in shops:
        assert reg.enterprise(shop.uscc).status == "active"
        assert reg.engraving_shop(shop.id) == shop
    assert reg.engraving_shops("419999") == []
    assert reg.engraving_shop(999_999) is None


# --- vehicles and drivers -------------------------------------------------------------------


def _truck_failures(reg: Registries, plate: str, driver_id_number: str, owner: str) -> set[str]:
    vehicle, driver = reg.vehicle(plate), reg.driver(driver_id_number)
    failures = set()
    if vehicle.inspection_valid_until < TODAY:
        failures.add("inspection_expired")
    if vehicle.scrapped:
        failures.add("scrapped")
    if vehicle.emission_standard not in ("国V", "国VI"):
        failures.add("emission_iv")
    if vehicle.owner_id != owner:
        failures.add("other_owner")
    if reg.violations(plate=plate):
        failures.add("vehicle_violation")
    if driver.licence_valid_until < TODAY:
        failures.add("licence_expired")
    if driver.status != "valid":
        failures.add("suspended")
    if reg.violations(driver_id_number=driver_id_number):
        failures.add("driver_violation")
    return failures


@pytest.mark.parametrize("case", sorted(set(PLATES) | set(DRIVERS)))
def test_each_truck_case_fails_exactly_its_check(reg, case):
    plate = PLATES.get(case, PLATES["pass"])
    driver = DEMO_IDS[DRIVERS.get(case, DRIVERS["pass"])]
    expected = set() if case in ("pass", "new_energy", "refrigerated") else {case}
    assert _truck_failures(reg, plate, driver, USCCS["demo"]) == expected


def test_special_trucks_and_violation_filters(reg):
    assert reg.vehicle(PLATES["new_energy"]).energy == "new_energy"
    assert reg.vehicle(PLATES["refrigerated"]).refrigerated
    pass_driver = DEMO_IDS[DRIVERS["pass"]]
    assert reg.violations(plate=PLATES["pass"], driver_id_number=pass_driver) == []
    history = reg.violations(plate=PLATES["pass"], driver_id_number=pass_driver, unhandled_only=False)
    assert len(history) == 1 and history[0].handled
    assert reg.violations() == []
    assert reg.vehicle("豫K00000") is None and reg.driver("000") is None


# --- accident cases and evidence -------------------------------------------------------------


def test_served_general_case_with_confidential_evidence(reg, session):
    citizen = session.scalar(select(User).where(User.username == "citizen"))
    case = reg.accident_case(ACCIDENT_CASES["served"])
    assert case.procedure == "general" and not case.fatal
    assert case.determination_served_at is not None and case.determination_served_at.tzinfo
    assert case.party(citizen.id_number) is not None
    assert case in reg.accident_cases_of_person(citizen.id_number)

    items = reg.evidence_items(case.case_number)
    assert {item.kind for item in items} == set(EVIDENCE_KINDS)
    reasons = {item.confidential_reason for item in items if item.confidential}
    assert {"witness_protection", "privacy"} <= reasons
    assert all(item.confidential_reason is None for item in items if not item.confidential)
    assert any(not item.confidential for item in items)

    for item in items:
        filename, mime, content = reg.evidence_content(item.id)
        assert filename == item.filename and mime == item.mime and content
        if mime == "image/png":
            assert content.startswith(b"\x89PNG\r\n\x1a\n")
            width, height = struct.unpack(">II", content[16:24])
            idat_length = struct.unpack(">I", content[33:37])[0]
            raw = zlib.decompress(content[41:41 + idat_length])
            assert len(raw) == height * (1 + 3 * width)
        elif mime == "image/svg+xml":
            assert b"<svg" in content
        else:
            assert case.case_number in content.decode()
    assert reg.evidence_content(999_999) is None


def test_other_accident_cases(reg):
    not_served = reg.accident_case(ACCIDENT_CASES["not_served"])
    assert not_served.procedure == "general" and not_served.determination_served_at is None
    assert reg.accident_case(ACCIDENT_CASES["simple"]).procedure == "simple"

    fatal = reg.accident_case(ACCIDENT_CASES["fatal"])
    assert fatal.fatal and fatal.procedure == "general" and fatal.determination_served_at
    (deceased_id,) = fatal.deceased
    assert reg.person(deceased_id).deceased
    relatives = reg.close_relatives_of(deceased_id)
    assert len(relatives) == 2
    for relative in relatives:
        assert relative.relative_of == deceased_id
        assert reg.person(relative.id_number).name == relative.name
    assert any(item.confidential for item in reg.evidence_items(fatal.case_number))
    assert reg.accident_case("WD-SG-9999") is None
    assert {c.unit_code for c in (not_served, fatal)} == {UNIT_CODES["weidu_traffic"]}


# --- the interface and the write side ------------------------------------------------------


def test_get_registries_returns_the_simulated_implementation(session):
    registries = get_registries(session)
    assert isinstance(registries, SimulatedRegistries)
    assert isinstance(registries, Registries)
    record = registries.person(DEMO_IDS["li_ming"])
    assert isinstance(record, PersonRecord)


def test_add_newborn_to_household(session, reg):
    cert = reg.birth_certificate(BIRTH_CERTIFICATES["eligible"])
    household = reg.household_of(cert.father_id_number)
    id_number = reg.allocate_citizen_id(household.region_code, cert.birth_date, cert.sex)
    assert parse_citizen_id(id_number, today=TODAY).sex == cert.sex
    father = reg.person(cert.father_id_number)
    child = PersonRecord(id_number=id_number, name=cert.child_name, sex=cert.sex,
                         birth_date=cert.birth_date, ethnicity=father.ethnicity, nationality="CHN",
                         hukou_region_code=household.region_code)
    updated = reg.add_household_member(household.household_number, child, "子")
    assert updated.members[-1].id_number == id_number and updated.members[-1].relation == "子"
    assert reg.person(id_number).household_number == household.household_number
    assert reg.allocate_citizen_id(household.region_code, cert.birth_date, cert.sex) != id_number
    with pytest.raises(RegistryWriteError):
        reg.add_household_member(household.household_number, child, "子")
    with pytest.raises(RegistryWriteError):
        reg.add_household_member("000000000000", child, "子")
    session.rollback()
    count = session.scalar(select(func.count()).select_from(RegPerson).where(RegPerson.id_number == id_number))
    assert count == 0
