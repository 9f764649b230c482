"""Two app servers behind nginx, in the production configuration: what one server does the other
knows (sessions, rate limits, claims, certificates), filings under load are all kept, one server
killed mid-load loses no acknowledged filing, and two beats fire each timer once.

The cluster (tests/cluster/conftest.py) is started once for the module; the tests run in order
and the load tests come last (their receipts keep the workers busy afterwards).
"""
from __future__ import annotations

import re
import secrets
import signal
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.applications import Application, ApplicationEvent, Certificate, Document
from bench.load import multipart
from tests.cluster.client import Client, Response
from tests.conftest import DEMO_PASSWORD, repo_root
from tests.jobs.processes import wait_for
from tests.jobs.test_celery_workers import TIMERS
from tests.materials.samples import jpeg
from tests.operations.helpers import file_criminal_record

pytestmark = pytest.mark.cluster

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}
GENUINE = "该证明真实有效。"
NOT_GENUINE = "未能核验"
WON, TAKEN = "已认领该办件。", "该办件已被其他工作人员认领。"
LOAD_CLIENTS = 50
LOAD_SECONDS = 30
KILL_SECONDS, KILL_AT = 12, 4


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_token(client: Client, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status == 200, (response.status, response.error, response.text[:300])
    return bearer(response.json()["access_token"])


def served_by_both(cluster, user_agent: str) -> dict[str, int]:
    counts = cluster.upstreams(user_agent)
    assert {"app1", "app2"} <= set(counts), f"nginx sent the {user_agent} requests to {counts}, not to both"
    return counts


def test_the_production_site_passes_nginx_t(cluster):
    assert cluster.nginx_check.returncode == 0, cluster.nginx_check.stderr
    assert "syntax is ok" in cluster.nginx_check.stderr and "test is successful" in cluster.nginx_check.stderr


def test_nginx_redirects_http_serves_static_hides_metrics_and_passes_its_request_id(cluster):
    plain = Client(f"http://127.0.0.1:{cluster.ports.http}")
    redirect = plain.get("/auth/login?next=/my/")
    assert redirect.status == 301 and redirect.headers["location"] == "https://127.0.0.1/auth/login?next=/my/"

    client = cluster.through_nginx(user_agent="cluster-test/edge")
    page = client.get("/auth/login")
    assert page.status == 200
    # One HSTS header, nginx's (the app's own is hidden).
    hsts = [value for name, value in page.all_headers if name.lower() == "strict-transport-security"]
    assert hsts == ["max-age=31536000; includeSubDomains"], hsts
    # The id nginx made is the one the app answers with (and logs).
    # nginx writes the access-log line just after the response has gone out: wait for it.
    (logged,) = wait_for(lambda: [e for e in cluster.nginx_log("cluster-test/edge") if e["uri"] == "/auth/login"],
                         what="nginx's access-log line of the login page", timeout=15, processes=cluster.processes)
    assert page.headers.get("x-request-id") == logged["request_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", logged["request_id"])

    # Static files as the app links them (?v=<hash>): served by nginx from static/, cached for good.
    link = re.search(r'href="(/static/[^"?]+\?v=[0-9a-f]{12})"', page.text)
    assert link, "the login page links no versioned stylesheet"
    static = client.get(link.group(1))
    assert static.status == 200 and static.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert static.headers["strict-transport-security"] and static.headers["x-content-type-options"] == "nosniff"
    assert static.body == (repo_root() / link.group(1).split("?")[0].lstrip("/")).read_bytes()
    unversioned = client.get(link.group(1).split("?")[0])
    assert unversioned.status == 200 and unversioned.headers["cache-control"] == "no-cache"
    assert unversioned.body == static.body
    # nginx answered, no app server was asked (every app response carries its X-Request-ID).
    assert "x-request-id" not in static.headers and "x-request-id" not in unversioned.headers
    assert "x-request-id" in page.headers

    assert client.get("/metrics").status == 403
    # Bodies up to the app's MAX_CONTENT_LENGTH (51 MB) pass; nginx refuses a larger one from its head.
    assert client.announce("POST", "/api/v1/uploads", 51 * 1024 * 1024 + 1) == 413
    assert cluster.control.config["MAX_CONTENT_LENGTH"] == 51 * 1024 * 1024
    inside = Client(f"http://127.0.0.1:{cluster.ports.app1}").get("/metrics")
    assert inside.status == 200 and b"portal_responses" in inside.body, inside.text[:300]
    # gunicorn.conf.py's on_starting emptied the metrics directory of what an earlier run left.
    assert not (cluster.tmp / "app1-metrics" / "stale-from-an-earlier-run.db").exists()


def test_a_session_made_on_one_app_server_works_on_the_other(cluster):
    # One browser: the same address (as nginx reports it) and User-Agent throughout, as the
    # strong session protection of the login requires.
    browser = {"user_agent": "cluster-test/session"}
    first = cluster.direct(1, "127.0.0.11", **browser)
    logged_in = first.login("citizen")
    assert logged_in.status == 302, (logged_in.status, logged_in.text[:500])
    assert first.get("/account/").status == 200

    second = cluster.direct(2, "127.0.0.11", **browser)
    second.cookies = dict(first.cookies)
    profile = second.get("/account/")
    assert profile.status == 200 and "citizen" in profile.text
    assert cluster.direct(2, "127.0.0.11", **browser).get("/account/").status == 302  # no cookie: the login

    through = cluster.through_nginx(source="127.0.0.11", **browser)
    through.cookies = dict(first.cookies)
    statuses = [through.get("/account/").status for _ in range(20)]
    assert statuses == [200] * 20
    served_by_both(cluster, "cluster-test/session")


def test_a_certificate_issued_through_one_server_is_verified_by_either(cluster):
    client = cluster.through_nginx(source="127.0.0.15", user_agent="cluster-test/certificate")
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    created = client.post("/api/v1/applications", json=FILE, headers=citizen)
    assert created.status == 201, created.text[:500]
    application_id = created.json()["id"]
    for action in ("accept", "approve", "issue"):
        done = client.post(f"/api/v1/applications/{application_id}/actions/{action}", json={}, headers=clerk)
        assert done.status == 200, (action, done.text[:500])
    assert done.json()["status"] == "issued"
    with cluster.control.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application_id))
        number, signature = certificate.number, certificate.signature
    page = f"/verify/{number}?s={signature}"
    for server in (1, 2):
        verified = cluster.direct(server, "10.1.0.2").get(page)
        assert verified.status == 200 and GENUINE in verified.text, (server, verified.text[:500])
    tampered = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert NOT_GENUINE in cluster.direct(2, "10.1.0.2").get(f"/verify/{number}?s={tampered}").text
    assert client.get(f"/api/v1/verify/{number}?s={signature}").json()["status"] == "genuine"

    # The certificate's PDF, rendered by a worker, is downloaded through nginx.
    def certificate_pdf():
        detail = client.get(f"/api/v1/applications/{application_id}", headers=citizen).json()
        (document,) = [d for d in detail["documents"] if d["kind"] == "certificate"]
        return document if document["status"] == "ready" else None

    document = wait_for(certificate_pdf, what="the certificate PDF", timeout=60, processes=cluster.processes)
    pdf = client.get(document["url"], headers=citizen)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    with cluster.control.app_context():
        stored = db.session.get(Document, document["id"])
        assert stored.sha256 and stored.status == "ready"


def test_login_rate_limits_are_shared_by_the_app_servers(cluster):
    client = cluster.through_nginx(source="127.0.0.12", user_agent="cluster-test/rate-limit")
    statuses = []
    for n in range(30):
        # What a client writes in front of nginx's address changes nothing (PROXY_HOPS=1).
        response = client.post("/api/v1/auth/token", json={"username": f"nobody{n}", "password": "wrong-pass-1"},
                               headers={"X-Forwarded-For": f"10.66.0.{n}"})
        statuses.append(response.status)
    assert 429 not in statuses[:20] and all(s in (401, 403, 422) for s in statuses[:20]), statuses
    assert statuses[20:] == [429] * 10, statuses
    served_by_both(cluster, "cluster-test/rate-limit")
    # Another client address has its own allowance.
    other = cluster.through_nginx(source="127.0.0.13", user_agent="cluster-test/rate-limit-other")
    assert other.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong-pass-1"}).status != 429


def _outcome(client: Client, response: Response) -> str:
    assert response.status == 302, (response.status, response.text[:300])
    page = client.get(response.headers["location"].removeprefix(client.origin())).text
    if WON in page:
        return "won"
    return "taken" if TAKEN in page else "neither"


def test_two_clerks_on_different_servers_claiming_one_item_exactly_one_wins(cluster):
    clerks = {"clerk": cluster.direct(1, "10.1.0.3"), "clerk_b": cluster.direct(2, "10.1.0.4")}
    for username, client in clerks.items():
        assert client.login(username).status == 302, username
    filer = cluster.through_nginx(user_agent="cluster-test/claims")
    for username in cluster.claim_accounts:
        created = filer.post("/api/v1/applications", json=FILE, headers=bearer(cluster.tokens[username]))
        assert created.status == 201, created.text[:500]
        application_id = created.json()["id"]
        tokens = {name: client.csrf_token(f"/desk/applications/{application_id}") for name, client in clerks.items()}
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def claim(name: str, client: Client, application_id=application_id) -> None:
            barrier.wait()
            response = client.post(f"/desk/applications/{application_id}/claim",
                                   form={"csrf_token": tokens[name]},
                                   headers={"Referer": f"{client.origin()}/desk/applications/{application_id}"})
            outcomes[name] = _outcome(client, response)

        threads = [threading.Thread(target=claim, args=item) for item in clerks.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes.values()) == ["taken", "won"], outcomes
        with cluster.control.app_context():
            winner = db.session.get(Application, application_id).claimed_by.username
        assert outcomes[winner] == "won"


def test_two_beats_and_two_workers_fire_each_timer_exactly_once(cluster, clock):
    """As tests/jobs/test_celery_workers.py: filed on the tests' day (2026-11-16), the matters are
    overdue on the cluster's real clock, so the beats' sweeps deem each accepted and then
    escalate it; both beats sweep every second, and each timer fires once."""
    with cluster.control.app_context():
        ids = [file_criminal_record(cluster.control, username).id
               for username in cluster.timer_accounts for _ in range(2)]

    def escalated() -> bool:
        with cluster.control.app_context():
            return db.session.scalar(select(func.count(ApplicationEvent.id)).where(
                ApplicationEvent.action == "escalate", ApplicationEvent.application_id.in_(ids))) >= len(ids)

    wait_for(escalated, what="every matter deemed accepted and escalated", timeout=90, processes=cluster.processes)
    time.sleep(4)  # more sweeps from both beats run over the same matters

    def notices_ready() -> bool:
        with cluster.control.app_context():
            statuses = list(db.session.scalars(select(Document.status).where(
                Document.kind == "acceptance_notice", Document.application_id.in_(ids))))
            return len(statuses) >= len(ids) and set(statuses) == {"ready"}

    wait_for(notices_ready, what="the acceptance notices", timeout=90, processes=cluster.processes)
    with cluster.control.app_context():
        fired = Counter(db.session.execute(
            select(ApplicationEvent.application_id, ApplicationEvent.action)
            .where(ApplicationEvent.action.in_(TIMERS))).all())
        assert set(fired.values()) == {1}, [key for key, count in fired.items() if count > 1]
        assert sorted(fired) == sorted([(i, "deem_accepted") for i in ids] + [(i, "escalate") for i in ids])
        notices = Counter(db.session.scalars(select(Document.application_id).where(
            Document.kind == "acceptance_notice", Document.application_id.in_(ids))))
        assert notices == Counter(dict.fromkeys(ids, 1))
        assert {db.session.get(Application, i).state for i in ids} == {"accepted"}


# --- Load -------------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    kind: str  # filing | upload
    started: float  # seconds since the load began
    ended: float
    status: int
    error: str = ""
    application_id: int | None = None
    replayed: bool = False  # answered with the filing the same Idempotency-Key made before


@dataclass
class Load:
    attempts: list[Attempt] = field(default_factory=list)
    seconds: float = 0.0
    killed_at: float | None = None

    def of(self, kind: str) -> list[Attempt]:
        return [a for a in self.attempts if a.kind == kind]


class Filings:
    """Which account files next: every load account in turn, round after round. From the third
    round on each filing sends a proof of purpose (uploaded first) and its purpose: the 4th
    request of a person in a year needs one, and a round of margin keeps a slow request from
    making another person's count different from what the test thinks."""

    def __init__(self, accounts: list[str]):
        self.accounts, self.next, self.lock = accounts, 0, threading.Lock()

    def take(self) -> tuple[str, int]:
        with self.lock:
            n, self.next = self.next, self.next + 1
        return self.accounts[n % len(self.accounts)], n // len(self.accounts)


@pytest.fixture(scope="module")
def filings(cluster) -> Filings:
    """One turn order for both load tests: the second goes on where the first stopped."""
    return Filings(cluster.load_accounts)


def run_load(cluster, filings: Filings, *, seconds: float, name: str, kill_at: float | None = None) -> Load:
    load, lock = Load(), threading.Lock()
    began = time.perf_counter()
    until = began + seconds

    def note(kind: str, started: float, response: Response, application_id: int | None = None) -> None:
        with lock:
            load.attempts.append(Attempt(kind, started - began, time.perf_counter() - began, response.status,
                                         response.error, application_id,
                                         response.headers.get("idempotent-replayed") == "true"))

    def filer() -> None:
        client = cluster.through_nginx(user_agent=f"cluster-load/{name}")
        while time.perf_counter() < until:
            username, round_ = filings.take()
            headers = bearer(cluster.tokens[username])
            body = FILE
            if round_ >= 2:
                started = time.perf_counter()
                data, content_type = multipart(
                    {"service": "criminal_record", "slot": "purpose_proof"},
                    jpeg(48, 48, color=tuple(secrets.randbelow(256) for _ in range(3))), "用途证明.jpg")
                uploaded = client.post("/api/v1/uploads", body=data, headers={**headers, "Content-Type": content_type})
                note("upload", started, uploaded)
                if uploaded.status != 201:
                    continue
                body = {"service": "criminal_record", "data": {
                    **FILE["data"], "purpose_detail": "多家单位分别要求提供",
                    "materials": {"purpose_proof": [uploaded.json()["id"]]}}}
            # The client's own id of this filing: its answer lost (a server killed after the
            # commit), the client sends it again and the portal files nothing twice.
            headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
            started = time.perf_counter()
            filed = client.post("/api/v1/applications", json=body, headers=headers)
            note("filing", started, filed, filed.json()["id"] if filed.status == 201 else None)
            if filed.status in (0, 502):
                started = time.perf_counter()
                again = client.post("/api/v1/applications", json=body, headers=headers)
                note("retry", started, again, again.json()["id"] if again.status == 201 else None)
        client.close()

    def killer() -> None:
        time.sleep(kill_at)
        load.killed_at = time.perf_counter() - began
        cluster.processes.kill(cluster.app1, signal.SIGKILL)

    threads = [threading.Thread(target=filer) for _ in range(LOAD_CLIENTS)]
    if kill_at is not None:
        threads.append(threading.Thread(target=killer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    load.seconds = time.perf_counter() - began
    return load


def acknowledged(load: Load) -> set[int]:
    return {a.application_id for a in load.attempts if a.kind in ("filing", "retry") and a.status == 201}


def missing_rows(cluster, load: Load) -> list[int]:
    acknowledged = [a.application_id for a in load.of("filing") if a.status == 201]
    with cluster.control.app_context():
        found = set(db.session.scalars(select(Application.id).where(Application.id.in_(acknowledged))))
    return sorted(set(acknowledged) - found)


def figures(load: Load, lost: list[int]) -> dict:
    filed = sorted(a.ended - a.started for a in load.of("filing") if a.status == 201)
    statuses = Counter(a.status for a in load.attempts)
    return {
        "clients": LOAD_CLIENTS,
        "seconds": round(load.seconds, 1),
        "filings_201": len(filed),
        "filings_per_s": round(len(filed) / load.seconds, 1),
        "p50_ms": round(statistics.median(filed) * 1000) if filed else None,
        "p95_ms": round(filed[int(0.95 * (len(filed) - 1))] * 1000) if filed else None,
        "uploads": len(load.of("upload")),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "connection_errors": statuses.get(0, 0),
        "lost": len(lost),
    }


def test_fifty_concurrent_filers_for_thirty_seconds_every_acknowledged_filing_is_kept(cluster, filings):
    load = run_load(cluster, filings, seconds=LOAD_SECONDS, name="steady")
    lost = missing_rows(cluster, load)
    result = figures(load, lost)
    result["upstreams"] = served_by_both(cluster, "cluster-load/steady")
    cluster.record("steady load (e)", result)
    assert result["5xx"] == 0 and result["connection_errors"] == 0, result
    assert set(result["statuses"]) == {"201"}, result  # no refusal either: the test files only what is allowed
    assert lost == [], f"acknowledged filings missing from the database: {lost}"
    assert result["filings_201"] > 0


def test_killing_one_app_server_mid_load_loses_no_acknowledged_filing(cluster, filings):
    with cluster.control.app_context():
        before = db.session.scalar(select(func.max(Application.id)))
    load = run_load(cluster, filings, seconds=KILL_SECONDS, name="kill", kill_at=KILL_AT)
    lost = missing_rows(cluster, load)
    result = figures(load, lost)
    assert load.killed_at is not None
    failed = [a for a in load.attempts if a.status != 201 and a.kind != "retry"]
    retries = load.of("retry")
    after_kill = [a for a in load.attempts if a.started > load.killed_at + 1]
    with cluster.control.app_context():
        rows = db.session.scalar(select(func.count(Application.id)).where(Application.id > before))
    result.update(
        killed_at_s=round(load.killed_at, 1),
        failed_in_flight=len(failed),
        failures=dict(Counter(f"{a.kind} {a.status} {a.error.split(':')[0]}".strip() for a in failed)),
        filings_after_kill_201=sum(1 for a in after_kill if a.kind == "filing" and a.status == 201),
        # The filings whose answer was lost, sent again with their Idempotency-Key: each is
        # answered, and the database holds each filing once (a replay where the dying server had
        # committed it, a new filing where it had not).
        retried=len(retries),
        retries_201=sum(1 for a in retries if a.status == 201),
        replayed_after_lost_answer=sum(1 for a in retries if a.replayed),
        # Filings the database has that no client holds a 201 for (none, with the retries).
        committed_unacknowledged=rows - len(acknowledged(load)),
        upstreams=cluster.upstreams("cluster-load/kill"),
        # Requests nginx could not connect to app1 with and passed to app2 (POSTs too: never sent).
        passed_on_after_refusal=sum(1 for e in cluster.nginx_log("cluster-load/kill") if "," in e["upstream"]),
    )
    cluster.record("one app server killed (f)", result)
    assert lost == [], f"acknowledged filings missing from the database: {lost}"
    # Only what was in flight when the server died may fail; everything after is served by the other.
    assert all(a.started <= load.killed_at + 1 for a in failed), [(a.started, a.status, a.error) for a in failed]
    assert all(a.status in (0, 502) for a in failed), [(a.status, a.error) for a in failed]
    assert all(a.status == 201 for a in retries), [(a.status, a.error) for a in retries]
    assert result["committed_unacknowledged"] == 0, result  # sent twice, filed once
    assert result["filings_after_kill_201"] > 0
    assert all(a.status == 201 for a in after_kill)
