"""The cluster's environment and its app servers: every process runs the production configuration
(PORTAL_CONFIG=production) against the test's database, a private Redis and a private S3 store."""
from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from tests.jobs.processes import Processes, worker_env
from tests.storage.seaweed import SeaweedS3

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def cluster_env(*, database_uri: str, redis_url: str, s3: SeaweedS3, bucket: str, public_port: int,
                secret_key: str, signing_keys: str, tmp: Path) -> dict[str, str]:
    """What every app server, worker and beat of the cluster is started with.

    `redis_url` is the private Redis (redis://127.0.0.1:<port>/0): database 0 is the broker,
    1 the rate limiter's counters. The short intervals of the job tests (worker_env) make the
    schedule run every second or two.
    """
    base = redis_url.rsplit("/", 1)[0]
    return worker_env(
        database_uri, f"{base}/0",
        PORTAL_CONFIG="production",
        SECRET_KEY=secret_key,
        SIGNING_KEYS=signing_keys,
        RATELIMIT_STORAGE_URI=f"{base}/1",
        PUBLIC_BASE_URL=f"https://127.0.0.1:{public_port}",
        PROXY_HOPS="1",
        STORAGE_BACKEND="s3",
        S3_BUCKET=bucket,
        S3_ENDPOINT_URL=s3.endpoint_url,
        S3_ACCESS_KEY_ID=s3.access_key,
        S3_SECRET_ACCESS_KEY=s3.secret_key,
        S3_REGION="us-east-1",
        NOTIFY_SENDER="tests.jobs.flaky_gateway:factory",
        FLAKY_GATEWAY_DOWN=str(tmp / "gateway-down-never-created"),
        FLAKY_GATEWAY_LOG=str(tmp / "gateway.log"),
        ALLOW_SIMULATED_REGISTRIES="1",
        LOGIN_RATE_LIMIT_PER_IP="20 per minute",
        PYTHONUNBUFFERED="1",
    )


def new_secrets() -> tuple[str, str]:
    """(SECRET_KEY, SIGNING_KEYS) for one cluster: 64 hex digits each."""
    return secrets.token_hex(32), f"k1:{secrets.token_hex(32)}"


def start_gunicorn(processes: Processes, name: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on 127.0.0.1:`port` with 2 workers, its own
    Prometheus directory (emptied by the config's on_starting hook)."""
    metrics = processes.tmp_path / f"{name}-metrics"
    metrics.mkdir(exist_ok=True)
    (metrics / "stale-from-an-earlier-run.db").write_bytes(b"")  # on_starting must remove it
    return processes.start(name, [GUNICORN, "-c", "gunicorn.conf.py", "wsgi:app"], env={
        **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics)})
