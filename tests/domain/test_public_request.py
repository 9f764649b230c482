"""警民直通车 rules: every condition that can fail, the kinds' limits, the routing, and the
clock of a transferred and of a reopened request."""
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import SHANGHAI, WorkCalendar
from app.domain.catalogue import public_request as rules
from app.domain.catalogue.base import RuleViolation, Step, workdays
from app.domain.clock import derive_clocks
from app.domain.settings import RULES_KEY, FiledRules
from app.domain.workflow import Action, Actor, ActorKind, EventRecord, State, TransitionRefused, decide

ALL_UNITS = frozenset({"police_station", "traffic_brigade", "exit_entry", "inspection"})


def at(d, hh=10):
    return datetime(2026, 11, d, hh, tzinfo=SHANGHAI)


# --- check_request ---------------------------------------------------------------------------

@given(kind=st.sampled_from(list(rules.KINDS)), topic=st.sampled_from(list(rules.TOPICS)),
       conduct=st.booleans(), complained=st.sampled_from([None, "411002-PS-XDJ"]))
def test_check_request_accepts_exactly_the_consistent_answers(kind, topic, conduct, complained):
    consistent = (not conduct or kind in rules.CONDUCT_KINDS) and (complained is None or conduct)
    try:
        rules.check_request(kind, topic, conduct, complained)
    except RuleViolation:
        assert not consistent
    else:
        assert consistent


@pytest.mark.parametrize(("args", "code"), [
    (("praise", "hukou", False, None), "public_request.kind"),
    (("enquiry", "weather", False, None), "public_request.topic"),
    (("suggestion", "hukou", True, None), "public_request.conduct_kind"),
    (("complaint", "hukou", False, "411002-PS-XDJ"), "public_request.complained_unit"),
])
def test_check_request_refusals(args, code):
    with pytest.raises(RuleViolation) as refused:
        rules.check_request(*args)
    assert refused.value.code == code


# --- limits ----------------------------------------------------------------------------------

def test_kind_limits_default_to_the_hotline_rule():
    assert {kind: rules.limit_for(kind, {}) for kind in rules.KINDS} == {
        "enquiry": workdays(2), "help": workdays(10), "suggestion": workdays(10),
        "complaint": workdays(15), "report": workdays(15)}


def test_kind_limit_follows_the_setting_in_force():
    assert rules.limit_for("help", {"public_request.help_suggestion_workdays": 7}) == workdays(7)
    assert rules.limit_for("enquiry", {"public_request.help_suggestion_workdays": 7}) == workdays(2)


# --- route -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("topic", "unit"), [("hukou", "police_station"), ("public_order", "police_station"),
                                             ("traffic", "traffic_brigade"), ("exit_entry", "exit_entry"),
                                             ("other", "police_station")])
def test_route_by_topic(topic, unit):
    assert rules.route(topic, False, ALL_UNITS) == unit


def test_exit_entry_goes_to_the_station_where_the_city_has_no_exit_entry_office():
    assert rules.route("exit_entry", False, ALL_UNITS - {"exit_entry"}) == "police_station"


def test_conduct_goes_to_the_inspectorate_whatever_the_topic():
    assert {rules.route(topic, True, ALL_UNITS) for topic in rules.TOPICS} == {"inspection"}


def test_conduct_without_an_inspectorate_is_refused():
    with pytest.raises(RuleViolation) as refused:
        rules.route("hukou", True, ALL_UNITS - {"inspection"})
    assert refused.value.code == "public_request.no_inspection"


# --- transfer, answer, reopen ----------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "code"), [
    ({"police_conduct": True, "to_unit_id": 2, "to_unit_kind": "police_station"}, "public_request.conduct_not_transferred"),
    ({"police_conduct": False, "to_unit_id": None, "to_unit_kind": None}, "public_request.transfer_unit"),
    ({"police_conduct": False, "to_unit_id": 3, "to_unit_kind": "inspection"}, "public_request.transfer_unit"),
    ({"police_conduct": False, "to_unit_id": 3, "to_unit_kind": "city_bureau"}, "public_request.transfer_unit"),
    ({"police_conduct": False, "to_unit_id": 1, "to_unit_kind": "police_station"}, "public_request.transfer_same"),
])
def test_transfer_refusals(kwargs, code):
    with pytest.raises(RuleViolation) as refused:
        rules.check_transfer(from_unit_id=1, **kwargs)
    assert refused.value.code == code


def test_transfer_to_another_answering_unit():
    rules.check_transfer(police_conduct=False, from_unit_id=1, to_unit_id=2, to_unit_kind="traffic_brigade")


@pytest.mark.parametrize("opinion", [None, "", "   "])
def test_an_answer_says_something(opinion):
    with pytest.raises(RuleViolation):
        rules.check_answer(opinion)


def test_reopen_refusals_and_the_window():
    answered = at(16)
    with pytest.raises(RuleViolation, match="尚未答复"):
        rules.check_reopen(answered_at=None, reopened=0, now=answered)
    with pytest.raises(RuleViolation) as once:
        rules.check_reopen(answered_at=answered, reopened=1, now=answered)
    assert once.value.code == "public_request.reopened_once"
    rules.check_reopen(answered_at=answered, reopened=0, now=answered + timedelta(days=10))
    with pytest.raises(RuleViolation) as late:
        rules.check_reopen(answered_at=answered, reopened=0, now=answered + timedelta(days=10, seconds=1))
    assert late.value.code == "public_request.reopen_late"
    rules.check_reopen(answered_at=answered, reopened=0, now=answered + timedelta(days=12), window_days=12)


# --- the engine: transfer keeps the clock, reopen starts it again ----------------------------

SERVICE = rules.SERVICE
CLERK, APPLICANT = Actor(ActorKind.CLERK, 2, 1), Actor(ActorKind.APPLICANT, 1)
ENQUIRY_RULES = FiledRules(promised=workdays(2), statutory=workdays(2), commitment=None, steps=SERVICE.steps)


def _run(*steps):
    events, state = [], State.DRAFT
    for action, actor, when, fields in steps:
        decision = decide(SERVICE, state, action, actor, fields, unit_id=1, history=events, now=when)
        payload = dict(decision.payload)
        if action == Action.SUBMIT:
            payload[RULES_KEY] = ENQUIRY_RULES.as_payload()
        events.append(EventRecord(len(events) + 1, decision.action, decision.from_state, decision.to_state, when,
                                  decision.reason, payload))
        state = decision.to_state
    return events, state


def test_the_kind_limit_recorded_at_filing_is_the_clock():
    events, _ = _run((Action.SUBMIT, APPLICANT, at(16), {}), (Action.ACCEPT, CLERK, at(16, 11), {}))
    assert derive_clocks(SERVICE, events, calendar=WorkCalendar()).statutory_due_at.date().day == 18


def test_transfer_keeps_the_clock_and_reopen_restarts_it():
    events, state = _run((Action.SUBMIT, APPLICANT, at(16), {}), (Action.ACCEPT, CLERK, at(16, 11), {}),
                         (Action.TRANSFER, CLERK, at(17), {"reason": "交通", "to_unit_id": 5}))
    assert state == State.ACCEPTED
    clocks = derive_clocks(SERVICE, events, calendar=WorkCalendar())
    assert clocks.statutory_due_at.date().day == 18 and clocks.accepted_as_of == at(16, 11)
    events, state = _run((Action.SUBMIT, APPLICANT, at(16), {}), (Action.ACCEPT, CLERK, at(16, 11), {}),
                         (Action.APPROVE, CLERK, at(17), {"opinion": "答复"}),
                         (Action.REOPEN, APPLICANT, at(19), {"reason": "不满意"}))
    assert state == State.ACCEPTED
    clocks = derive_clocks(SERVICE, events, calendar=WorkCalendar())
    # Reopened Thursday the 19th: 2 working days from the next day, Friday and Monday.
    assert clocks.accepted_as_of == at(19) and clocks.statutory_due_at.date().day == 23
    assert any("重新办理" in str(step) for step in clocks.derivation["statutory_due_at"])


def test_only_the_requester_reopens_and_only_an_answered_request():
    events, _ = _run((Action.SUBMIT, APPLICANT, at(16), {}), (Action.ACCEPT, CLERK, at(16, 11), {}))
    with pytest.raises(TransitionRefused):
        decide(SERVICE, State.ACCEPTED, Action.REOPEN, APPLICANT, {"reason": "x"}, unit_id=1, history=events)
    with pytest.raises(TransitionRefused):
        decide(SERVICE, State.APPROVED, Action.REOPEN, CLERK, {"reason": "x"}, unit_id=1, history=events)
    with pytest.raises(TransitionRefused):
        decide(SERVICE, State.APPROVED, Action.REOPEN, APPLICANT, {}, unit_id=1, history=events)


def test_only_the_unit_transfers():
    with pytest.raises(TransitionRefused):
        decide(SERVICE, State.ACCEPTED, Action.TRANSFER, APPLICANT, {"reason": "x"}, unit_id=1, history=[])
    with pytest.raises(TransitionRefused):
        decide(SERVICE, State.ACCEPTED, Action.TRANSFER, Actor(ActorKind.CLERK, 9, 2), {"reason": "x"}, unit_id=1,
               history=[])


# --- 12345 hotline orders ---------------------------------------------------------------------

def test_a_hotline_order_is_recorded_once():
    from app.domain.catalogue import public_request_hotline as hotline

    hotline.check_order_number_free(False)
    with pytest.raises(RuleViolation) as twice:
        hotline.check_order_number_free(True)
    assert twice.value.code == "public_request.hotline_order_recorded"


@pytest.mark.parametrize(("recording", "routed", "code"), [
    (None, "police_station", "public_request.hotline_no_unit"),
    ("police_station", "inspection", "public_request.hotline_conduct_unit"),
    ("inspection", "traffic_brigade", "public_request.hotline_conduct_unit"),
    ("traffic_brigade", "police_station", None),
    ("inspection", "inspection", None),
])
def test_who_records_a_hotline_order(recording, routed, code):
    from app.domain.catalogue import public_request_hotline as hotline

    if code is None:
        hotline.check_recording_unit(recording, routed)
        return
    with pytest.raises(RuleViolation) as refused:
        hotline.check_recording_unit(recording, routed)
    assert refused.value.code == code


def test_hotline_orders_are_answered_on_the_direct_lines_terms():
    from app.domain.catalogue import public_request_hotline as hotline

    assert hotline.SERVICE.filed_by_staff and hotline.SERVICE.limits == rules.SERVICE.limits
    assert hotline.SERVICE.steps == frozenset({Step.TRANSFER})  # reopened by calling the hotline again
