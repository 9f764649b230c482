"""The cluster: nginx (the production site) in front of two gunicorn app servers, two Celery
workers and two beats, all in the production configuration, on a fresh copy of the seeded
PostgreSQL test database, a private Redis and a private SeaweedFS S3 store. Started once for the
module (`cluster`), killed at its end.

PostgreSQL only (`make test` deselects the `cluster` marker in the SQLite run).
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app, timeutil
from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.registries import RegHousehold, RegPerson
from app.operations.accounts import hash_password, issue_api_token
from tests.cluster.client import Client, answers
from tests.cluster.nginx import (
    Certificate,
    Ports,
    check_config,
    command,
    self_signed_certificate,
    write_config,
)
from tests.cluster.servers import cluster_env, new_secrets, start_gunicorn
from tests.conftest import DEMO_PASSWORD, ON_POSTGRES, copy_of_template, repo_root
from tests.jobs.processes import Processes, free_port, wait_for
from tests.storage.fixtures import fresh_bucket_name, s3_server  # noqa: F401 (a fixture, used by name)

# Synthetic citizens (persons of the seeded population with a hukou station) made accounts of
# for the test: some for the timers, some for the claims, the rest file under load.
TIMER_ACCOUNTS = 8
CLAIM_ROUNDS = 5


@dataclass
class Cluster:
    processes: Processes
    tmp: Path
    ports: Ports
    certificate: Certificate
    env: dict[str, str]
    control: object  # a Flask app (testing config) on the cluster's database, for set-up and checks
    nginx_check: object  # the CompletedProcess of `nginx -t`
    app1: object
    app2: object
    access_log: Path
    # username -> bearer token, for the synthetic citizens (made in the database, not by logins)
    tokens: dict[str, str] = field(default_factory=dict)
    timer_accounts: list[str] = field(default_factory=list)
    claim_accounts: list[str] = field(default_factory=list)
    load_accounts: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def public(self) -> str:
        return f"https://127.0.0.1:{self.ports.https}"

    def through_nginx(self, **options) -> Client:
        return Client(self.public, cafile=str(self.certificate.cert), **options)

    def direct(self, server: int, client_ip: str, **options) -> Client:
        """Straight to app server 1 or 2, with the headers nginx would add for `client_ip`."""
        port = self.ports.app1 if server == 1 else self.ports.app2
        return Client(f"http://127.0.0.1:{port}", forwarded={
            "for": client_ip, "proto": "https", "host": "127.0.0.1", "port": str(self.ports.https)}, **options)

    def upstream_port(self, server: int) -> int:
        return self.ports.app1 if server == 1 else self.ports.app2

    def nginx_log(self, user_agent_prefix: str) -> list[dict]:
        """nginx's access-log entries (one JSON object each) of the requests sent with this User-Agent."""
        entries = [json.loads(line) for line in self.access_log.read_text().splitlines() if line.startswith("{")]
        return [entry for entry in entries if entry["user_agent"].startswith(user_agent_prefix)]

    def upstreams(self, user_agent_prefix: str) -> dict[str, int]:
        """How many of those requests each app server answered ("app1", "app2": the last one nginx
        tried; "nginx" when no app server was asked)."""
        names = {f"127.0.0.1:{self.ports.app1}": "app1", f"127.0.0.1:{self.ports.app2}": "app2"}
        counts: dict[str, int] = {}
        for entry in self.nginx_log(user_agent_prefix):
            last = entry["upstream"].split(",")[-1].strip()
            name = names.get(last, last or "nginx")
            counts[name] = counts.get(name, 0) + 1
        return counts

    def record(self, name: str, values: dict) -> None:
        """Figures of the run: printed, and written as JSON to $CLUSTER_FIGURES_FILE if set."""
        self.figures[name] = values
        print(f"cluster figures, {name}: {json.dumps(values, ensure_ascii=False)}")
        target = os.environ.get("CLUSTER_FIGURES_FILE")
        if target:
            Path(target).write_text(json.dumps({"machine": machine(), **self.figures}, indent=2,
                                               ensure_ascii=False) + "\n")


def machine() -> dict:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}


FIGURES: dict = {}


def pytest_terminal_summary(terminalreporter):
    """The load figures at the end of a run (without xdist; with it they are in the captured
    output and in $CLUSTER_FIGURES_FILE)."""
    if FIGURES:
        terminalreporter.section("cluster figures")
        for name, values in FIGURES.items():
            terminalreporter.write_line(f"{name}: {json.dumps(values, ensure_ascii=False)}")


@pytest.fixture(scope="module")
def cluster_database(request, tmp_path_factory):
    """A fresh copy of the seeded template database for the module: what `database_uri` gives a
    test, for the module's one cluster."""
    if not ON_POSTGRES:
        pytest.fail("the cluster test runs on PostgreSQL only: set DATABASE_URL=postgresql+psycopg://... "
                    "(make test runs it in its PostgreSQL run and deselects it on SQLite)", pytrace=False)
    with copy_of_template(request.getfixturevalue("template_db"), tmp_path_factory.mktemp("db")) as uri:
        yield uri


def _make_accounts(control, cluster: Cluster) -> None:
    """Accounts (with API tokens) for persons of the seeded population who have none, and a
    second clerk of 西大街派出所 for the claims."""
    with control.app_context():
        units = set(db.session.scalars(select(Unit.code)))
        taken = set(db.session.scalars(select(User.id_number).where(User.id_number.is_not(None))))
        rows = db.session.execute(
            select(RegPerson.id_number, RegPerson.name, RegHousehold.station_unit_code)
            .join(RegHousehold, RegHousehold.household_number == RegPerson.household_number)
            .where(RegPerson.nationality == "CHN", RegPerson.deceased.is_(False))
            .order_by(RegPerson.id_number)).all()
        people = [row for row in rows if row.station_unit_code in units and row.id_number not in taken]
        password = hash_password(DEMO_PASSWORD)
        users = []
        for n, person in enumerate(people):
            user = User(username=f"filer{n:03d}", password_hash=password, role=str(Role.CITIZEN),
                        real_name=person.name, id_number=person.id_number, phone=f"139{n:08d}")
            db.session.add(user)
            users.append((user, person.station_unit_code))
        station = db.session.scalar(select(Unit).where(Unit.code == "411002-PS-XDJ"))
        db.session.add(User(username="clerk_b", password_hash=password, role=str(Role.CLERK),
                            real_name="第二窗口", unit_id=station.id))
        db.session.commit()
        now = timeutil.now()
        for user, _station in users:
            cluster.tokens[user.username] = issue_api_token(user, now=now, hours=8)
        at_station = [user.username for user, code in users if code == "411002-PS-XDJ"]
        cluster.claim_accounts = at_station[:CLAIM_ROUNDS]
        others = [user.username for user, _code in users if user.username not in cluster.claim_accounts]
        cluster.timer_accounts = others[:TIMER_ACCOUNTS]
        cluster.load_accounts = others[TIMER_ACCOUNTS:]
        db.session.remove()


@pytest.fixture(scope="module")
def cluster(cluster_database, s3_server, tmp_path_factory):  # noqa: F811 (the imported fixture)
    tmp = tmp_path_factory.mktemp("cluster")
    processes = Processes(tmp)
    bucket = fresh_bucket_name()
    control = None
    try:
        s3_server.s3_storage(bucket)  # the bucket exists before the portal starts, as deploy/ makes it
        redis_url = processes.redis()
        ports = Ports(http=free_port(), https=free_port(), app1=free_port(), app2=free_port())
        secret_key, signing_keys = new_secrets()
        env = cluster_env(database_uri=cluster_database, redis_url=redis_url, s3=s3_server, bucket=bucket,
                          public_port=ports.https, secret_key=secret_key, signing_keys=signing_keys, tmp=tmp)
        control = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=cluster_database, BROKER_URL=env["BROKER_URL"], JOBS_MODE="celery",
            SECRET_KEY=secret_key, SIGNING_KEYS=signing_keys, PUBLIC_BASE_URL=env["PUBLIC_BASE_URL"],
            STORAGE_BACKEND="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.endpoint_url,
            S3_ACCESS_KEY_ID=s3_server.access_key, S3_SECRET_ACCESS_KEY=s3_server.secret_key,
            S3_REGION="us-east-1")
        certificate = self_signed_certificate(tmp)
        config = write_config(tmp, ports=ports, certificate=certificate, static_root=repo_root() / "static")
        checked = check_config(tmp, config)

        app1 = start_gunicorn(processes, "app1", ports.app1, env)
        app2 = start_gunicorn(processes, "app2", ports.app2, env)
        cluster = Cluster(processes=processes, tmp=tmp, ports=ports, certificate=certificate, env=env,
                          control=control, nginx_check=checked, app1=app1, app2=app2,
                          access_log=tmp / "nginx-access.log")
        cluster.figures = FIGURES
        _make_accounts(control, cluster)  # while the app servers import the app
        for name in ("worker1", "worker2"):
            processes.worker(name, env)
        for name in ("beat1", "beat2"):
            processes.beat(name, env)
        assert checked.returncode == 0, f"nginx -t failed:\n{checked.stdout}\n{checked.stderr}"
        processes.start("nginx", command(tmp, config))

        def ready(client: Client) -> bool:
            return answers(client, "/readyz")

        for server in (1, 2):
            wait_for(lambda s=server: ready(Client(f"http://127.0.0.1:{cluster.upstream_port(s)}")),
                     what=f"app server {server}", timeout=90, processes=processes)
        wait_for(lambda: ready(cluster.through_nginx()), what="nginx", timeout=30, processes=processes)
        yield cluster
    finally:
        for _name, process in reversed(processes.running):  # nothing here needs a graceful stop
            if process.poll() is None:
                processes.kill(process, signal.SIGKILL)
        processes.stop_all()
        if control is not None:
            with control.app_context():
                db.session.remove()
                db.engine.dispose()
        with contextlib.suppress(Exception):
            s3_server.drop_bucket(bucket)
