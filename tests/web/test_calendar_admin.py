"""Admin calendar overrides and loading a provisional year's schedule: open deadlines follow."""

from sqlalchemy import select

from app.extensions import db
from app.models.applications import Application
from app.operations.events import clocks_for
from tests.conftest import csrf_from, local, login
from tests.operations.helpers import file_criminal_record


def _admin_post(client, data):
    page = client.get("/admin/calendar").get_data(as_text=True)
    return client.post("/admin/calendar", data={**data, "csrf_token": csrf_from(page)})


def test_an_extra_holiday_moves_open_deadlines_and_only_in_its_region(app, client):
    with app.app_context():
        application_id = file_criminal_record(app, "citizen").id
        before = db.session.get(Application, application_id).acceptance_due_at
    assert before == local(2026, 11, 23, 23, 59).replace(second=59)
    login(client, "admin")
    other_region = _admin_post(client, {"o-day": "2026-11-18", "o-is_working_day": "0", "o-region": "411003",
                                        "o-reason": "建安区地方活动", "o-submit": "1"})
    assert other_region.status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).acceptance_due_at == before
    here = _admin_post(client, {"o-day": "2026-11-18", "o-is_working_day": "0", "o-region": "",
                                "o-reason": "全市临时停办", "o-submit": "1"})
    assert here.status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.acceptance_due_at == local(2026, 11, 24, 23, 59).replace(second=59)
        assert clocks_for(application).acceptance_due_at == application.acceptance_due_at
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "全市临时停办" in page and "建安区地方活动" in page


def test_duplicate_override_and_bad_region_are_refused(client):
    login(client, "admin")
    first = _admin_post(client, {"o-day": "2026-12-01", "o-is_working_day": "0", "o-reason": "x", "o-submit": "1"})
    assert first.status_code == 302
    again = _admin_post(client, {"o-day": "2026-12-01", "o-is_working_day": "0", "o-reason": "y", "o-submit": "1"})
    assert again.status_code == 422 and "已有调整记录" in again.get_data(as_text=True)
    bad = _admin_post(client, {"o-day": "2026-12-02", "o-is_working_day": "0", "o-region": "4110",
                               "o-reason": "y", "o-submit": "1"})
    assert bad.status_code == 422 and "6位数字" in bad.get_data(as_text=True)


def test_a_provisional_year_is_flagged_and_recomputed_when_its_schedule_is_loaded(app, client, clock):
    clock.set(local(2026, 12, 28, 10))
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        application_id, token = application.id, application.tracking_token
        assert application.acceptance_due_at.year == 2027
        assert application.provisional_calendar is True
    tracking = client.get(f"/t/{token}").get_data(as_text=True)
    assert "暂定" in tracking

    login(client, "admin")
    assert "2027" in client.get("/admin/calendar").get_data(as_text=True)
    # The 2027 notice (entered by the admin) makes 4 January a holiday; then the year is confirmed.
    _admin_post(client, {"o-day": "2027-01-04", "o-is_working_day": "0", "o-reason": "2027年元旦调休",
                         "o-submit": "1"})
    loaded = _admin_post(client, {"y-year": "2027", "y-note": "国办发明电〔2026〕X号", "y-submit": "1"})
    assert loaded.status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.provisional_calendar is False
        assert application.acceptance_due_at == local(2027, 1, 6, 23, 59).replace(second=59)


def test_calendar_due_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "due", "2026-11-20T10:00:00+08:00", "5", "workdays"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2026-11-27T23:59:59+08:00"
    hours = runner.invoke(args=["calendar", "due", "2026-11-20T16:00:00+08:00", "0.5", "workdays"])
    assert hours.output.strip() == "2026-11-23T11:30:00+08:00"
    natural = runner.invoke(args=["calendar", "due", "2026-09-30T10:00:00+08:00", "24", "hours"])
    assert natural.output.strip() == "2026-10-01T10:00:00+08:00"
    bad = runner.invoke(args=["calendar", "due", "yesterday", "5", "workdays"])
    assert bad.exit_code != 0


def test_sla_sweep_and_audit_commands(app, clock):
    with app.app_context():
        file_criminal_record(app, "citizen")
    runner = app.test_cli_runner()
    # The clock reads 2026-11-16: a later --as-of would decide matters early, so it is refused...
    refused = runner.invoke(args=["sla", "sweep", "--as-of", "2026-12-01T09:00:00+08:00"])
    assert refused.exit_code != 0 and "later than the server's clock" in refused.output
    with app.app_context():
        assert db.session.scalar(select(Application.state)) == "submitted"
    # ...unless it is a simulation (tests, benchmarks).
    swept = runner.invoke(args=["sla", "sweep", "--simulate", "--as-of", "2026-12-01T09:00:00+08:00"])
    assert swept.exit_code == 0 and "deem_accepted" in swept.output
    again = runner.invoke(args=["sla", "sweep", "--simulate", "--as-of", "2026-12-01T09:00:00+08:00"])
    assert "0 timers fired" in again.output
    past = runner.invoke(args=["sla", "sweep", "--as-of", "2026-11-16T09:00:00+08:00"])
    assert past.exit_code == 0 and "0 timers fired" in past.output
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output
    with app.app_context():
        assert db.session.scalar(select(Application.state)) == "accepted"


def test_audit_verify_reports_the_first_broken_link(app, clock):
    from sqlalchemy import text

    with app.app_context():
        application = file_criminal_record(app, "citizen")
        # Simulate tampering below the application (triggers forbid UPDATE, so bypass them).
        engine = db.engine
        if engine.dialect.name == "postgresql":
            db.session.execute(text("ALTER TABLE application_events DISABLE TRIGGER USER"))
            db.session.execute(text("UPDATE application_events SET reason = 'forged' WHERE id = :id"),
                               {"id": application.events[0].id})
            db.session.execute(text("ALTER TABLE application_events ENABLE TRIGGER USER"))
        else:
            db.session.execute(text("DROP TRIGGER application_events_no_update"))
            db.session.execute(text("UPDATE application_events SET reason = 'forged' WHERE id = :id"),
                               {"id": application.events[0].id})
        db.session.commit()
        application_id = application.id
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"application {application_id}, event #1" in result.output and "content changed" in result.output


