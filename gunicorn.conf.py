"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be set from the environment (GUNICORN_*); the defaults suit one app server
behind nginx (deploy/nginx/portal.conf), which buffers requests and responses, terminates TLS
and is the one trusted proxy (PROXY_HOPS=1).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    """The CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Workers: the classic 2 × cores + 1, but at most 8: more processes than that buy nothing on a
# CPU-bound Python app and cost memory and database connections. Each worker keeps up to 5
# PostgreSQL connections (SQLAlchemy's pool; `threads` below never needs more), so two app servers
# of 8 workers hold up to 80, which with the Celery workers fits PostgreSQL's default
# max_connections of 100. Set GUNICORN_WORKERS to size a server by hand.
workers = _int("GUNICORN_WORKERS", min(2 * _cores() + 1, 8))

# gthread, not sync: the sync worker closes the connection after every response (it has no
# keep-alive), so nginx's `keepalive 32` towards the upstream would be wasted and every proxied
# request would pay a new TCP connection. gthread keeps idle connections in a poller (they take
# no thread) and runs each request in one of `threads` threads. A few threads per worker let a
# request that waits on PostgreSQL, Redis or S3 overlap with another without adding processes;
# the app is thread-safe (Flask-SQLAlchemy sessions are per app context, `flask serve` is
# threaded). Slow clients never reach a thread: nginx reads the whole request first.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)

# A worker silent for this long is killed and replaced (a request stuck for good). The longest
# request is a 51 MB upload checked and re-encoded, a few seconds; nginx's proxy_read_timeout
# (65 s) is longer, so a killed worker is answered by nginx as a 502, never cut off earlier.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, `docker stop`) requests in progress get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than nginx's upstream keepalive_timeout (60 s): the proxy, not gunicorn, always closes
# an idle connection, so nginx never sends a request on a connection gunicorn has just closed
# (which for a POST would be a 502: nginx does not resend non-idempotent requests).
keepalive = _int("GUNICORN_KEEPALIVE", 75)

# Whose X-Forwarded-Proto gunicorn believes for wsgi.url_scheme. The app does its own, stricter
# accounting of proxies (PROXY_HOPS → werkzeug's ProxyFix); in a container set this to the
# proxy's address or network (e.g. the compose network), never "*" on a reachable port.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app writes one JSON line per request itself (with the X-Request-ID); gunicorn's access
# log would repeat it. GUNICORN_ACCESS_LOG=- turns it on (to stdout) for debugging.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Replace each worker after about this many requests (the jitter keeps them from all restarting
# at once), so a slow leak in a library cannot grow without end. A new worker costs about 2.3 s of
# CPU (importing the app) before it serves anything: every 2,000 requests that was a quarter of a
# busy worker's time, and seconds of waiting for the requests queued behind it (BENCHMARKS.md).
max_requests = _int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)

# Each worker imports the app itself: no database or Redis connection is made before the fork
# and shared by accident, and a reload (HUP) picks up new code.
preload_app = False

# The heartbeat file on tmpfs where there is one (a container's /tmp may be a slow overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (tmpfs, not a shared temp dir)


# --- Prometheus in multiprocess mode ------------------------------------------------------------
# With PROMETHEUS_MULTIPROC_DIR set, every worker writes its counters to files there and /metrics
# adds them up. The directory must be this server's own (one per gunicorn master), is emptied at
# start (files of a previous run would be counted again), and a dead worker's live gauges are
# removed when it exits.

def _multiproc_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def on_starting(server) -> None:
    directory = _multiproc_dir()
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for entry in path.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    server.log.info("emptied PROMETHEUS_MULTIPROC_DIR %s", path)


def child_exit(server, worker) -> None:
    if not _multiproc_dir():
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
