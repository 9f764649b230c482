"""办件寄递 and 加急办 on the one state machine: the new transitions and the clocks they move."""
from dataclasses import replace
from datetime import datetime

import pytest

from app.domain.calendar import SHANGHAI, WorkCalendar
from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.catalogue.base import Step, workdays
from app.domain.catalogue.schema import InvalidFiling, validate
from app.domain.clock import Light, derive_clocks, light, work_due_at
from app.domain.settings import default_urgent
from app.domain.workflow import (
    POST,
    Action,
    Actor,
    ActorKind,
    EventRecord,
    State,
    TransitionRefused,
    allowed_actions,
    decide,
    postal_delivery,
    urgent_status,
)

CAL = WorkCalendar()
UNIT = 1
# 新生儿出生登记: 5 working days, delivery within 10 (第44条); urgent: 2 working days here.
SERVICE = replace(CATALOGUE["newborn_registration"],
                  limits=replace(CATALOGUE["newborn_registration"].limits, urgent=workdays(2)))
APPLICANT = Actor(ActorKind.APPLICANT, 1)
CLERK = Actor(ActorKind.CLERK, 2, UNIT)
HEAD = Actor(ActorKind.SUPERVISOR, 3, UNIT)
SYSTEM = Actor(ActorKind.SYSTEM)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=SHANGHAI)


class History:
    def __init__(self, service=SERVICE):
        self.service = service
        self.events: list[EventRecord] = []
        self.state = State.DRAFT

    def do(self, action, when, actor, **fields):
        decision = decide(self.service, self.state, action, actor, fields, unit_id=UNIT, history=self.events,
                          now=when)
        self.events.append(EventRecord(len(self.events) + 1, decision.action, decision.from_state,
                                       decision.to_state, when, decision.reason, decision.payload))
        self.state = decision.to_state
        return self

    def refused(self, action, actor, **fields):
        with pytest.raises(TransitionRefused) as refused:
            decide(self.service, self.state, action, actor, fields, unit_id=UNIT, history=self.events)
        return refused.value

    def clocks(self):
        return derive_clocks(self.service, self.events, calendar=CAL)


def accepted():
    return History().do(Action.SUBMIT, at(2026, 11, 16), APPLICANT).do(Action.ACCEPT, at(2026, 11, 16, 11), CLERK)


def issued(by_post=True):
    h = accepted().do(Action.APPROVE, at(2026, 11, 18), CLERK)
    return h.do(Action.ISSUE, at(2026, 11, 18, 15), CLERK, **({"delivery": POST} if by_post else {}))


# --- 加急办 -------------------------------------------------------------------------------------


def test_urgent_limit_applies_from_the_heads_approval():
    h = accepted()
    assert h.clocks().promised_due_at == end_of(2026, 11, 23)  # 5 working days from Monday
    h.do(Action.REQUEST_URGENT, at(2026, 11, 16, 12), APPLICANT, reason="出境探亲，机票已订")
    assert urgent_status(h.events) == "requested"
    assert h.clocks().promised_due_at == end_of(2026, 11, 23)  # asking changes nothing
    h.do(Action.APPROVE_URGENT, at(2026, 11, 16, 14), HEAD, reason="情况属实")
    clocks = h.clocks()
    assert h.events[-1].payload["urgent_limit"] == {"amount": "2", "unit": "workdays"}
    assert clocks.promised_due_at == end_of(2026, 11, 18)  # 2 working days from acceptance
    assert clocks.statutory_due_at == end_of(2026, 11, 23)  # the statutory limit is not touched
    assert clocks.yellow_from_at == at(2026, 11, 18, 0)
    assert "加急办" in str(clocks.derivation["promised_due_at"][0])
    assert h.state == State.ACCEPTED


def test_refused_urgent_leaves_the_promised_limit_and_cannot_be_asked_again():
    h = accepted().do(Action.REQUEST_URGENT, at(2026, 11, 16, 12), APPLICANT, reason="急需")
    h.do(Action.REFUSE_URGENT, at(2026, 11, 16, 14), HEAD, reason="无紧急情形")
    assert urgent_status(h.events) == "refused"
    assert h.clocks().promised_due_at == end_of(2026, 11, 23)
    assert h.refused(Action.REQUEST_URGENT, APPLICANT, reason="再次申请").code == "urgent_already_requested"
    assert h.refused(Action.APPROVE_URGENT, HEAD, reason="同意").code == "no_urgent_request"


def test_urgent_may_be_asked_before_acceptance_and_counts_from_acceptance():
    h = History().do(Action.SUBMIT, at(2026, 11, 16), APPLICANT)
    h.do(Action.REQUEST_URGENT, at(2026, 11, 16, 9), APPLICANT, reason="急需")
    h.do(Action.APPROVE_URGENT, at(2026, 11, 16, 9, 30), HEAD, reason="同意")
    h.do(Action.ACCEPT, at(2026, 11, 17), CLERK)
    assert h.clocks().promised_due_at == end_of(2026, 11, 19)


def test_urgent_refused_once_decided_closed_or_without_an_urgent_limit():
    decided = accepted().do(Action.APPROVE, at(2026, 11, 17), CLERK)
    assert decided.refused(Action.REQUEST_URGENT, APPLICANT, reason="急需").code == "invalid_state"
    withdrawn = accepted().do(Action.WITHDRAW, at(2026, 11, 17), APPLICANT)
    assert withdrawn.refused(Action.REQUEST_URGENT, APPLICANT, reason="急需").code == "invalid_state"
    none = History(replace(SERVICE, limits=replace(SERVICE.limits, urgent=None)))
    none.do(Action.SUBMIT, at(2026, 11, 16), APPLICANT)
    assert none.refused(Action.REQUEST_URGENT, APPLICANT, reason="急需").code == "no_urgent_limit"
    issues_nothing = History(CATALOGUE["seal_engraving"])
    issues_nothing.state = State.SUBMITTED
    assert issues_nothing.refused(Action.REQUEST_URGENT, APPLICANT, reason="急需").code == "step_not_offered"


def test_who_asks_and_who_decides_urgent():
    h = accepted()
    assert h.refused(Action.REQUEST_URGENT, CLERK, reason="急需").status == 403
    assert h.refused(Action.REQUEST_URGENT, APPLICANT).code == "missing_field"  # a reason is required
    h.do(Action.REQUEST_URGENT, at(2026, 11, 16, 12), APPLICANT, reason="急需")
    assert h.refused(Action.APPROVE_URGENT, CLERK, reason="同意").status == 403
    assert h.refused(Action.APPROVE_URGENT, HEAD).code == "missing_field"
    assert {Action.APPROVE_URGENT, Action.REFUSE_URGENT} <= set(
        allowed_actions(SERVICE, h.state, HEAD, unit_id=UNIT, history=h.events))
    assert Action.REQUEST_URGENT not in allowed_actions(SERVICE, h.state, APPLICANT, unit_id=UNIT, history=h.events)


def test_default_urgent_limit_is_half_the_promised_never_below_half_a_unit():
    assert default_urgent(SERVICE) == workdays(2)  # declared
    assert default_urgent(CATALOGUE["newborn_registration"]) == workdays("2.5")
    assert default_urgent(CATALOGUE["criminal_record"]) == workdays("0.5")
    assert default_urgent(CATALOGUE["seal_engraving"]) is None  # issues nothing
    tiny = replace(SERVICE, limits=replace(SERVICE.limits, promised=workdays("0.5"), urgent=None))
    assert default_urgent(tiny) is None


# --- 办件寄递 -------------------------------------------------------------------------------------


def test_delivery_clock_runs_until_the_post_is_signed_for():
    h = issued()
    due = CAL.add_working_days(at(2026, 11, 18), 10)
    assert h.clocks().delivery_due_at == due  # issuing by post does not deliver
    assert light(h.state, h.clocks(), at(2026, 11, 20)) == Light.GREEN
    assert work_due_at(h.state, h.clocks()) == due
    h.do(Action.DISPATCH, at(2026, 11, 18, 16), CLERK, courier="ems", tracking_number="EA123456789CN")
    assert h.clocks().delivery_due_at == due
    assert light(h.state, h.clocks(), due.replace(day=due.day + 1)) == Light.RED  # overdue in the post
    h.do(Action.DELIVER, at(2026, 11, 19, 15), SYSTEM)
    post = postal_delivery(h.events)
    assert post.by_post and post.dispatched and post.delivered
    assert h.clocks().delivery_due_at is None  # the delivered event ends it
    assert light(h.state, h.clocks(), at(2027, 1, 1)) is None
    assert h.state == State.ISSUED


def test_collected_at_the_window_issue_ends_the_delivery_clock():
    h = issued(by_post=False)
    assert h.clocks().delivery_due_at is None
    assert h.refused(Action.DISPATCH, CLERK, courier="ems", tracking_number="EA1").code == "not_by_post"


def test_dispatch_once_and_delivery_only_of_a_dispatched_parcel():
    h = issued()
    assert h.refused(Action.DELIVER, SYSTEM).code == "not_in_transit"
    assert h.refused(Action.DISPATCH, CLERK, courier="ems").code == "missing_field"
    assert h.refused(Action.DISPATCH, APPLICANT, courier="ems", tracking_number="EA1").status == 403
    assert h.refused(Action.DELIVER, CLERK).status == 403  # only the courier's report delivers
    h.do(Action.DISPATCH, at(2026, 11, 18, 16), CLERK, courier="ems", tracking_number="EA1")
    assert h.events[-1].payload["tracking_number"] == "EA1"
    assert h.refused(Action.DISPATCH, CLERK, courier="sf", tracking_number="SF2").code == "already_dispatched"
    h.do(Action.DELIVER, at(2026, 11, 19), SYSTEM)
    assert h.refused(Action.DELIVER, SYSTEM).code == "not_in_transit"


def test_dispatch_needs_an_issued_matter():
    h = accepted().do(Action.APPROVE, at(2026, 11, 17), CLERK)
    assert h.refused(Action.DISPATCH, CLERK, courier="ems", tracking_number="EA1").code == "invalid_state"


# --- the filing's delivery choice ------------------------------------------------------------------


def test_post_needs_recipient_phone_and_address():
    schema = FILING_SCHEMAS["criminal_record"]
    base = {"applicant_type": "individual", "purpose": "就业"}
    with pytest.raises(InvalidFiling) as invalid:
        validate(schema, {**base, "delivery_method": "post", "recipient_name": "张三"})
    assert {e.field for e in invalid.value.errors} >= {"recipient_phone", "recipient_address"}
    with pytest.raises(InvalidFiling) as invalid:
        validate(schema, {**base, "delivery_method": "post", "recipient_name": "张三", "recipient_phone": "123",
                          "recipient_address": "郑州市"})
    assert [e.field for e in invalid.value.errors] == ["recipient_phone"]
    # Collected at the window, an address once typed is not kept.
    given = validate(schema, {**base, "delivery_method": "collect", "recipient_address": "郑州市"}).given()
    assert "recipient_address" not in given
    assert "delivery_method" not in FILING_SCHEMAS["seal_engraving"].model_fields
    assert all(("delivery_method" in model.model_fields) == CATALOGUE[code].has(Step.ISSUE)
               for code, model in FILING_SCHEMAS.items())
