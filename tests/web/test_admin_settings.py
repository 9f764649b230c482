"""Settings through the admin page: effective-dated, with history; an application keeps the
rules in force when it was filed (its clocks never move because a setting changed later)."""
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application
from app.models.settings import SettingChangeRow
from app.operations import settings as settings_ops
from app.operations.events import clocks_for, service_of
from tests.conftest import csrf_from, local, login
from tests.operations.helpers import act, file_criminal_record

SERVICE_URL = "/admin/settings/services/criminal_record"


def _post(client, url, data):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **data})


def _criminal_record_settings(**changes):
    """The form as shown (every value in force) with `changes`."""
    data = {"promised": "1", "statutory": "3", "step_tolerance": "y", "step_suspension": "y",
            "effective_from": "", "note": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_promised_limit_change_applies_to_applications_filed_after_it_only(app, client):
    with app.app_context():
        before_id = file_criminal_record(app, "citizen").id
    login(client, "admin")
    response = _post(client, SERVICE_URL, _criminal_record_settings(promised="2", note="窗口人手调整"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        after_id = file_criminal_record(app, "citizen").id
        # Both accepted now, after the change: only the one filed after it gets 2 working days.
        act(db.session.get(Application, before_id), "accept", "clerk")
        act(db.session.get(Application, after_id), "accept", "clerk")
        before, after = db.session.get(Application, before_id), db.session.get(Application, after_id)
        assert before.promised_due_at == local(2026, 11, 17, 23, 59).replace(second=59)
        assert after.promised_due_at == local(2026, 11, 18, 23, 59).replace(second=59)
        assert before.statutory_due_at == after.statutory_due_at
        # Derived again from the events (pages, API, sweep): the same dates.
        assert clocks_for(before).promised_due_at == before.promised_due_at
        assert clocks_for(after).promised_due_at == after.promised_due_at
        assert str(service_of(before).limits.promised.amount) == "1"
    page = client.get(SERVICE_URL).get_data(as_text=True)
    assert "窗口人手调整" in page and "2个工作日" in page and "1个工作日" in page
    assert "公安机关办理犯罪记录查询工作规定" in page  # the statutory default's source
    # What the portal tells applicants now: the limit in force, on the home page and in the API.
    services = {s["code"]: s for s in client.get("/api/v1/services").get_json()["services"]}
    assert services["criminal_record"]["limits"]["promised"]["text_zh"] == "2个工作日"
    assert services["truck_permit"]["limits"]["promised"]["text_zh"] == "24小时"


def test_a_future_change_is_not_in_force_before_its_time(app, client, clock):
    login(client, "admin")
    response = _post(client, SERVICE_URL, _criminal_record_settings(promised="2", effective_from="2026-11-20T09:00"))
    assert response.status_code == 302
    with app.app_context():
        early = file_criminal_record(app, "citizen")
        assert early.events[0].payload["rules"]["promised"] == {"amount": "1", "unit": "workdays"}
    clock.set(local(2026, 11, 20, 10))
    with app.app_context():
        late = file_criminal_record(app, "citizen")
        assert late.events[0].payload["rules"]["promised"] == {"amount": "2", "unit": "workdays"}


def test_limits_above_the_law_are_refused_with_reasons(app, client):
    login(client, "admin")
    above_statutory = _post(client, SERVICE_URL, _criminal_record_settings(promised="4"))
    assert above_statutory.status_code == 422
    assert "承诺时限4个工作日不得超过法定时限3个工作日" in above_statutory.get_data(as_text=True)
    above_law = _post(client, SERVICE_URL, _criminal_record_settings(statutory="5"))
    assert above_law.status_code == 422
    assert "法定时限不得超过法律规定的3个工作日" in above_law.get_data(as_text=True)
    english = client.post(SERVICE_URL, data={**_criminal_record_settings(promised="4"),
                                               "csrf_token": csrf_from(client.get(SERVICE_URL).get_data(as_text=True))},
                          headers={"Accept-Language": "en"})
    assert english.status_code == 422
    with app.app_context():
        assert db.session.query(SettingChangeRow).count() == 0


def test_a_statutory_limit_lowered_below_the_law_applies_and_the_step_switch_too(app, client):
    login(client, "admin")
    response = _post(client, SERVICE_URL, _criminal_record_settings(statutory="2", step_suspension=None))
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.query(SettingChangeRow).order_by(SettingChangeRow.id).all()
        assert [(r.key, r.before, r.after) for r in rows] == [("statutory", "3", "2"), ("step.suspension", True, False)]
        application = file_criminal_record(app, "citizen")
        act(application, "accept", "clerk")
        application = db.session.get(Application, application.id)
        assert application.statutory_due_at == local(2026, 11, 18, 23, 59).replace(second=59)
        assert not service_of(application).has("suspension")


def test_unit_office_hours_are_kept_by_an_application_filed_under_them(app, client):
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        unit_id = application.unit_id
    login(client, "admin")
    url = f"/admin/settings/units/{unit_id}"
    response = _post(client, url, {"morning_start": "08:30", "morning_end": "12:00", "afternoon_start": "14:00",
                                   "afternoon_end": "17:30", "saturday": "y", "effective_from": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "08:30–12:00、14:00–17:30" in page and "星期六" in page
    with app.app_context():
        later = file_criminal_record(app, "citizen")
        assert later.events[0].payload["rules"]["office_hours"] == [["08:30", "12:00"], ["14:00", "17:30"]]
        earlier = db.session.get(Application, application.id)
        assert earlier.events[0].payload["rules"]["office_hours"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    bad = _post(client, url, {"morning_start": "12:00", "morning_end": "09:00", "effective_from": ""})
    assert bad.status_code == 422


def test_past_effective_time_is_refused(client):
    login(client, "admin")
    response = _post(client, SERVICE_URL, _criminal_record_settings(promised="2", effective_from="2026-11-15T09:00"))
    assert response.status_code == 422 and "生效时间不得早于当前时间" in response.get_data(as_text=True)


def _criminal_record_card(page: str) -> str:
    card = page.split("<h3>无犯罪记录证明</h3>", 1)[1]
    return card.split("</li>", 1)[0]


def test_the_kept_home_page_shows_the_limit_in_force_once_a_change_takes_effect(app, client, clock):
    """The home page is kept per process for anonymous visitors: a settings change, even one that
    takes effect later, must reach it at that moment, not when the process restarts."""
    visitor = app.test_client()
    first = visitor.get("/").get_data(as_text=True)
    assert "<dt>承诺时限</dt><dd>1个工作日</dd>" in _criminal_record_card(first)
    login(client, "admin")
    response = _post(client, SERVICE_URL, _criminal_record_settings(promised="2", effective_from="2026-11-20T09:00"))
    assert response.status_code == 302
    assert "<dt>承诺时限</dt><dd>1个工作日</dd>" in _criminal_record_card(visitor.get("/").get_data(as_text=True))
    clock.set(local(2026, 11, 20, 10))
    assert "<dt>承诺时限</dt><dd>2个工作日</dd>" in _criminal_record_card(visitor.get("/").get_data(as_text=True))


def test_a_change_made_on_another_server_reaches_the_home_page_within_the_published_interval(
        app, client, clock, monkeypatch):
    """Public pages read the settings at most once a second per process; a change recorded by
    another server (here: written to the database behind this process's back) shows once that
    second has passed — and filing, which reads afresh, gets it at once."""
    ticks = [1000.0]
    monkeypatch.setattr(settings_ops.time, "monotonic", lambda: ticks[0])
    visitor = app.test_client()
    assert "<dt>承诺时限</dt><dd>1个工作日</dd>" in _criminal_record_card(visitor.get("/").get_data(as_text=True))
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        db.session.add(SettingChangeRow(scope="service", target="criminal_record", key="promised", before=1, after=2,
                                        effective_from=local(2026, 11, 16, 8), changed_at=local(2026, 11, 16, 8),
                                        changed_by_id=admin.id))
        db.session.commit()
        filed = file_criminal_record(app, "citizen")
        assert filed.events[0].payload["rules"]["promised"] == {"amount": "2", "unit": "workdays"}
    assert "<dt>承诺时限</dt><dd>1个工作日</dd>" in _criminal_record_card(visitor.get("/").get_data(as_text=True))
    ticks[0] += settings_ops.PUBLISHED_INTERVAL
    assert "<dt>承诺时限</dt><dd>2个工作日</dd>" in _criminal_record_card(visitor.get("/").get_data(as_text=True))
