"""居住证 rules: every condition of Art. 2 that can fail, the proof order (registry, upload,
commitment), and the endorsement window and suspension of Art. 10."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalogue import FILING_SCHEMAS, get_service
from app.domain.catalogue import residence_permit as rules
from app.domain.catalogue.base import Step
from app.domain.catalogue.schema import InvalidFiling, validate
from app.domain.settings import STATUTORY, SettingRefused, check_service_change

TODAY = date(2026, 11, 16)
CITY = "411002"


def registration(on: date, region: str = CITY) -> rules.Registration:
    return rules.Registration(region, "许昌市魏都区西大街街道文峰路18号", on)


def codes(violations) -> list[str]:
    return [v.code for v in violations]


# --- Art. 2: left the hukou place, half a year's registration ---------------------------------


def test_a_resident_registered_half_a_year_ago_is_eligible():
    assert rules.residence_violations(hukou_region_code="320102", registration=registration(date(2026, 5, 16)),
                                      city_code=CITY, today=TODAY) == []


def test_local_hukou_needs_no_permit():
    # Same city (4-digit prefix), another county: still the hukou city.
    assert codes(rules.residence_violations(hukou_region_code="411003", registration=registration(date(2025, 1, 1)),
                                            city_code=CITY, today=TODAY)) == ["residence_permit.local_hukou"]


def test_no_registration_or_one_in_another_city_is_refused():
    for found in (None, registration(date(2025, 1, 1), region="410105")):
        violations = rules.residence_violations(hukou_region_code="320102", registration=found, city_code=CITY,
                                                today=TODAY)
        assert codes(violations) == ["residence_permit.unregistered"]
        assert violations[0].params == {"months": 6}


def test_less_than_half_a_year_is_refused_with_the_day_it_will_be_complete():
    violations = rules.residence_violations(hukou_region_code="320102", registration=registration(date(2026, 5, 17)),
                                            city_code=CITY, today=TODAY)
    assert codes(violations) == ["residence_permit.too_short"]
    assert violations[0].params["complete"] == "2026年11月17日"


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 400))
def test_half_a_year_is_six_calendar_months(registered_on, after):
    today = registered_on + timedelta(days=after)
    violations = rules.residence_violations(hukou_region_code="320102", registration=registration(registered_on),
                                            city_code=CITY, today=today)
    assert (violations == []) == (today >= rules.full_residence_date(registered_on))


# --- the condition and its proof -----------------------------------------------------------


@pytest.mark.parametrize(("in_registry", "uploaded", "commitment", "expected"), [
    (True, True, True, rules.Proof.REGISTRY),
    (False, True, True, rules.Proof.UPLOAD),
    (False, False, True, rules.Proof.COMMITMENT),
    (False, False, False, None),
])
def test_the_proof_is_data_sharing_first_then_the_upload_then_the_commitment(in_registry, uploaded, commitment,
                                                                              expected):
    assert rules.basis_proof(rules.Basis.EMPLOYMENT, in_registry=in_registry, uploaded=uploaded,
                             commitment=commitment) == expected


@pytest.mark.parametrize("basis", list(rules.Basis))
def test_an_unproved_condition_names_the_material_to_upload(basis):
    violations = rules.basis_violations(basis, None)
    assert codes(violations) == ["residence_permit.basis_unproved"]
    assert violations[0].params["material"] == get_service("residence_permit").material(
        rules.BASIS_MATERIALS[basis]).name_zh
    assert rules.basis_violations(basis, rules.Proof.UPLOAD) == []


# --- Art. 10: the endorsement ------------------------------------------------------------


def test_the_endorsement_window_is_the_month_before_the_full_year():
    due = date(2026, 12, 1)
    assert rules.endorsement_window(due) == (date(2026, 11, 1), due)
    assert rules.permit_status(due, date(2026, 10, 31)) == rules.PermitStatus.VALID
    assert rules.permit_status(due, date(2026, 11, 1)) == rules.PermitStatus.ENDORSEMENT_DUE
    assert rules.permit_status(due, due) == rules.PermitStatus.ENDORSEMENT_DUE
    assert rules.permit_status(due, date(2026, 12, 2)) == rules.PermitStatus.SUSPENDED


def test_an_endorsement_before_the_window_or_without_a_permit_is_refused():
    early = rules.endorsement_violations(has_permit=True, due=date(2027, 1, 20), today=TODAY)
    assert codes(early) == ["residence_permit.endorsement_early"]
    assert early[0].params == {"opens": "2026年12月20日", "due": "2027年1月20日"}
    assert codes(rules.endorsement_violations(has_permit=False, due=None, today=TODAY)) == ["residence_permit.no_permit"]


def test_a_missed_endorsement_may_still_be_made_and_restarts_the_years():
    due = date(2026, 10, 1)
    assert rules.permit_status(due, TODAY) == rules.PermitStatus.SUSPENDED
    assert rules.endorsement_violations(has_permit=True, due=due, today=TODAY) == []
    assert rules.after_endorsement(due, TODAY) == date(2027, 11, 16)  # counted afresh from the late endorsement
    assert rules.after_endorsement(due, date(2026, 9, 15)) == date(2027, 10, 1)  # in time: a year on


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(-60, 60))
def test_endorsement_is_allowed_exactly_from_the_window_on(due, offset):
    today = due + timedelta(days=offset)
    allowed = rules.endorsement_violations(has_permit=True, due=due, today=today) == []
    assert allowed == (today >= rules.endorsement_window(due)[0])
    status = rules.permit_status(due, today)
    assert (status == rules.PermitStatus.SUSPENDED) == (today > due)


# --- the declaration: limits, steps, filing schema ---------------------------------------------


def test_the_limit_is_15_days_adjustable_up_to_30_never_beyond():
    service = get_service("residence_permit")
    assert service.limits.promised.describe_en() == "15 days"
    assert service.limits.statutory.describe_en() == "30 days"
    assert service.has(Step.CORRECTION)
    at = datetime(2026, 12, 1, tzinfo=UTC)
    assert check_service_change(service, [], STATUTORY, "20", at) == "20"
    with pytest.raises(SettingRefused) as refused:
        check_service_change(service, [], STATUTORY, "31", at)
    assert refused.value.code == "settings.statutory_above_law"


def test_the_filing_schema_asks_the_condition_only_of_a_first_application():
    schema = FILING_SCHEMAS["residence_permit"]
    with pytest.raises(InvalidFiling) as invalid:
        validate(schema, {"kind": "first"})
    assert [e.code for e in invalid.value.errors] == ["basis.missing"]
    assert validate(schema, {"kind": "endorsement", "basis": "study"}).given() == {
        "kind": "endorsement", "commitment": False, "materials": {}, "delivery_method": "collect"}
    with pytest.raises(InvalidFiling):
        validate(schema, {"kind": "renewal"})
