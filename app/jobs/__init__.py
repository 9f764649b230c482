"""Background work: the job outbox and the ways it is carried out.

A subscriber that wants work done after an event calls `enqueue(...)`: a `Job` row is added to
the same transaction as the event, so the work exists exactly when the event does. After the
commit the new jobs are handed to the dispatcher:

- `celery` (`BROKER_URL` set; production and the tests that prove it): published to Celery on
  Redis, run by `flask --app wsgi worker`; `flask --app wsgi beat` runs the periodic tasks;
- `thread` (the embedded default of `make run`): a background thread of the web process runs
  the same jobs and, every minute, the same periodic tasks;
- `eager` (the test suite's default): run right after the commit, in the same thread but in
  a fresh session and transaction — outside the request's lock, as a worker would.

Whatever the dispatcher, a job that was written but never ran (a crash, a broker that was down)
is published again by the relay (`app.jobs.runner.relay`), and every task is idempotent.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import timeutil
from app.extensions import db
from app.models.jobs import Job, JobStatus

log = logging.getLogger(__name__)

# kind → function(payload). Registered by the operations modules that own the work.
TASKS: dict[str, Callable[[dict[str, Any]], None]] = {}
_NEW_JOBS = "jobs_new"  # added in this transaction (not flushed yet, perhaps)
_TO_PUBLISH = "jobs_to_publish"  # their ids, once the transaction is committing


def task(kind: str, *, max_attempts: int = 5):
    """Register the function that does the work of jobs of this kind. It must be idempotent
    (a job may be delivered twice) and commit its own work."""

    def register(function):
        TASKS[kind] = function
        function.job_kind = kind
        function.max_attempts = max_attempts
        return function

    return register


@dataclass(frozen=True)
class Periodic:
    """A task run on a schedule (Celery beat, or the embedded thread's tick)."""

    name: str
    function: Callable[[], Any]
    interval_setting: str  # the config key holding the interval in seconds


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, *, interval_setting: str):
    def register(function):
        PERIODIC[name] = Periodic(name, function, interval_setting)
        return function

    return register


def enqueue(kind: str, payload: dict[str, Any], *, key: str, application_id: int | None = None) -> Job:
    """Add a job to the current transaction; it is published once the transaction commits."""
    now = timeutil.now()
    job = Job(kind=kind, key=key, payload=payload, application_id=application_id,
              status=JobStatus.PENDING.value, attempts=0,
              max_attempts=getattr(TASKS.get(kind), "max_attempts", 5),
              next_attempt_at=now, published_at=now, created_at=now, locked_by="", last_error="")
    db.session.add(job)
    # No flush here: the job is inserted with the event, in the transaction's one flush.
    db.session.info.setdefault(_NEW_JOBS, []).append(job)
    return job


@event.listens_for(Session, "before_commit")
def _ids_before_commit(session) -> None:
    jobs = session.info.pop(_NEW_JOBS, None)
    if jobs:
        session.flush()
        session.info.setdefault(_TO_PUBLISH, []).extend(job.id for job in jobs)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session) -> None:
    ids = session.info.pop(_TO_PUBLISH, None)
    if ids and has_app_context():
        dispatcher().publish(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(_NEW_JOBS, None)
    session.info.pop(_TO_PUBLISH, None)


def dispatcher():
    """The process's dispatcher, set by `app.jobs.dispatchers.init_app` in `create_app`."""
    return current_app.extensions["jobs"]


def jobs_mode(config) -> str:
    """celery (a broker is configured), thread (the embedded default), or eager (tests)."""
    return config.get("JOBS_MODE") or ("celery" if config.get("BROKER_URL") else "thread")
