"""The portal in production config as a real server over HTTPS, for the browser tests.

`serve_https(processes, ...)` makes a self-signed certificate for 127.0.0.1, starts gunicorn
with it (no proxy in front: the portal itself speaks TLS), a Celery worker beside it, and waits
until the login page answers over HTTPS. gunicorn runs in the repository, so it reads
./gunicorn.conf.py when there is one, as a deployment does; the command line's certificate,
address, worker count and access log (with the Referer, for a refused POST) win over it.
Everything runs under `processes` (tests/jobs/processes.py) and is killed with it.

`postgres_database()` is a fresh, migrated and seeded PostgreSQL database for the runs of the
suite that are not on PostgreSQL: production refuses SQLite.
"""
from __future__ import annotations

import contextlib
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.conftest import build_database
from tests.jobs.processes import Processes, free_port, wait_for
from tests.production import production_env, self_signed_certificate
from tests.storage.seaweed import SeaweedS3

# The machine's PostgreSQL (the Makefile's PG_URL; CI always has one).
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class HttpsPortal:
    base: str  # https://127.0.0.1:<port>
    cert: Path
    env: dict[str, str]
    processes: Processes


def unverified_tls() -> ssl.SSLContext:
    """For polling our own self-signed server only."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _answers(url: str, server: subprocess.Popen, processes: Processes) -> bool:
    if server.poll() is not None:
        raise AssertionError(f"gunicorn exited with status {server.returncode}\n{processes.logs()}")
    try:
        with urllib.request.urlopen(url, timeout=5, context=unverified_tls()) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def serve_https(processes: Processes, *, database_uri: str, s3: SeaweedS3, bucket: str, tmp_path: Path) -> HttpsPortal:
    cert, key = self_signed_certificate(tmp_path)
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    env = production_env(database_uri=database_uri, redis_url=processes.redis(), s3=s3, bucket=bucket,
                         public_base_url=base, tmp=tmp_path)
    server = processes.start("gunicorn", [
        sys.executable, "-m", "gunicorn", "--certfile", str(cert), "--keyfile", str(key),
        "-b", f"127.0.0.1:{port}", "-w", "2", "--access-logfile", "-", "wsgi:app"], env=env)
    processes.worker("worker", env)
    wait_for(lambda: _answers(f"{base}/auth/login", server, processes), what=f"gunicorn over HTTPS at {base}",
             processes=processes)
    return HttpsPortal(base=base, cert=cert, env=env, processes=processes)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new database `https_<hex>` on the machine's PostgreSQL (PG_URL, else the Makefile's
    default), built by the migrations and seeded, dropped afterwards. Fails, with the reason, when
    no PostgreSQL answers: production runs on PostgreSQL only, so there is nothing to skip to."""
    pg_url = os.environ.get("PG_URL") or DEFAULT_PG_URL
    admin = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"https_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        raise AssertionError(
            f"the HTTPS production test needs PostgreSQL (production refuses SQLite) and none answers at "
            f"{make_url(pg_url).render_as_string(hide_password=True)} (set PG_URL): {error}") from None
    try:
        uri = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
        build_database(uri)
        yield uri
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
