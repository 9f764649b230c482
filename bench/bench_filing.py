"""Filing through the API under concurrent clients: median and p95 latency and filings/second,
as a share of the bare baseline (`bench/baseline_filing.py`) served the same way in the same run.

    python -m bench.bench_filing [sqlite|POSTGRES_URL] [filings] [--before TREE] [--clients N] [--threads N]

The portal is served by gunicorn with 2 sync workers on a loopback port (`--threads N`: 2 gthread
workers of N threads), and the baseline the same way; CLIENTS threads post `filings` applications
as the demo citizen, each with a proof of purpose uploaded before the clock starts. With a broker the portal's side effects are jobs:
a private Redis and one Celery worker process run beside it (on the same 2 cores), and the run
waits until every receipt is rendered. `--before TREE` also measures another checkout (e.g. a
`git worktree` of the commit before the outbox, which renders the receipt inside the request).
Only loopback traffic; the loop is bounded in count and time and stops by itself.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.bench_queue import _free_port
from bench.bench_sweep import scratch_database
from bench.load import latency_summary, post_file, run_clients
from tests.jobs.processes import Processes, wait_for
from tests.materials.samples import jpeg

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 16
TIME_LIMIT_S = 600
FILING = {"service": "criminal_record",
          "data": {"applicant_type": "individual", "purpose": "入职", "purpose_detail": "多家单位分别要求提供"}}


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.3)
    raise RuntimeError("server did not start")


# Every benchmark serves its baseline and the portal with the same settings, named here in full:
# gunicorn would otherwise read the production gunicorn.conf.py from the working directory
# (threads, worker recycling), and the figures would depend on it without saying so.
SERVER = {"worker_class": "sync", "workers": 2, "threads": 1, "max_requests": 0}


def server_settings(**overrides) -> dict:
    return {**SERVER, **overrides}


@contextlib.contextmanager
def serve(tree: Path, module: str, env: dict[str, str], **settings):
    chosen = server_settings(**settings)
    port = _free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-k", chosen["worker_class"], "-w", str(chosen["workers"]),
         "--threads", str(chosen["threads"]), "--max-requests", str(chosen["max_requests"]),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120", module],
        cwd=tree, env={**os.environ, **env})
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=60)


def _post(url: str, body: dict, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def load(url: str, *, filings: int, headers: dict[str, str], clients: int = CLIENTS) -> dict:
    """`filings` posted by `clients` threads; only the filings are timed. From the 4th request in a
    year a 无犯罪记录证明 needs a proof of purpose: one distinct proof per filing is uploaded
    first, by the same threads, before the clock starts (the uploads benchmark measures those)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    api = "/api/" in url
    proofs: list[dict] = []
    if api:
        wanted = iter(range(filings))

        def uploader():
            for _ in wanted:
                proof = _proof(url, headers)
                with lock:
                    proofs.append(proof)

        run_clients(uploader, clients)
        if len(proofs) < filings:
            raise RuntimeError(f"only {len(proofs)} of {filings} proofs of purpose were uploaded")
    counter = iter(range(filings))
    stop_at = time.time() + TIME_LIMIT_S

    def client():
        for index in counter:
            if time.time() > stop_at:
                return
            body = {**FILING, "data": {**FILING["data"], "materials": proofs[index]}} if api else FILING["data"]
            started = time.perf_counter()
            try:
                status = _post(url, body, headers)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    latencies.append(elapsed)

    wall = run_clients(client, clients)
    return {"filed": len(latencies), "statuses": statuses, "clients": clients, **latency_summary(latencies, wall)}


def _proof(applications_url: str, headers: dict[str, str]) -> dict[str, list[int]]:
    """A small distinct proof of purpose, uploaded (not timed: the filing is what is measured)."""
    colour = tuple(secrets.randbelow(256) for _ in range(3))
    status, body = post_file(applications_url.replace("/applications", "/uploads"), jpeg(64, 64, color=colour),
                             headers, 4)  # slot 4: purpose_proof
    if status == 404:
        return {}  # a tree from before uploads: the detail alone was asked
    if status not in (200, 201):
        raise OSError(f"proof upload answered {status}")
    return {"purpose_proof": [body["id"]]}


def _token(base: str) -> dict[str, str]:
    request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
                                     data=json.dumps({"username": "citizen", "password": "demo-pass-2026"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {"Authorization": f"Bearer {json.loads(response.read())['access_token']}"}


def _prepare(tree: Path, uri: str) -> None:
    env = {**os.environ, "DATABASE_URL": uri, "PORTAL_CONFIG": "development"}
    flask = [str(ROOT / ".venv/bin/python"), "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade", "heads"], ["seed-demo"]):
        subprocess.run([*flask, *command], cwd=tree, env=env, check=True, capture_output=True)


def _receipts(uri: str) -> tuple[int, int]:
    engine = create_engine(uri)
    try:
        with engine.connect() as connection:
            has_status = connection.execute(text(
                "SELECT count(*) FROM documents WHERE kind = 'receipt'")).scalar()
            try:
                ready = connection.execute(text(
                    "SELECT count(*) FROM documents WHERE kind = 'receipt' AND status = 'ready'")).scalar()
            except Exception:  # noqa: BLE001 - a tree from before documents had a status
                ready = has_status
        return has_status, ready
    finally:
        engine.dispose()


def portal_run(tree: Path, database_url: str | None, *, filings: int, broker: bool, clients: int = CLIENTS,
               server: dict | None = None) -> dict:
    """File `filings` applications through the portal at `tree`; with `broker`, Celery on a
    private Redis with one worker renders the documents beside the web server."""
    with scratch_database(database_url) as uri, _processes() as processes:
        _prepare(tree, uri)
        env = {"DATABASE_URL": uri, "PORTAL_CONFIG": "development"}
        if broker:
            env["BROKER_URL"] = processes.redis()
            processes.start("worker", [str(ROOT / ".venv/bin/python"), "-m", "flask", "--app", "wsgi", "worker",
                                       "--concurrency=1"], env=env)
        with serve(tree, "wsgi:app", env, **(server or {})) as base:
            headers = _token(base)
            _post(f"{base}/api/v1/applications", FILING, headers)  # warm-up (imports, fonts)
            result = load(f"{base}/api/v1/applications", filings=filings, headers=headers, clients=clients)
            started = time.perf_counter()
            expected = result["filed"] + 1
            wait_for(lambda: _receipts(uri)[1] >= expected, what="every receipt", timeout=900,
                     processes=processes)
            result["receipts_done_after_s"] = round(time.perf_counter() - started, 1)
        result["receipts"] = _receipts(uri)[1]
        return result


@contextlib.contextmanager
def _processes():
    with tempfile.TemporaryDirectory(prefix="bench-filing-") as directory:
        processes = Processes(Path(directory))
        try:
            yield processes
        finally:
            processes.stop_all()


def baseline_run(database_url: str | None, *, filings: int, clients: int = CLIENTS, server: dict | None = None) -> dict:
    with scratch_database(database_url) as uri:
        env = {"DATABASE_URL": uri}
        subprocess.run([str(ROOT / ".venv/bin/python"), "-c",
                        "from bench.baseline_filing import create_tables; create_tables()"],
                       cwd=ROOT, env={**os.environ, **env}, check=True)
        with serve(ROOT, "bench.baseline_filing:app", env, **(server or {})) as base:
            _post(f"{base}/file", FILING["data"], {})
            return load(f"{base}/file", filings=filings, headers={}, clients=clients)


def bench_filing(database_url: str | None = None, *, filings: int = 300, before: Path | None = None,
                 clients: int = CLIENTS, threads: int = 1) -> dict:
    """Baseline, this portal and optionally `before`, each under the same server settings (sync
    workers, or gthread with `threads` threads a worker)."""
    server = server_settings(threads=threads, worker_class="gthread" if threads > 1 else "sync")
    results = {"server": server,
               "baseline": baseline_run(database_url, filings=filings, clients=clients, server=server)}
    results["after"] = portal_run(ROOT, database_url, filings=filings, broker=True, clients=clients, server=server)
    if before is not None:
        results["before"] = portal_run(before, database_url, filings=filings, broker=False, clients=clients,
                                       server=server)
    base = results["baseline"]
    for name in ("after", "before"):
        if name in results and base["per_s"]:
            results[name]["share_of_baseline"] = round(results[name]["per_s"] / base["per_s"], 3)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=None, help="sqlite (default) or a PostgreSQL URL")
    parser.add_argument("filings", nargs="?", type=int, default=300)
    parser.add_argument("--before", type=Path, default=None, help="another checkout to measure the same way")
    parser.add_argument("--clients", type=int, default=CLIENTS, help=f"client threads (default {CLIENTS})")
    parser.add_argument("--threads", type=int, default=1, help="threads a gunicorn worker (more than 1: gthread)")
    arguments = parser.parse_args()
    database = None if arguments.database in (None, "sqlite") else arguments.database
    print(json.dumps(bench_filing(database, filings=arguments.filings, before=arguments.before,
                                  clients=arguments.clients, threads=arguments.threads), indent=2))
