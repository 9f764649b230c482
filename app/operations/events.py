"""The event log and the clocks derived from it — the leaf every operation builds on.

`record` appends one event (state + event row, in the caller's transaction) and nothing
else; what follows an event (documents, messages, the 容缺 bookkeeping, revoked
certificates) is done by subscribers to `event_recorded`, connected in `create_app`
(`app.operations.subscribers`). This module imports no other operation but the calendar.
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import exists, select

from app.domain import workflow
from app.domain.catalogue import get_service
from app.domain.catalogue.base import Service
from app.domain.clock import CLOCK_NAMES, Clocks, derive_clocks, next_timer_at, work_due_at
from app.domain.settings import RULES_KEY, FiledRules, effective_service
from app.domain.workflow import Action, Actor, Decision, EventRecord, State
from app.extensions import db
from app.jobs import enqueue, task
from app.models.applications import Application, ApplicationEvent
from app.operations.calendar import load_calendar

log = logging.getLogger(__name__)
GENESIS_HASH = "0" * 64

_signals = Namespace()
# Sent inside the recording transaction, once the event is appended (not yet flushed):
# receivers get (application, event=ApplicationEvent, decision=Decision) and may only add rows
# (documents to render, messages to send, jobs): nothing slow, nothing outside the database.
event_recorded = _signals.signal("event-recorded")


def event_records(application: Application, *, up_to_seq: int | None = None) -> list[EventRecord]:
    return [
        EventRecord(
            seq=e.seq,
            action=Action(e.action),
            from_state=State(e.from_state),
            to_state=State(e.to_state),
            at=e.occurred_at,
            reason=e.reason,
            payload=e.payload or {},
        )
        for e in application.events
        if up_to_seq is None or e.seq <= up_to_seq
    ]


def event_hash(prev_hash: str, application_id: int, seq: int, action: str, from_state: str,
               to_state: str, occurred_at: datetime, actor_user_id: int | None, reason: str,
               payload: Mapping[str, Any]) -> str:
    body = json.dumps(
        [application_id, seq, action, from_state, to_state, occurred_at.isoformat(),
         actor_user_id, reason, payload],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def row_hash(event: ApplicationEvent) -> str:
    return event_hash(event.prev_hash, event.application_id, event.seq, event.action, event.from_state,
                      event.to_state, event.occurred_at, event.actor_user_id, event.reason, event.payload)


def record(application: Application, decision: Decision, actor: Actor, *, at: datetime,
           recorded_at: datetime) -> ApplicationEvent:
    """Append the event, move the state, refresh the clocks; then tell the subscribers."""
    prev_hash = application.events[-1].hash if application.events else GENESIS_HASH
    seq = application.event_count + 1
    payload = json.loads(json.dumps(decision.payload, default=str))
    event = ApplicationEvent(
        application_id=application.id, seq=seq, action=decision.action.value,
        from_state=decision.from_state.value, to_state=decision.to_state.value,
        occurred_at=at, recorded_at=recorded_at, actor_user_id=actor.user_id,
        actor_kind=actor.kind.value, reason=decision.reason, payload=payload, prev_hash=prev_hash,
        hash="",
    )
    # The hash is over the values as stored (UTC), so a re-read recomputes the same.
    event.hash = event_hash(prev_hash, application.id, seq, event.action, event.from_state,
                            event.to_state, at.astimezone(UTC), actor.user_id, event.reason, payload)
    application.events.append(event)
    application.event_count = seq
    application.last_event_hash = event.hash
    application.state = decision.to_state.value
    if decision.action == Action.SUBMIT:
        application.submitted_at = at
    if decision.to_state in (State.APPROVED, State.REJECTED, State.NOT_ACCEPTED) and decision.from_state != decision.to_state:
        application.decided_at = at
    if decision.action == Action.ESCALATE:
        application.escalated_at = at
    # No flush: the subscribers link their rows to the event object, and everything is inserted
    # in the transaction's flush (one batch when the sweep records many events at once).
    refresh_clocks(application)
    event_recorded.send(application, event=event, decision=decision)
    return event


def filed_rules_of(application: Application) -> FiledRules | None:
    """The rules recorded in the application's submit event (None: filed before settings)."""
    for event in application.events:
        if event.action == Action.SUBMIT.value:
            payload = (event.payload or {}).get(RULES_KEY)
            return FiledRules.from_payload(payload) if payload else None
    return None


def service_of(application: Application) -> Service:
    """The service as this application was filed under (受理时适用的规则): the promised and
    statutory limits, 容缺 terms and steps in force at filing, whatever was changed since."""
    return effective_service(get_service(application.service_code), filed_rules_of(application))


def calendar_for(application: Application):
    """Working days where the handling unit is: regional overrides apply there only."""
    return load_calendar(application.unit.region_code if application.unit else None)


def clocks_for(application: Application, *, up_to_seq: int | None = None, explain: bool = True) -> Clocks:
    """The clocks from the event log (as they stood after event `up_to_seq`, if given);
    `explain=False` when only the dates are needed, not the "why this date" steps."""
    calendar = calendar_for(application)
    cached = application.__dict__.get(_CLOCKS)
    if (cached is not None and cached[:2] == (up_to_seq or application.event_count, calendar)
            and (cached[2].derivation or not explain)):
        return cached[2]
    # derive_clocks applies the rules recorded at filing (the submit event), not today's settings.
    return derive_clocks(get_service(application.service_code), event_records(application, up_to_seq=up_to_seq),
                         calendar=calendar, explain=explain)


# The clocks `refresh_clocks` derived (dates only), for the rest of the work on the same history
# (the documents and the sweep ask again): (events covered, calendar they were counted on, clocks).
_CLOCKS = "_derived_clocks"


def refresh_clocks(application: Application) -> Clocks:
    """Store the clocks recomputed from the event log (the stored values are only a cache)."""
    calendar = calendar_for(application)
    records = event_records(application)
    clocks = derive_clocks(get_service(application.service_code), records, calendar=calendar, explain=False)
    for name in CLOCK_NAMES:
        setattr(application, name, getattr(clocks, name))
    application.accepted_as_of = clocks.accepted_as_of
    application.yellow_from_at = clocks.yellow_from_at
    application.paused_since = clocks.paused_since
    application.next_timer_at = next_timer_at(State(application.state), clocks, records)
    application.work_due_at = work_due_at(State(application.state), clocks)
    application.provisional_calendar = any(
        calendar.is_provisional(value.year) for value in clocks.as_dict().values() if value is not None
    )
    application.__dict__[_CLOCKS] = (len(records), calendar, clocks)
    return clocks


# --- after a calendar change ---------------------------------------------------------------


@task("recompute_clocks")
def recompute_clocks(payload: dict[str, Any]) -> None:
    """One batch of open applications, then the next batch as a job of its own: each batch is
    a short transaction, and a crash resumes where it stopped."""
    after_id = int(payload.get("after_id") or 0)
    batch = int(payload.get("batch") or RECOMPUTE_BATCH)
    scope = payload.get("scope") or "open"
    query = select(Application).where(Application.id > after_id)
    if scope == EXTENDED_SCOPE:
        # Decided ones too: their stored statutory limit is what the on-time figures read.
        query = query.where(exists().where(ApplicationEvent.application_id == Application.id,
                                           ApplicationEvent.action == Action.EXTEND.value))
    else:
        query = query.where(Application.state.in_([s.value for s in workflow.OPEN_STATES]))
    applications = list(db.session.scalars(query.order_by(Application.id).limit(batch)))
    for application in applications:
        refresh_clocks(application)
    if len(applications) == batch:
        last = applications[-1].id
        enqueue("recompute_clocks", {"after_id": last, "batch": batch, "scope": scope},
                key=f"recompute:{secrets.token_hex(8)}:after:{last}")
    db.session.commit()
    log.info("open clocks recomputed: %s applications after id %s", len(applications), after_id)


RECOMPUTE_BATCH = 500
# Every application with an extension in its log, whatever its state: after the rule that an
# extension granted once the limit had passed does not count (migration l2extend0001).
EXTENDED_SCOPE = "extended"
