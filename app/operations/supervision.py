"""What a unit's head (负责人) answers for: red and yellow items, extension requests waiting
for approval, each clerk's load, and the unit's figures over a period."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select

from app.domain.statistics import DecidedRow, ServiceFigures, service_figures
from app.domain.workflow import (
    URGENT_STATES,
    Action,
    State,
    TransitionRefused,
    extension_refusal,
    extension_requested,
    urgent_status,
)
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.operations import lights
from app.operations.calendar import load_calendar
from app.operations.events import event_records

ATTENTION_LIMIT = 200


def _open_in_unit(unit_id: int):
    return and_(Application.unit_id == unit_id, lights.open_matters())


def red_items(unit_id: int, *, now: datetime) -> list[Application]:
    """Statutory limit passed (or escalated by the sweep): the head answers for these."""
    return list(db.session.scalars(
        select(Application).where(_open_in_unit(unit_id), lights.red(now))
        .order_by(Application.work_due_at).limit(ATTENTION_LIMIT)))


def yellow_items(unit_id: int, *, now: datetime) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(_open_in_unit(unit_id), lights.yellow(now))
        .order_by(Application.work_due_at).limit(ATTENTION_LIMIT)))


@dataclass(frozen=True)
class ExtensionRequest:
    """延期申请 awaiting the head of the unit: the matter, and who asked why and when."""
    application: Application
    reason: str
    requested_by: str
    requested_at: datetime
    # Why it can no longer be granted (the limit it would extend has passed), or None.
    too_late: TransitionRefused | None = None


def pending_extension_requests(unit_id: int, *, now: datetime) -> list[ExtensionRequest]:
    requested = exists().where(ApplicationEvent.application_id == Application.id,
                               ApplicationEvent.action == Action.REQUEST_EXTENSION.value)
    candidates = db.session.scalars(
        select(Application).where(Application.unit_id == unit_id, Application.state == State.ACCEPTED.value,
                                  requested).order_by(Application.statutory_due_at))
    pending = []
    for application in candidates:
        if not extension_requested(event_records(application)):
            continue
        asked = next(e for e in reversed(application.events) if e.action == Action.REQUEST_EXTENSION.value)
        too_late = extension_refusal(Action.EXTEND, now=now, decision_due_at=application.statutory_due_at)
        pending.append(ExtensionRequest(application, asked.reason, asked.actor.real_name if asked.actor else "",
                                        asked.occurred_at, too_late))
    return pending


@dataclass(frozen=True)
class UrgentRequest:
    application: Application
    reason: str
    requested_at: datetime


def pending_urgent_requests(unit_id: int) -> list[UrgentRequest]:
    """加急办 requests awaiting the head of the unit, oldest first."""
    asked = exists().where(ApplicationEvent.application_id == Application.id,
                           ApplicationEvent.action == Action.REQUEST_URGENT.value)
    candidates = db.session.scalars(
        select(Application).where(Application.unit_id == unit_id, Application.state.in_(
            [s.value for s in URGENT_STATES]), asked).order_by(Application.id))
    pending = []
    for application in candidates:
        if urgent_status(event_records(application)) != "requested":
            continue
        event = next(e for e in application.events if e.action == Action.REQUEST_URGENT.value)
        pending.append(UrgentRequest(application, event.reason, event.occurred_at))
    return pending


@dataclass(frozen=True)
class ClerkLoad:
    user: User
    claimed_open: int
    red: int


def clerk_loads(unit_id: int, *, now: datetime) -> list[ClerkLoad]:
    clerks = db.session.scalars(select(User).where(User.unit_id == unit_id, User.role.in_(("clerk", "officer",
                                                                                           "supervisor")))
                                .order_by(User.real_name)).all()
    loads = []
    for clerk in clerks:
        mine = and_(_open_in_unit(unit_id), Application.claimed_by_id == clerk.id)
        claimed = db.session.scalar(select(func.count(Application.id)).where(mine)) or 0
        red = db.session.scalar(select(func.count(Application.id)).where(mine, lights.red(now))) or 0
        loads.append(ClerkLoad(clerk, claimed, red))
    return loads


def unit_figures(unit_id: int, *, start: datetime, end: datetime, now: datetime) -> dict[str, ServiceFigures]:
    """Decisions taken in [start, end) and overdue items open now, per service."""
    deemed = exists().where(ApplicationEvent.application_id == Application.id,
                            ApplicationEvent.action == Action.DEEM_ACCEPTED.value)
    rows = db.session.execute(
        select(Application.service_code, Application.accepted_as_of, Application.decided_at,
               Application.statutory_due_at, deemed)
        .where(Application.unit_id == unit_id, Application.decided_at >= start, Application.decided_at < end)
    ).all()
    overdue = dict(db.session.execute(
        select(Application.service_code, func.count(Application.id))
        .where(_open_in_unit(unit_id), lights.red(now))
        .group_by(Application.service_code)).all())
    decided = [DecidedRow(code, accepted, decided_at, due, bool(was_deemed))
               for code, accepted, decided_at, due, was_deemed in rows]
    return service_figures(decided, overdue, calendar=load_calendar())


CSV_HEADER = ["事项代码", "事项名称", "办结件数", "按时办结件数", "按时办结率", "平均审查工作日", "视为受理件数", "当前超期在办件数"]


def figures_csv(figures: dict[str, ServiceFigures], names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for code, entry in sorted(figures.items()):
        rate = "" if entry.on_time_rate is None else f"{entry.on_time_rate:.1%}"
        days = "" if entry.average_working_days is None else f"{entry.average_working_days:.1f}"
        writer.writerow([code, names.get(code, code), entry.decided, entry.on_time, rate, days,
                         entry.deemed_acceptances, entry.overdue_open])
    return out.getvalue()
