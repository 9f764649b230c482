"""警民直通车: kinds and their limits (fixed at filing), routing by topic, 转办 on the same
clock, the written answer, 重新办理 once within 10 days, and the 12389 complainant's identity."""
import re

from sqlalchemy import select

from tests.conftest import api_token, csrf_from, login, logout

ENQUIRY = {"kind": "enquiry", "topic": "hukou", "subject": "迁户口要什么材料", "content": "从郑州迁入许昌需要哪些材料？"}


def _file(client, headers, **data):
    return client.post("/api/v1/applications", headers=headers, json={"service": "public_request",
                                                                      "data": {**ENQUIRY, **data}})


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _unit_id(app, code):
    from app.extensions import db
    from app.models.accounts import Unit

    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def test_each_kind_has_its_own_limit_fixed_at_filing(client):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    due = {}
    for kind in ("enquiry", "help", "suggestion", "complaint", "report"):
        filed = _file(client, citizen, kind=kind)
        assert filed.status_code == 201, filed.get_json()
        accepted = _act(client, clerk, filed.get_json()["id"], "accept").get_json()
        due[kind] = accepted["clocks"]["statutory_due_at"][:10]
    # Accepted on Monday 2026-11-16: 2, 10 and 15 working days, not counting the day itself.
    assert due == {"enquiry": "2026-11-18", "help": "2026-11-30", "suggestion": "2026-11-30",
                   "complaint": "2026-12-07", "report": "2026-12-07"}


def test_a_changed_kind_limit_applies_to_later_filings_only(client, app, clock):
    from app.extensions import db
    from app.models.accounts import User
    from app.operations import settings as settings_ops

    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    before = _file(client, citizen).get_json()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        settings_ops.change(scope=settings_ops.Scope.GLOBAL, target="", by=admin, now=clock.moment,
                            values={"public_request.enquiry_workdays": 3}, effective_from=None)
    after = _file(client, citizen).get_json()
    old = _act(client, clerk, before["id"], "accept").get_json()["clocks"]["statutory_due_at"][:10]
    new = _act(client, clerk, after["id"], "accept").get_json()["clocks"]["statutory_due_at"][:10]
    assert (old, new) == ("2026-11-18", "2026-11-19")


def test_routed_by_topic(client):
    citizen = api_token(client, "citizen")
    units = {topic: _file(client, citizen, topic=topic).get_json()["unit"]
             for topic in ("hukou", "traffic", "exit_entry", "public_order")}
    assert units == {"hukou": "西大街派出所", "traffic": "魏都交警大队", "exit_entry": "许昌市公安局出入境管理支队",
                     "public_order": "西大街派出所"}


def test_enterprise_files_the_enterprise_direct_line(client):
    filed = _file(client, api_token(client, "enterprise"), kind="help", topic="public_order")
    assert filed.status_code == 201
    body = filed.get_json()
    assert body["subject_name"] == "许昌瑞丰物流有限公司"


def test_filing_refusals(client):
    citizen = api_token(client, "citizen")
    bad_kind = _file(client, citizen, kind="praise")
    assert bad_kind.status_code == 422
    conduct_enquiry = _file(client, citizen, kind="enquiry", police_conduct=True)
    # Not asked for an enquiry: the answer is dropped, the enquiry is an ordinary one.
    assert conduct_enquiry.status_code == 201 and conduct_enquiry.get_json()["unit"] == "西大街派出所"
    unknown_unit = _file(client, citizen, kind="complaint", police_conduct=True, complained_unit="NOPE")
    assert unknown_unit.status_code == 422
    staff = _file(client, api_token(client, "clerk"))
    assert staff.status_code == 403


def test_transfer_moves_the_request_on_the_same_clock(client, app, clock):
    citizen, clerk, traffic = api_token(client, "citizen"), api_token(client, "clerk"), api_token(client, "clerk_traffic")
    filed = _file(client, citizen, kind="help").get_json()
    accepted = _act(client, clerk, filed["id"], "accept").get_json()
    clock.advance(days=2)
    same = _act(client, clerk, filed["id"], "transfer", to_unit="411002-PS-XDJ", reason="本所")
    assert same.status_code == 422 and same.get_json()["error"] == "public_request.transfer_same"
    no_unit = _act(client, clerk, filed["id"], "transfer", reason="交通问题")
    assert no_unit.status_code == 422
    moved = _act(client, clerk, filed["id"], "transfer", to_unit="411002-TB-WD", reason="属交通管理问题")
    assert moved.status_code == 200, moved.get_json()
    assert client.get(f"/api/v1/applications/{filed['id']}", headers=clerk).status_code == 404
    there = client.get(f"/api/v1/applications/{filed['id']}", headers=traffic).get_json()
    assert there["unit"] == "魏都交警大队" and there["status"] == "accepted"
    assert there["clocks"]["statutory_due_at"] == accepted["clocks"]["statutory_due_at"]
    answered = _act(client, traffic, filed["id"], "approve", opinion="已安排民警处理")
    assert answered.status_code == 200


def test_answer_and_reopen_once_within_10_days(client, clock):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    filed = _file(client, citizen).get_json()
    early = _act(client, citizen, filed["id"], "reopen", reason="没答复")
    assert early.status_code == 409
    _act(client, clerk, filed["id"], "accept")
    empty = _act(client, clerk, filed["id"], "approve", opinion=" ")
    assert empty.status_code == 422
    answered = _act(client, clerk, filed["id"], "approve", opinion="请带身份证、户口簿和准迁证到所里办理。")
    assert answered.status_code == 200
    assert [d["title"] for d in answered.get_json()["documents"] if d["kind"] == "outcome"] == ["诉求答复意见书"]
    no_reason = _act(client, citizen, filed["id"], "reopen")
    assert no_reason.status_code == 422
    clock.advance(days=3)  # Thursday 2026-11-19
    reopened = _act(client, citizen, filed["id"], "reopen", reason="准迁证去哪里开没说清楚")
    assert reopened.status_code == 200, reopened.get_json()
    body = reopened.get_json()
    # The reopened request gets the enquiry's 2 working days again, from the reopening.
    assert body["status"] == "accepted" and body["clocks"]["statutory_due_at"].startswith("2026-11-23")
    _act(client, clerk, filed["id"], "approve", opinion="准迁证由迁入地派出所开具。")
    again = _act(client, citizen, filed["id"], "reopen", reason="还是不满意")
    assert again.status_code == 409 and again.get_json()["error"] == "public_request.reopened_once"


def test_reopen_after_the_window_is_refused(client, clock):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    filed = _file(client, citizen).get_json()
    _act(client, clerk, filed["id"], "accept")
    _act(client, clerk, filed["id"], "approve", opinion="答复")
    clock.advance(days=10, minutes=1)
    late = _act(client, citizen, filed["id"], "reopen", reason="不满意")
    assert late.status_code == 409 and late.get_json()["error"] == "public_request.reopen_late"


def test_conduct_complaint_goes_to_the_inspectorate_and_its_identity_stays_there(client, app):
    citizen = api_token(client, "citizen")
    filed = _file(client, citizen, kind="complaint", topic="hukou", police_conduct=True,
                  complained_unit="411002-PS-XDJ", subject="民警态度恶劣", content="办理户口时民警推诿")
    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert body["unit"] == "许昌市公安局督察支队"
    inspection, station = api_token(client, "clerk_inspection"), api_token(client, "clerk")
    # The unit complained about never sees it: not in its queue, not by its id.
    assert client.get(f"/api/v1/applications/{body['id']}", headers=station).status_code == 404
    login(client, "clerk")
    queue = client.get("/desk/").get_data(as_text=True)
    assert body["number"] not in queue
    assert client.get(f"/desk/applications/{body['id']}").status_code == 404
    # The public tracking page: the name masked.
    tracking = client.get(f"/t/{body['tracking_token']}")
    assert tracking.status_code == 200
    assert "李明" not in tracking.get_data(as_text=True) and "李*" in tracking.get_data(as_text=True)
    # Only the inspectorate sees who complained.
    seen = client.get(f"/api/v1/applications/{body['id']}", headers=inspection).get_json()
    assert seen["subject_name"] == "李明"
    _act(client, inspection, body["id"], "accept")
    kept = _act(client, inspection, body["id"], "transfer", to_unit="411002-PS-XDJ", reason="请该所核查")
    assert kept.status_code == 422 and kept.get_json()["error"] == "public_request.conduct_not_transferred"
    assert client.get(f"/api/v1/applications/{body['id']}", headers=station).status_code == 404


def test_filed_and_answered_through_the_forms(client):
    login(client, "citizen")
    page = client.get("/my/apply/public_request").get_data(as_text=True)
    assert "诉求类型" in page and "业务类别" in page
    filed = client.post("/my/apply/public_request", data={**ENQUIRY, "csrf_token": csrf_from(page)})
    if filed.status_code == 200:  # the check-your-answers page, then confirm
        from tests.conftest import confirm_answers
        filed = confirm_answers(client, "/my/apply/public_request", filed)
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    application_id = int(re.search(r"/applications/(\d+)/filed", filed.headers["Location"]).group(1))
    logout(client)
    login(client, "clerk")
    queue = client.get("/desk/?service=public_request").get_data(as_text=True)
    assert "警民直通车" in queue
    accept = client.get(f"/desk/applications/{application_id}/actions/accept").get_data(as_text=True)
    client.post(f"/desk/applications/{application_id}/actions/accept", data={"csrf_token": csrf_from(accept)})
    form = client.get(f"/desk/applications/{application_id}/actions/approve").get_data(as_text=True)
    assert "答复意见" in form
    done = client.post(f"/desk/applications/{application_id}/actions/approve",
                       data={"opinion": "请到窗口办理。", "csrf_token": csrf_from(form)})
    assert done.status_code == 302
    transfer = client.get(f"/desk/applications/{application_id}/actions/transfer")
    assert transfer.status_code in (200, 409)


def _hotline(client, headers, number="GD12345-20261116-0001", **data):
    return client.post("/api/v1/applications", headers=headers, json={"service": "public_request_hotline", "data": {
        **ENQUIRY, "kind": "help", "topic": "traffic", "hotline_order_number": number, "requester_name": "赵六",
        **data}})


def test_hotline_orders_are_recorded_by_staff_once_per_order_number(client):
    clerk, citizen = api_token(client, "clerk_traffic"), api_token(client, "citizen")
    assert _hotline(client, citizen).status_code == 403  # recorded by staff, not by the requester
    filed = _hotline(client, clerk)
    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert body["unit"] == "魏都交警大队" and body["subject_name"] == "赵六" and body["number"].startswith("ZR")
    twice = _hotline(client, clerk, number="gd12345-20261116-0001")
    assert twice.status_code == 422 and twice.get_json()["error"] == "public_request.hotline_order_recorded"
    bad_number = _hotline(client, clerk, number="x")
    assert bad_number.status_code == 422
    traffic = clerk
    accepted = _act(client, traffic, body["id"], "accept").get_json()
    assert accepted["clocks"]["statutory_due_at"][:10] == "2026-11-30"  # help: 10 working days
    answered = _act(client, traffic, body["id"], "approve", opinion="已处理")
    assert answered.status_code == 200
    assert "reopen" not in (answered.get_json()["allowed_actions"] or [])


def test_a_hotline_conduct_complaint_is_recorded_only_by_the_inspectorate(client):
    conduct = {"kind": "complaint", "police_conduct": True, "complained_unit": "411002-TB-WD"}
    at_brigade = _hotline(client, api_token(client, "clerk_traffic"), **conduct)
    assert at_brigade.status_code == 422 and at_brigade.get_json()["error"] == "public_request.hotline_conduct_unit"
    inspectorate = api_token(client, "clerk_inspection")
    ordinary = _hotline(client, inspectorate, number="GD12345-20261116-0002")
    assert ordinary.status_code == 422
    filed = _hotline(client, inspectorate, number="GD12345-20261116-0003", **conduct)
    assert filed.status_code == 201 and filed.get_json()["unit"] == "许昌市公安局督察支队"
    assert client.get(f"/api/v1/applications/{filed.get_json()['id']}",
                      headers=api_token(client, "clerk_traffic")).status_code == 404


def test_queue_order_and_supervisor_figures_follow_each_kinds_limit(client, clock):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    complaint = _file(client, citizen, kind="complaint", subject="投诉").get_json()
    enquiry = _file(client, citizen, kind="enquiry").get_json()
    for filed in (complaint, enquiry):
        _act(client, clerk, filed["id"], "accept")
    # The clerk's queue: the enquiry (due in 2 working days) before the complaint filed earlier (15).
    login(client, "clerk")
    queue = client.get("/desk/?service=public_request").get_data(as_text=True)
    assert queue.index(enquiry["number"]) < queue.index(complaint["number"])
    clock.advance(days=4)  # Friday 2026-11-20: the enquiry is late, the complaint is not
    for filed in (complaint, enquiry):
        assert _act(client, clerk, filed["id"], "approve", opinion="答复").status_code == 200
    logout(client)
    login(client, "supervisor")
    figures = client.get("/supervisor/figures.csv?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    row = next(line for line in figures.splitlines() if line.startswith("public_request,"))
    assert row.split(",")[2:4] == ["2", "1"]  # two answered, one in time


def test_staff_record_a_hotline_order_through_the_desk_form(client):
    login(client, "clerk_traffic")
    assert "录入12345热线工单" in client.get("/desk/").get_data(as_text=True)
    page = client.get("/desk/hotline/new").get_data(as_text=True)
    data = {**ENQUIRY, "topic": "traffic", "hotline_order_number": "GD12345-20261116-0009",
            "requester_name": "赵六", "csrf_token": csrf_from(page)}
    filed = client.post("/desk/hotline/new", data=data)
    assert filed.status_code == 302, filed.get_data(as_text=True)[:3000]
    assert "赵六" in client.get(filed.headers["Location"]).get_data(as_text=True)
    again = client.post("/desk/hotline/new", data=data)
    assert again.status_code == 422 and "该12345工单已录入" in again.get_data(as_text=True)
