"""Uploading materials: 5 MB photos through POST /api/v1/uploads (recognised, decoded, EXIF
stripped, re-encoded, stored, a thumbnail job queued) under CLIENTS concurrent clients, as a
share of a bare Flask upload that only writes the bytes (`bench/baseline_upload.py`), served the
same way in the same run; and the time from the start of an upload until its thumbnail, made by
a Celery worker, is ready.

    python -m bench.bench_uploads [sqlite|POSTGRES_URL] [uploads] [--backend local|s3]

gunicorn with 2 sync workers, one Celery worker (concurrency 1) on a private Redis, all on the
same 2 cores. `s3` starts a private SeaweedFS server (`weed server -s3`). Every photo is
distinct (the same bytes in a slot are recognised and not stored again). Loopback only; the
loops are bounded in count.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.bench_filing import _prepare, _token, serve
from bench.bench_sweep import scratch_database
from bench.load import latency_summary, post_file, run_clients
from tests.jobs.processes import Processes
from tests.materials.samples import noisy_jpeg

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 4
PHOTO_MB = 5.0
THUMBNAIL_SAMPLES = 8


def load(url: str, photos: list[bytes], headers: dict[str, str]) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(len(photos)))

    def client():
        for n in counter:
            started = time.perf_counter()
            status, _body = post_file(url, photos[n], headers, n)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    latencies.append(time.perf_counter() - started)

    wall = run_clients(client, CLIENTS)
    megabytes = sum(len(p) for p in photos) / 1024 / 1024
    summary = latency_summary(latencies, wall)
    return {"uploads": len(latencies), "statuses": statuses, "clients": CLIENTS,
            "mb_per_s": round(megabytes * len(latencies) / len(photos) / wall, 1), **summary}


def _thumbnail_ready(engine, file_id: int) -> bool:
    with engine.connect() as connection:
        return connection.execute(text("SELECT thumbnail_status FROM material_files WHERE id = :id"),
                                  {"id": file_id}).scalar() == "ready"


def time_to_thumbnail(url: str, photos: list[bytes], headers: dict[str, str], uri: str) -> dict:
    """One upload at a time: from the start of the POST until the worker's thumbnail is stored."""
    engine = create_engine(uri)
    upload_s, ready_s = [], []
    try:
        for n, photo in enumerate(photos):
            started = time.perf_counter()
            status, body = post_file(url, photo, headers, n)
            if status != 201:
                raise RuntimeError(f"upload answered {status}")
            upload_s.append(time.perf_counter() - started)
            deadline = time.time() + 120
            while not _thumbnail_ready(engine, body["id"]):
                if time.time() > deadline:
                    raise RuntimeError("no thumbnail after 120 s")
                time.sleep(0.01)
            ready_s.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return {"samples": len(photos), "upload_median_ms": round(statistics.median(upload_s) * 1000),
            "thumbnail_median_ms": round(statistics.median(ready_s) * 1000),
            "thumbnail_max_ms": round(max(ready_s) * 1000)}


@contextlib.contextmanager
def storage_env(backend: str, directory: Path):
    if backend == "local":
        yield {"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(directory / "files")}
        return
    from tests.storage.seaweed import seaweed_s3

    with seaweed_s3() as server:
        bucket = f"bench-{secrets.token_hex(6)}"
        server.s3_storage(bucket)
        yield {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": server.endpoint_url,
               "S3_ACCESS_KEY_ID": server.access_key, "S3_SECRET_ACCESS_KEY": server.secret_key,
               "S3_REGION": "us-east-1"}


def portal_run(database_url: str | None, photos: list[bytes], thumbs: list[bytes], *, backend: str) -> dict:
    with scratch_database(database_url) as uri, tempfile.TemporaryDirectory(prefix="bench-uploads-") as directory:
        processes = Processes(Path(directory))
        try:
            with storage_env(backend, Path(directory)) as storage:
                _prepare(ROOT, uri)
                env = {"DATABASE_URL": uri, "PORTAL_CONFIG": "development", "BROKER_URL": processes.redis(),
                       "MATERIAL_MAX_APPLICATION_MB": "100000", **storage}
                processes.start("worker", [str(ROOT / ".venv/bin/python"), "-m", "flask", "--app", "wsgi", "worker",
                                           "--concurrency=1"], env=env)
                with serve(ROOT, "wsgi:app", env) as base:
                    headers = _token(base)
                    url = f"{base}/api/v1/uploads"
                    post_file(url, noisy_jpeg(0.2), headers, 99)  # warm-up
                    result = load(url, photos, headers)
                    result["to_thumbnail"] = time_to_thumbnail(url, thumbs, headers, uri)
                    return result
        finally:
            processes.stop_all()


def baseline_run(photos: list[bytes]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-baseline-upload-") as directory, \
            serve(ROOT, "bench.baseline_upload:app", {"UPLOAD_DIR": directory}) as base:
        post_file(f"{base}/upload", noisy_jpeg(0.2), {}, 99)
        return load(f"{base}/upload", photos, {})


def bench_uploads(database_url: str | None = None, *, uploads: int = 24, backends=("local", "s3")) -> dict:
    photos = [noisy_jpeg(PHOTO_MB) for _ in range(uploads)]
    thumbs = [noisy_jpeg(PHOTO_MB) for _ in range(THUMBNAIL_SAMPLES)]
    results = {"photo_mb": round(statistics.mean(len(p) for p in photos) / 1024 / 1024, 2),
               "baseline": baseline_run(photos)}
    for backend in backends:
        results[backend] = portal_run(database_url, photos, thumbs, backend=backend)
        if results["baseline"]["per_s"]:
            results[backend]["share_of_baseline"] = round(results[backend]["per_s"] / results["baseline"]["per_s"], 3)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default="sqlite")
    parser.add_argument("uploads", nargs="?", type=int, default=24)
    parser.add_argument("--backend", action="append", choices=["local", "s3"])
    args = parser.parse_args(argv)
    print(json.dumps(bench_uploads(args.database, uploads=args.uploads, backends=args.backend or ("local", "s3")),
                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
