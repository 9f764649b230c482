"""Benchmark of the SLA sweep (app.operations.sla.sweep) over a large table of open
applications, most of them not yet due.

A fresh database is built with the real migrations and the demo seed (units, users,
registries); then `total` open 无犯罪记录证明 applications are bulk-inserted, each with a
consistent `submit` event (hash chain valid, stored clocks equal to `derive_clocks`).
`due` of them were submitted long enough before `AS_OF` that their acceptance limit has
run out, so the sweep must deem them accepted; the rest were submitted recently.

`bench/run.py` calls `bench_sweep(database_url, total=…, due=…)`; on its own:
``python -m bench.bench_sweep [sqlite | postgresql+psycopg://…] [total] [due]``.
"""
from __future__ import annotations

import contextlib
import random
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # allow `python bench/bench_sweep.py`
    sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.domain.calendar import SHANGHAI  # noqa: E402
from tests.conftest import HeldDispatcher  # noqa: E402  (jobs written, not run, without a broker)

SERVICE_CODE = "criminal_record"
# The sweep runs "now" = a Monday morning. Acceptance is 5 working days, not counting the
# day of submission: anything submitted from 2026-11-09 00:00 on is due 2026-11-16 23:59:59
# or later (not due at AS_OF); anything submitted 2026-10-19 … 2026-10-30 was due in early
# November (due). The windows stay clear of the 2026 National Day holiday.
AS_OF = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
RECENT_WINDOW = (datetime(2026, 11, 9, 0, 0, tzinfo=SHANGHAI), AS_OF)
DUE_WINDOW = (datetime(2026, 10, 19, 0, 0, tzinfo=SHANGHAI), datetime(2026, 10, 31, 0, 0, tzinfo=SHANGHAI))
CHUNK = 5_000
BATCH_SIZE = 500  # the sweep's default batch
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
INDEX_NAME = "ix_applications_next_timer_at"


# --- a scratch database -------------------------------------------------------------------


def _pg_admin(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def scratch_database(database_url: str | None = None, *, keep: bool = False) -> Iterator[str]:
    """An empty database for one run, dropped afterwards (unless `keep`).

    None or ``"sqlite"``: a new SQLite file in a temporary directory under /tmp.
    A PostgreSQL URL names the *server* (and the database to connect to for
    administration, e.g. ``…/test``): a dedicated ``bench_…`` database is created on it.
    """
    if not database_url or database_url in ("sqlite", "sqlite://"):
        directory = Path(tempfile.mkdtemp(prefix="jwtb-bench-", dir="/tmp"))
        try:
            yield f"sqlite:///{directory / 'bench.sqlite3'}"
        finally:
            if not keep:
                shutil.rmtree(directory, ignore_errors=True)
        return
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise ValueError(f"unsupported database URL {url.render_as_string(hide_password=True)}: "
                         "use 'sqlite' or a postgresql+psycopg:// URL")
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_admin(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with psycopg.connect(_pg_admin(url), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_database(today) -> None:
    """In an app context: the real migrations to every head (the project keeps independent
    migration branches, as `make db-upgrade` and the tests do), then the demo seed."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.seed import seed_demo

    upgrade(revision="heads")
    seed_demo(db.session, today=today)
    db.session.commit()


def server_version() -> str:
    from app.extensions import db

    if db.engine.dialect.name == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    version = db.session.scalar(text("SHOW server_version"))
    db.session.rollback()
    return f"PostgreSQL {version}"


# --- bulk population ------------------------------------------------------------------------


def _submit_times(total: int, due: int, seed: int) -> list[tuple[datetime, bool]]:
    """(submitted at, due?) for every application, oldest first, to the minute."""
    rng = random.Random(seed)

    def pick(window: tuple[datetime, datetime]) -> datetime:
        minutes = int((window[1] - window[0]).total_seconds() // 60)
        return window[0] + timedelta(minutes=rng.randrange(minutes))

    times = [(pick(DUE_WINDOW), True) for _ in range(due)]
    times += [(pick(RECENT_WINDOW), False) for _ in range(total - due)]
    times.sort(key=lambda item: item[0])
    return times


def populate(*, total: int, due: int, as_of: datetime = AS_OF, seed: int = 1116) -> dict:
    """Bulk-insert `total` submitted applications (`due` of them due at `as_of`), each with
    its `submit` event, through SQLAlchemy Core executemany in chunks.

    Everything a real filing would store is computed the way the application computes it:
    the routing from the service handler's `prepare`, the event from `workflow.decide`, its
    hash with `event_hash` over the UTC value, the clock columns as `refresh_clocks` derives
    them (once per distinct submission instant). Filing documents (the receipt PDF) are not
    produced: the sweep does not read them.
    """
    from app.domain.catalogue import FILING_SCHEMAS, get_service
    from app.domain.catalogue.schema import validate
    from app.domain.clock import CLOCK_NAMES, derive_clocks, next_timer_at, work_due_at
    from app.domain.workflow import Action, Actor, ActorKind, EventRecord, State, decide
    from app.extensions import db
    from app.models.accounts import Unit, User
    from app.models.applications import Application, ApplicationEvent
    from app.operations.calendar import load_calendar
    from app.operations.events import GENESIS_HASH, event_hash
    from app.operations.services import handler_for

    if not 0 <= due <= total:
        raise ValueError("need 0 <= due <= total")
    if db.session.scalar(select(func.count(Application.id))):
        raise RuntimeError("the benchmark needs a database without applications")
    service = get_service(SERVICE_CODE)
    applicant = db.session.scalar(select(User).where(User.username == "citizen"))
    filing = handler_for(SERVICE_CODE).prepare(
        applicant, validate(FILING_SCHEMAS[SERVICE_CODE], {"applicant_type": "individual", "purpose": "入职"}),
        now=as_of)
    actor = Actor(ActorKind.APPLICANT, applicant.id)
    decision = decide(service, State.DRAFT, Action.SUBMIT, actor, {}, unit_id=filing.unit_id, history=[])
    unit = db.session.get(Unit, filing.unit_id)
    calendar = load_calendar(unit.region_code if unit else None)  # as `calendar_for` picks it
    db.session.rollback()

    clock_cache: dict[datetime, dict] = {}

    def clock_columns(at: datetime) -> dict:
        columns = clock_cache.get(at)
        if columns is None:
            records = [EventRecord(1, decision.action, decision.from_state, decision.to_state, at,
                                   decision.reason, decision.payload)]
            clocks = derive_clocks(service, records, calendar=calendar)
            columns = {name: getattr(clocks, name) for name in CLOCK_NAMES}
            columns.update(
                accepted_as_of=clocks.accepted_as_of, yellow_from_at=clocks.yellow_from_at,
                paused_since=clocks.paused_since,
                next_timer_at=next_timer_at(decision.to_state, clocks, records),
                work_due_at=work_due_at(decision.to_state, clocks),
                provisional_calendar=any(calendar.is_provisional(value.year)
                                         for value in clocks.as_dict().values() if value is not None),
            )
            clock_cache[at] = columns
        return columns

    times = _submit_times(total, due, seed)
    due_ids: list[int] = []
    start = time.perf_counter()
    app_table, event_table = Application.__table__, ApplicationEvent.__table__
    for chunk_start in range(0, total, CHUNK):
        applications, events = [], []
        for offset, (at, is_due) in enumerate(times[chunk_start:chunk_start + CHUNK]):
            application_id = chunk_start + offset + 1
            columns = clock_columns(at)
            if (columns["next_timer_at"] <= as_of) != is_due:
                raise RuntimeError(f"submission at {at} does not fall where intended (due={is_due})")
            if is_due:
                due_ids.append(application_id)
            stored_at = at.astimezone(UTC)
            submit_hash = event_hash(GENESIS_HASH, application_id, 1, decision.action.value,
                                     decision.from_state.value, decision.to_state.value, stored_at,
                                     applicant.id, decision.reason, decision.payload)
            applications.append({
                "id": application_id,
                "number": f"{service.number_prefix}{at.strftime('%Y%m%d')}{application_id:06d}",
                "tracking_token": secrets.token_urlsafe(24),
                "service_code": service.code, "state": decision.to_state.value,
                "unit_id": filing.unit_id, "applicant_user_id": applicant.id,
                "organisation_id": applicant.organisation_id,
                "subject_name": filing.subject_name, "subject_id_number": filing.subject_id_number,
                "data": filing.data, "event_count": 1, "last_event_hash": submit_hash,
                "submitted_at": at, "decided_at": None,
                "escalated_at": None, "claimed_by_id": None, "claimed_at": None,
                "created_at": at, "updated_at": at, **columns,
            })
            events.append({
                "application_id": application_id, "seq": 1, "action": decision.action.value,
                "from_state": decision.from_state.value, "to_state": decision.to_state.value,
                "occurred_at": at, "recorded_at": at, "actor_user_id": applicant.id,
                "actor_kind": actor.kind.value, "reason": decision.reason, "payload": decision.payload,
                "prev_hash": GENESIS_HASH, "hash": submit_hash,
            })
        db.session.execute(insert(app_table), applications)
        db.session.execute(insert(event_table), events)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly: move the sequence past them, as a real table would be.
        db.session.execute(text(
            "SELECT setval(pg_get_serial_sequence('applications', 'id'), (SELECT max(id) FROM applications))"))
    insert_s = time.perf_counter() - start
    # Statistics as a live table would have them (autovacuum / a periodic ANALYZE).
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"total": total, "due": due, "due_ids": due_ids, "insert_s": round(insert_s, 2),
            "rows_per_s": round(2 * total / insert_s), "distinct_submit_instants": len(clock_cache)}


def check_sample(ids: list[int], *, sample: int = 50, seed: int = 7) -> int:
    """Stored clocks equal a recomputation from the event log, and each event's hash is
    valid, for a random sample of rows (plus the given ids). Changes nothing."""
    from app.domain.clock import CLOCK_NAMES
    from app.extensions import db
    from app.models.applications import Application
    from app.operations.events import GENESIS_HASH, refresh_clocks, row_hash

    columns = (*CLOCK_NAMES, "accepted_as_of", "yellow_from_at", "paused_since", "next_timer_at",
               "work_due_at", "provisional_calendar")
    highest = db.session.scalar(select(func.max(Application.id)))
    rng = random.Random(seed)
    chosen = sorted(set(ids) | {rng.randint(1, highest) for _ in range(sample)})
    for application_id in chosen:
        application = db.session.get(Application, application_id)
        stored = {name: getattr(application, name) for name in columns}
        (event,) = application.events
        if event.prev_hash != GENESIS_HASH or row_hash(event) != event.hash:
            raise AssertionError(f"application {application_id}: event hash does not verify")
        refresh_clocks(application)
        recomputed = {name: getattr(application, name) for name in columns}
        if stored != recomputed:
            raise AssertionError(f"application {application_id}: stored clocks {stored} != {recomputed}")
        db.session.rollback()  # refresh_clocks changed nothing, but leave nothing pending
    return len(chosen)


# --- the sweep's candidate query ---------------------------------------------------------


def candidate_query(as_of: datetime, batch_size: int = BATCH_SIZE):
    """The first candidate query of `sla.sweep` (same expression, repeated here so that it
    can be timed and explained on its own)."""
    from app.models.applications import Application

    return (
        select(Application.id)
        .where(Application.next_timer_at <= as_of)
        .order_by(Application.next_timer_at)
        .limit(batch_size)
    )


def explain(query) -> list[str]:
    """The database's plan for `query`: SQLite `EXPLAIN QUERY PLAN`, PostgreSQL
    `EXPLAIN (ANALYZE, BUFFERS)` (the query is a read, so running it is harmless)."""
    from app.extensions import db

    dialect = db.engine.dialect
    compiled = query.compile(dialect=dialect)
    values = {}
    for name, value in compiled.params.items():
        processor = compiled.binds[name].type.bind_processor(dialect)
        values[name] = processor(value) if processor else value
    params = tuple(values[name] for name in compiled.positiontup) if compiled.positional else values
    return explain_statement(str(compiled), params)


def explain_statement(sql: str, params) -> list[str]:
    """The plan of one statement as the driver runs it (its SQL and driver parameters)."""
    from app.extensions import db

    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        lines = [f"{row[0]}|{row[1]}|{row[3]}" for row in rows]  # id|parent|detail
    else:
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).all()
        lines = [row[0] for row in rows]
    db.session.rollback()
    return lines


def time_candidates(as_of: datetime, *, repeats: int = 5) -> dict:
    """Median time of the candidate query alone (the sweep rolls back after it, so do we)."""
    from app.extensions import db

    query = candidate_query(as_of)
    timings, found = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        found = len(list(db.session.scalars(query)))
        db.session.rollback()
        timings.append(time.perf_counter() - start)
    return {"ms": round(statistics.median(timings) * 1000, 3), "rows": found}


# --- the benchmark ------------------------------------------------------------------------------


@contextlib.contextmanager
def _time_pdf_rendering() -> Iterator[dict]:
    """Count and time the PDF renders the sweep triggers (a wrapper, restored afterwards)."""
    import app.operations.documents as documents

    original = documents.render_pdf
    tally = {"renders": 0, "s": 0.0}

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            tally["s"] += time.perf_counter() - start
            tally["renders"] += 1

    documents.render_pdf = timed
    try:
        yield tally
    finally:
        documents.render_pdf = original


# Below this many rows a planner may rightly prefer a sequential scan (PostgreSQL does for a
# few dozen rows), so the index is required only from here on.
INDEX_REQUIRED_FROM = 10_000


def run_on(uri: str, *, total: int, due: int, build: bool = True, as_of: datetime = AS_OF,
           now: datetime | None = None, broker_url: str | None = None) -> dict:
    """The whole benchmark on the database at `uri` (built here unless `build` is False,
    e.g. a test's already migrated and seeded copy). Returns the measurements.

    With `broker_url` the sweep's jobs (the acceptance notices to render, the messages to send)
    are published to Celery on that Redis after each commit, as in production; without, they are
    written and held. Either way the sweep renders nothing itself.

    Fails unless exactly the due applications are deemed accepted, the second sweep fires
    nothing, and (from `INDEX_REQUIRED_FROM` rows) the candidate query uses the index."""
    from app import create_app
    from app.extensions import db
    from app.models.jobs import Job
    from app.operations.sla import sweep

    now = now or as_of + timedelta(minutes=1)
    if broker_url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, BROKER_URL=broker_url, JOBS_MODE="celery")
    else:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
        app.extensions["jobs"] = HeldDispatcher(app)
    result: dict = {"jobs": "celery" if broker_url else "held"}
    with app.app_context():
        try:
            result["database"] = server_version()
            if build:
                start = time.perf_counter()
                build_database(as_of.date())
                result["build_s"] = round(time.perf_counter() - start, 2)
            population = populate(total=total, due=due, as_of=as_of)
            due_ids = population.pop("due_ids")
            result["population"] = population
            result["checked_rows"] = check_sample(due_ids[:5] + due_ids[-5:])

            plan = explain(candidate_query(as_of))
            result["plan"] = plan
            result["uses_index"] = any(INDEX_NAME in line for line in plan)
            if not result["uses_index"] and total >= INDEX_REQUIRED_FROM:
                raise AssertionError(f"the candidate query does not use {INDEX_NAME}:\n" + "\n".join(plan))
            result["candidates_before"] = time_candidates(as_of)

            with _time_pdf_rendering() as pdf:
                start = time.perf_counter()
                first = sweep(as_of=as_of, now=now)
                first_s = time.perf_counter() - start
            by_action = Counter(action for _, action in first.fired)
            deemed = {application_id for application_id, action in first.fired if action == "deem_accepted"}
            if by_action["deem_accepted"] != due or deemed != set(due_ids):
                raise AssertionError(f"expected {due} deemed acceptances of the due rows, got {dict(by_action)}")
            if {application_id for application_id, _ in first.fired} != set(due_ids):
                raise AssertionError("the sweep touched an application that was not due")

            start = time.perf_counter()
            second = sweep(as_of=as_of, now=now)
            second_s = time.perf_counter() - start
            if second.count != 0:
                raise AssertionError(f"the second sweep fired {second.count} timers")

            fired = first.count
            result["sweep"] = {
                "s": round(first_s, 3),
                "timers_fired": fired,
                "by_action": dict(by_action),
                "applications": len(deemed),
                "ms_per_timer": round(first_s / fired * 1000, 2) if fired else None,
                "ms_per_application": round(first_s / len(deemed) * 1000, 2) if deemed else None,
                "pdf_renders": pdf["renders"],
                "pdf_s": round(pdf["s"], 3),
                "render_jobs": db.session.scalar(select(func.count(Job.id)).where(Job.kind == "render_document")),
                "skipped_locked": first.skipped_locked,
            }
            if pdf["renders"]:
                raise AssertionError(f"the sweep rendered {pdf['renders']} PDFs itself")
            if result["sweep"]["render_jobs"] != due:
                raise AssertionError(f"expected {due} acceptance notices to render, got {result['sweep']['render_jobs']}")
            result["second_sweep"] = {"s": round(second_s, 4), "timers_fired": second.count}
            result["candidates_after"] = time_candidates(as_of)
        finally:
            db.session.remove()
            db.engine.dispose()
    return result


def _portal(uri: str, broker_url: str | None):
    from app import create_app

    if broker_url:
        return create_app("testing", SQLALCHEMY_DATABASE_URI=uri, BROKER_URL=broker_url, JOBS_MODE="celery")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
    app.extensions["jobs"] = HeldDispatcher(app)
    return app


def _sweep_in_process(uri: str, broker_url: str | None, as_of: datetime, now: datetime, barrier, results) -> None:
    from app.operations.sla import sweep

    app = _portal(uri, broker_url)
    with app.app_context():
        barrier.wait()
        outcome = sweep(as_of=as_of, now=now)
        results.put((time.time(), outcome.count, outcome.skipped_locked))


def parallel_sweeps(database_url: str | None, *, total: int, due: int, processes: int = 2,
                    broker_url: str | None = None, as_of: datetime = AS_OF) -> dict:
    """The same population on a fresh database, swept by `processes` sweeps at once (as two
    beats, or a sweep per worker, would): the time from their common start until the last one
    has committed, and a check that every due application was deemed accepted exactly once."""
    import multiprocessing

    from app.extensions import db
    from app.models.applications import ApplicationEvent

    now = as_of + timedelta(minutes=1)
    with scratch_database(database_url) as uri:
        app = _portal(uri, broker_url)
        with app.app_context():
            build_database(as_of.date())
            populate(total=total, due=due, as_of=as_of)
            db.session.remove()
            db.engine.dispose()
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(processes + 1), context.Queue()
        workers = [context.Process(target=_sweep_in_process, args=(uri, broker_url, as_of, now, barrier, results))
                   for _ in range(processes)]
        for worker in workers:
            worker.start()
        barrier.wait()
        started = time.time()
        outcomes = [results.get(timeout=1200) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        with app.app_context():
            deemed = Counter(db.session.scalars(select(ApplicationEvent.application_id)
                                                .where(ApplicationEvent.action == "deem_accepted")))
            db.session.remove()
            db.engine.dispose()
        if len(deemed) != due or set(deemed.values()) != {1}:
            raise AssertionError(f"{processes} sweeps deemed {len(deemed)} applications accepted "
                                 f"(each once: {set(deemed.values()) == {1}}), expected {due}")
        return {"processes": processes, "s": round(max(end for end, _, _ in outcomes) - started, 3),
                "timers_fired": [count for _, count, _ in outcomes],
                "skipped_locked": [skipped for _, _, skipped in outcomes]}


def document_throughput(uri: str, broker_url: str, processes, *, workers: tuple[int, ...] = (1, 2),
                        per_worker: int = 100) -> dict:
    """Render the queued acceptance notices with 1, then 2 worker processes (`flask worker
    --pool=solo`, one process each); documents per second from their `rendered_at` times, so
    the workers' start-up is not counted."""
    from tests.jobs.processes import wait_for, worker_env

    engine = create_engine(uri)
    env = worker_env(uri, broker_url, NOTIFY_SENDER="file",
                     NOTIFY_OUTBOX_FILE=str(processes.tmp_path / "outbox.log"))
    results = {}
    try:
        for count in workers:
            with engine.connect() as connection:
                before = connection.execute(text("SELECT count(*) FROM documents WHERE status = 'ready'")).scalar()
                left = connection.execute(text("SELECT count(*) FROM documents WHERE status = 'pending'")).scalar()
            started = [processes.worker(f"bench-{count}-{n}", env) for n in range(count)]
            target = before + min(per_worker * count, left)

            def ready(target=target) -> bool:
                with engine.connect() as connection:
                    return connection.execute(
                        text("SELECT count(*) FROM documents WHERE status = 'ready'")).scalar() >= target

            wait_for(ready, what=f"{per_worker * count} documents with {count} worker(s)", timeout=1200,
                     processes=processes)
            for process in started:
                processes.kill(process, signal.SIGTERM)  # warm shutdown: the task in hand finishes
            with engine.connect() as connection:
                times = sorted(connection.execute(text(
                    "SELECT rendered_at FROM documents WHERE status = 'ready' ORDER BY rendered_at"
                )).scalars().all())[before:]
            times = [t if isinstance(t, datetime) else datetime.fromisoformat(str(t)) for t in times]
            span = (times[-1] - times[0]).total_seconds()
            results[str(count)] = {"documents": len(times), "per_s": round((len(times) - 1) / span, 2) if span else None,
                                   "ms_per_document": round(span / (len(times) - 1) * 1000, 1) if span else None}
    finally:
        engine.dispose()
    return results


def bench_sweep(database_url: str | None = None, *, total: int = 100_000, due: int = 1_000,
                keep: bool = False, workers: tuple[int, ...] = (), per_worker: int = 100,
                parallel: int = 0) -> dict:
    """Build a fresh database (SQLite under /tmp, or a dedicated PostgreSQL database on the
    server of `database_url`), populate it and time the sweep; the database is dropped after.
    With `workers`, the sweep publishes to a private Redis and the queued documents are then
    rendered by that many worker processes in turn (see `document_throughput`); with `parallel`,
    that many sweeps also run at once on a second fresh database (see `parallel_sweeps`)."""
    from tests.jobs.processes import Processes

    with scratch_database(database_url, keep=keep) as uri, tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        processes = Processes(Path(tmp))
        try:
            broker_url = processes.redis() if workers else None
            result = run_on(uri, total=total, due=due, broker_url=broker_url)
            if parallel:
                result["parallel_sweeps"] = parallel_sweeps(database_url, total=total, due=due,
                                                            processes=parallel, broker_url=broker_url)
            if workers:
                result["documents"] = document_throughput(uri, broker_url, processes, workers=workers,
                                                          per_worker=per_worker)
        finally:
            processes.stop_all()
        if keep:
            result["kept_database"] = make_url(uri).render_as_string(hide_password=True)
        return result


if __name__ == "__main__":
    arguments = sys.argv[1:]
    url = arguments[0] if arguments else None
    size = int(arguments[1]) if len(arguments) > 1 else 100_000
    due_count = int(arguments[2]) if len(arguments) > 2 else max(1, size // 100)
    outcome = bench_sweep(url, total=size, due=due_count, workers=(1, 2), per_worker=min(100, due_count // 4),
                          parallel=2 if url and url.startswith("postgresql") else 0)
    print("\n".join(outcome.pop("plan")))
    print(outcome)
