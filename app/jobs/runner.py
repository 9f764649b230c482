"""Running one job, and the relay that publishes what was written but never ran.

A job is claimed by a conditional UPDATE (pending → running, with a lease) in its own short
transaction, the task runs with no lock held, and the job is marked done. A worker killed
mid-task leaves the job `running`; once its lease has passed, the relay publishes it again
and the next worker takes it over. The tasks are idempotent, so a job that ran twice did its
work once.
"""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from app import timeutil
from app.extensions import db
from app.jobs import TASKS, dispatcher, periodic
from app.models.jobs import Job, JobStatus

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Who holds a claimed job (read at claim time: a forked worker has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _lease() -> timedelta:
    return timedelta(seconds=int(current_app.config["JOB_LEASE_SECONDS"]))


def _backoff(attempts: int) -> timedelta:
    base = int(current_app.config["JOB_RETRY_SECONDS"])
    return min(timedelta(seconds=base) * 2 ** max(attempts - 1, 0), timedelta(hours=1))


def _claimable(now: datetime):
    fresh_or_due = or_(Job.attempts == 0, Job.next_attempt_at <= now)
    return or_(
        and_(Job.status == JobStatus.PENDING.value, fresh_or_due),
        and_(Job.status == JobStatus.RUNNING.value, Job.locked_until < now),
    )


def run_job(job_id: int, *, worker: str | None = None) -> str:
    """Claim and run one job. Returns what happened: done, retry, failed or skipped."""
    worker = (worker or worker_name())[:120]  # as stored in `locked_by`
    now = timeutil.now()
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, _claimable(now))
        .values(status=JobStatus.RUNNING.value, attempts=Job.attempts + 1, locked_until=now + _lease(),
                locked_by=worker, started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return "skipped"  # done already, or another worker holds it
    job = db.session.get(Job, job_id)
    kind, payload = job.kind, dict(job.payload or {})
    db.session.commit()
    try:
        TASKS[kind](payload)
    except Exception as exc:  # any failure is an attempt; the type only (no personal data in logs)
        db.session.rollback()
        return _failed(job_id, exc, worker=worker)
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.locked_by == worker)
        .values(status=JobStatus.DONE.value, finished_at=timeutil.now(), locked_until=None, last_error="",
                payload={})  # a done job keeps no copy of what it rendered or sent
        .execution_options(synchronize_session=False))
    db.session.commit()
    return "done"


def _failed(job_id: int, exc: Exception, *, worker: str) -> str:
    job = db.session.get(Job, job_id)
    if job is None or job.locked_by != worker:
        db.session.rollback()
        return "skipped"
    job.last_error = type(exc).__name__[:300]
    job.locked_until = None
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED.value
        job.finished_at = timeutil.now()
        outcome = "failed"
    else:
        job.status = JobStatus.PENDING.value
        job.next_attempt_at = timeutil.now() + _backoff(job.attempts)
        job.published_at = None  # the relay publishes it when the backoff has passed
        outcome = "retry"
    log.warning("job %s id=%s attempt=%s/%s error=%s → %s", job.kind, job.id, job.attempts, job.max_attempts,
                job.last_error, outcome, exc_info=current_app.config.get("TESTING", False))
    db.session.commit()
    return outcome


def relay(*, now: datetime | None = None, everything: bool = False, batch_size: int = 500) -> int:
    """Publish jobs that should be running but are not: never published (the broker was down),
    due again after a failure, published long ago and still waiting (a lost message), or
    held by a worker whose lease has run out. `everything`: all pending jobs (a restarted
    embedded worker, whose in-memory queue was lost)."""
    now = now or timeutil.now()
    stale = now - timedelta(seconds=int(current_app.config["JOB_REPUBLISH_SECONDS"]))
    waiting = and_(Job.status == JobStatus.PENDING.value, or_(Job.attempts == 0, Job.next_attempt_at <= now))
    if not everything:
        waiting = and_(waiting, or_(Job.published_at.is_(None), Job.published_at < stale))
    lapsed = and_(Job.status == JobStatus.RUNNING.value, Job.locked_until < now)
    ids = list(db.session.scalars(select(Job.id).where(or_(waiting, lapsed)).order_by(Job.id).limit(batch_size)))
    if not ids:
        db.session.rollback()
        return 0
    db.session.execute(update(Job).where(Job.id.in_(ids)).values(published_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    dispatcher().publish(ids)
    return len(ids)


@periodic("relay", interval_setting="JOB_RELAY_SECONDS")
def scheduled_relay() -> int:
    return relay()


def mark_unpublished(ids: list[int]) -> None:
    """The broker refused them: the relay publishes them once it is back."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id.in_(ids), Job.status == JobStatus.PENDING.value)
                           .values(published_at=None))


@dataclass
class Counts:
    pending: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0


def counts() -> Counts:
    rows = db.session.execute(select(Job.status, func.count(Job.id)).group_by(Job.status)).all()
    return Counts(**{status: number for status, number in rows if status in Counts.__dataclass_fields__})


def failed_jobs(limit: int = 100) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.status == JobStatus.FAILED.value)
                                   .order_by(Job.id.desc()).limit(limit)))


class JobNotFound(LookupError):
    pass


def retry(job_id: int) -> Job:
    """An admin's retry of a failed job: a fresh set of attempts, published at once."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.FAILED.value:
        db.session.rollback()
        raise JobNotFound(job_id)
    now = timeutil.now()
    job.status = JobStatus.PENDING.value
    job.attempts = 0
    job.next_attempt_at = now
    job.published_at = now
    job.finished_at = None
    db.session.commit()
    dispatcher().publish([job.id])
    return job
