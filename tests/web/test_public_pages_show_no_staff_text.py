"""Public pages (the tracking page and its API answer) show only names from the catalogue and
counts, never what staff typed: correction items, review notes, reasons. Messages to the
applicant carry staff text scrubbed of ID and phone numbers."""
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models.applications import Application
from app.models.notifications import Notification
from tests.conftest import api_token, login
from tests.materials.test_review import mark
from tests.materials.test_uploads import _file_agent_application

TYPED_ID = "411002199003151234"
TYPED_PHONE = "13812345678"
ITEM = f"请补交身份证号{TYPED_ID}本人的户口簿，联系电话{TYPED_PHONE}"
PROBLEM = "委托书无委托人签名，委托人电话13912345670"
REFUSAL = f"经核实，申请人冒用他人身份证{TYPED_ID}"
MATERIAL = "授权委托书及受托人身份证件"  # the catalogue's name of the power_of_attorney slot


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _public_views(client, token: str) -> tuple[str, str]:
    page = client.get(f"/t/{token}")
    api = client.get(f"/api/v1/track/{token}")
    assert page.status_code == 200 and api.status_code == 200
    return page.get_data(as_text=True), api.get_data(as_text=True)


def _assert_no_staff_text(*texts: str) -> None:
    for text in texts:
        for secret in (TYPED_ID, TYPED_ID[-4:] + "的", TYPED_PHONE, "13912345670", ITEM, "户口簿", PROBLEM,
                       "委托书无委托人签名", REFUSAL, "冒用"):
            assert secret not in text, secret


def test_a_correction_item_typed_by_the_clerk_is_not_on_the_public_pages(app, client):
    created = _file_agent_application(client)
    application_id, token = created["id"], created["tracking_token"]
    clerk = api_token(client, "clerk")
    staff = app.test_client()
    login(staff, "clerk")
    mark(staff, application_id, "power_of_attorney", "needs_correction", PROBLEM, "上传签名后的委托书")
    corrected = _act(client, clerk, application_id, "request_correction", items=[ITEM, "近期免冠照片"])
    assert corrected.status_code == 200, corrected.get_json()

    page, api = _public_views(client, token)
    _assert_no_staff_text(page, api)
    assert MATERIAL in page and "另有2项补正事项，请登录查看。" in page
    correction = next(e for e in client.get(f"/api/v1/track/{token}").get_json()["timeline"]
                      if e["action"] == "request_correction")
    assert "items" not in correction
    assert correction["correction"] == {
        "materials": [{"code": "power_of_attorney", "name": MATERIAL, "name_en": correction["correction"]
                       ["materials"][0]["name_en"]}],
        "other_items": 2}
    client.set_cookie("lang", "en")
    english = client.get(f"/t/{token}").get_data(as_text=True)
    _assert_no_staff_text(english)
    assert escape(correction["correction"]["materials"][0]["name_en"]) in english
    assert "More correction items: 2." in english

    # The owner still reads every item in full on their own page.
    owner = app.test_client()
    login(owner, "citizen")
    assert ITEM in owner.get(f"/my/applications/{application_id}").get_data(as_text=True)

    # The message telling the applicant names the items, with the numbers masked.
    with app.app_context():
        bodies = [row.body for row in db.session.scalars(
            select(Notification).where(Notification.application_id == application_id,
                                       Notification.kind == "correction"))]
    assert bodies
    for body in bodies:
        assert TYPED_ID not in body and TYPED_PHONE not in body
        assert "4110021990********" in body and "138****5678" in body


def test_items_typed_without_a_marked_material_show_only_their_count(app, client):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    created = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}).get_json()
    assert _act(client, clerk, created["id"], "request_correction", items=[ITEM]).status_code == 200
    page, api = _public_views(client, created["tracking_token"])
    _assert_no_staff_text(page, api)
    assert "共1项补正事项，请登录查看。" in page


def test_a_refusal_reason_is_not_on_the_public_pages(app, client):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    created = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}).get_json()
    refused = _act(client, clerk, created["id"], "not_accept", reason=REFUSAL)
    assert refused.status_code == 200, refused.get_json()
    page, api = _public_views(client, created["tracking_token"])
    _assert_no_staff_text(page, api)
    assert "不予受理" in page
    with app.app_context():
        application = db.session.get(Application, created["id"])
        assert application.events[-1].reason == REFUSAL  # kept in full for the record
