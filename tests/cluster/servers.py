"""The cluster's environment and its app servers: every process runs the production configuration
(PORTAL_CONFIG=production) against the test's database, a private Redis and a private S3 store."""
from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from tests.jobs.processes import Processes, worker_env
from tests.production import production_env
from tests.storage.seaweed import SeaweedS3

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def cluster_env(*, database_uri: str, redis_url: str, s3: SeaweedS3, bucket: str, public_port: int,
                secret_key: str, signing_keys: str, tmp: Path) -> dict[str, str]:
    """What every app server, worker and beat of the cluster is started with: production behind
    one proxy, with the short intervals of the job tests (worker_env: the schedule runs every
    second or two) and a login limit small enough to reach."""
    production = production_env(database_uri=database_uri, redis_url=redis_url, s3=s3, bucket=bucket,
                                public_base_url=f"https://127.0.0.1:{public_port}", tmp=tmp,
                                secret_key=secret_key, signing_keys=signing_keys)
    return {**worker_env(database_uri, production["BROKER_URL"]), **production,
            "JOBS_MODE": "celery", "PROXY_HOPS": "1", "LOGIN_RATE_LIMIT_PER_IP": "20 per minute"}


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
