"""Celery on Redis: one task runs jobs of the outbox by id, one runs a periodic task by name.

The job row, not the message, is the source of truth: a message delivered twice finds the job
done or held and does nothing; a message lost (a broker restart, a worker killed before it
acknowledged) is published again by the relay. Messages are acknowledged late, so a worker
that dies mid-task hands its message back to the broker too.
"""
from __future__ import annotations

from celery import Celery
from celery.signals import worker_process_init
from flask import Flask

from app.extensions import db
from app.jobs import PERIODIC, runner

RUN_JOBS = "portal.run_jobs"
RUN_PERIODIC = "portal.periodic"
QUEUE = "portal"


def make_celery(app: Flask) -> Celery:
    celery = Celery("portal", set_as_current=False)
    celery.conf.update(
        broker_url=app.config["BROKER_URL"],
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # A publish that cannot reach the broker fails at once; the relay publishes it later.
        broker_transport_options={"visibility_timeout": 3600, "socket_connect_timeout": 3,
                                  "socket_timeout": 5, "max_retries": 0},
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        timezone="Asia/Shanghai",
        worker_hijack_root_logger=False,
        beat_schedule={
            name: {"task": RUN_PERIODIC, "schedule": float(app.config[task.interval_setting]), "args": [name],
                   "options": {"expires": float(app.config[task.interval_setting])}}
            for name, task in PERIODIC.items()
        },
    )

    @celery.task(name=RUN_JOBS)
    def run_jobs(job_ids: list[int]) -> list[str]:
        outcomes = []
        for job_id in job_ids:
            with app.app_context():
                outcomes.append(runner.run_job(int(job_id)))
        return outcomes

    @celery.task(name=RUN_PERIODIC)
    def run_periodic(name: str) -> None:
        with app.app_context():
            PERIODIC[name].function()

    @worker_process_init.connect(weak=False)
    def _fresh_connections(**_kwargs) -> None:
        # A forked worker must not share the parent's database connections.
        with app.app_context():
            db.engine.dispose(close=False)

    return celery
