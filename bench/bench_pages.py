"""Page speed: five pages of the portal against a bare Flask "hello" (`bench/baseline_hello.py`)
served the same way in the same run, as req/s, p50 and p95 latency and the ratio to hello.

    python -m bench.bench_pages [--size demo|300k|both] [--database sqlite|postgres|both] [--seconds N]

Both apps are served by `bench.bench_filing.serve` (gunicorn, 2 sync workers, a loopback port,
`--log-level warning`); the load comes from `wrk` (C, so that the client takes little of the
two cores it shares with the servers; `apt-get install -y wrk`). Measurements alternate
hello / page / floor / hello / page / floor … / hello; each page's ratio is its req/s over the
mean of the two hello measurements either side of it. Every measurement runs `--warmup` seconds (discarded)
and then `--seconds` seconds, so the run is bounded in time and stops by itself.

Pages: the public tracking page `/t/<token>` and its JSON `/api/v1/track/<token>`, the home
page `/`, the clerk's API list `/api/v1/applications` (bearer token) and the clerk's queue
`/desk/` (session cookie). Sizes: `demo` is a fresh database with the demo seed and one
application filed through the API (the seed has none, and the tracking pages need one);
`300k` is the population of `bench/bench_queue.py` (300,000 applications, 30,000 open in the
clerk's unit), built once per database and used for every page.

The portal runs with PORTAL_CONFIG=development, the rate limiter off (the tracking pages
allow 60 requests a minute) and JOBS_MODE=eager: without a broker the development default
would run the SLA sweep in a thread of every web worker, and on the 300k population (filed
in November 2026) that sweep would accept the 30,000 overdue applications while we measure.
Each page must answer 200 once before it is measured; wrk counts every status it receives.

The floor (`bench/baseline_pages.py`) serves the same five paths over the same database with
bare Flask doing only what each page cannot skip (the tracking read, the token's user, the
counts and the page of rows, a Jinja table), under the same gunicorn: its `floor_ratio` is how
far the framework alone gets with that work, and `of_floor` is the portal's page as a share of
it — what the portal adds on top.
`bench/run.py` can call `bench_pages(...)`.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.bench_filing import FILING, _post, _prepare, _token, serve, server_settings
from bench.bench_queue import _session, close_most
from bench.bench_sweep import (
    AS_OF,
    DEFAULT_PG_URL,
    build_database,
    explain_statement,
    populate,
    scratch_database,
    server_version,
)

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("demo", "300k")
TOTAL, OPEN_IN_UNIT = 300_000, 30_000
SECONDS, WARMUP_S = 8, 2
CONNECTIONS, THREADS = 16, 2  # wrk: 16 connections on 2 threads against 2 sync workers
WRK_TIMEOUT_S = 30  # a slow response is measured, not dropped as a timeout (wrk's default is 2 s)
CLERK, PASSWORD = "clerk", "demo-pass-2026"
HELLO_MODULE = "bench.baseline_hello:app"
FLOOR_MODULE = "bench.baseline_pages:app"
# Until the configuration reads RATELIMIT_ENABLED from the environment, the same app is made
# by the same factory with the limiter switched off by an override (`create_app(**overrides)`).
PORTAL_MODULE, PORTAL_MODULE_NO_LIMITER = "wsgi:app", "app:create_app(RATELIMIT_ENABLED=False)"

# Counts every status per wrk thread; at the end prints one line of JSON for the whole run.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ", ")))
end
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load_1m() -> float:
    return round(os.getloadavg()[0], 2)


# --- measuring ----------------------------------------------------------------------------------


def wrk(url: str, headers: dict[str, str], seconds: int, script: Path) -> dict:
    """One wrk run: req/s over every response received, p50/p95 latency, statuses and errors."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{round(seconds)}s",  # wrk takes whole seconds only
               "--timeout", f"{WRK_TIMEOUT_S}s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    completed = subprocess.run([*command, url], capture_output=True, text=True, check=False,
                               timeout=seconds + WRK_TIMEOUT_S + 60)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip() or completed.stdout}")
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    duration_s = raw["duration_us"] / 1e6
    # wrk keeps a response's latency only under its timeout (it counts the others as timeouts).
    timed = raw["requests"] - raw["errors"]["timeout"] > 0

    def ms(key: str) -> float | None:
        return round(raw[key] / 1000, 1) if timed else None

    return {
        "req_s": round(raw["requests"] / duration_s, 1) if duration_s else None,
        "p50_ms": ms("p50_us"), "p95_ms": ms("p95_us"), "p99_ms": ms("p99_us"), "max_ms": ms("max_us"),
        "requests": raw["requests"],
        "seconds": round(duration_s, 2),
        "bytes_per_response": round(raw["bytes"] / raw["requests"]) if raw["requests"] else None,
        "statuses": dict(sorted(raw["statuses"].items())),
        "errors": {name: n for name, n in raw["errors"].items() if n},
    }


def drain(url: str, headers: dict[str, str]) -> float:
    """When wrk stops, up to CONNECTIONS requests it sent are still queued in the server's listen
    backlog, and gunicorn serves them all: on a slow page that is seconds of work, which would be
    taken from the next measurement (of this server or of the other). Wait until it is done: a
    first GET queues behind every leftover request; a second one times one request on a worker
    that is then free, and as long again lets the other worker finish its last leftover."""
    started = time.perf_counter()
    check(url, headers)
    alone = time.perf_counter()
    check(url, headers)
    time.sleep(min(time.perf_counter() - alone, 30))
    return round(time.perf_counter() - started, 2)


def measure(url: str, headers: dict[str, str], *, seconds: int, warmup: int, script: Path) -> dict:
    drained = []
    if warmup > 0:
        wrk(url, headers, warmup, script)
        drained.append(drain(url, headers))
    result = wrk(url, headers, seconds, script)
    result["load_1m"] = _load_1m()
    drained.append(drain(url, headers))
    result["drain_s"] = drained
    return result


def check(url: str, headers: dict[str, str]) -> dict:
    """One GET without following redirects (a lost session would be a 302 to the login)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return {"status": response.status, "bytes": len(body),
                "content_type": response.getheader("Content-Type", ""),
                "rate_limit_header": response.getheader("X-RateLimit-Limit")}
    finally:
        connection.close()


# --- the portal: data, credentials, pages --------------------------------------------------------


def portal_module() -> tuple[str, str]:
    """(gunicorn app, how the limiter is off): `wsgi:app` if the development configuration reads
    RATELIMIT_ENABLED from the environment, else the app factory with an override."""
    probe = ("import sys, config; "
             "sys.exit(0 if getattr(config.CONFIGS['development'], 'RATELIMIT_ENABLED', True) is False else 1)")
    completed = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", probe], cwd=ROOT, check=False,
                               env={**os.environ, "RATELIMIT_ENABLED": "false"}, capture_output=True)
    if completed.returncode == 0:
        return PORTAL_MODULE, "environment RATELIMIT_ENABLED=false"
    return PORTAL_MODULE_NO_LIMITER, "override create_app(RATELIMIT_ENABLED=False): config.py has no env switch"


def build_large(uri: str, *, total: int, open_count: int) -> dict:
    """The population of bench_queue (same functions): `total` applications in the clerk's
    unit, all but `open_count` closed."""
    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory(prefix="bench-pages-files-") as files:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, STORAGE_LOCAL_ROOT=files)
        with app.app_context():
            build_database(AS_OF.date())
            populate(total=total, due=0)
            close_most(open_count)
            opened = db.session.scalar(text("SELECT count(*) FROM applications WHERE state = 'submitted'"))
            version = server_version()
            plans = list_plans()
            db.session.remove()
            db.engine.dispose()
    return {"applications": total, "open_in_unit": opened, "database_version": version, "plans": plans}


QUEUE_FILTERS = {"first page": {}, "red light": {"light": "red"}, "yellow light": {"light": "yellow"},
                 "green light": {"light": "green"}, "service": {"service": "criminal_record"},
                 "state": {"state": "submitted"}, "claimed by me": {"mine": True}}


def list_plans() -> dict[str, list[dict]]:
    """The database's plan of every statement the clerk's queue (each filter) and the API list run,
    as they run them: captured from the driver with their parameters, then explained (SQLite
    `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`: reads, harmless to run)."""
    from sqlalchemy import event, select

    from app.extensions import db
    from app.models.accounts import User
    from app.operations import applications as application_ops
    from app.operations import queue as queue_ops

    clerk = db.session.scalar(select(User).where(User.username == CLERK))
    runs = {f"queue: {name}": (lambda f=f: queue_ops.queue(clerk, queue_ops.QueueFilters(**f), now=AS_OF, per_page=25))
            for name, f in QUEUE_FILTERS.items()}
    runs["api list"] = lambda: application_ops.list_visible(clerk, per_page=20, columns=application_ops.LIST_COLUMNS)
    plans: dict[str, list[dict]] = {}
    for name, run in runs.items():
        seen: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany, seen=seen):
            seen.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            run()
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
        plans[name] = [{"sql": statement, "plan": explain_statement(statement, parameters)}
                       for statement, parameters in seen if statement.lstrip().upper().startswith("SELECT")]
    return plans


def _database_facts(uri: str) -> dict:
    """A tracking token (an open application's, from the middle of the table) and counts."""
    engine = create_engine(uri)
    try:
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM applications")).scalar()
            opened = connection.execute(text(
                "SELECT count(*) FROM applications WHERE state = 'submitted'")).scalar()
            token = connection.execute(text(
                "SELECT tracking_token FROM applications WHERE state = 'submitted' "
                "ORDER BY id LIMIT 1 OFFSET :skip"), {"skip": opened // 2}).scalar()
            if token is None:
                token = connection.execute(text("SELECT tracking_token FROM applications ORDER BY id")).scalar()
        return {"applications": count, "open": opened, "tracking_token": token}
    finally:
        engine.dispose()


def _bearer(base: str, username: str) -> str:
    request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
                                     data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["access_token"]


def _clerk_cookie(base: str) -> tuple[str, str]:
    """The clerk's session as a Cookie header, and the User-Agent it was opened with (the
    portal's session protection is "strong": the session is bound to address and agent)."""
    opener = _session(base, CLERK)
    opener.open(f"{base}/desk/").read()  # the session as a browser would keep it after one page
    jar = next(handler.cookiejar for handler in opener.handlers if hasattr(handler, "cookiejar"))
    agent = dict(opener.addheaders).get("User-agent", "Python-urllib")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar), agent


def _floor_cookie(floor_base: str) -> str:
    """The floor's own signed session for the clerk (Flask's default cookie session)."""
    with urllib.request.urlopen(f"{floor_base}/floor/session/{CLERK}", timeout=60) as response:
        return response.headers["Set-Cookie"].split(";", 1)[0]


def _floor(url: str, headers: dict[str, str], *, seconds: int, warmup: int, script: Path) -> dict | None:
    """The floor's page measured like the portal's, or None (with the reason logged) if it does not
    answer 200: the portal's row stands without it."""
    checked = check(url, headers)
    if checked["status"] != 200:
        _log(f"    floor {url}: answered {checked['status']}: not measured")
        return None
    return {"check": checked, **measure(url, headers, seconds=seconds, warmup=warmup, script=script)}


def pages(base: str, token: str) -> tuple[list[tuple[str, str, dict[str, str]]], str]:
    """(name, path, headers) of the five pages, and the User-Agent every request must send."""
    cookie, agent = _clerk_cookie(base)
    bearer = {"Authorization": f"Bearer {_bearer(base, CLERK)}"}
    return [
        ("/t/<token>", f"/t/{token}", {}),
        ("/api/v1/track/<token>", f"/api/v1/track/{token}", {}),
        ("/", "/", {}),
        ("/api/v1/applications", "/api/v1/applications", bearer),
        ("/desk/", "/desk/", {"Cookie": cookie}),
    ], agent


# --- one run ---------------------------------------------------------------------------------


def _database_url(database: str, postgres_url: str | None) -> str:
    if database in ("postgres", "postgresql"):
        return postgres_url or _postgres_url()
    return database


def _postgres_url() -> str:
    from bench.run import postgres_url  # imported late: bench.run imports the benchmarks

    return postgres_url()


def _reachable(url: str) -> bool:
    from bench.run import postgres_reachable

    return postgres_reachable(url)


def _code_version() -> str:
    from bench.run import code_version

    return code_version()


def _label(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def run_group(hello_base: str, url: str, size: str, *, seconds: int, warmup: int, script: Path,
              total: int, open_count: int, module: str) -> dict:
    """One database at one size: build it, serve the portal, check and measure every page."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with scratch_database(url) as uri, tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        if size == "demo":
            _prepare(ROOT, uri)
            built = {}
        else:
            built = build_large(uri, total=total, open_count=open_count)
        timings["prepare_s"] = round(time.perf_counter() - started, 1)
        env = {"DATABASE_URL": uri, "PORTAL_CONFIG": "development", "RATELIMIT_ENABLED": "false",
               "JOBS_MODE": "eager", "STORAGE_LOCAL_ROOT": str(Path(scratch) / "files"),
               "NOTIFY_OUTBOX_FILE": str(Path(scratch) / "outbox.log")}
        with serve(ROOT, module, env) as base, serve(ROOT, FLOOR_MODULE, {"DATABASE_URL": uri}) as floor_base:
            if size == "demo":  # the seed files nothing: one application through the API, as the citizen
                status = _post(f"{base}/api/v1/applications", FILING, _token(base))
                if status != 201:
                    raise RuntimeError(f"filing the demo application answered {status}")
            facts = _database_facts(uri)
            page_list, agent = pages(base, facts["tracking_token"])
            common = {"User-Agent": agent}
            floor_cookie = _floor_cookie(floor_base)
            measuring = time.perf_counter()
            rows = []
            hello_url = f"{hello_base}/"
            hello_check = check(hello_url, common)
            if hello_check["status"] != 200:
                raise RuntimeError(f"hello answered {hello_check['status']}")
            before = measure(hello_url, common, seconds=seconds, warmup=warmup, script=script)
            for name, path, headers in page_list:
                headers = {**common, **headers}
                checked = check(base + path, headers)
                row = {"page": name, "size": size, "database": _label(url), "check": checked}
                if checked["status"] != 200:
                    _log(f"    {name}: answered {checked['status']} before measuring: not measured")
                    rows.append(row)
                    continue
                result = measure(base + path, headers, seconds=seconds, warmup=warmup, script=script)
                floor_headers = {**headers, "Cookie": floor_cookie} if "Cookie" in headers else headers
                floor = _floor(floor_base + path, floor_headers, seconds=seconds, warmup=warmup, script=script)
                after = measure(hello_url, common, seconds=seconds, warmup=warmup, script=script)
                hello_req_s = round((before["req_s"] + after["req_s"]) / 2, 1)
                row.update(result, hello_req_s=hello_req_s, hello_before=before, hello_after=after,
                           ratio=round(result["req_s"] / hello_req_s, 4) if hello_req_s else None, floor=floor,
                           floor_ratio=round(floor["req_s"] / hello_req_s, 4) if floor and hello_req_s else None,
                           of_floor=round(result["req_s"] / floor["req_s"], 4) if floor and floor["req_s"] else None)
                rows.append(row)
                _log(f"    {name}: {result['req_s']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                     f"hello {hello_req_s} req/s, ratio {row['ratio']}, statuses {result['statuses']}, "
                     f"floor {floor and floor['req_s']} req/s ({row['floor_ratio']} of hello), "
                     f"load {result['load_1m']}")
                before = after
            timings["measure_s"] = round(time.perf_counter() - measuring, 1)
    timings["total_s"] = round(time.perf_counter() - started, 1)
    facts.pop("tracking_token")
    return {"size": size, "database": _label(url), "data": {**facts, **built}, "timings": timings,
            "rows": rows}


def bench_pages(sizes: tuple[str, ...] | list[str] = SIZES, databases: tuple[str, ...] | list[str] = ("sqlite", "postgres"),
                *, seconds: int = SECONDS, warmup: int = WARMUP_S, postgres_url: str | None = None,
                total: int = TOTAL, open_count: int = OPEN_IN_UNIT) -> dict:
    """Measure every page for each database ("sqlite", "postgres" or a URL) and size ("demo",
    "300k"), each database built once per size. Returns the rows and how long each part took."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is needed: apt-get install -y wrk")
    started = time.perf_counter()
    module, limiter = portal_module()
    results: dict = {
        "settings": {"server": {**server_settings(), "bind": "127.0.0.1", "log_level": "warning"},
                     "client": f"wrk -t{THREADS} -c{CONNECTIONS} --timeout {WRK_TIMEOUT_S}s",
                     "seconds": seconds, "warmup_s": warmup, "portal_app": module, "rate_limiter_off_by": limiter,
                     "jobs_mode": "eager", "cpus": os.cpu_count()},
        "code": _code_version(), "load_1m_start": _load_1m(), "groups": [], "skipped": [], "rows": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-pages-wrk-") as directory:
        script = Path(directory) / "count.lua"
        script.write_text(WRK_SCRIPT)
        with serve(ROOT, HELLO_MODULE, {}) as hello_base:
            for database in databases:
                url = _database_url(database, postgres_url)
                if url.startswith("postgresql") and not _reachable(url):
                    results["skipped"].append(f"no PostgreSQL server reachable at {url}")
                    _log(f"· skipped: no PostgreSQL server reachable at {url}")
                    continue
                for size in sizes:
                    _log(f"· {_label(url)}, {size}: building, then 5 pages (load {_load_1m()}) …")
                    group = run_group(hello_base, url, size, seconds=seconds, warmup=warmup, script=script,
                                      total=total, open_count=open_count, module=module)
                    _log(f"  done: prepare {group['timings']['prepare_s']} s, "
                         f"measure {group['timings']['measure_s']} s")
                    results["rows"] += group.pop("rows")
                    results["groups"].append(group)
    results["load_1m_end"] = _load_1m()
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    return results


# --- output ------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def render_table(results: dict) -> str:
    header = ("database", "size", "page", "statuses", "KB", "req/s", "p50 ms", "p95 ms", "hello req/s", "ratio",
              "floor req/s", "floor ratio", "of floor", "load")
    lines = [header]
    for row in results["rows"]:
        if "req_s" not in row:
            lines.append((row["database"], row["size"], row["page"], f"check {row['check']['status']}",
                          *["-"] * 10))
            continue
        statuses = ",".join(f"{code}×{n}" for code, n in row["statuses"].items())
        if row.get("errors"):
            statuses += " errors " + ",".join(f"{k}×{n}" for k, n in row["errors"].items())
        if row["check"]["rate_limit_header"]:
            statuses += " (limiter on)"
        lines.append((row["database"], row["size"], row["page"], statuses or "none",
                      f"{row['check']['bytes'] / 1024:.1f}", f"{row['req_s']:.1f}",
                      _ms(row["p50_ms"]), _ms(row["p95_ms"]), f"{row['hello_req_s']:.1f}",
                      f"{row['ratio']:.3f}", *_floor_cells(row), f"{row['load_1m']:.2f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(width) if i < 4 else cell.rjust(width) for i, (cell, width)
                     in enumerate(zip(line, widths, strict=True))) for line in lines]
    out.insert(1, "  ".join("-" * width for width in widths))
    for group in results["groups"]:
        out.append(f"{group['database']} {group['size']}: {group['data']}, took {group['timings']}")
    out += [f"skipped: {note}" for note in results["skipped"]]
    out.append(f"code {results['code']}; portal app {results['settings']['portal_app']}")
    out.append(f"load average (1 min): {results['load_1m_start']} at the start, {results['load_1m_end']} at the end; "
               f"{results['elapsed_s']} s in all")
    return "\n".join(out)


def _floor_cells(row: dict) -> tuple[str, str, str]:
    if not row.get("floor"):
        return "-", "-", "-"
    return f"{row['floor']['req_s']:.1f}", f"{row['floor_ratio']:.3f}", f"{row['of_floor']:.3f}"


def summary_rows(results: dict) -> list[dict]:
    keys = ("page", "size", "database", "req_s", "p50_ms", "p95_ms", "hello_req_s", "ratio", "floor_ratio", "of_floor",
            "statuses")
    return [{key: row.get(key) for key in keys} | ({} if "req_s" in row else {"check": row["check"]})
            for row in results["rows"]]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("demo", "300k", "both"), default="both")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=SECONDS, help="measured seconds per page and per hello")
    parser.add_argument("--warmup", type=int, default=WARMUP_S, help="discarded seconds before each measurement")
    parser.add_argument("--postgres-url", default=None,
                        help=f"PostgreSQL server (default BENCH_DATABASE_URL, DATABASE_URL or {DEFAULT_PG_URL})")
    parser.add_argument("--output", type=Path, default=None, help="also write the full results as JSON here")
    arguments = parser.parse_args(argv)
    sizes = SIZES if arguments.size == "both" else (arguments.size,)
    databases = ("sqlite", "postgres") if arguments.database == "both" else (arguments.database,)
    results = bench_pages(sizes, databases, seconds=arguments.seconds, warmup=arguments.warmup,
                          postgres_url=arguments.postgres_url)
    print(render_table(results))
    print(json.dumps(summary_rows(results), ensure_ascii=False, indent=2))
    if arguments.output:
        arguments.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
