"""The state machine: every action in every state, by the right and the wrong actor.

The expected table below is written out by hand from DESIGN.md §3, independently of
`workflow.TRANSITIONS`, so a slip in the table shows up here.
"""
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step
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
from app.timeutil import LOCAL_TZ

UNIT = 7
SERVICE = replace(CATALOGUE["criminal_record"], steps=frozenset(set(Step) - {Step.IMMEDIATE, Step.AUTOMATIC}))
APPLICANT = Actor(ActorKind.APPLICANT, user_id=1)
CLERK = Actor(ActorKind.CLERK, user_id=2, unit_id=UNIT)
SUPERVISOR = Actor(ActorKind.SUPERVISOR, user_id=3, unit_id=UNIT)
OTHER_UNIT_CLERK = Actor(ActorKind.CLERK, user_id=4, unit_id=UNIT + 1)
SYSTEM = Actor(ActorKind.SYSTEM)

A, S = Action, State
# (state, action) -> the one actor kind that the law lets fire it (supervisor also covers clerk
# actions), and the resulting state.
EXPECTED = {
    (S.DRAFT, A.SUBMIT): ("applicant", S.SUBMITTED),
    (S.DRAFT, A.WITHDRAW): ("applicant", S.WITHDRAWN),
    (S.SUBMITTED, A.ACCEPT): ("clerk", S.ACCEPTED),
    (S.SUBMITTED, A.REQUEST_CORRECTION): ("clerk", S.CORRECTION_REQUESTED),
    (S.SUBMITTED, A.NOT_ACCEPT): ("clerk", S.NOT_ACCEPTED),
    (S.SUBMITTED, A.WITHDRAW): ("applicant", S.WITHDRAWN),
    (S.SUBMITTED, A.DEEM_ACCEPTED): ("system", S.ACCEPTED),
    (S.SUBMITTED, A.ESCALATE): ("system", S.SUBMITTED),
    (S.CORRECTION_REQUESTED, A.RESUBMIT): ("applicant", S.SUBMITTED),
    (S.CORRECTION_REQUESTED, A.WITHDRAW): ("applicant", S.WITHDRAWN),
    (S.CORRECTION_REQUESTED, A.CLOSE_UNANSWERED): ("system", S.CLOSED),
    (S.CORRECTION_REQUESTED, A.ESCALATE): ("system", S.CORRECTION_REQUESTED),
    (S.ACCEPTED, A.SUSPEND): ("clerk", S.SUSPENDED),
    (S.ACCEPTED, A.EXTEND): ("supervisor", S.ACCEPTED),
    (S.ACCEPTED, A.APPROVE): ("clerk", S.APPROVED),
    (S.ACCEPTED, A.REJECT): ("clerk", S.REJECTED),
    (S.ACCEPTED, A.WITHDRAW): ("applicant", S.WITHDRAWN),
    (S.ACCEPTED, A.ESCALATE): ("system", S.ACCEPTED),
    (S.ACCEPTED, A.FORWARD): ("clerk", S.ACCEPTED),
    (S.ACCEPTED, A.REQUEST_EXTENSION): ("clerk_only", S.ACCEPTED),
    (S.SUSPENDED, A.RESUME): ("clerk", S.ACCEPTED),
    (S.SUSPENDED, A.WITHDRAW): ("applicant", S.WITHDRAWN),
    (S.SUSPENDED, A.ESCALATE): ("system", S.SUSPENDED),
    (S.APPROVED, A.ISSUE): ("clerk", S.ISSUED),
    (S.APPROVED, A.REVOKE): ("supervisor", S.REVOKED),
    (S.APPROVED, A.ESCALATE): ("system", S.APPROVED),
    (S.ISSUED, A.REVOKE): ("supervisor", S.REVOKED),
    # public_request (警民直通车): 转办 and 重新办理.
    (S.SUBMITTED, A.TRANSFER): ("clerk", S.SUBMITTED),
    (S.ACCEPTED, A.TRANSFER): ("clerk", S.ACCEPTED),
    (S.APPROVED, A.REOPEN): ("applicant", S.ACCEPTED),
}
# Fired only while a tolerance commitment is open, an extension request pending, or a listing
# review (违诺认定) open after a breach (tested below).
COMMITMENT_ACTIONS = {A.FULFIL_COMMITMENT, A.BREACH_COMMITMENT, A.REFUSE_EXTENSION,
                      A.STATE_CAUSE, A.LIST_UNTRUE, A.NOT_LIST_UNTRUE}
ACTORS = {"applicant": APPLICANT, "clerk": CLERK, "supervisor": SUPERVISOR, "system": SYSTEM}
FIELDS = {"reason": "理由", "items": ["身份证复印件不清晰"], "reason_code": "testing", "opinion": "同意"}
# Acting while the decision limit still runs (an extension is judged against it).
NOW = datetime(2026, 12, 1, 10, tzinfo=LOCAL_TZ)
IN_TIME = {"now": NOW, "decision_due_at": NOW + timedelta(days=2)}


def _may(kind: str, actor_name: str) -> bool:
    if kind == "clerk_only":
        return actor_name == "clerk"
    return actor_name == kind or (kind == "clerk" and actor_name == "supervisor")


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", [a for a in Action if a not in COMMITMENT_ACTIONS])
def test_every_action_in_every_state(state, action):
    expected = EXPECTED.get((state, action))
    for actor_name, actor in ACTORS.items():
        if expected is not None and _may(expected[0], actor_name):
            decision = decide(SERVICE, state, action, actor, FIELDS, unit_id=UNIT, **IN_TIME, history=[])
            assert decision.to_state == expected[1]
            assert decision.from_state == state
        else:
            with pytest.raises(TransitionRefused) as refused:
                decide(SERVICE, state, action, actor, FIELDS, unit_id=UNIT, **IN_TIME, history=[])
            assert refused.value.status in (403, 409)
            if expected is None and state not in _states_with_any_allowed(action):
                assert refused.value.status in (403, 409)


def _states_with_any_allowed(action):
    return {s for (s, a) in EXPECTED if a == action}


def test_wrong_actor_is_403_and_wrong_state_is_409():
    with pytest.raises(TransitionRefused) as who:
        decide(SERVICE, S.SUBMITTED, A.ACCEPT, APPLICANT, {}, unit_id=UNIT, **IN_TIME, history=[])
    assert who.value.status == 403
    with pytest.raises(TransitionRefused) as when:
        decide(SERVICE, S.APPROVED, A.ACCEPT, CLERK, {}, unit_id=UNIT, **IN_TIME, history=[])
    assert when.value.status == 409


def test_staff_of_another_unit_may_not_act():
    with pytest.raises(TransitionRefused) as refused:
        decide(SERVICE, S.SUBMITTED, A.ACCEPT, OTHER_UNIT_CLERK, {}, unit_id=UNIT, **IN_TIME, history=[])
    assert refused.value.status == 403


def _event(seq, action, from_state, to_state, **payload):
    return EventRecord(seq, action, from_state, to_state, datetime(2026, 11, 16, 10, tzinfo=LOCAL_TZ)
                       + timedelta(hours=seq), payload=payload)


def test_correction_once_only_and_must_list_items():
    with pytest.raises(TransitionRefused) as empty:
        decide(SERVICE, S.SUBMITTED, A.REQUEST_CORRECTION, CLERK, {"items": []}, unit_id=UNIT, **IN_TIME, history=[])
    assert empty.value.status == 422
    with pytest.raises(TransitionRefused) as blank:
        decide(SERVICE, S.SUBMITTED, A.REQUEST_CORRECTION, CLERK, {"items": ["  "]}, unit_id=UNIT, **IN_TIME, history=[])
    assert blank.value.status == 422
    decision = decide(SERVICE, S.SUBMITTED, A.REQUEST_CORRECTION, CLERK, {"items": [" 照片 ", "户口簿"]},
                      unit_id=UNIT, **IN_TIME, history=[])
    assert decision.payload["items"] == ["照片", "户口簿"]
    history = [
        _event(1, A.SUBMIT, S.DRAFT, S.SUBMITTED),
        _event(2, A.REQUEST_CORRECTION, S.SUBMITTED, S.CORRECTION_REQUESTED, items=["照片"]),
        _event(3, A.RESUBMIT, S.CORRECTION_REQUESTED, S.SUBMITTED),
    ]
    with pytest.raises(TransitionRefused) as again:
        decide(SERVICE, S.SUBMITTED, A.REQUEST_CORRECTION, CLERK, {"items": ["又一项"]}, unit_id=UNIT,
               history=history)
    assert again.value.status == 409
    assert "一次性" in again.value.message


def test_extension_only_by_supervisor_and_only_once():
    with pytest.raises(TransitionRefused) as clerk:
        decide(SERVICE, S.ACCEPTED, A.EXTEND, CLERK, {"reason": "复杂"}, unit_id=UNIT, **IN_TIME, history=[])
    assert clerk.value.status == 403
    with pytest.raises(TransitionRefused) as no_reason:
        decide(SERVICE, S.ACCEPTED, A.EXTEND, SUPERVISOR, {}, unit_id=UNIT, **IN_TIME, history=[])
    assert no_reason.value.status == 422
    history = [_event(1, A.EXTEND, S.ACCEPTED, S.ACCEPTED)]
    with pytest.raises(TransitionRefused) as twice:
        decide(SERVICE, S.ACCEPTED, A.EXTEND, SUPERVISOR, {"reason": "再延"}, unit_id=UNIT, **IN_TIME, history=history)
    assert twice.value.status == 409


def test_refusals_need_reasons():
    for state, action in ((S.SUBMITTED, A.NOT_ACCEPT), (S.ACCEPTED, A.REJECT)):
        with pytest.raises(TransitionRefused) as refused:
            decide(SERVICE, state, action, CLERK, {"reason": "  "}, unit_id=UNIT, **IN_TIME, history=[])
        assert refused.value.status == 422
    decision = decide(SERVICE, S.ACCEPTED, A.REJECT, CLERK, {"reason": "不符合条件"}, unit_id=UNIT, **IN_TIME, history=[])
    assert decision.reason == "不符合条件"
    assert decision.documents == ("refusal_decision",)


def test_suspension_needs_a_lawful_reason_and_investigation_needs_the_head():
    with pytest.raises(TransitionRefused) as unlawful:
        decide(SERVICE, S.ACCEPTED, A.SUSPEND, CLERK, {"reason_code": "holiday", "reason": "x"}, unit_id=UNIT,
               history=[])
    assert unlawful.value.status == 422
    with pytest.raises(TransitionRefused) as clerk:
        decide(SERVICE, S.ACCEPTED, A.SUSPEND, CLERK, {"reason_code": "investigation", "reason": "身份冲突"},
               unit_id=UNIT, **IN_TIME, history=[])
    assert clerk.value.status == 403
    decision = decide(SERVICE, S.ACCEPTED, A.SUSPEND, SUPERVISOR,
                      {"reason_code": "investigation", "reason": "身份冲突"}, unit_id=UNIT, **IN_TIME, history=[])
    assert decision.to_state == S.SUSPENDED
    assert decision.payload["reason_code"] == "investigation"


def test_withdraw_only_before_a_decision():
    for state in (S.APPROVED, S.REJECTED, S.ISSUED):
        with pytest.raises(TransitionRefused) as refused:
            decide(SERVICE, state, A.WITHDRAW, APPLICANT, {}, unit_id=UNIT, **IN_TIME, history=[])
        assert refused.value.status == 409


def test_service_without_a_step_refuses_it():
    plain = replace(SERVICE, steps=frozenset())
    for state, action, actor in ((S.ACCEPTED, A.EXTEND, SUPERVISOR), (S.SUBMITTED, A.REQUEST_CORRECTION, CLERK),
                                 (S.ACCEPTED, A.SUSPEND, CLERK), (S.APPROVED, A.ISSUE, CLERK)):
        with pytest.raises(TransitionRefused) as refused:
            decide(plain, state, action, actor, FIELDS, unit_id=UNIT, **IN_TIME, history=[])
        assert refused.value.code == "step_not_offered"


def test_system_decides_only_for_immediate_or_automatic_services():
    with pytest.raises(TransitionRefused):
        decide(SERVICE, S.SUBMITTED, A.ACCEPT, SYSTEM, {}, unit_id=UNIT, **IN_TIME, history=[])
    immediate = replace(SERVICE, steps=SERVICE.steps | {Step.IMMEDIATE})
    assert decide(immediate, S.SUBMITTED, A.ACCEPT, SYSTEM, {}, unit_id=UNIT, **IN_TIME, history=[]).to_state == S.ACCEPTED


def test_commitment_actions_need_an_open_commitment():
    with pytest.raises(TransitionRefused) as none:
        decide(SERVICE, S.ACCEPTED, A.BREACH_COMMITMENT, SYSTEM, {}, unit_id=UNIT, **IN_TIME, history=[])
    assert none.value.status == 409
    history = [_event(1, A.SUBMIT, S.DRAFT, S.SUBMITTED),
               _event(2, A.ACCEPT, S.SUBMITTED, S.ACCEPTED, tolerance=True, commitment_days=5)]
    assert decide(SERVICE, S.ACCEPTED, A.BREACH_COMMITMENT, SYSTEM, {}, unit_id=UNIT,
                  history=history).to_state == S.CLOSED
    assert decide(SERVICE, S.APPROVED, A.BREACH_COMMITMENT, SYSTEM, {}, unit_id=UNIT,
                  history=history).to_state == S.REVOKED
    settled = [*history, _event(3, A.FULFIL_COMMITMENT, S.ACCEPTED, S.ACCEPTED)]
    with pytest.raises(TransitionRefused):
        decide(SERVICE, S.ACCEPTED, A.BREACH_COMMITMENT, SYSTEM, {}, unit_id=UNIT, **IN_TIME, history=settled)


def test_listing_review_steps_follow_a_breach_and_end_with_the_decision():
    """After a breach the matter is closed (or revoked); the applicant may state a cause once and
    the head decides once; nothing else changes the state."""
    opened = [_event(1, A.SUBMIT, S.DRAFT, S.SUBMITTED),
              _event(2, A.ACCEPT, S.SUBMITTED, S.ACCEPTED, tolerance=True, commitment_days=5),
              _event(3, A.BREACH_COMMITMENT, S.ACCEPTED, S.CLOSED, cause_due="2026-11-27T23:59:59+08:00")]
    cause = {"cause_kind": "force_majeure", "reason": "暴雨"}
    for action, fields in ((A.STATE_CAUSE, cause), (A.LIST_UNTRUE, {"reason": "无正当理由"}),
                           (A.NOT_LIST_UNTRUE, {"reason": "理由成立"})):
        with pytest.raises(TransitionRefused) as none:
            decide(SERVICE, S.CLOSED, action, SUPERVISOR if action != A.STATE_CAUSE else APPLICANT, fields,
                   unit_id=UNIT, history=opened[:2])
        assert none.value.status == 409 and none.value.code == "no_listing_review"
    for state in (S.CLOSED, S.REVOKED):
        stated = decide(SERVICE, state, A.STATE_CAUSE, APPLICANT, cause, unit_id=UNIT, history=opened)
        assert stated.to_state == state and stated.payload["cause_kind"] == "force_majeure"
        for action in (A.LIST_UNTRUE, A.NOT_LIST_UNTRUE):
            assert decide(SERVICE, state, action, SUPERVISOR, {"reason": "理由"}, unit_id=UNIT,
                          history=opened).to_state == state
            for who in (APPLICANT, CLERK, SYSTEM, OTHER_UNIT_CLERK):
                with pytest.raises(TransitionRefused) as wrong:
                    decide(SERVICE, state, action, who, {"reason": "理由"}, unit_id=UNIT, history=opened)
                assert wrong.value.status == 403
        for who in (CLERK, SUPERVISOR, SYSTEM):
            with pytest.raises(TransitionRefused):
                decide(SERVICE, state, A.STATE_CAUSE, who, cause, unit_id=UNIT, history=opened)
    with pytest.raises(TransitionRefused) as reasonless:
        decide(SERVICE, S.CLOSED, A.LIST_UNTRUE, SUPERVISOR, {}, unit_id=UNIT, history=opened)
    assert reasonless.value.status == 422
    with pytest.raises(TransitionRefused) as open_matter:
        decide(SERVICE, S.ACCEPTED, A.STATE_CAUSE, APPLICANT, cause, unit_id=UNIT, history=opened)
    assert open_matter.value.status == 409
    stated = [*opened, _event(4, A.STATE_CAUSE, S.CLOSED, S.CLOSED, cause_kind="force_majeure")]
    with pytest.raises(TransitionRefused) as twice:
        decide(SERVICE, S.CLOSED, A.STATE_CAUSE, APPLICANT, cause, unit_id=UNIT, history=stated)
    assert twice.value.code == "cause_already_stated"
    decided = [*stated, _event(5, A.NOT_LIST_UNTRUE, S.CLOSED, S.CLOSED)]
    for action in (A.LIST_UNTRUE, A.NOT_LIST_UNTRUE):
        with pytest.raises(TransitionRefused) as again:
            decide(SERVICE, S.CLOSED, action, SUPERVISOR, {"reason": "再议"}, unit_id=UNIT, history=decided)
        assert again.value.code == "no_listing_review"


def test_allowed_actions_are_the_buttons():
    assert set(allowed_actions(SERVICE, S.SUBMITTED, CLERK, unit_id=UNIT)) == {
        A.ACCEPT, A.REQUEST_CORRECTION, A.NOT_ACCEPT, A.TRANSFER}
    assert set(allowed_actions(SERVICE, S.ACCEPTED, SUPERVISOR, unit_id=UNIT)) == {
        A.SUSPEND, A.EXTEND, A.APPROVE, A.REJECT, A.FORWARD, A.TRANSFER}
    assert set(allowed_actions(SERVICE, S.APPROVED, APPLICANT, unit_id=UNIT)) == {A.REOPEN}
    assert A.REQUEST_EXTENSION in allowed_actions(SERVICE, S.ACCEPTED, CLERK, unit_id=UNIT)
    assert set(allowed_actions(SERVICE, S.ACCEPTED, APPLICANT, unit_id=UNIT)) == {A.WITHDRAW}
    assert allowed_actions(SERVICE, S.ACCEPTED, OTHER_UNIT_CLERK, unit_id=UNIT) == []


def test_staff_submit_only_for_services_filed_at_the_window():
    with pytest.raises(TransitionRefused):
        decide(SERVICE, S.DRAFT, A.SUBMIT, CLERK, {}, unit_id=UNIT, **IN_TIME, history=[])
    window = replace(SERVICE, filed_by_staff=True)
    assert decide(window, S.DRAFT, A.SUBMIT, CLERK, {}, unit_id=UNIT, **IN_TIME, history=[]).to_state == S.SUBMITTED


def test_forward_once_with_an_opinion():
    with pytest.raises(TransitionRefused) as no_opinion:
        decide(SERVICE, S.ACCEPTED, A.FORWARD, CLERK, {}, unit_id=UNIT, **IN_TIME, history=[])
    assert no_opinion.value.status == 422
    history = [_event(1, A.FORWARD, S.ACCEPTED, S.ACCEPTED)]
    with pytest.raises(TransitionRefused) as twice:
        decide(SERVICE, S.ACCEPTED, A.FORWARD, CLERK, {"opinion": "同意"}, unit_id=UNIT, **IN_TIME, history=history)
    assert twice.value.status == 409


def test_extension_requested_by_the_clerk_and_decided_by_the_head():
    requested = [_event(1, A.REQUEST_EXTENSION, S.ACCEPTED, S.ACCEPTED)]
    with pytest.raises(TransitionRefused) as twice:
        decide(SERVICE, S.ACCEPTED, A.REQUEST_EXTENSION, CLERK, {"reason": "再申请"}, unit_id=UNIT, **IN_TIME, history=requested)
    assert twice.value.code == "extension_pending"
    refused = decide(SERVICE, S.ACCEPTED, A.REFUSE_EXTENSION, SUPERVISOR, {"reason": "可按期办结"}, unit_id=UNIT,
                     history=requested)
    assert refused.to_state == S.ACCEPTED
    with pytest.raises(TransitionRefused) as nothing_pending:
        decide(SERVICE, S.ACCEPTED, A.REFUSE_EXTENSION, SUPERVISOR, {"reason": "x"}, unit_id=UNIT, **IN_TIME, history=[])
    assert nothing_pending.value.code == "no_extension_request"
    extended = [*requested, _event(2, A.EXTEND, S.ACCEPTED, S.ACCEPTED)]
    with pytest.raises(TransitionRefused) as after:
        decide(SERVICE, S.ACCEPTED, A.REQUEST_EXTENSION, CLERK, {"reason": "x"}, unit_id=UNIT, **IN_TIME, history=extended)
    assert after.value.code == "already_extended"


def test_every_transition_says_who_may_fire_it():
    from app.domain.workflow import _WHO, TRANSITIONS

    assert all(transition.actors in _WHO for transition in TRANSITIONS.values())


def test_the_system_revokes_only_for_automatic_services():
    with pytest.raises(TransitionRefused):
        decide(SERVICE, S.ISSUED, A.REVOKE, SYSTEM, {"reason": "违法未处理"}, unit_id=UNIT, **IN_TIME, history=[])
    automatic = replace(SERVICE, steps=SERVICE.steps | {Step.AUTOMATIC})
    assert decide(automatic, S.ISSUED, A.REVOKE, SYSTEM, {"reason": "违法未处理"}, unit_id=UNIT,
                  history=[]).to_state == S.REVOKED
