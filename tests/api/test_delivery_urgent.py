"""办件寄递 and 加急办 through the Flask test client: the API, the pages and the courier poll (both databases)."""
from datetime import datetime, timedelta

from app.couriers import SimulatedCourier
from app.extensions import db
from app.models.applications import Application
from app.operations.courier_poll import poll_couriers
from app.operations.events import clocks_for
from tests.conftest import api_token, csrf_from, local, login

PHONE = "13912345678"
NUMBER = "EA123456789CN"
POSTED = {"applicant_type": "individual", "purpose": "入职", "delivery_method": "post",
          "recipient_name": "王小明", "recipient_phone": PHONE, "recipient_address": "许昌市魏都区建设路88号"}


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _file(client, headers, data=POSTED):
    created = client.post("/api/v1/applications", json={"service": "criminal_record", "data": data}, headers=headers)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_urgent_request_approved_by_the_head_shortens_the_promised_limit(app, client, clock):
    citizen, clerk, head = api_token(client, "citizen"), api_token(client, "clerk"), api_token(client, "supervisor")
    body = _file(client, citizen)
    application_id = body["id"]
    clock.set(local(2026, 11, 17, 10))
    accepted = _act(client, clerk, application_id, "accept").get_json()
    promised = datetime.fromisoformat(accepted["clocks"]["promised_due_at"])
    assert promised == local(2026, 11, 18, 23, 59).replace(second=59)  # 1 working day

    assert _act(client, citizen, application_id, "request_urgent").status_code == 422  # a reason is needed
    assert _act(client, clerk, application_id, "request_urgent", reason="x").status_code == 403
    asked = _act(client, citizen, application_id, "request_urgent", reason="入职体检定于明日")
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["urgent"]["status"] == "requested"
    again = _act(client, citizen, application_id, "request_urgent", reason="再次")
    assert again.status_code == 409 and again.get_json()["error"] == "urgent_already_requested"

    # The head's list shows it; a clerk cannot approve it.
    login(client, "supervisor")
    dashboard = client.get("/supervisor/").get_data(as_text=True)
    assert accepted["number"] in dashboard and "入职体检定于明日" in dashboard
    assert _act(client, clerk, application_id, "approve_urgent", reason="同意").status_code == 403

    clock.set(local(2026, 11, 17, 11))
    approved = _act(client, head, application_id, "approve_urgent", reason="情况属实，予以加急")
    assert approved.status_code == 200, approved.get_json()
    view = approved.get_json()
    # 0.5 working day (本系统设置: half of 1) = 3.5 office hours from acceptance at 10:00: 10–12, 13–14:30.
    assert datetime.fromisoformat(view["clocks"]["promised_due_at"]) == local(2026, 11, 17, 14, 30)
    assert view["clocks"]["statutory_due_at"] == accepted["clocks"]["statutory_due_at"]
    assert view["urgent"]["status"] == "approved"
    assert "入职体检定于明日" not in client.get("/supervisor/").get_data(as_text=True)
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.promised_due_at == clocks_for(application).promised_due_at  # stored = derived

    # Decided: no more urgent requests.
    assert _act(client, clerk, application_id, "approve").status_code == 200
    refused = _act(client, head, application_id, "refuse_urgent", reason="x")
    assert refused.status_code == 409


def test_urgent_refused_by_the_head_through_the_desk_form(app, client, clock):
    citizen = api_token(client, "citizen")
    application_id = _file(client, citizen)["id"]
    assert _act(client, citizen, application_id, "request_urgent", reason="急需").status_code == 200
    login(client, "supervisor")
    url = f"/desk/applications/{application_id}/actions/refuse_urgent"
    page = client.get(url)
    assert page.status_code == 200
    done = client.post(url, data={"reason": "不属于紧急情形", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert done.status_code == 302
    detail = client.get(f"/api/v1/applications/{application_id}", headers=citizen).get_json()
    assert detail["urgent"]["status"] == "refused" and detail["urgent"]["decision_reason"] == "不属于紧急情形"


def test_citizen_asks_urgent_on_the_application_page(app, client, clock):
    citizen = api_token(client, "citizen")
    application_id = _file(client, citizen)["id"]
    login(client, "citizen")
    page = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "申请加急办" in page
    sent = client.post(f"/my/applications/{application_id}/urgent",
                       data={"urgent_reason": "签证面签在即", "csrf_token": csrf_from(page)})
    assert sent.status_code == 302
    page = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "待负责人审批" in page and "签证面签在即" in page
    assert f'action="/my/applications/{application_id}/urgent"' not in page  # asked once


def test_post_delivery_tracking_number_and_courier_poll(app, client, clock):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    body = _file(client, citizen)
    application_id, token = body["id"], body["tracking_token"]
    assert body["data"]["recipient_phone"] == PHONE  # the owner's own data
    for action in ("accept", "approve", "issue"):
        assert _act(client, clerk, application_id, action).status_code == 200, action
    issued = client.get(f"/api/v1/applications/{application_id}", headers=clerk).get_json()
    assert issued["status"] == "issued"
    assert issued["clocks"]["delivery_due_at"] is not None  # runs until delivered
    assert issued["delivery"]["status"] is None and issued["delivery"]["recipient_phone"] == "139****5678"
    assert issued["data"]["recipient_phone"] == "139****5678"  # masked for staff

    assert _act(client, clerk, application_id, "dispatch", courier="ems").status_code == 422
    assert _act(client, clerk, application_id, "dispatch", courier="ems", tracking_number="a b").status_code == 422
    assert _act(client, citizen, application_id, "dispatch", courier="ems", tracking_number=NUMBER).status_code == 403
    clock.set(local(2026, 11, 16, 16))
    posted = _act(client, clerk, application_id, "dispatch", courier="ems", tracking_number=NUMBER)
    assert posted.status_code == 200, posted.get_json()
    assert _act(client, clerk, application_id, "dispatch", courier="sf", tracking_number="SF1").status_code == 409

    public = client.get(f"/t/{token}").get_data(as_text=True)
    assert "已寄出" in public and "EA*******89CN" in public
    for secret in (NUMBER, PHONE, "139****5678", "王小明", "建设路"):
        assert secret not in public
    tracked = client.get(f"/api/v1/track/{token}").get_json()
    assert tracked["delivery"]["status"] == "posted" and "recipient_phone" not in tracked["delivery"]
    assert NUMBER not in str(tracked)

    login(client, "citizen")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert NUMBER in mine and PHONE in mine and "建设路" in mine and "已寄出" in mine

    with app.app_context():
        assert poll_couriers(now=local(2026, 11, 17, 10), courier=SimulatedCourier(timedelta(days=1))) == []
        fired = poll_couriers(now=local(2026, 11, 18, 10), courier=SimulatedCourier(timedelta(days=1)))
        assert fired == [(application_id, "deliver")]
        assert poll_couriers(now=local(2026, 11, 18, 10)) == []  # twice is once
        application = db.session.get(Application, application_id)
        assert application.delivery_due_at is None and application.state == "issued"
        assert application.events[-1].occurred_at == local(2026, 11, 17, 16)  # dated as the courier says
    public = client.get(f"/t/{token}").get_data(as_text=True)
    assert "已送达" in public
    done = client.get(f"/api/v1/applications/{application_id}", headers=clerk).get_json()
    assert done["clocks"]["delivery_due_at"] is None and done["light"] is None


def test_collected_at_the_window_needs_no_waybill(app, client, clock):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    body = _file(client, citizen, {"applicant_type": "individual", "purpose": "入职"})
    for action in ("accept", "approve", "issue"):
        assert _act(client, clerk, body["id"], action).status_code == 200
    refused = _act(client, clerk, body["id"], "dispatch", courier="ems", tracking_number=NUMBER)
    assert refused.status_code == 409 and refused.get_json()["error"] == "not_by_post"
    detail = client.get(f"/api/v1/applications/{body['id']}", headers=clerk).get_json()
    assert detail["clocks"]["delivery_due_at"] is None and detail["delivery"]["by_post"] is False


def test_filing_by_post_without_an_address_is_refused(app, client, clock):
    citizen = api_token(client, "citizen")
    data = {k: v for k, v in POSTED.items() if k != "recipient_address"}
    refused = client.post("/api/v1/applications", json={"service": "criminal_record", "data": data}, headers=citizen)
    assert refused.status_code == 422
    assert "recipient_address" in str(refused.get_json())


def test_filing_form_offers_the_delivery_choice(app, client, clock):
    login(client, "citizen")
    page = client.get("/my/apply/criminal_record").get_data(as_text=True)
    assert 'name="delivery_method"' in page and 'name="recipient_address"' in page
    assert 'data-asked-when="delivery_method"' in page
