"""The clerk's queue page under load: 300,000 applications, 30,000 of them open in one unit,
served by a 2-worker gunicorn on this machine; median and p95 latency and requests/second.

    python -m bench.bench_queue [sqlite|POSTGRES_URL] [total] [open] [requests]

Only loopback traffic; the request loop is bounded in count and time and stops by itself.
"""
from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import text

from bench.bench_sweep import AS_OF, build_database, populate, scratch_database, server_version
from bench.load import latency_summary, run_clients

ROOT = Path(__file__).resolve().parents[1]
CLIENT_THREADS = 4
TIME_LIMIT_S = 300


def close_most(open_count: int) -> None:
    """Keep `open_count` applications open and close the rest (decided long ago), as a unit's
    history would look: the queue must stay fast however much history there is."""
    from app.extensions import db

    total = db.session.scalar(text("SELECT count(*) FROM applications"))
    every = max(1, total // open_count)
    db.session.execute(text(
        "UPDATE applications SET state = 'issued', work_due_at = NULL, next_timer_at = NULL, "
        "acceptance_due_at = NULL, decided_at = created_at WHERE id % :every != 0"), {"every": every})
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would leave a live table: without it every index still points at the
        # 270,000 open versions the update left behind, and index-only scans read the heap.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE applications"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(uri: str, workers: int = 2):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": uri, "PORTAL_CONFIG": "development"}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _session(base: str, username: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": "demo-pass-2026", "csrf_token": token})
    opener.open(f"{base}/auth/login", body.encode()).read()
    return opener


def deep_cursors(positions=(25, 975, 14_975)) -> list[str]:
    """The keyset cursors of pages 2, 40 and 600 of the clerk's queue (rows 25, 975, 14,975)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models.accounts import User
    from app.models.applications import Application
    from app.operations import cursors, lights

    unit_id = db.session.scalar(select(User.unit_id).where(User.username == "clerk"))
    found = []
    for position in positions:
        row = db.session.execute(
            select(Application.work_due_at, Application.id)
            .where(Application.unit_id == unit_id, lights.open_matters())
            .order_by(Application.work_due_at.asc().nulls_last(), Application.id).offset(position).limit(1)).first()
        if row is not None:
            found.append(cursors.encode(row.work_due_at, row.id))
    return found


def load(base: str, *, requests: int, deep: list[str] = ()) -> dict:
    """`requests` GETs of queue pages (first pages, deep pages by keyset cursor, filters) from 4 clients."""
    paths = ["/desk/", "/desk/?light=red", "/desk/?service=criminal_record", "/desk/?mine=1",
             *(f"/desk/?after={urllib.parse.quote(cursor)}" for cursor in deep)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    stop_at = time.time() + TIME_LIMIT_S

    def client():
        opener = _session(base, "clerk")
        for n in counter:
            if time.time() > stop_at:
                return
            started = time.perf_counter()
            try:
                response = opener.open(base + paths[n % len(paths)])
                response.read()
                ok = response.status == 200
            except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
                ok = False
                with lock:
                    errors.append(repr(exc))
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)

    wall = run_clients(client, CLIENT_THREADS)
    summary = latency_summary(latencies, wall)
    return {
        "requests": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else None,
        "median_ms": summary["median_ms"], "p95_ms": summary["p95_ms"],
        "requests_per_s": round(summary["per_s"], 1) if summary["per_s"] else None,
        "client_threads": CLIENT_THREADS,
    }


def bench_queue(database_url: str | None = None, *, total: int = 300_000, open_count: int = 30_000,
                requests: int = 600) -> dict:
    from app import create_app
    from app.extensions import db

    with scratch_database(database_url) as uri:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            build_database(AS_OF.date())
            started = time.perf_counter()
            populate(total=total, due=0)
            close_most(open_count)
            populate_s = time.perf_counter() - started
            opened = db.session.scalar(text("SELECT count(*) FROM applications WHERE state = 'submitted'"))
            deep = deep_cursors()
            version = server_version()
            db.session.remove()
            db.engine.dispose()
        with gunicorn(uri) as base:
            _session(base, "clerk").open(base + "/desk/").read()  # warm both workers' imports
            result = load(base, requests=requests, deep=deep)
    return {"database": version, "applications": total, "open_in_unit": opened, "workers": 2,
            "populate_s": round(populate_s, 1), **result}


if __name__ == "__main__":
    arguments = sys.argv[1:]
    target = arguments[0] if arguments else None
    sizes = [int(a) for a in arguments[1:]]
    print(bench_queue(target, **dict(zip(("total", "open_count", "requests"), sizes, strict=False))))
