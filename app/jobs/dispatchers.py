"""How jobs are carried out in this process: Celery, the embedded thread, or eagerly (tests).
`init_app` picks one in `create_app` (see `app.jobs`)."""
from __future__ import annotations

import logging
import queue
import threading
import time

from flask import Flask

from app.jobs import PERIODIC, jobs_mode, runner
from app.jobs.celery_app import RUN_JOBS, make_celery

log = logging.getLogger(__name__)


class EagerDispatcher:
    """Runs each job as soon as the transaction that wrote it has committed, in a fresh
    application context (its own session and transaction), as a worker would."""

    def __init__(self, app: Flask):
        self.app = app

    def publish(self, ids: list[int]) -> None:
        for job_id in ids:
            with self.app.app_context():
                runner.run_job(job_id)

    def start(self) -> None:
        pass


class ThreadDispatcher:
    """The embedded default (`make run`, no broker): one background thread of the web process
    runs the published jobs and, on their intervals, the periodic tasks (the SLA sweep, the
    notification delivery, the relay). A restart loses only the in-memory queue: the thread
    begins by publishing every pending job again. A process that serves no pages (a `flask`
    command) has no thread: its jobs run in it right after their commit, as in tests."""

    def __init__(self, app: Flask):
        self.app = app
        self.queue: queue.Queue[int] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def publish(self, ids: list[int]) -> None:
        if self._thread is None:
            EagerDispatcher(self.app).publish(ids)
            return
        for job_id in ids:
            self.queue.put(job_id)
        self.start()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="portal-jobs", daemon=True)
                self._thread.start()
                log.info("embedded job worker started (no BROKER_URL): jobs, SLA sweep and notifications "
                         "run in this process")

    def _loop(self) -> None:
        self._guarded(lambda: runner.relay(everything=True))
        due = dict.fromkeys(PERIODIC, 0.0)
        while True:
            now = time.monotonic()
            for name, task in PERIODIC.items():
                if now >= due[name]:
                    self._guarded(task.function)
                    due[name] = time.monotonic() + float(self.app.config[task.interval_setting])
            wait = max(0.05, min(due.values(), default=time.monotonic() + 60) - time.monotonic())
            try:
                job_id = self.queue.get(timeout=wait)
            except queue.Empty:
                continue
            self._guarded(lambda job_id=job_id: runner.run_job(job_id))

    def _guarded(self, work) -> None:
        try:
            with self.app.app_context():
                work()
        except Exception:  # the thread must outlive any one failure; the job row records it
            log.exception("embedded job worker: task failed")


# A sweep writes thousands of jobs in a few seconds: a few per message keeps publishing cheap,
# and few enough that one slow job (a PDF) does not hold many others back.
JOBS_PER_MESSAGE = 4


class CeleryDispatcher:
    """Publishes to Celery (Redis). A broker that refuses leaves the jobs for the relay."""

    def __init__(self, app: Flask):
        self.app = app
        self.celery = make_celery(app)

    def publish(self, ids: list[int]) -> None:
        sent = 0
        try:
            with self.celery.producer_or_acquire() as producer:  # one connection for the whole commit
                for start in range(0, len(ids), JOBS_PER_MESSAGE):
                    chunk = ids[start:start + JOBS_PER_MESSAGE]
                    self.celery.send_task(RUN_JOBS, args=[chunk], retry=False, producer=producer)
                    sent += len(chunk)
        except Exception as exc:  # broker down: nothing is lost, the relay publishes later
            log.warning("broker unreachable (%s): %s job(s) left for the relay", type(exc).__name__,
                        len(ids) - sent)
            runner.mark_unpublished(ids[sent:])

    def start(self) -> None:
        pass


DISPATCHERS = {"eager": EagerDispatcher, "thread": ThreadDispatcher, "celery": CeleryDispatcher}


def init_app(app: Flask) -> None:
    mode = jobs_mode(app.config)
    if mode not in DISPATCHERS:
        raise ValueError(f"JOBS_MODE must be one of {', '.join(DISPATCHERS)}, not {mode!r}")
    app.config["JOBS_MODE"] = mode
    dispatcher = app.extensions["jobs"] = DISPATCHERS[mode](app)
    if mode == "thread":
        # Plain `flask run` too: the first request starts the thread (`flask serve` starts it at once).
        app.before_request(dispatcher.start)
