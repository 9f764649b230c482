"""容缺受理 rules (pure) and the commitment deadline over random histories: never after the
promised processing time, for any service that switches tolerance on."""
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import tolerance as rules
from app.domain.calendar import SHANGHAI, WorkCalendar, due_at
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue import security_licence as licence
from app.domain.catalogue.base import Step
from app.domain.clock import derive_clocks, pending_timers
from app.domain.workflow import Action, Actor, ActorKind, EventRecord, State, decide

SERVICE = licence.SERVICE
CAL = WorkCalendar()
CLERK = Actor(ActorKind.CLERK, 2, 1)
NOW = datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)


def codes(materials):
    return [m.code for m in materials]


# --- materials ------------------------------------------------------------------------------------


def test_the_catalogue_marks_core_and_non_core_materials():
    core = {m.code for m in SERVICE.materials if m.core and m.required and not m.shared}
    assert core == {"application_form", "capital_proof", "manager_documents"}
    assert {m.code for m in SERVICE.materials if not m.core} == {"premises_proof", "equipment_list", "management_rules"}
    assert "business_licence" not in codes(rules.declarable_materials(SERVICE))  # shared: never asked for


def test_missing_is_required_not_attached_plus_what_will_be_put_right():
    provided = ["application_form", "capital_proof", "manager_documents", "equipment_list"]
    missing = rules.missing_materials(SERVICE, provided, ["equipment_list"])
    assert codes(missing) == ["premises_proof", "equipment_list", "management_rules"]
    rules.check_no_core_missing(missing)


def test_a_core_material_missing_refuses_tolerance_with_its_name():
    missing = rules.missing_materials(SERVICE, ["application_form", "manager_documents"], [])
    with pytest.raises(rules.ToleranceRefused) as refused:
        rules.check_no_core_missing(missing)
    assert refused.value.code == "tolerance.core_missing" and "注册资本证明" in refused.value.message
    assert refused.value.field == "materials_provided"


def test_nothing_missing_needs_no_tolerance():
    everything = codes(rules.declarable_materials(SERVICE))
    with pytest.raises(rules.ToleranceRefused, match="无需申请容缺受理"):
        rules.check_no_core_missing(rules.missing_materials(SERVICE, everything, []))


@pytest.mark.parametrize("value", ["premises_proof", ["business_licence"], ["nope"], [3], 7])
def test_only_this_services_declarable_codes(value):
    with pytest.raises(rules.ToleranceRefused):
        rules.check_material_codes(SERVICE, value, "materials_provided")


def test_codes_are_deduplicated_and_empty_is_none():
    assert rules.check_material_codes(SERVICE, ["premises_proof", "premises_proof"], "f") == ("premises_proof",)
    assert rules.check_material_codes(SERVICE, None, "f") == () == rules.check_material_codes(SERVICE, "", "f")


# --- standing -------------------------------------------------------------------------------------


def test_bad_credit_and_a_live_listing_refuse_an_expired_one_does_not():
    listed = datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)
    entry = rules.Listing(listed, rules.listing_expires_at(listed))
    with pytest.raises(rules.ToleranceRefused, match="信用修复"):
        rules.check_standing(bad_credit=True, listings=[], now=NOW)
    with pytest.raises(rules.ToleranceRefused, match="2029年11月30日"):
        rules.check_standing(bad_credit=False, listings=[entry], now=listed + timedelta(days=1))
    rules.check_standing(bad_credit=False, listings=[entry], now=entry.expires_at)
    rules.check_standing(bad_credit=False, listings=[], now=NOW)


def test_listing_lasts_the_bar_years_even_from_29_february():
    leap = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert rules.listing_expires_at(leap, 3) == datetime(2031, 2, 28, 12, tzinfo=UTC)
    assert rules.listing_expires_at(leap, 4) == datetime(2032, 2, 29, 12, tzinfo=UTC)
    assert rules.UNTRUE_COMMITMENT_BAR_YEARS == 3


# --- days and signatures ----------------------------------------------------------------------------


def test_the_longest_period_is_the_catalogue_limit_capped_at_the_promised_time():
    assert rules.max_commitment_days(SERVICE) == 10
    long_commitment = replace(SERVICE, limits=replace(SERVICE.limits, commitment=licence.workdays(40)))
    assert rules.max_commitment_days(long_commitment) == 15
    assert rules.max_commitment_days(CATALOGUE["criminal_record"]) == 1  # promised: 1 working day
    for service in CATALOGUE.values():
        assert rules.max_commitment_days(service) >= 1


@pytest.mark.parametrize("value, expected", [(None, 10), ("", 10), (1, 1), ("7", 7), (10, 10)])
def test_agreed_days_accepted(value, expected):
    assert rules.check_commitment_days(SERVICE, value) == expected


@pytest.mark.parametrize("value", [0, 11, -1, "三", 2.5, True, "7天"])
def test_agreed_days_refused(value):
    with pytest.raises(rules.ToleranceRefused) as refused:
        rules.check_commitment_days(SERVICE, value)
    assert refused.value.field == "commitment_days"


def test_who_signs():
    sign = rules.check_signatory
    assert sign(organisation=True, signatory=None, agent_name="", agent_id_ok=False, power_of_attorney=False) == "legal_rep"
    assert sign(organisation=False, signatory="", agent_name="", agent_id_ok=False, power_of_attorney=False) == "self"
    with pytest.raises(rules.ToleranceRefused):
        sign(organisation=False, signatory="legal_rep", agent_name="", agent_id_ok=False, power_of_attorney=False)
    with pytest.raises(rules.ToleranceRefused, match="受托人姓名"):
        sign(organisation=True, signatory="agent", agent_name=" ", agent_id_ok=True, power_of_attorney=True)
    with pytest.raises(rules.ToleranceRefused, match="公民身份号码"):
        sign(organisation=True, signatory="agent", agent_name="田波", agent_id_ok=False, power_of_attorney=True)
    with pytest.raises(rules.ToleranceRefused, match="委托书"):
        sign(organisation=True, signatory="agent", agent_name="田波", agent_id_ok=True, power_of_attorney=False)
    assert sign(organisation=True, signatory="agent", agent_name="田波", agent_id_ok=True,
                power_of_attorney=True) == "agent"


def test_the_supply_form_comes_from_the_catalogue():
    assert rules.supply_form(SERVICE.material("premises_proof")).startswith("房屋产权证明或租赁合同")
    assert rules.supply_form(SERVICE.material("application_form")) == rules.DEFAULT_SUPPLY_FORM


# --- the deadline, over random histories ----------------------------------------------------------


def _events(service, filed, accepted, days, pauses):
    """Submit, a tolerance acceptance, then suspensions/resumptions (clock pauses)."""
    events = [EventRecord(1, Action.SUBMIT, State.DRAFT, State.SUBMITTED, filed)]
    decision = decide(service, State.SUBMITTED, Action.ACCEPT, CLERK,
                      {"tolerance": True, "commitment_days": days, "missing_materials": ["x"]},
                      unit_id=1, history=events)
    events.append(EventRecord(2, decision.action, decision.from_state, decision.to_state, accepted,
                              payload=decision.payload))
    state, moment = State.ACCEPTED, accepted
    for gap, length in pauses:
        begin = moment + timedelta(hours=gap)
        end = begin + timedelta(hours=length)
        events.append(EventRecord(len(events) + 1, Action.SUSPEND, state, State.SUSPENDED, begin,
                                  payload={"reason_code": "testing"}))
        events.append(EventRecord(len(events) + 1, Action.RESUME, State.SUSPENDED, State.ACCEPTED, end))
        moment = end
    return events


TOLERANT = [replace(s, steps=s.steps | {Step.TOLERANCE}) for s in CATALOGUE.values()]
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20),
                       timezones=st.just(SHANGHAI))


@settings(max_examples=300, deadline=None)
@given(service=st.sampled_from(TOLERANT), filed=moments, wait=st.integers(0, 200),
       days=st.integers(1, 40), pauses=st.lists(st.tuples(st.integers(1, 200), st.integers(1, 300)), max_size=3))
def test_commitment_deadline_never_after_the_promised_limit(service, filed, wait, days, pauses):
    """Whatever was agreed (even more than the rules allow) and whatever pauses follow, the
    supplement is due by the promised limit counted from acceptance, and never before it."""
    accepted = filed + timedelta(hours=wait)
    events = _events(service, filed, accepted, days, pauses)
    clocks = derive_clocks(service, events, calendar=CAL)
    original_promise = derive_clocks(service, events[:2], calendar=CAL).promised_due_at
    assert clocks.commitment_due_at is not None
    assert accepted < clocks.commitment_due_at <= original_promise <= clocks.promised_due_at
    breach = [t for t in pending_timers(State.ACCEPTED, clocks, events) if t.action == Action.BREACH_COMMITMENT]
    assert [t.due_at for t in breach] == [clocks.commitment_due_at]


@settings(max_examples=200, deadline=None)
@given(accepted=moments, days=st.integers(1, 10))
def test_within_the_allowed_days_the_agreed_period_is_what_is_due(accepted, days):
    """For the licence, any agreed period the rules allow ends before the promised limit, so the
    deadline is exactly the agreed working days (the cap never shortens a lawful agreement)."""
    days = rules.check_commitment_days(SERVICE, days)
    events = _events(SERVICE, accepted, accepted, days, [])
    clocks = derive_clocks(SERVICE, events, calendar=CAL)
    assert clocks.commitment_due_at == due_at(accepted, licence.workdays(days), calendar=CAL)
    assert clocks.commitment_due_at <= clocks.promised_due_at
