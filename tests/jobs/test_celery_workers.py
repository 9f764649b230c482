"""The job outbox on Celery with real worker and beat processes and a real (private) Redis:
filings return before their PDFs exist, a worker killed mid-render loses nothing, a broker that is
down at filing time loses nothing, and two beats with two workers fire each timer exactly once."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models.applications import Application, ApplicationEvent, Document
from app.models.jobs import Job
from app.models.notifications import Notification
from tests.conftest import api_token, csrf_from, login
from tests.jobs.processes import Processes, free_port, wait_for, worker_env
from tests.operations.helpers import act, file_criminal_record

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}
MORE = {"purpose_detail": "多家单位分别要求提供"}  # from the 4th request in a year
TIMERS = {"deem_accepted", "close_unanswered", "escalate", "breach_commitment"}


@pytest.fixture
def processes(tmp_path):
    running = Processes(tmp_path)
    yield running
    running.stop_all()


def portal_app(database_uri: str, broker_url: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, BROKER_URL=broker_url, JOBS_MODE="celery")


@pytest.fixture
def portal(database_uri, clock, processes):
    broker = processes.redis()
    app = portal_app(database_uri, broker)
    app.broker_url = broker
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _documents(app, **where) -> list[Document]:
    with app.app_context():
        rows = list(db.session.scalars(select(Document).filter_by(**where).order_by(Document.id)))
        db.session.expunge_all()
        return rows


def _all_ready(app) -> bool:
    documents = _documents(app)
    return bool(documents) and all(d.status == "ready" for d in documents)


def test_filing_returns_before_its_pdf_exists_and_a_worker_renders_it_shortly_after(portal, database_uri,
                                                                                   processes):
    client = portal.test_client()
    citizen = api_token(client, "citizen")
    created = client.post("/api/v1/applications", json=FILE, headers=citizen)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    (receipt,) = body["documents"]
    assert (receipt["kind"], receipt["status"], receipt["url"]) == ("receipt", "pending", None)

    processes.worker("w1", worker_env(database_uri, portal.broker_url))
    wait_for(lambda: _documents(portal, id=receipt["id"])[0].status == "ready", what="the receipt",
             processes=processes)
    document = client.get(f"/api/v1/applications/{body['id']}", headers=citizen).get_json()["documents"][0]
    assert document["status"] == "ready"
    assert client.get(document["url"], headers=citizen).data.startswith(b"%PDF")

    # With the worker already running, the next filing's receipt follows by itself too.
    second = client.post("/api/v1/applications", json=FILE, headers=citizen).get_json()
    wait_for(lambda: _documents(portal, application_id=second["id"])[0].status == "ready",
             what="the second receipt", processes=processes)


def test_a_worker_killed_mid_render_leaves_a_job_that_a_second_worker_completes_once(portal, database_uri,
                                                                                    processes):
    with portal.app_context():
        ids = [file_criminal_record(portal, "citizen", data=MORE).id for _ in range(12)]
    env = worker_env(database_uri, portal.broker_url)

    def running_job():
        with portal.app_context():
            done = db.session.scalar(select(func.count(Job.id)).where(Job.status == "done"))
            job = db.session.scalar(select(Job).where(Job.status == "running", Job.locked_by.like("%")))
            return job.id if done and job is not None else None

    killed = None
    for attempt in range(5):  # the kill must land while a job is held (it is, ~all of the time)
        first = processes.worker(f"w1-{attempt}", env)
        held = wait_for(running_job, what="a job being rendered", processes=processes)
        processes.kill(first)
        with portal.app_context():
            job = db.session.get(Job, held)
            if job.status == "running":
                killed = (job.id, job.attempts)
                break
    assert killed is not None, "no kill landed while a job was held"
    with portal.app_context():
        assert db.session.get(Job, killed[0]).status == "running"  # abandoned, its lease running out

    processes.worker("w2", env)
    processes.beat("b1", env)  # its relay publishes the abandoned job once the lease has passed

    def abandoned_job_done() -> bool:  # it may be a receipt or a proof's thumbnail
        with portal.app_context():
            return db.session.get(Job, killed[0]).status == "done"

    wait_for(lambda: _all_ready(portal) and abandoned_job_done(), what="every receipt and the abandoned job",
             processes=processes)
    with portal.app_context():
        job = db.session.get(Job, killed[0])
        assert job.status == "done" and job.attempts == killed[1] + 1
        # Exactly one document for each one asked for: one per (event, kind), one per render job.
        documents = list(db.session.scalars(select(Document)))
        assert {d.application_id for d in documents} == set(ids)
        assert set(Counter((d.event_id, d.kind) for d in documents).values()) == {1}
        assert len(documents) == db.session.scalar(select(func.count(Job.id)).where(Job.kind == "render_document"))
        assert all(d.content.startswith(b"%PDF") for d in db.session.scalars(select(Document)))


def test_with_the_broker_down_the_filing_succeeds_and_its_documents_follow_once_it_is_back(database_uri, clock,
                                                                                       processes):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"  # nothing listens here yet
    app = portal_app(database_uri, broker)
    client = app.test_client()
    citizen = api_token(client, "citizen")
    created = client.post("/api/v1/applications", json=FILE, headers=citizen)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    with app.app_context():
        (job,) = db.session.scalars(select(Job).where(Job.application_id == application_id))
        assert job.status == "pending" and job.published_at is None  # left for the relay

    processes.redis(port)
    env = worker_env(database_uri, broker)
    processes.worker("w1", env)
    processes.beat("b1", env)
    wait_for(lambda: _all_ready(app), what="the receipt after the broker came back", processes=processes)
    # (The beat's sweep, on the real clock weeks after the tests' 2026-11-16, also deems it accepted.)
    assert len(_documents(app, application_id=application_id, kind="receipt")) == 1
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_beats_and_two_workers_fire_each_timer_exactly_once(portal, database_uri, processes):
    with portal.app_context():
        ids = [file_criminal_record(portal, "citizen", data=MORE).id for _ in range(8)]
        ids += [file_criminal_record(portal, "citizen2", data=MORE).id for _ in range(8)]
    env = worker_env(database_uri, portal.broker_url)
    for name in ("w1", "w2"):
        processes.worker(name, env)
    for name in ("b1", "b2"):
        processes.beat(name, env)

    def escalated() -> bool:
        with portal.app_context():
            return db.session.scalar(select(func.count(ApplicationEvent.id))
                                     .where(ApplicationEvent.action == "escalate")) >= len(ids)

    # Filed on 2026-11-16 (the tests' clock); the workers run on the real clock, weeks later:
    # each matter is deemed accepted, then (its 3 working days gone too) escalated.
    wait_for(escalated, what="every matter deemed accepted and escalated", processes=processes)
    time.sleep(4)  # more sweeps from both beats run over the same matters
    wait_for(lambda: _all_ready(portal), what="the acceptance notices", processes=processes)
    with portal.app_context():
        fired = Counter(db.session.execute(
            select(ApplicationEvent.application_id, ApplicationEvent.action)
            .where(ApplicationEvent.action.in_(TIMERS))).all())
        assert set(fired.values()) == {1}
        assert sorted(fired) == sorted([(i, "deem_accepted") for i in ids] + [(i, "escalate") for i in ids])
        notices = Counter(db.session.scalars(select(Document.application_id)
                                             .where(Document.kind == "acceptance_notice")))
        assert notices == Counter(dict.fromkeys(ids, 1))
        assert {db.session.get(Application, i).state for i in ids} == {"accepted"}


def test_a_message_the_gateway_refuses_is_retried_then_parked_and_sent_once_an_admin_retries(
        portal, database_uri, processes, tmp_path):
    down, sent_log = tmp_path / "gateway-down", tmp_path / "gateway.log"
    down.touch()
    env = worker_env(database_uri, portal.broker_url, NOTIFY_SENDER="tests.jobs.flaky_gateway:factory",
                     NOTIFY_MAX_ATTEMPTS="3", NOTIFY_RETRY_SECONDS="1", FLAKY_GATEWAY_DOWN=str(down),
                     FLAKY_GATEWAY_LOG=str(sent_log))
    with portal.app_context():
        application = file_criminal_record(portal, "citizen")
        act(application, "accept", "clerk")
        application_id = application.id
    processes.worker("w1", env)
    processes.beat("b1", env)

    def message():
        with portal.app_context():
            row = db.session.scalar(select(Notification).where(Notification.application_id == application_id))
            db.session.expunge_all()
            return row

    wait_for(lambda: message().status == "failed", what="the message parked after 3 attempts", processes=processes)
    assert (message().attempts, message().last_error) == (3, "ConnectionError")
    assert not sent_log.exists()

    client = portal.test_client()
    login(client, "admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert f"/admin/messages/{message().id}/retry" in page and "ConnectionError" in page
    down.unlink()  # the gateway is back
    assert client.post(f"/admin/messages/{message().id}/retry",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    wait_for(lambda: message().status == "sent", what="the message sent after the retry", processes=processes)
    time.sleep(3)  # further deliveries from the schedule send nothing again
    assert len(sent_log.read_text().splitlines()) == 1
