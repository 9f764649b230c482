"""The figures `/metrics` reports from the database: the same on every server, whichever
process filed, swept or ran the work (workers and beats serve no HTTP of their own)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from app.domain.catalogue import CATALOGUE
from app.domain.workflow import ActorKind
from app.extensions import db
from app.jobs import runner
from app.models.applications import Application, ApplicationEvent
from app.models.jobs import JobStatus
from app.operations import lights
from app.operations.sla import TIMER_REASONS


@dataclass(frozen=True)
class Snapshot:
    filings: dict[str, int]  # service code → applications ever filed
    open_by_light: dict[str, int]  # red / yellow / green → open matters
    jobs: dict[str, int]  # pending / running / done / failed
    timers_fired: dict[str, int]  # timer action → times fired


def snapshot(now: datetime) -> Snapshot:
    # Every service and timer appears, at 0 until it first happens: a series that exists from
    # the start is one an alert can watch.
    filings = dict.fromkeys(CATALOGUE, 0) | dict(db.session.execute(
        select(Application.service_code, func.count(Application.id)).group_by(Application.service_code)).all())
    open_by_light = {
        light: db.session.scalar(select(func.count(Application.id)).where(and_(lights.open_matters(), condition(now))))
        for light, condition in (("red", lights.red), ("yellow", lights.yellow), ("green", lights.green))
    }
    counts = runner.counts()
    jobs = {status.value: getattr(counts, status.value, 0) for status in JobStatus}
    timers = dict.fromkeys((action.value for action in TIMER_REASONS), 0) | dict(db.session.execute(
        select(ApplicationEvent.action, func.count(ApplicationEvent.id))
        .where(ApplicationEvent.actor_kind == ActorKind.SYSTEM.value,
               ApplicationEvent.action.in_([action.value for action in TIMER_REASONS]))
        .group_by(ApplicationEvent.action)).all())
    return Snapshot(filings=filings, open_by_light=open_by_light, jobs=jobs, timers_fired=timers)
