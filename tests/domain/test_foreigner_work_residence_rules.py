"""外国人工作类居留许可 rules: every condition that can fail, the key-project limit, and the
appointment to collect the permit (on the calendar's next working day, inside office hours)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import DEFAULT_OFFICE_HOURS, LimitUnit, OfficeHours, WorkCalendar
from app.domain.catalogue import foreigner_work_residence as rules
from app.domain.catalogue.base import workdays
from app.domain.catalogue.schema import InvalidFiling, validate
from app.domain.identifiers import make_uscc
from app.domain.records import EnterpriseRecord, PersonRecord
from app.domain.verification import Tone
from app.timeutil import LOCAL_TZ

TODAY = date(2026, 11, 16)
CALENDAR = WorkCalendar()
FOREIGNER = PersonRecord(id_number="M70312845", name="KIM MINJUN 金敏俊", sex="M", birth_date=date(1988, 4, 12),
                         ethnicity="", nationality="KOR", hukou_region_code="", residence_permit_region_code="411002",
                         resident_since=TODAY - timedelta(days=400), passport_number="M70312845")
EMPLOYER = EnterpriseRecord(uscc=make_uscc("91411002MA9G7K3L2"), name="许昌瑞丰物流有限公司", address="许昌市", region_code="411002",
                            legal_rep_name="陈志强", legal_rep_id_number="", status="active",
                            registered_capital_yuan=1_000_000, established_on=date(2026, 1, 1), business_scope="物流")


def codes(violations) -> list[str]:
    return [v.code for v in violations]


# --- passport and work permit ------------------------------------------------------------------

def test_passport_valid_and_long_enough_passes():
    assert rules.passport_violations(date(2030, 1, 1), date(2028, 1, 1), today=TODAY) == []
    assert rules.passport_violations(date(2028, 1, 1), date(2028, 1, 1), today=TODAY) == []


@pytest.mark.parametrize("expires", [TODAY, TODAY - timedelta(days=1)])
def test_passport_expired(expires):
    assert codes(rules.passport_violations(expires, date(2028, 1, 1), today=TODAY)) == ["passport.expired"]


def test_period_beyond_passport():
    found = rules.passport_violations(date(2027, 12, 31), date(2028, 1, 1), today=TODAY)
    assert codes(found) == ["period.beyond_passport"] and found[0].field == "residence_until"


@pytest.mark.parametrize("expires", [TODAY, TODAY - timedelta(days=30)])
def test_work_permit_expired(expires):
    assert codes(rules.work_permit_violations(expires, date(2028, 1, 1), today=TODAY)) == ["work_permit.expired"]


def test_period_beyond_work_permit():
    assert codes(rules.work_permit_violations(date(2027, 6, 30), date(2027, 7, 1), today=TODAY)) == [
        "period.beyond_work_permit"]
    assert rules.work_permit_violations(date(2027, 7, 1), date(2027, 7, 1), today=TODAY) == []


@given(st.integers(min_value=-400, max_value=3000), st.integers(min_value=-400, max_value=3000))
def test_the_period_never_outlasts_the_work_permit(permit_days, until_days):
    permit, until = TODAY + timedelta(days=permit_days), TODAY + timedelta(days=until_days)
    found = codes(rules.work_permit_violations(permit, until, today=TODAY))
    if permit <= TODAY:
        assert found == ["work_permit.expired"]
    elif until > permit:
        assert found == ["period.beyond_work_permit"]
    else:
        assert found == []


# --- the period asked for (出境入境管理法第30条: 90 days to 5 years) ----------------------------

@pytest.mark.parametrize(("until", "expected"), [
    (TODAY + timedelta(days=89), ["period.too_short"]),
    (TODAY + timedelta(days=90), []),
    (date(2031, 11, 16), []),
    (date(2031, 11, 17), ["period.too_long"]),
])
def test_period_bounds(until, expected):
    assert codes(rules.period_violations(until, today=TODAY)) == expected


def test_five_years_from_29_february():
    assert rules.period_violations(date(2033, 2, 28), today=date(2028, 2, 29)) == []
    assert codes(rules.period_violations(date(2033, 3, 1), today=date(2028, 2, 29))) == ["period.too_long"]


# --- the employer and the applicant ------------------------------------------------------------

def test_employer_in_the_registry():
    assert rules.employer_violations(EMPLOYER) == []
    assert codes(rules.employer_violations(None)) == ["employer.unknown"]
    assert codes(rules.employer_violations(replace(EMPLOYER, status="cancelled"))) == ["employer.inactive"]


def test_applicant_is_a_resident_foreigner():
    assert rules.applicant_violations(FOREIGNER) == []
    assert codes(rules.applicant_violations(None)) == ["identity.unknown"]
    assert codes(rules.applicant_violations(replace(FOREIGNER, nationality="CHN"))) == ["applicant.not_foreigner"]
    assert codes(rules.applicant_violations(replace(FOREIGNER, residence_permit_region_code=None))) == [
        "residence.unknown"]


def test_every_condition_at_once():
    found = rules.filing_violations(None, None, passport_expires_on=TODAY, work_permit_expires_on=TODAY,
                                    residence_until=TODAY + timedelta(days=10), today=TODAY)
    assert codes(found) == ["identity.unknown", "employer.unknown", "passport.expired", "work_permit.expired",
                            "period.too_short"]
    assert rules.filing_violations(FOREIGNER, EMPLOYER, passport_expires_on=date(2031, 1, 1),
                                   work_permit_expires_on=date(2028, 1, 1), residence_until=date(2028, 1, 1),
                                   today=TODAY) == []


# --- the limit ---------------------------------------------------------------------------------

def test_key_project_staff_get_the_key_project_limit():
    normal = rules.SERVICE.limits.promised
    assert normal == workdays(15)
    assert rules.promised_limit(normal, key_project=False) == normal
    assert rules.promised_limit(normal, key_project=True) == workdays(5)
    assert rules.promised_limit(normal, key_project=True, key_project_workdays=3) == workdays(3)


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_the_key_project_limit_is_never_longer_than_the_normal_one(normal_days, key_days):
    limit = rules.promised_limit(workdays(normal_days), key_project=True, key_project_workdays=key_days)
    assert limit.unit is LimitUnit.WORKDAYS and limit.amount == Decimal(min(normal_days, key_days))


# --- the appointment to collect the permit -----------------------------------------------------

def test_appointment_on_the_next_working_day_half_an_hour_after_opening():
    friday = datetime(2026, 11, 20, 15, tzinfo=LOCAL_TZ)
    assert rules.collection_appointment(friday, CALENDAR.is_working_day, DEFAULT_OFFICE_HOURS) == datetime(
        2026, 11, 23, 9, 30, tzinfo=LOCAL_TZ)
    early = OfficeHours(((time(8, 30), time(12)), (time(14), time(17, 30))))
    assert rules.collection_appointment(friday, CALENDAR.is_working_day, early).time() == time(9)


def test_appointment_skips_the_national_day_holiday():
    moment = rules.collection_appointment(datetime(2026, 9, 30, 16, tzinfo=LOCAL_TZ), CALENDAR.is_working_day,
                                          DEFAULT_OFFICE_HOURS)
    assert CALENDAR.is_working_day(moment.date()) and moment.date() > date(2026, 10, 7)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1)))
def test_appointment_is_always_a_later_working_day_inside_office_hours(naive):
    approved = naive.replace(tzinfo=LOCAL_TZ)
    moment = rules.collection_appointment(approved, CALENDAR.is_working_day, DEFAULT_OFFICE_HOURS)
    assert moment.date() > approved.date() and CALENDAR.is_working_day(moment.date())
    start, end = DEFAULT_OFFICE_HOURS.sessions[0]
    assert start <= moment.time() < end


# --- the schema --------------------------------------------------------------------------------

def _filing(**overrides):
    data = {"passport_expires_on": "2031-05-01", "work_permit_number": "WP411000202611",
            "work_permit_expires_on": "2028-03-31", "employer_uscc": EMPLOYER.uscc, "position": "工程师",
            "residence_until": "2028-03-31"}
    return {**data, **overrides}


def test_schema_accepts_a_complete_filing():
    validate(rules.FILING, _filing())


@pytest.mark.parametrize(("field", "value"), [
    ("work_permit_number", "ab"), ("work_permit_number", "WP-4110"), ("employer_uscc", make_uscc("91411002MA9G7K3L2")[:-1] + "0"),
    ("residence_until", "not a date"), ("passport_expires_on", ""),
])
def test_schema_refuses_a_bad_field(field, value):
    with pytest.raises(InvalidFiling) as refused:
        validate(rules.FILING, _filing(**{field: value}))
    assert [error.field for error in refused.value.errors] == [field]


# --- what the clerk sees before deciding -------------------------------------------------------

def test_registry_check_all_clear_notes_the_key_project():
    check = rules.registry_check(FOREIGNER, EMPLOYER, key_project_limit=workdays(5), passport_expires_on=date(2031, 1, 1),
                                 work_permit_expires_on=date(2028, 1, 1), residence_until=date(2028, 1, 1), today=TODAY)
    assert check.conclusion == "符合签发条件。" and check.tone == Tone.NOTE  # worth knowing, no bar
    assert [f.tone for f in check.findings] == [Tone.OK] * 4 + [Tone.NOTE]


def test_registry_check_names_what_fails():
    check = rules.registry_check(FOREIGNER, replace(EMPLOYER, status="cancelled"), key_project_limit=None,
                                 passport_expires_on=date(2031, 1, 1), work_permit_expires_on=TODAY,
                                 residence_until=date(2028, 1, 1), today=TODAY)
    assert check.tone == Tone.BAD
    assert [f.tone for f in check.findings] == [Tone.OK, Tone.BAD, Tone.OK, Tone.BAD]
