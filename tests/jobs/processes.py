"""Real processes for the job tests: a private Redis, Celery workers and beats, the portal server.

Each process runs in its own session (process group), logs to a file under the test's tmp_path
(shown when a wait times out) and is killed at teardown. Nothing here flushes the machine's
shared Redis: every test gets a `redis-server` of its own on a free port.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import repo_root

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], *, env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(args, cwd=repo_root(), env={**os.environ, **(env or {})}, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.running.append((name, process))
        return process

    def redis(self, port: int | None = None) -> str:
        port = port or free_port()
        self.start(f"redis-{port}", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no"])
        wait_for(lambda: _redis_answers(port), what=f"redis on {port}", processes=self)
        return f"redis://127.0.0.1:{port}/0"

    def worker(self, name: str, env: dict[str, str]) -> subprocess.Popen:
        return self.start(name, [*FLASK, "worker", "--pool=solo", f"--hostname={name}@%h"], env=env)

    def beat(self, name: str, env: dict[str, str]) -> subprocess.Popen:
        return self.start(name, [*FLASK, "beat", f"--schedule={self.tmp_path / (name + '.schedule')}"], env=env)

    def kill(self, process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for _name, process in reversed(self.running):
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)
        self.running.clear()

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
                         for path in sorted(self.tmp_path.glob("*.log")))


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition, *, what: str, timeout: float = 120, processes: Processes | None = None):
    """Poll until `condition()` is truthy (a wait, not a timing assertion: CI machines are slow)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{processes.logs() if processes else ''}")


def worker_env(database_uri: str, broker_url: str, **settings: str) -> dict[str, str]:
    """What a worker or beat of the test's portal is started with."""
    return {
        "PORTAL_CONFIG": "testing", "DATABASE_URL": database_uri, "BROKER_URL": broker_url, "JOBS_MODE": "celery",
        "JOB_LEASE_SECONDS": "4", "JOB_RELAY_SECONDS": "1", "JOB_RETRY_SECONDS": "1", "SLA_SWEEP_SECONDS": "1",
        "NOTIFY_INTERVAL_SECONDS": "2", "PYTHONUNBUFFERED": "1", **settings,
    }
