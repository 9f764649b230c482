"""The job outbox in one process: what an event leaves to do is written with it, done after the
commit (never inside the request's transaction), done once however often it is delivered,
retried with backoff, and parked as a dead letter an admin can see and send again."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.jobs import runner
from app.models.applications import Application, Document
from app.models.jobs import Job
from app.models.notifications import Notification
from app.notify.senders import MemorySender
from app.operations import OperationError
from app.operations import documents as document_ops
from app.operations import notifications as notification_ops
from tests.conftest import api_token, confirm_answers, csrf_from, local, login
from tests.operations.helpers import act, file_criminal_record

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}


def jobs_of(application_id, kind=None):
    query = select(Job).where(Job.application_id == application_id).order_by(Job.id)
    if kind:
        query = query.where(Job.kind == kind)
    return list(db.session.scalars(query))


def test_filing_writes_the_receipt_job_with_the_event_and_returns_before_the_pdf(app, client, held_jobs):
    citizen = api_token(client, "citizen")
    created = client.post("/api/v1/applications", json=FILE, headers=citizen)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["documents"] == [{"id": body["documents"][0]["id"], "kind": "receipt", "title": "收件回执",
                                  "status": "pending", "url": None}]
    document_id = body["documents"][0]["id"]
    pending = client.get(f"/api/v1/applications/{body['id']}/documents/{document_id}", headers=citizen)
    assert pending.status_code == 202 and pending.get_json()["status"] == "pending"
    with app.app_context():
        (job,) = jobs_of(body["id"], "render_document")
        assert job.status == "pending" and job.key.startswith("document:")
        assert db.session.get(Document, document_id).content is None

    assert held_jobs.run() == ["done"]
    ready = client.get(f"/api/v1/applications/{body['id']}", headers=citizen).get_json()["documents"][0]
    assert ready["status"] == "ready" and ready["url"].endswith(f"/documents/{document_id}")
    pdf = client.get(f"/api/v1/applications/{body['id']}/documents/{document_id}", headers=citizen)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_pages_say_generating_until_the_document_is_ready(app, client, held_jobs):
    login(client, "citizen")
    form = client.get("/my/apply/criminal_record").get_data(as_text=True)
    filed = confirm_answers(client, "/my/apply/criminal_record", client.post("/my/apply/criminal_record", data={
        "csrf_token": csrf_from(form), "applicant_type": "individual", "purpose": "入职"}))
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    page = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert "生成中" in page and "js/documents.js" in page and 'http-equiv="refresh"' in page
    with app.app_context():
        application = db.session.scalar(select(Application).order_by(Application.id.desc()))
        application_id, document_id = application.id, application.documents[0].id
    status = client.get(f"/my/applications/{application_id}/documents/{document_id}/status")
    assert status.get_json()["status"] == "pending" and status.get_json()["url"] is None
    download = client.get(f"/my/applications/{application_id}/documents/{document_id}")
    assert download.status_code == 202 and "正在生成" in download.get_data(as_text=True)

    held_jobs.run()
    status = client.get(f"/my/applications/{application_id}/documents/{document_id}/status").get_json()
    assert status["status"] == "ready" and status["url"].endswith(f"/documents/{document_id}")
    page = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "生成中" not in page and "js/documents.js" not in page
    assert client.get(f"/my/applications/{application_id}/documents/{document_id}").data.startswith(b"%PDF")
    # Someone else's document, ready or not, is not found.
    login(client, "citizen2")
    assert client.get(f"/my/applications/{application_id}/documents/{document_id}/status").status_code == 404


def test_a_refused_action_leaves_no_job(ctx, held_jobs):
    application = file_criminal_record(ctx)
    before = len(jobs_of(application.id))
    with pytest.raises(OperationError):
        act(application, "request_correction", "clerk")  # no items: refused
    assert len(jobs_of(application.id)) == before


def test_a_job_delivered_twice_renders_one_document(ctx, held_jobs, monkeypatch):
    application = file_criminal_record(ctx)
    (job,) = jobs_of(application.id, "render_document")
    payload = dict(job.payload)
    renders = []
    real_render = document_ops.render_pdf
    monkeypatch.setattr(document_ops, "render_pdf", lambda *a, **k: renders.append(1) or real_render(*a, **k))
    assert runner.run_job(job.id) == "done"
    assert runner.run_job(job.id) == "skipped"
    document_ops.render_document(payload)  # the task itself, delivered again with the same payload
    assert len(renders) == 1
    assert db.session.scalar(select(func.count(Document.id)).where(Document.application_id == application.id)) == 1
    assert db.session.get(Job, job.id).payload == {}  # a done job keeps no copy of the document's content


def test_a_failing_job_is_retried_with_backoff_then_parked_and_an_admin_retries_it(app, client, clock,
                                                                                   held_jobs, monkeypatch):
    with app.app_context():
        application = file_criminal_record(app)
        (job,) = jobs_of(application.id, "render_document")
        job_id, application_id = job.id, application.id

    def broken(*args, **kwargs):
        raise RuntimeError("renderer unavailable")

    monkeypatch.setattr(document_ops, "render_pdf", broken)
    with app.app_context():
        assert held_jobs.run() == ["retry"]
        job = db.session.get(Job, job_id)
        assert job.status == "pending" and job.attempts == 1 and job.last_error == "RuntimeError"
        assert job.published_at is None and job.next_attempt_at == timeutil.now() + timedelta(seconds=30)
        assert runner.relay() == 0  # not yet due
        assert runner.run_job(job_id) == "skipped"
        delays = []
        for _ in range(job.max_attempts - 1):
            clock.advance(hours=2)
            assert runner.relay() == 1
            delays.append(held_jobs.run())
        assert delays[-1] == ["failed"] and all(d == ["retry"] for d in delays[:-1])
        job = db.session.get(Job, job_id)
        assert job.status == "failed" and job.attempts == job.max_attempts
        assert runner.relay() == 0  # a dead letter is not published again by itself

    login(client, "admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "render_document" in page and "RuntimeError" in page
    monkeypatch.undo()
    retried = client.post(f"/admin/jobs/{job_id}/retry", data={"csrf_token": csrf_from(page)})
    assert retried.status_code == 302
    assert held_jobs.run() == ["done"]
    with app.app_context():
        assert db.session.get(Job, job_id).status == "done"
        assert db.session.scalar(select(Document.status).where(Document.application_id == application_id)) == "ready"
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0 and "failed 0" in result.output
    assert app.test_cli_runner().invoke(args=["jobs", "retry", str(job_id)]).exit_code != 0  # not failed now


def test_jobs_retry_command_requeues_a_failed_job(app, held_jobs, monkeypatch):
    with app.app_context():
        application = file_criminal_record(app)
        (job,) = jobs_of(application.id, "render_document")
        job.status, job.attempts = "failed", job.max_attempts
        db.session.commit()
        job_id = job.id
    held_jobs.ids.clear()
    status = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert "failed 1" in status.output and f"failed job {job_id}: render_document" in status.output
    retried = app.test_cli_runner().invoke(args=["jobs", "retry", str(job_id)])
    assert retried.exit_code == 0 and "queued again" in retried.output
    assert held_jobs.run() == ["done"]


def test_a_lapsed_lease_is_taken_over(ctx, clock, held_jobs):
    """A worker that died mid-job leaves it running; after its lease another worker takes it."""
    application = file_criminal_record(ctx)
    (job,) = jobs_of(application.id, "render_document")
    job.status, job.attempts, job.locked_by = "running", 1, "dead-host:1"
    job.locked_until = timeutil.now() + timedelta(seconds=120)
    db.session.commit()
    held_jobs.ids.clear()
    assert runner.relay() == 0 and runner.run_job(job.id) == "skipped"
    clock.advance(seconds=121)
    assert runner.relay() == 1
    assert held_jobs.run() == ["done"]
    job = db.session.get(Job, job.id)
    assert job.status == "done" and job.attempts == 2 and job.locked_by != "dead-host:1"


def test_the_messages_of_an_event_go_out_after_its_commit_with_no_transaction_open(ctx, clock, monkeypatch):
    """The suite's default dispatcher runs each job right after its commit, as a worker would."""
    seen = []

    class CheckingSender(MemorySender):
        def send(self, message):
            seen.append(db.session().in_transaction())
            super().send(message)

    sender = CheckingSender()
    monkeypatch.setattr(notification_ops, "configured_sender", lambda: sender)
    application = file_criminal_record(ctx)
    act(application, "accept", "clerk")
    assert [m.subject for m in sender.sent] and seen == [False] * len(sender.sent)
    rows = list(db.session.scalars(select(Notification).where(Notification.application_id == application.id)))
    assert [(r.kind, r.status, r.attempts) for r in rows] == [("accepted", "sent", 1)]
    assert notification_ops.deliver_pending(now=timeutil.now(), sender=sender).sent == 0  # never twice


def test_a_failing_gateway_retries_then_parks_the_message_for_an_admin(app, client, clock, monkeypatch):
    class DownSender(MemorySender):
        def send(self, message):
            raise ConnectionError("gateway down")

    down, up = DownSender(), MemorySender()
    monkeypatch.setattr(notification_ops, "configured_sender", lambda: down)
    with app.app_context():
        application = file_criminal_record(app)
        act(application, "accept", "clerk")
        (row,) = db.session.scalars(select(Notification).where(Notification.application_id == application.id))
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ConnectionError")
        assert row.next_attempt_at == timeutil.now() + timedelta(minutes=5)
        for _ in range(4):
            clock.advance(hours=7)
            notification_ops.deliver_due()
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("failed", 5)
        row_id = row.id

    login(client, "admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "ConnectionError" in page and f"/admin/messages/{row_id}/retry" in page
    monkeypatch.setattr(notification_ops, "configured_sender", lambda: up)
    assert client.post(f"/admin/messages/{row_id}/retry", data={"csrf_token": csrf_from(page)}).status_code == 302
    with app.app_context():
        assert db.session.get(Notification, row_id).status == "sent" and len(up.sent) == 1
    assert client.post(f"/admin/messages/{row_id}/retry", data={"csrf_token": csrf_from(page)}).status_code == 404


def test_a_calendar_change_recomputes_open_clocks_in_a_job_in_batches(app, client, clock, held_jobs, monkeypatch):
    monkeypatch.setattr("app.operations.events.RECOMPUTE_BATCH", 2)
    with app.app_context():
        more = {"purpose_detail": "多家单位分别要求提供"}  # from the 4th request in a year
        ids = [file_criminal_record(app, "citizen", data=more).id for _ in range(5)]
        before = {i: db.session.get(Application, i).acceptance_due_at for i in ids}
    held_jobs.run()
    login(client, "admin")
    page = client.get("/admin/calendar").get_data(as_text=True)
    saved = client.post("/admin/calendar", data={"csrf_token": csrf_from(page), "o-day": "2026-11-18",
                                                  "o-is_working_day": "0", "o-reason": "本地停止办公",
                                                  "o-submit": "1"})
    assert saved.status_code == 302
    assert "正在后台重新计算" in client.get(saved.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert all(db.session.get(Application, i).acceptance_due_at == before[i] for i in ids)  # not in the request
        assert [j.kind for j in db.session.scalars(select(Job).where(Job.status == "pending"))] == ["recompute_clocks"]
    batches = 0
    while held_jobs.ids:
        assert set(held_jobs.run()) == {"done"}
        batches += 1
    with app.app_context():
        after = {i: db.session.get(Application, i).acceptance_due_at for i in ids}
    assert all(after[i] == before[i] + timedelta(days=1) for i in ids)
    assert batches >= 3  # 5 open applications (and the demo's), two at a time, one job per batch


def test_the_sweep_refuses_a_future_instant_unless_simulating(app, clock):
    runner_ = app.test_cli_runner()
    future = (timeutil.now() + timedelta(minutes=1)).isoformat()
    refused = runner_.invoke(args=["sla", "sweep", "--as-of", future])
    assert refused.exit_code != 0 and "--simulate" in refused.output
    assert runner_.invoke(args=["sla", "sweep", "--as-of", future, "--simulate"]).exit_code == 0
    assert local(2026, 11, 16) <= timeutil.now()
