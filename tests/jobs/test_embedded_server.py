"""Under `make run` (no broker), the running portal fires its own deadlines: an application left
alone is deemed accepted by the server's background thread once its acceptance limit passes."""
from __future__ import annotations

import sys
import urllib.request
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.applications import Application, ApplicationEvent, Document
from tests.jobs.processes import Processes, free_port, wait_for
from tests.operations.helpers import file_criminal_record


def test_an_application_left_alone_is_deemed_accepted_by_the_running_portal(app, database_uri, tmp_path):
    with app.app_context():
        application = file_criminal_record(app)  # filed 2026-11-16 10:00 (the tests' clock)
        application_id, due = application.id, application.acceptance_due_at
    processes = Processes(tmp_path)
    port = free_port()
    # The server's clock starts five seconds before the acceptance limit runs out, and runs on.
    start = (due - timedelta(seconds=5)).isoformat()
    env = {"PORTAL_CONFIG": "development", "DATABASE_URL": database_uri, "SLA_SWEEP_SECONDS": "1",
           "BROKER_URL": "", "JOBS_MODE": "", "PYTHONUNBUFFERED": "1"}
    try:
        processes.start("portal", [sys.executable, "-m", "tests.jobs.serve_with_clock", start, "--port", str(port)],
                        env=env)

        def deemed():
            with app.app_context():
                return db.session.scalar(select(ApplicationEvent).where(
                    ApplicationEvent.application_id == application_id,
                    ApplicationEvent.action == "deem_accepted"))

        event = wait_for(deemed, what="the deemed acceptance", timeout=120, processes=processes)
        assert event.occurred_at == due  # dated at the limit, by law
        assert event.recorded_at >= due  # and fired only once the server's clock had passed it
        with app.app_context():
            assert db.session.get(Application, application_id).state == "accepted"
        wait_for(lambda: _notice_ready(app, application_id), what="the acceptance notice", processes=processes)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:  # noqa: S310
            assert response.status == 200  # the first request: nothing above needed one
        assert "background work: thread" in (tmp_path / "portal.log").read_text()
    finally:
        processes.stop_all()


def _notice_ready(app, application_id) -> bool:
    with app.app_context():
        return db.session.scalar(select(Document.status).where(
            Document.application_id == application_id, Document.kind == "acceptance_notice")) == "ready"
