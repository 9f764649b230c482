"""外国人工作类居留许可 end to end through the API: a foreigner (real-named by passport) files
with the three uploads, the exit-entry office's clerk accepts and approves, the decision names
the appointment to collect the permit, shown on the tracking page too. The limit is fixed at
filing: 5 working days for a key-project employer's staff, 15 otherwise."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.domain.catalogue import get_service
from app.extensions import db
from app.models.accounts import AccessLog
from app.models.applications import Application
from app.models.key_projects import KeyProjectChange, KeyProjectEnterprise
from app.operations.calendar import load_calendar
from app.seed import USCCS
from tests.conftest import api_token, csrf_from, local, login
from tests.materials.helpers import api_materials

SERVICE = "foreigner_work_residence"
SLOTS = [m.code for m in get_service(SERVICE).upload_slots()]


def filing(**overrides) -> dict:
    data = {"passport_expires_on": "2031-05-01", "work_permit_number": "WP411000202611",
            "work_permit_expires_on": "2028-03-31", "employer_uscc": USCCS["demo"], "position": "物流系统工程师",
            "residence_until": "2028-03-31"}
    return {**data, **overrides}


def file(client, headers, **overrides):
    data = {**filing(**overrides), "materials": api_materials(client, headers, SERVICE, SLOTS)}
    return client.post("/api/v1/applications", json={"service": SERVICE, "data": data}, headers=headers)


def act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def iso(value):
    return datetime.fromisoformat(value) if value else None


def end_of(y, m, d) -> datetime:
    return local(y, m, d, 23, 59).replace(second=59)


def test_uploads_slots_are_the_three_materials():
    assert SLOTS == ["passport", "work_permit", "employer_letter"]


def test_key_project_staff_get_5_working_days_others_15(app, client, clock):
    foreigner, clerk = api_token(client, "foreigner"), api_token(client, "clerk_exit")
    key = file(client, foreigner)
    assert key.status_code == 201, key.get_json()
    other = file(client, foreigner, employer_uscc=USCCS["security_2m"])
    assert other.status_code == 201, other.get_json()
    assert key.get_json()["data"]["key_project"] is True and other.get_json()["data"]["key_project"] is False
    assert key.get_json()["unit"] == "许昌市公安局出入境管理支队"

    clock.set(local(2026, 11, 16, 11))  # Monday
    with app.app_context():
        calendar = load_calendar(None)
    fast = act(client, clerk, key.get_json()["id"], "accept").get_json()
    normal = act(client, clerk, other.get_json()["id"], "accept").get_json()
    # The calendar's own count, and the dates it gives this week (no holiday in between).
    assert iso(fast["clocks"]["promised_due_at"]) == calendar.add_working_days(local(2026, 11, 16, 11), 5)
    assert iso(fast["clocks"]["promised_due_at"]) == end_of(2026, 11, 23)
    assert iso(fast["clocks"]["statutory_due_at"]) == end_of(2026, 12, 7)  # the law's 15 stays the ceiling
    assert iso(normal["clocks"]["promised_due_at"]) == calendar.add_working_days(local(2026, 11, 16, 11), 15)
    assert iso(normal["clocks"]["promised_due_at"]) == end_of(2026, 12, 7)
    assert iso(normal["clocks"]["statutory_due_at"]) == end_of(2026, 12, 7)


def test_the_limit_is_fixed_at_filing_whatever_the_list_says_later(app, client, clock):
    foreigner, clerk = api_token(client, "foreigner"), api_token(client, "clerk_exit")
    created = file(client, foreigner).get_json()
    login(client, "admin")
    page = client.get("/admin/key-projects/")
    assert page.status_code == 200 and "许昌瑞丰物流有限公司" in page.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(KeyProjectEnterprise).where(KeyProjectEnterprise.uscc == USCCS["demo"]))
        entry_id = entry.id
    removed = client.post(f"/admin/key-projects/{entry_id}/remove",
                          data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert removed.status_code == 302
    clock.set(local(2026, 11, 16, 11))
    accepted = act(client, clerk, created["id"], "accept").get_json()
    assert iso(accepted["clocks"]["promised_due_at"]) == end_of(2026, 11, 23)
    later = file(client, foreigner).get_json()
    assert later["data"]["key_project"] is False
    accepted = act(client, clerk, later["id"], "accept").get_json()
    assert iso(accepted["clocks"]["promised_due_at"]) == end_of(2026, 12, 7)
    with app.app_context():
        changes = db.session.scalars(select(KeyProjectChange).where(KeyProjectChange.enterprise_id == entry_id)
                                     .order_by(KeyProjectChange.id)).all()
        assert [c.action for c in changes] == ["add", "remove"]
        assert changes[-1].changed_by.username == "admin" and changes[-1].changed_at is not None
        assert db.session.scalar(select(AccessLog).where(AccessLog.action == "key_project.remove")) is not None


def test_the_key_project_limit_is_a_setting(app, client, clock):
    from app.domain.settings import Scope
    from app.models.accounts import User
    from app.operations import settings

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        settings.change(scope=Scope.GLOBAL, target="", values={"foreigner_work_residence.key_project_workdays": 3},
                        effective_from=None, by=admin, now=clock.moment)
    foreigner, clerk = api_token(client, "foreigner"), api_token(client, "clerk_exit")
    created = file(client, foreigner).get_json()
    clock.set(local(2026, 11, 16, 11))
    accepted = act(client, clerk, created["id"], "accept").get_json()
    assert iso(accepted["clocks"]["promised_due_at"]) == end_of(2026, 11, 19)


def test_clerk_approves_decision_and_appointment_on_the_next_working_day(app, client, clock):
    foreigner, clerk = api_token(client, "foreigner"), api_token(client, "clerk_exit")
    created = file(client, foreigner).get_json()
    listed = client.get("/api/v1/applications", headers=clerk).get_json()
    assert created["number"] in [item["number"] for item in listed["items"]]
    assert act(client, clerk, created["id"], "accept").status_code == 200
    clock.set(local(2026, 11, 20, 15))  # Friday: the appointment is on Monday
    approved = act(client, clerk, created["id"], "approve")
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved"
    titles = [d.get("title") for d in approved.get_json()["documents"] if d["kind"] == "outcome"]
    assert titles == ["准予签发外国人工作类居留证件决定书"], approved.get_json()["documents"]
    with app.app_context():
        application = db.session.get(Application, created["id"])
        event = application.events[-1]
        assert iso(event.payload["collection_appointment"]) == local(2026, 11, 23, 9, 30)
        token = application.tracking_token
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert "2026年11月23日（星期一）09:30" in page and "许昌市东城区市民之家" in page
    assert "M70312845" not in page


def test_filing_refusals_name_every_condition(app, client):
    foreigner = api_token(client, "foreigner")
    refused = file(client, foreigner, passport_expires_on="2026-01-01", work_permit_expires_on="2026-02-01",
                   employer_uscc=USCCS["cancelled"])
    assert refused.status_code == 422
    message = refused.get_json()["message"]
    assert "聘用单位已注销" in message and "护照已过有效期" in message and "工作许可证已过有效期" in message
    beyond = file(client, foreigner, work_permit_expires_on="2027-06-30")
    assert beyond.status_code == 422 and beyond.get_json()["error"] == "period.beyond_work_permit"
    citizen = api_token(client, "citizen")
    assert file(client, citizen).get_json()["error"] == "applicant.not_foreigner"


def test_the_web_form_files_with_uploads(app, client):
    login(client, "foreigner")
    page = client.get(f"/my/apply/{SERVICE}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for slot in SLOTS:
        assert f'id="slot-{slot}"' in html


def test_refusal_and_the_exit_entry_supervisors_figures(app, client, clock):
    foreigner, clerk = api_token(client, "foreigner"), api_token(client, "clerk_exit")
    approved, refused, open_item = (file(client, foreigner).get_json()["id"] for _ in range(3))
    for application_id in (approved, refused, open_item):
        assert act(client, clerk, application_id, "accept").status_code == 200
    clock.set(local(2026, 11, 19, 10))
    assert act(client, clerk, approved, "approve").status_code == 200
    rejected = act(client, clerk, refused, "reject", reason="单位函件所载聘用职务与工作许可不一致")
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    refusal = [d for d in rejected.get_json()["documents"] if d["kind"] == "refusal_decision"]
    assert [d.get("title") for d in refusal] == ["不予签发外国人居留证件决定书"]

    clock.set(local(2026, 12, 8, 9))  # past the statutory 15 working days: the open one is red
    login(client, "supervisor_exit")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "红灯：已超过法定期限（1件）" in page
    csv_body = client.get("/supervisor/figures.csv?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    row = next(line for line in csv_body.splitlines() if line.startswith("foreigner_work_residence"))
    assert row.split(",")[1:4] == ["外国人工作类居留许可", "2", "2"] and row.endswith(",1")


def test_the_clerk_sees_the_registry_check_before_deciding(app, client):
    foreigner = api_token(client, "foreigner")
    created = file(client, foreigner).get_json()
    login(client, "clerk_exit")
    page = client.get(f"/desk/applications/{created['id']}").get_data(as_text=True)
    assert "符合签发条件。" in page and "许昌瑞丰物流有限公司，存续" in page
    passport = created["data"]["passport_number"]  # the foreigner's own answer: whole
    assert len(passport) >= 8 and passport not in page and passport[0] + "*" * (len(passport) - 1) in page
    assert "申请时聘用单位在名单中：5个工作日内签发" in page
