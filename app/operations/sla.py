"""The timer sweep (`flask sla sweep`, and every minute from Celery beat or the embedded
worker): deemed acceptance, closing unanswered corrections, escalation of overdue items,
breached commitments, and the reminders of 容缺 supplements falling due.

Safe to run twice, at any time, on any number of servers: each application is processed in
its own transaction under a row lock (PostgreSQL `FOR UPDATE SKIP LOCKED`), the timer is
re-derived from the event log inside that lock, and the event is dated at the timer's due
time however late the sweep runs. Cost is proportional to the due items: it reads only
rows whose indexed `next_timer_at` has passed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from app import timeutil
from app.domain import workflow
from app.domain.clock import pending_timers
from app.domain.text import N_
from app.domain.workflow import Action, Actor, ActorKind, State
from app.extensions import db
from app.jobs import periodic
from app.models.applications import Application
from app.operations.courier_poll import poll_couriers
from app.operations.events import clocks_for, event_records, record, service_of
from app.operations.notifications import remind_commitments
from app.operations.services import all_handlers, handler_for
from app.operations.tolerance import breach_fields

log = logging.getLogger(__name__)
SYSTEM_ACTOR = Actor(ActorKind.SYSTEM)

TIMER_REASONS = {
    Action.DEEM_ACCEPTED: N_("受理时限届满未作出受理决定，依法自收到申请材料之日起视为受理"),
    Action.CLOSE_UNANSWERED: N_("补正期限届满未补正材料，终止办理"),
    Action.ESCALATE: N_("办理时限已届满，升级至单位负责人督办"),
    Action.BREACH_COMMITMENT: N_("容缺承诺期限届满未补齐材料，按承诺处理"),
}


@dataclass
class SweepResult:
    fired: list[tuple[int, str]] = field(default_factory=list)
    skipped_locked: int = 0

    @property
    def count(self) -> int:
        return len(self.fired)


def sweep(*, as_of: datetime, now: datetime, batch_size: int = 500) -> SweepResult:
    result = _sweep_timers(as_of=as_of, now=now, batch_size=batch_size)
    for handler in all_handlers():
        result.fired += handler.periodic_sweep(as_of=as_of, now=now)
    result.fired += remind_commitments(as_of=as_of, now=now)
    result.fired += poll_couriers(now=as_of)  # 办件寄递: parcels signed for end their delivery clock
    return result


@periodic("sla_sweep", interval_setting="SLA_SWEEP_SECONDS")
def scheduled_sweep() -> SweepResult:
    now = timeutil.now()
    result = sweep(as_of=now, now=now)
    if result.count:
        log.info("sla sweep: %s timers fired, %s skipped (held by another sweep)", result.count,
                 result.skipped_locked)
    return result


def _sweep_timers(*, as_of: datetime, now: datetime, batch_size: int) -> SweepResult:
    """Walk the due rows in (next_timer_at, id) order, a batch at a time (keyset paging:
    each query stays small however large the backlog)."""
    result = SweepResult()
    after: tuple[datetime, int] | None = None
    while True:
        query = select(Application.id, Application.next_timer_at).where(Application.next_timer_at <= as_of)
        if after is not None:
            query = query.where(tuple_(Application.next_timer_at, Application.id) > after)
        candidates = db.session.execute(
            query.order_by(Application.next_timer_at, Application.id).limit(batch_size)).all()
        db.session.rollback()
        if not candidates:
            return result
        ids = [application_id for application_id, _ in candidates]
        for start in range(0, len(ids), LOCK_BATCH):
            _sweep_locked(ids[start:start + LOCK_BATCH], as_of=as_of, now=now, result=result)
        after = (candidates[-1].next_timer_at, candidates[-1].id)


# Applications locked and committed together: one transaction (and one flush of their events,
# documents, messages and jobs) for this many, instead of one each. Short enough that the
# locks (SQLite: the database's write lock) are held for a fraction of a second.
LOCK_BATCH = 100


def _locked(ids: list[int], as_of: datetime):
    return (select(Application)
            .where(Application.id.in_(ids), Application.next_timer_at <= as_of)
            .order_by(Application.id)
            .options(selectinload(Application.events), selectinload(Application.applicant))
            .with_for_update(skip_locked=True, of=Application))


def _sweep_locked(ids: list[int], *, as_of: datetime, now: datetime, result: SweepResult) -> None:
    """Fire the due timers of these applications in one transaction; if another sweep got to
    one of them first (SQLite has no SKIP LOCKED), go again one application at a time."""
    fired: list[tuple[int, str]] = []
    try:
        applications = list(db.session.scalars(_locked(ids, as_of)))
        for application in applications:
            fired += _fire_due(application, as_of=as_of, now=now)
        db.session.commit()
    except (IntegrityError, OperationalError):
        db.session.rollback()
        for application_id in ids:
            _sweep_one(application_id, as_of=as_of, now=now, result=result)
        return
    result.fired += fired
    result.skipped_locked += len(ids) - len(applications)


def _sweep_one(application_id: int, *, as_of: datetime, now: datetime, result: SweepResult) -> None:
    try:
        application = db.session.scalar(_locked([application_id], as_of))
        if application is None:
            result.skipped_locked += 1
            db.session.rollback()
            return
        fired = _fire_due(application, as_of=as_of, now=now)
        db.session.commit()
    except (IntegrityError, OperationalError):
        # Another sweep wrote this application first.
        db.session.rollback()
        result.skipped_locked += 1
        return
    result.fired += fired


def _fire_due(application: Application, *, as_of: datetime, now: datetime) -> list[tuple[int, str]]:
    """Every timer of one (locked) application due by `as_of`, re-derived from its events, each
    recorded at its own due time."""
    service = service_of(application)
    handler = handler_for(application.service_code)
    fired = []
    while True:
        due = [
            t for t in pending_timers(State(application.state), clocks_for(application, explain=False),
                                      event_records(application))
            if t.due_at <= as_of
        ]
        if not due:
            return fired
        timer = due[0]
        extra = breach_fields(application, now=now) if timer.action == Action.BREACH_COMMITMENT else {}
        decision = workflow.decide(
            service, State(application.state), timer.action, SYSTEM_ACTOR,
            {**timer.payload, **extra, "reason": TIMER_REASONS[timer.action]},
            unit_id=application.unit_id, history=event_records(application),
        )
        event = record(application, decision, SYSTEM_ACTOR, at=timer.due_at, recorded_at=now)
        handler.after_action(application, event, now=now)
        fired.append((application.id, timer.action.value))
