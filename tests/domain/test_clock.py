"""Clocks derived from the event log: worked examples and properties over random histories."""
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import SHANGHAI, WorkCalendar
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step, workdays
from app.domain.clock import Light, derive_clocks, light, pending_timers
from app.domain.workflow import (
    Action,
    Actor,
    ActorKind,
    EventRecord,
    State,
    TransitionRefused,
    allowed_actions,
    decide,
)

CAL = WorkCalendar()
UNIT = 1
# A 3-working-day service with every step, and a licensing-style extension (行政许可法第42条: +10
# once) so that the clock's handling of an extension is exercised; the real criminal-record
# service has none (its investigation pause is a suspension).
_BASE = CATALOGUE["criminal_record"]
SERVICE = replace(_BASE, steps=frozenset(set(Step) - {Step.IMMEDIATE, Step.AUTOMATIC}),
                  limits=replace(_BASE.limits, extension=workdays(10)))
ACTORS = [Actor(ActorKind.APPLICANT, 1), Actor(ActorKind.CLERK, 2, UNIT), Actor(ActorKind.SUPERVISOR, 3, UNIT),
          Actor(ActorKind.SYSTEM)]
FIELDS = {"reason": "理由", "items": ["照片不清晰"], "reason_code": "testing", "opinion": "同意"}


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class History:
    def __init__(self):
        self.events: list[EventRecord] = []
        self.state = State.DRAFT

    def do(self, action, when, actor=None, **fields):
        actor = actor or next(a for a in ACTORS if _can(self, action, a, when))
        decision = decide(SERVICE, self.state, action, actor, {**FIELDS, **fields}, unit_id=UNIT,
                          history=self.events, now=when, decision_due_at=self.clocks().statutory_due_at)
        self.events.append(EventRecord(len(self.events) + 1, decision.action, decision.from_state,
                                       decision.to_state, when, decision.reason, decision.payload))
        self.state = decision.to_state
        return self

    def clocks(self):
        return derive_clocks(SERVICE, self.events, calendar=CAL)


def _can(history, action, actor, when=None):
    try:
        decide(SERVICE, history.state, action, actor, FIELDS, unit_id=UNIT, history=history.events,
               now=when, decision_due_at=history.clocks().statutory_due_at)
        return True
    except TransitionRefused:
        return False


def test_acceptance_clock_and_deemed_acceptance_dates_back_to_receipt():
    h = History().do(Action.SUBMIT, at(2026, 11, 16))  # Monday
    assert h.clocks().acceptance_due_at == at(2026, 11, 23, 23, 59).replace(second=59)
    timers = pending_timers(h.state, h.clocks(), h.events)
    assert [t.action for t in timers] == [Action.DEEM_ACCEPTED]
    h.do(Action.DEEM_ACCEPTED, timers[0].due_at)
    clocks = h.clocks()
    assert clocks.acceptance_due_at is None
    assert clocks.accepted_as_of == at(2026, 11, 16)  # the day the materials were received
    assert clocks.statutory_due_at == at(2026, 11, 19, 23, 59).replace(second=59)  # 3 working days


def test_decision_clock_with_suspension_and_extension():
    h = History().do(Action.SUBMIT, at(2026, 11, 16)).do(Action.ACCEPT, at(2026, 11, 17))
    c = h.clocks()
    assert c.promised_due_at == at(2026, 11, 18, 23, 59).replace(second=59)
    assert c.statutory_due_at == at(2026, 11, 20, 23, 59).replace(second=59)
    h.do(Action.SUSPEND, at(2026, 11, 18, 10), reason_code="testing", reason="检测")
    paused = h.clocks()
    assert paused.paused_since == at(2026, 11, 18, 10)
    assert pending_timers(h.state, paused, h.events) == []  # no escalation while paused
    h.do(Action.RESUME, at(2026, 11, 20, 15))
    resumed = h.clocks()
    # Working days 11-19 and 11-20 were suspended: the deadline moves by two working days.
    assert resumed.statutory_due_at == at(2026, 11, 24, 23, 59).replace(second=59)
    h.do(Action.EXTEND, at(2026, 11, 23), reason="案情复杂")
    extended = h.clocks()
    assert extended.statutory_due_at == CAL.add_working_days(at(2026, 11, 24), 10)
    assert any("延长" in step for step in extended.derivation["statutory_due_at"])
    assert any("中止" in step for step in extended.derivation["statutory_due_at"])


def test_correction_stops_the_acceptance_clock_and_restarts_it_on_reply():
    h = History().do(Action.SUBMIT, at(2026, 11, 16)).do(Action.REQUEST_CORRECTION, at(2026, 11, 17))
    c = h.clocks()
    assert c.acceptance_due_at is None
    assert c.correction_reply_due_at == at(2026, 12, 17, 23, 59).replace(second=59)  # 30 natural days
    h.do(Action.RESUBMIT, at(2026, 11, 20))
    assert h.clocks().acceptance_due_at == CAL.add_working_days(at(2026, 11, 20), 5)


def test_lights():
    h = History().do(Action.SUBMIT, at(2026, 11, 16)).do(Action.ACCEPT, at(2026, 11, 16, 11))
    c = h.clocks()  # promised: end of 11-17; statutory: end of 11-19
    assert light(h.state, c, at(2026, 11, 16, 15)) == Light.GREEN
    assert light(h.state, c, at(2026, 11, 17, 9)) == Light.YELLOW
    assert light(h.state, c, at(2026, 11, 19, 9)) == Light.YELLOW
    assert light(h.state, c, at(2026, 11, 20, 9)) == Light.RED
    h.do(Action.APPROVE, at(2026, 11, 18)).do(Action.ISSUE, at(2026, 11, 18, 11))
    assert light(h.state, h.clocks(), at(2027, 1, 1)) is None


@st.composite
def histories(draw):
    h = History()
    moment = draw(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 1))).replace(
        tzinfo=SHANGHAI)
    h.do(Action.SUBMIT, moment)
    for _ in range(draw(st.integers(0, 12))):
        moment = moment + timedelta(minutes=draw(st.integers(1, 60 * 24 * 6)))
        options = [(a, actor) for actor in ACTORS
                   for a in allowed_actions(SERVICE, h.state, actor, unit_id=UNIT, history=h.events)
                   if a not in (Action.ESCALATE, Action.WITHDRAW, Action.FORWARD) and _can(h, a, actor, moment)]
        if not options:
            break
        action, actor = draw(st.sampled_from(options))
        h.do(action, moment, actor)
    return h


@settings(max_examples=300, deadline=None)
@given(histories())
def test_properties_of_derived_clocks(h):
    clocks = h.clocks()
    assert clocks == h.clocks()  # a pure function of the log
    for name, value in clocks.as_dict().items():
        if value is not None and name != "correction_reply_due_at":
            local = value.astimezone(SHANGHAI)
            assert (local.hour, local.minute, local.second) == (23, 59, 59), name
            assert CAL.is_working_day(local.date()), name
    if clocks.statutory_due_at is not None:
        assert clocks.promised_due_at <= clocks.statutory_due_at
        assert clocks.statutory_due_at > clocks.accepted_as_of
        # 重新办理 starts the count again: only what followed the last reopening counts.
        reopened = [i for i, e in enumerate(h.events) if e.action == Action.REOPEN]
        counted = h.events[reopened[-1]:] if reopened else h.events
        pauses = _pauses(counted)
        extension = 10 if any(e.action == Action.EXTEND for e in counted) else 0
        expected = CAL.add_working_days(
            clocks.accepted_as_of,
            3 + extension + sum(CAL.working_days_between(a, b) for a, b in pauses),
        )
        assert clocks.statutory_due_at == expected
        assert "statutory_due_at" in clocks.derivation
    if h.state == State.SUSPENDED:
        assert clocks.paused_since is not None
    for timer in pending_timers(h.state, clocks, h.events):
        assert timer.due_at >= h.events[0].at


def _pauses(events):
    pauses, since = [], None
    for e in events:
        if e.action == Action.SUSPEND:
            since = e.at
        elif e.action == Action.RESUME:
            pauses.append((since, e.at))
    return pauses


def test_two_tier_review_restarts_the_decision_clock_at_the_higher_office():
    from decimal import Decimal

    from app.domain.calendar import Limit, LimitUnit

    service = replace(SERVICE, limits=replace(SERVICE.limits, higher_review=Limit(Decimal(15), LimitUnit.WORKDAYS)))
    h = History().do(Action.SUBMIT, at(2026, 11, 16)).do(Action.ACCEPT, at(2026, 11, 16, 11))
    h.do(Action.FORWARD, at(2026, 11, 18, 9), opinion="审查同意")
    clocks = derive_clocks(service, h.events, calendar=CAL)
    assert clocks.accepted_as_of == at(2026, 11, 18, 9)
    assert clocks.statutory_due_at == CAL.add_working_days(at(2026, 11, 18), 15)
    assert any("上级机关" in step for step in clocks.derivation["statutory_due_at"])


@settings(max_examples=200, deadline=None)
@given(histories())
def test_the_dates_are_the_same_without_their_explanation(h):
    explained = h.clocks()
    dates_only = derive_clocks(SERVICE, h.events, calendar=CAL, explain=False)
    assert dates_only.derivation == {}
    assert replace(explained, derivation={}) == dates_only
    for timer, same in zip(pending_timers(h.state, explained, h.events), pending_timers(h.state, dates_only, h.events),
                           strict=True):
        assert timer == same
