"""Run every benchmark, print a table, write the results as JSON (see BENCHMARKS.md).

    make bench                      # = python -m bench.run
    python -m bench.run --quick     # tiny sizes, SQLite only (what the smoke test runs)
    python -m bench.run --database-url sqlite --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Without ``--database-url`` the sweep runs on SQLite (a file under /tmp) and, when a server
answers there, on PostgreSQL at $BENCH_DATABASE_URL, else $DATABASE_URL if it is a
PostgreSQL URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test. On PostgreSQL a
dedicated database is created for the run and dropped afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # allow `python bench/run.py`
    sys.path.insert(0, str(REPO))

from bench import bench_documents, bench_engine, bench_filing, bench_sweep, bench_uploads  # noqa: E402

RESULTS_DIR = REPO / "bench" / "results"
LATEST = RESULTS_DIR / "latest.json"
QUICK = RESULTS_DIR / "quick.json.tmp"  # ignored by git (bench/results/*.tmp)
FULL_SIZES = {"renders": 20, "total": 100_000, "due": 1_000}
QUICK_SIZES = {"renders": 3, "total": 200, "due": 20}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- where to run ---------------------------------------------------------------------------


def postgres_url() -> str:
    for name in ("BENCH_DATABASE_URL", "DATABASE_URL"):
        value = os.environ.get(name) or ""
        if value.startswith("postgresql"):
            return value
    return bench_sweep.DEFAULT_PG_URL


def postgres_reachable(url: str) -> bool:
    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(conninfo, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def database_label(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


# --- the machine ------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def code_version() -> str:
    """The commit the benchmark ran on, with "+dirty" when the tree has local changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def machine_info() -> dict:
    import sqlite3

    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        # Other work on the machine skews the timings: the 1-minute load when the run starts.
        "load_avg_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


# --- the table ---------------------------------------------------------------------------------


def _fmt_rate(value: float) -> str:
    return f"{value:,.0f}/s"


def _rate(result: dict, workers: str) -> str:
    figures = result.get("documents", {}).get(workers)
    if not figures:
        return "not measured"
    return f"{figures['per_s']:.1f} /s ({figures['ms_per_document']:.0f} ms each, {figures['documents']} documents)"


def _share(result: dict) -> str:
    return f", {result['share_of_baseline']:.1%} of the baseline" if "share_of_baseline" in result else ""


def render_table(results: dict) -> str:
    lines: list[str] = []
    machine = results["machine"]
    lines.append(f"警务通办 benchmarks — {results['date']}, code {results.get('code', '?')}"
                 f"{'  (QUICK: tiny sizes)' if results['quick'] else ''}")
    lines.append(f"{machine['cpus']} × {machine['cpu_model']}, {machine['memory_gib']} GiB, "
                 f"Python {machine['python']}, SQLite {machine['sqlite']}, "
                 f"load average at start {machine.get('load_avg_1min')}")
    lines.append("")
    documents = results["documents"]
    lines.append(f"1. Certificate render ({documents['renders']} renders)")
    lines.append(f"   median {documents['median_s'] * 1000:8.1f} ms   p95 {documents['p95_s'] * 1000:8.1f} ms   "
                 f"HarfBuzz subsetting: {'active' if documents['harfbuzz'] else 'NOT active (fontTools, slow)'}")
    lines.append("   the longest text each schema allows, against a typical document (target: under 2×)")
    for name, case in results["longest_text"].items():
        lines.append(f"   {name:<44} {case['typical_s'] * 1000:7.1f} ms → {case['longest_s'] * 1000:7.1f} ms"
                     f"   {case['ratio']:.2f}×")
    lines.append("")
    engine = results["engine"]
    lines.append("2. Deadline engine (no database)")
    for name, rate in engine["due_at"].items():
        lines.append(f"   due_at {name:<13} {_fmt_rate(rate['per_s']):>14}   {rate['us_per_op']:8.2f} µs each")
    clocks = engine["derive_clocks"]
    lines.append(f"   derive_clocks ({clocks['events']} events) {_fmt_rate(clocks['per_s']):>9}   "
                 f"{clocks['us_per_op']:8.2f} µs each")
    lines.append("")
    sweeps = results["sweep"]
    ran = {label: value for label, value in sweeps.items() if "sweep" in value}
    lines.append("3. Sweep over open applications")
    for label, value in sweeps.items():
        if label not in ran:
            lines.append(f"   {label}: skipped — {value.get('skipped', '')}")
    if ran:
        labels = list(ran)
        rows = [
            ("database", lambda r: r["database"]),
            ("open applications", lambda r: f"{r['population']['total']:,}"),
            ("  of which due", lambda r: f"{r['population']['due']:,}"),
            ("bulk insert (apps+events)", lambda r: f"{r['population']['insert_s']:.1f} s"),
            ("candidate query, due rows", lambda r: f"{r['candidates_before']['ms']:.2f} ms "
                                                    f"({r['candidates_before']['rows']} rows)"),
            ("uses " + bench_sweep.INDEX_NAME, lambda r: "yes" if r["uses_index"] else "NO"),
            ("sweep: total", lambda r: f"{r['sweep']['s']:.1f} s"),
            ("  applications deemed accepted", lambda r: f"{r['sweep']['applications']:,}"),
            ("  timers fired", lambda r: f"{r['sweep']['timers_fired']:,} "
                                         + "(" + ", ".join(f"{k} {v}" for k, v in r["sweep"]["by_action"].items()) + ")"),
            ("  ms per fired timer", lambda r: f"{r['sweep']['ms_per_timer']:.1f} ms"),
            ("  ms per application", lambda r: f"{r['sweep']['ms_per_application']:.1f} ms"),
            ("  PDFs rendered by the sweep", lambda r: f"{r['sweep']['pdf_renders']} "
                                                       f"({r['sweep']['render_jobs']:,} render jobs queued, {r['jobs']})"),
            ("sweep: 2 processes at once", lambda r: f"{r['parallel_sweeps']['s']:.1f} s (timers "
                                                     f"{' + '.join(map(str, r['parallel_sweeps']['timers_fired']))})"
             if "parallel_sweeps" in r else "not measured"),
            ("documents, 1 worker process", lambda r: _rate(r, "1")),
            ("documents, 2 worker processes", lambda r: _rate(r, "2")),
            ("second sweep", lambda r: f"{r['second_sweep']['s'] * 1000:.1f} ms, "
                                       f"{r['second_sweep']['timers_fired']} fired"),
            ("candidate query, after", lambda r: f"{r['candidates_after']['ms']:.2f} ms "
                                                 f"({r['candidates_after']['rows']} rows)"),
        ]
        width = max(len(name) for name, _ in rows)
        cell = max(28, *(len(str(get(ran[label]))) for label in labels for _, get in rows))
        lines.append("   " + " " * width + "  " + "  ".join(f"{label:<{cell}}" for label in labels))
        for name, get in rows:
            lines.append("   " + f"{name:<{width}}" + "  " + "  ".join(f"{get(ran[label])!s:<{cell}}" for label in labels))
        for label in labels:
            lines.append("")
            lines.append(f"   Plan of the candidate query on {label}:")
            lines.extend("     " + line for line in ran[label]["plan"])
    filing = results.get("filing")
    if filing:
        lines.append("")
        lines.append(f"4. Filing through the API ({filing['database']}, gunicorn 2 workers, "
                     f"{filing['baseline']['clients']} clients)")
        for name in ("baseline", "after", "before"):
            if name in filing:
                r = filing[name]
                lines.append(f"   {name:<9} {r['filed']} filed, median {r['median_ms']} ms, p95 {r['p95_ms']} ms, "
                             f"{r['per_s']} /s{_share(r)}")
    uploads = results.get("uploads")
    if uploads:
        lines.append("")
        lines.append(f"5. Uploading {uploads['photo_mb']} MB photos through the API ({uploads['database']}, "
                     f"gunicorn 2 workers, 1 Celery worker, {uploads['baseline']['clients']} clients)")
        for name in ("baseline", "local", "s3"):
            if name in uploads:
                r = uploads[name]
                lines.append(f"   {name:<9} {r['uploads']} uploads, median {r['median_ms']} ms, {r['per_s']} /s, "
                             f"{r['mb_per_s']} MB/s{_share(r)}")
                if "to_thumbnail" in r:
                    t = r["to_thumbnail"]
                    lines.append(f"             upload → thumbnail ready: median {t['thumbnail_median_ms']} ms, "
                                 f"max {t['thumbnail_max_ms']} ms ({t['samples']} one at a time; the upload "
                                 f"itself {t['upload_median_ms']} ms)")
    return "\n".join(line.rstrip() for line in lines)


# --- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes (3 renders, 200 applications of which 20 due); SQLite only "
                             "unless --database-url is given")
    parser.add_argument("--database-url", action="append", dest="databases", metavar="URL",
                        help="'sqlite' (a new file under /tmp) or a PostgreSQL server URL; repeatable")
    parser.add_argument("--output", type=Path, help=f"JSON file (default {LATEST.relative_to(REPO)}, "
                                                    f"with --quick {QUICK.relative_to(REPO)})")
    parser.add_argument("--total", type=int, help="open applications in the sweep benchmark")
    parser.add_argument("--due", type=int, help="of which due at the sweep's as_of")
    parser.add_argument("--renders", type=int, help="certificate renders timed")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument("--filings", type=int, default=300, help="filings posted in the filing benchmark")
    parser.add_argument("--uploads", type=int, default=24, help="5 MB photos posted in the upload benchmark")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout to measure the filing API on too (e.g. a git worktree of an "
                             "earlier commit)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    sizes = dict(QUICK_SIZES if args.quick else FULL_SIZES)
    for name in sizes:
        if getattr(args, name) is not None:
            sizes[name] = getattr(args, name)
    results: dict = {
        "date": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "code": code_version(),
        "sizes": sizes,
        "machine": machine_info(),
    }
    started = time.perf_counter()

    _log(f"· certificate render × {sizes['renders']} …")
    results["documents"] = {**bench_documents.bench_certificate_render(sizes["renders"]),
                            "renders": sizes["renders"]}
    _log("· the longest texts against typical ones …")
    results["longest_text"] = bench_documents.bench_longest_text(max(1, sizes["renders"] // 4))
    _log("· deadline engine …")
    results["engine"] = bench_engine.bench_engine(quick=args.quick)

    sweeps: dict = {}
    databases = args.databases
    if not databases:
        databases = ["sqlite"]
        if not args.quick:
            url = postgres_url()
            if postgres_reachable(url):
                databases.append(url)
            else:
                sweeps["postgresql"] = {"skipped": f"no PostgreSQL server reachable at {url}"}
    for url in databases:
        label = database_label(url)
        _log(f"· sweep on {label}: {sizes['total']:,} open applications, {sizes['due']:,} due "
             "(building, populating, sweeping) …")
        sweeps[label] = bench_sweep.bench_sweep(url, total=sizes["total"], due=sizes["due"], keep=args.keep,
                                                workers=() if args.quick else (1, 2),
                                                per_worker=min(100, sizes["due"] // 4),
                                                parallel=2 if url != "sqlite" and not args.quick else 0)
        _log(f"  done: sweep {sweeps[label]['sweep']['s']:.1f} s")
    results["sweep"] = sweeps
    if not args.quick:
        target = next((url for url in databases if url != "sqlite"), None)
        _log(f"· filing under {bench_filing.CLIENTS} clients on {database_label(target or 'sqlite')} …")
        results["filing"] = {"database": database_label(target or "sqlite"),
                             **bench_filing.bench_filing(target, filings=args.filings, before=args.before)}
        _log(f"· uploads of {bench_uploads.PHOTO_MB:.0f} MB photos under {bench_uploads.CLIENTS} clients "
             f"(local files and S3) on {database_label(target or 'sqlite')} …")
        results["uploads"] = {"database": database_label(target or "sqlite"),
                              **bench_uploads.bench_uploads(target, uploads=args.uploads)}
    results["elapsed_s"] = round(time.perf_counter() - started, 1)

    print(render_table(results))
    output = args.output or (QUICK if args.quick else LATEST)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _log(f"· results written to {output} ({results['elapsed_s']} s)")
    return results


if __name__ == "__main__":
    main()
