"""延长办理期限: per service, as its own rule provides, and only while the limit still runs.

The catalogue states for every service whether its decision limit can be extended, by how
much and on what source; the state machine refuses an extension (or a clerk's request for
one) once the limit it would extend has passed; the clocks never count an extension granted
after that (a log recorded before the rule existed counts as overdue)."""
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import SHANGHAI, WorkCalendar
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step, workdays
from app.domain.clock import derive_clocks
from app.domain.statistics import DecidedRow, service_figures
from app.domain.workflow import (
    Action,
    Actor,
    ActorKind,
    EventRecord,
    State,
    TransitionRefused,
    decide,
    extension_refusal,
)

CAL = WorkCalendar()
UNIT = 3
HEAD = Actor(ActorKind.SUPERVISOR, 9, UNIT)
CLERK = Actor(ActorKind.CLERK, 8, UNIT)
OBJECTION = CATALOGUE["criminal_record_objection"]


def at(m, d, hh=10, mm=0):
    return datetime(2026, m, d, hh, mm, tzinfo=SHANGHAI)


def end_of(m, d):
    return datetime(2026, m, d, 23, 59, 59, tzinfo=SHANGHAI)


# --- the catalogue -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_service_says_whether_it_can_be_extended_and_on_what_source(code):
    service = CATALOGUE[code]
    limits = service.limits
    assert limits.sources.get("extension"), "every service states its extension, or that it has none"
    assert service.has(Step.EXTENSION) == (limits.extension is not None)
    assert bool(service.extension_basis_zh) == (limits.extension is not None)
    if limits.extension_to is not None:
        assert limits.statutory.amount + limits.extension.amount == limits.extension_to.amount
    if limits.extension is None:
        assert "不适用延长" in limits.sources["extension"]


def test_the_criminal_record_has_no_extension_only_its_investigation_pause():
    record = CATALOGUE["criminal_record"]
    assert not record.has(Step.EXTENSION) and record.limits.extension is None
    assert record.has(Step.SUSPENSION)
    assert "调查核实" in record.limits.sources["extension"]


def test_the_objection_review_extends_to_30_working_days_and_licensing_by_10():
    assert OBJECTION.limits.extension_phrase(OBJECTION.limits.statutory) == ("to", workdays(30))
    assert "犯罪记录查询工作规定" in OBJECTION.extension_basis_zh
    assert "延长至30个工作日" in OBJECTION.limits.sources["extension"]
    licence = CATALOGUE["security_licence"]
    assert licence.limits.extension_phrase(licence.limits.statutory) == ("by", workdays(10))
    assert licence.extension_basis_zh == "《中华人民共和国行政许可法》第四十二条"


# --- the state machine ---------------------------------------------------------------------------


def _history(*extra):
    return [EventRecord(1, Action.SUBMIT, State.DRAFT, State.SUBMITTED, at(11, 18)),
            EventRecord(2, Action.ACCEPT, State.SUBMITTED, State.ACCEPTED, at(11, 19)), *extra]


@given(minutes=st.integers(-60 * 24 * 20, 60 * 24 * 20), extended=st.booleans(), requested=st.booleans(),
       action=st.sampled_from([Action.EXTEND, Action.REQUEST_EXTENSION]))
def test_an_extension_is_allowed_iff_the_limit_still_runs_and_none_was_granted(minutes, extended, requested, action):
    due = end_of(12, 10)
    now = due + timedelta(minutes=minutes)
    history = _history(*([EventRecord(3, Action.REQUEST_EXTENSION, State.ACCEPTED, State.ACCEPTED, at(12, 1))]
                         if requested else []),
                       *([EventRecord(4, Action.EXTEND, State.ACCEPTED, State.ACCEPTED, at(12, 2))] if extended else []))
    actor = HEAD if action == Action.EXTEND else CLERK
    pending = requested and not extended
    expected = now <= due and not extended and not (action == Action.REQUEST_EXTENSION and pending)
    try:
        decision = decide(OBJECTION, State.ACCEPTED, action, actor, {"reason": "情况复杂"}, unit_id=UNIT,
                          history=history, now=now, decision_due_at=due)
    except TransitionRefused as refused:
        assert not expected, refused.code
        assert refused.status == 409
        if now > due and not extended and not (action == Action.REQUEST_EXTENSION and pending):
            assert refused.code == "extension_too_late"
    else:
        assert expected and decision.to_state == State.ACCEPTED


def test_the_refusal_names_the_day_the_limit_ran_out_and_time_is_needed_to_judge():
    refused = extension_refusal(Action.EXTEND, now=at(12, 20), decision_due_at=end_of(12, 10))
    assert refused.code == "extension_too_late" and "2026-12-10 23:59" in refused.message
    assert extension_refusal(Action.EXTEND, now=end_of(12, 10), decision_due_at=end_of(12, 10)) is None
    assert extension_refusal(Action.EXTEND, now=None, decision_due_at=end_of(12, 10)).code == "extension_no_limit"
    assert extension_refusal(Action.APPROVE, now=at(12, 20), decision_due_at=end_of(12, 10)) is None
    with pytest.raises(TransitionRefused) as late:
        decide(OBJECTION, State.ACCEPTED, Action.EXTEND, HEAD, {"reason": "x"}, unit_id=UNIT, history=_history(),
               now=at(12, 20), decision_due_at=end_of(12, 10))
    assert late.value.code == "extension_too_late"


# --- the clocks and the figures --------------------------------------------------------------------


def test_the_issue_case_due_12_10_extension_recorded_12_20_counts_overdue():
    """Accepted 11-19: 15 working days end on 12-10. An extension recorded on 12-20 (a log from
    before the rule) does not move the limit, and a decision on 12-22 is late."""
    late = _history(EventRecord(3, Action.EXTEND, State.ACCEPTED, State.ACCEPTED, at(12, 20), "情况复杂"))
    clocks = derive_clocks(OBJECTION, late, calendar=CAL)
    assert clocks.statutory_due_at == end_of(12, 10)
    assert any("不发生延长效力" in step for step in clocks.derivation["statutory_due_at"])
    decided = DecidedRow(OBJECTION.code, clocks.accepted_as_of, at(12, 22), clocks.statutory_due_at, False)
    assert service_figures([decided], {}, calendar=CAL)[OBJECTION.code].on_time == 0

    in_time = _history(EventRecord(3, Action.EXTEND, State.ACCEPTED, State.ACCEPTED, at(12, 10, 16), "情况复杂"))
    extended = derive_clocks(OBJECTION, in_time, calendar=CAL)
    assert extended.statutory_due_at == CAL.add_working_days(at(11, 19), 30)
    assert any("经负责人批准延长至30个工作日" in step for step in extended.derivation["statutory_due_at"])
    decided = DecidedRow(OBJECTION.code, extended.accepted_as_of, at(12, 22), extended.statutory_due_at, False)
    assert service_figures([decided], {}, calendar=CAL)[OBJECTION.code].on_time == 1


def test_a_pause_before_the_extension_counts_in_judging_it_and_a_later_one_does_not():
    paused = _history(EventRecord(3, Action.SUSPEND, State.ACCEPTED, State.SUSPENDED, at(12, 1),
                                  payload={"reason_code": "testing"}),
                      EventRecord(4, Action.RESUME, State.SUSPENDED, State.ACCEPTED, at(12, 3)),
                      EventRecord(5, Action.EXTEND, State.ACCEPTED, State.ACCEPTED, at(12, 11)))
    # Two working days paused: the limit ran to 12-14, so the extension on 12-11 was in time.
    assert derive_clocks(OBJECTION, paused, calendar=CAL).statutory_due_at == CAL.add_working_days(at(11, 19), 32)
    later = _history(EventRecord(3, Action.EXTEND, State.ACCEPTED, State.ACCEPTED, at(12, 11)),
                     EventRecord(4, Action.SUSPEND, State.ACCEPTED, State.SUSPENDED, at(12, 14),
                                 payload={"reason_code": "testing"}),
                     EventRecord(5, Action.RESUME, State.SUSPENDED, State.ACCEPTED, at(12, 17)))
    # A pause after a late extension does not make it timely.
    clocks = derive_clocks(OBJECTION, later, calendar=CAL)
    assert clocks.statutory_due_at == CAL.add_working_days(end_of(12, 10), 3)


def test_a_recorded_extension_of_a_service_that_has_none_does_not_count():
    record = replace(CATALOGUE["criminal_record"], steps=CATALOGUE["criminal_record"].steps | {Step.EXTENSION})
    history = _history(EventRecord(3, Action.EXTEND, State.ACCEPTED, State.ACCEPTED, at(11, 20)))
    clocks = derive_clocks(record, history, calendar=CAL)
    assert clocks.statutory_due_at == end_of(11, 24)  # 3 working days, as without it
    assert any("本事项不适用延长" in step for step in clocks.derivation["statutory_due_at"])


# --- how a limit is counted, said once ---------------------------------------------------------------


def test_whole_days_say_the_day_itself_is_not_counted_and_hours_run_from_the_moment():
    truck = CATALOGUE["truck_permit"]  # acceptance: 24 natural hours
    submitted = [EventRecord(1, Action.SUBMIT, State.DRAFT, State.SUBMITTED, at(11, 21, 20, 15))]
    steps = derive_clocks(truck, submitted, calendar=CAL).derivation["acceptance_due_at"]
    assert any("自2026-11-21 20:15:00起连续计算" in step for step in steps) and not any("不含当日" in s for s in steps)
    seal = CATALOGUE["seal_engraving"]  # promised: 0.5 working day, in office hours
    accepted = [*submitted, EventRecord(2, Action.ACCEPT, State.SUBMITTED, State.ACCEPTED, at(11, 23, 9))]
    promised = derive_clocks(seal, accepted, calendar=CAL).derivation["promised_due_at"]
    assert "自2026-11-23 09:00:00起按办公时间计算" in promised[0] and "不含当日" not in promised[0]
    statutory = derive_clocks(seal, accepted, calendar=CAL).derivation["statutory_due_at"]
    assert "1个工作日（不含当日）" in statutory[0]
    assert workdays(1).counted_from_next_day and not workdays("0.5").counted_from_next_day
