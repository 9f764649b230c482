"""新办企业公章刻制 end to end: filing by an enterprise (API and HTML form), the system's
acceptance, the engraving shop's queue and completion, the recorded seals with their
13-digit anti-counterfeit codes, the 印章备案信息 PDF, reporting a seal lost, and the
half-working-day limit counted in office hours."""
from __future__ import annotations

import re
import subprocess
from datetime import datetime

import pytest
from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import seal_engraving as rules
from app.extensions import db
from app.models.accounts import AccessLog, Organisation, Role, User
from app.models.applications import Application, Certificate
from app.models.registries import RegEngravingShop
from app.models.seals import SealRecord
from app.operations.accounts import hash_password
from app.seed import DEMO_IDS, ENGRAVING_SHOP_RECORDS, USCCS
from tests.conftest import DEMO_PASSWORD, api_token, confirm_answers, csrf_from, local, login, logout

LEGAL_REP_ID = DEMO_IDS["chen_zhiqiang"]  # legal representative of the `enterprise` account
PHONE = "13803740003"


# --- helpers ---------------------------------------------------------------------------------


def shop_id(app, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(RegEngravingShop.id).where(
            RegEngravingShop.record_number == ENGRAVING_SHOP_RECORDS[key]))


def add_user(app, username: str, role: Role, **fields) -> None:
    with app.app_context():
        db.session.add(User(username=username, password_hash=hash_password(DEMO_PASSWORD), role=role.value,
                            real_name=fields.pop("real_name", username), **fields))
        db.session.commit()


def add_shop_operator(app, username: str, shop_key: str) -> None:
    add_user(app, username, Role.SHOP, shop_id=shop_id(app, shop_key), phone="13803749999")


def add_wuyilu_clerk(app) -> None:
    """The demo enterprise (魏都区) is handled by the first station of its county: 五一路派出所,
    whose clerk `clerk_wyl` the demo seed provides."""
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "clerk_wyl"))
        assert clerk is not None and clerk.unit.code == "411002-PS-WYL"


def add_cancelled_enterprise_account(app) -> str:
    from app.registries import get_registries

    with app.app_context():
        record = get_registries().enterprise(USCCS["cancelled"])
        organisation = Organisation(uscc=record.uscc, name=record.name, legal_rep_name=record.legal_rep_name,
                                    legal_rep_id_number=record.legal_rep_id_number)
        db.session.add(organisation)
        db.session.flush()
        legal_rep_id = record.legal_rep_id_number
        db.session.add(User(username="ent_cancelled", password_hash=hash_password(DEMO_PASSWORD),
                            role=Role.ENTERPRISE.value, real_name=record.legal_rep_name,
                            organisation_id=organisation.id))
        db.session.commit()
    return legal_rep_id


def data(app, *, seals=("company", "finance"), shop="recorded_1", legal_rep_id=LEGAL_REP_ID, phone=PHONE) -> dict:
    return {"legal_rep_id_number": legal_rep_id, "legal_rep_phone": phone, "shop_id": shop_id(app, shop),
            "seals": list(seals)}


def file_api(client, app, headers=None, **kwargs):
    headers = headers or api_token(client, "enterprise")
    return client.post("/api/v1/applications", json={"service": "seal_engraving", "data": data(app, **kwargs)},
                       headers=headers)


def switch(client, username: str):
    logout(client)
    assert login(client, username).status_code == 302
    return client


def shop_post(client, application_id: int, what: str):
    page = client.get(f"/shop/applications/{application_id}")
    assert page.status_code == 200
    return client.post(f"/shop/applications/{application_id}/{what}",
                       data={"csrf_token": csrf_from(page.get_data(as_text=True))})


def complete_as_shop(client, application_id: int, username: str = "shop"):
    switch(client, username)
    assert shop_post(client, application_id, "start").status_code == 302
    response = shop_post(client, application_id, "complete")
    assert response.status_code == 302
    return response


def seals_for(app, uscc: str = USCCS["demo"]) -> list[SealRecord]:
    with app.app_context():
        rows = db.session.scalars(select(SealRecord).where(SealRecord.uscc == uscc).order_by(SealRecord.id)).all()
        db.session.expunge_all()
        return rows


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", "", text)


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


# --- the happy path ------------------------------------------------------------------------------


def test_file_accept_complete_record_through_the_api_and_shop_pages(app, client, clock, tmp_path):
    headers = api_token(client, "enterprise")
    response = file_api(client, app, headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "accepted"  # the system accepted at once after the registry checks
    assert body["number"].startswith("KZ")
    assert body["unit"] == "五一路派出所"
    assert body["subject_name"] == "许昌瑞丰物流有限公司"
    # From the registry, not from the applicant; the legal representative's ID number is not kept.
    assert body["data"]["enterprise_name"] == "许昌瑞丰物流有限公司"
    assert body["data"]["uscc"] == USCCS["demo"]
    assert body["data"]["address"] == "许昌市魏都区魏文路66号"
    assert body["data"]["legal_rep_name"] == "陈志强"
    assert LEGAL_REP_ID not in str(body)
    # Monday 10:00 + 3.5 office hours = 10:00–12:00 and 13:00–14:30.
    assert body["clocks"]["promised_due_at"] == "2026-11-16T14:30:00+08:00"
    assert [e["action"] for e in body["timeline"]] == ["submit", "accept"]
    assert [d["kind"] for d in body["documents"]] == ["receipt", "acceptance_notice"]
    application_id = body["id"]

    login(client, "shop")
    queue = client.get("/shop/").get_data(as_text=True)
    assert body["number"] in queue and "许昌瑞丰物流有限公司" in queue and "公章、财务专用章" in queue
    page = client.get(f"/shop/applications/{application_id}").get_data(as_text=True)
    assert "陈志强" in page and "138****0003" in page and PHONE not in page and LEGAL_REP_ID not in page
    assert "开始刻制" in page and "刻制完成" in page
    assert shop_post(client, application_id, "start").status_code == 302
    page = client.get(f"/shop/applications/{application_id}").get_data(as_text=True)
    assert "刻制中" in page and "开始刻制</button>" not in page
    clock.advance(hours=2)
    assert shop_post(client, application_id, "complete").status_code == 302
    page = client.get(f"/shop/applications/{application_id}").get_data(as_text=True)
    assert "已备案印章" in page

    after = client.get(f"/api/v1/applications/{application_id}", headers=headers).get_json()
    assert after["status"] == "approved"
    assert [e["action"] for e in after["timeline"]] == ["submit", "accept", "approve"]
    assert after["timeline"][-1]["actor_kind"] == "system"

    seals = seals_for(app)
    assert [s.kind for s in seals] == ["company", "finance"]
    codes = [s.code for s in seals]
    assert len(set(codes)) == 2 and all(re.fullmatch(r"[1-9]\d{12}", c) for c in codes)
    assert {(s.status, s.shop_id, s.application_id) for s in seals} == {
        ("active", shop_id(app, "recorded_1"), application_id)}
    assert all(s.recorded_at == clock.moment for s in seals)

    outcome = next(d for d in after["documents"] if d["title"] == "印章备案信息")
    pdf = client.get(outcome["url"].replace("http://localhost", ""), headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data, tmp_path)
    for expected in ("印章备案信息", "许昌瑞丰物流有限公司", USCCS["demo"], "公章", "财务专用章", *codes,
                     "许昌诚信刻章有限公司", "五一路派出所", "核验网址"):
        assert expected in text, expected
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application_id))
        assert certificate.kind == "seal_record" and certificate.holder_name == "许昌瑞丰物流有限公司"
        number, signature = certificate.number, certificate.signature
    assert f"/verify/{number}?s=" in text  # the printed verification link (and its QR code)
    verdict = client.get(f"/verify/{number}", query_string={"s": signature}).get_data(as_text=True)
    assert number in verdict and "真实有效" in verdict and "许*" in verdict

    # The shop's queue no longer lists it as work; it is under "recently completed".
    queue = client.get("/shop/").get_data(as_text=True)
    todo, done = queue.split("最近完成", 1)
    assert body["number"] not in todo and body["number"] in done
    with app.app_context():
        actions = set(db.session.scalars(select(AccessLog.action).where(AccessLog.subject_id == str(application_id))))
    assert {"application.shop_view", "application.shop_start", "application.shop_complete"} <= actions


def test_file_through_the_html_form_and_see_seals(app, client, clock):
    login(client, "enterprise")
    form = client.get("/my/apply/seal_engraving")
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "许昌瑞丰物流有限公司" in html and "无需上传营业执照" in html
    assert "许昌诚信刻章有限公司" in html and "许昌市魏都区鼎新印章店" in html
    assert "华艺刻字社" not in html  # suspended: not offered
    for name in rules.SEAL_KINDS.values():
        assert name in html
    response = confirm_answers(client, "/my/apply/seal_engraving", client.post("/my/apply/seal_engraving", data={
        "csrf_token": csrf_from(html), "legal_rep_id_number": LEGAL_REP_ID.lower(), "legal_rep_phone": "138 0374 0003",
        "shop_id": str(shop_id(app, "recorded_2")), "seals": ["contract", "legal_rep", "company"]}))
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "legal_rep_id_number")
    filed = client.get(response.headers["Location"]).get_data(as_text=True)
    number = re.search(r"(KZ\d{14})", filed).group(1)
    application_id = int(re.search(r"/my/applications/(\d+)", filed).group(1))
    assert "审查中" in filed and "承诺办结期限" in filed and "2026-11-16 14:30" in filed
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.data["seals"] == ["company", "contract", "legal_rep"]  # catalogue order
        assert application.data["legal_rep_phone"] == PHONE

    # The first shop does not see another shop's order; the chosen shop does.
    switch(client, "shop")
    assert number not in client.get("/shop/").get_data(as_text=True)
    assert client.get(f"/shop/applications/{application_id}").status_code == 404
    add_shop_operator(app, "shop_dingxin", "recorded_2")
    switch(client, "shop_dingxin")
    assert number in client.get("/shop/").get_data(as_text=True)
    complete_as_shop(client, application_id, "shop_dingxin")

    switch(client, "enterprise")
    page = client.get("/my-seals/").get_data(as_text=True)
    for row in seals_for(app):
        assert row.code in page
    assert "公章" in page and "合同专用章" in page and "法定代表人名章" in page and "许昌市魏都区鼎新印章店" in page
    assert "2026-11-16" in page and "备案有效" in page
    detail = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "已办结" in detail and "印章备案信息" in detail


# --- refusals ----------------------------------------------------------------------------------


@pytest.fixture
def cancelled_rep(app):
    return add_cancelled_enterprise_account(app)


@pytest.mark.parametrize("case", ["legal_rep_mismatch", "legal_rep_invalid", "cancelled", "suspended_shop",
                                  "no_seals", "bad_phone", "no_shop"])
def test_each_refusal_through_the_api(app, client, cancelled_rep, case):
    username, kwargs, code, words = {
        "legal_rep_mismatch": ("enterprise", {"legal_rep_id": DEMO_IDS["li_ming"]}, "legal_rep.mismatch",
                               "与市场主体登记信息不一致"),
        "legal_rep_invalid": ("enterprise", {"legal_rep_id": LEGAL_REP_ID[:17] + ("0" if LEGAL_REP_ID[17] != "0"
                                                                                 else "1")},
                              "id_number.checksum", "校验位"),
        "cancelled": ("ent_cancelled", {"legal_rep_id": cancelled_rep}, "enterprise.cancelled", "已注销"),
        "suspended_shop": ("enterprise", {"shop": "suspended"}, "shop.suspended", "备案已暂停"),
        "no_seals": ("enterprise", {"seals": ()}, "seals.none", "至少选择一枚"),
        "bad_phone": ("enterprise", {"phone": "12345"}, "mobile.format", "11位手机号码"),
        "no_shop": ("enterprise", {}, "shop.unknown", "刻章单位"),
    }[case]
    payload = data(app, **kwargs)
    if case == "no_shop":
        payload["shop_id"] = 999999
    response = client.post("/api/v1/applications", json={"service": "seal_engraving", "data": payload},
                           headers=api_token(client, username))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"] == code and words in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(Application.id).where(Application.service_code == "seal_engraving")) is None


def test_only_enterprise_accounts_may_file(app, client):
    response = file_api(client, app, api_token(client, "citizen"))
    assert response.status_code == 403 and response.get_json()["error"] == "applicant.not_enterprise"


def _post_form(client, app, **overrides):
    html = client.get("/my/apply/seal_engraving").get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), "legal_rep_id_number": LEGAL_REP_ID, "legal_rep_phone": PHONE,
            "shop_id": str(shop_id(app, "recorded_1")), "seals": ["company"]}
    form.update(overrides)
    return client.post("/my/apply/seal_engraving", data={k: v for k, v in form.items() if v is not None})


def test_each_refusal_through_the_html_form_on_its_field(app, client, cancelled_rep):
    login(client, "enterprise")
    cases = [
        ({"legal_rep_id_number": DEMO_IDS["li_ming"]}, "legal_rep_id_number", "与市场主体登记信息不一致"),
        ({"legal_rep_id_number": None}, "legal_rep_id_number", "必填"),
        ({"legal_rep_phone": "1380374"}, "legal_rep_phone", "11位手机号码"),
        ({"shop_id": str(shop_id(app, "suspended"))}, "shop_id", "备案已暂停"),  # not offered; crafted POST
        ({"shop_id": None}, "shop_id", "请选择一家已备案的刻章单位"),
        ({"seals": None}, "seals", "请至少选择一枚需要刻制的印章"),
    ]
    for overrides, field, words in cases:
        response = _post_form(client, app, **overrides)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (overrides, response.status_code)
        if field in ("shop_id", "seals"):  # fieldsets: the message sits at the top of the group
            assert words in html, (overrides, field)
        else:
            assert words in field_error(html, field), (overrides, field, field_error(html, field))

    switch(client, "ent_cancelled")
    response = _post_form(client, app, legal_rep_id_number=cancelled_rep)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "许昌恒达商贸有限公司在市场主体登记信息中的状态为已注销" in html
    with app.app_context():
        assert db.session.scalar(select(Application.id).where(Application.service_code == "seal_engraving")) is None


def test_duplicate_kind_held_is_refused_naming_it_then_lost_and_engraved_again(app, client, clock):
    headers = api_token(client, "enterprise")
    first = file_api(client, app, headers, seals=("company", "finance")).get_json()
    # While the first is being made, the same kind is "in progress".
    pending = file_api(client, app, headers, seals=("company",))
    assert pending.status_code == 422 and pending.get_json()["error"] == "seals.pending"
    assert "公章" in pending.get_json()["message"]
    complete_as_shop(client, first["id"])

    for kinds, named in ((("company",), "公章"), (("finance", "invoice"), "财务专用章")):
        again = file_api(client, app, headers, seals=kinds)
        assert again.status_code == 422, again.get_json()
        assert again.get_json()["error"] == "seals.duplicate" and named in again.get_json()["message"]
        assert "挂失" in again.get_json()["message"]
    # Through the form too, on the seals field.
    switch(client, "enterprise")
    html = _post_form(client, app, seals=["company"]).get_data(as_text=True)
    assert "本企业已持有公章" in html

    # Report the company seal lost (挂失) through the page.
    company = next(s for s in seals_for(app) if s.kind == "company")
    page = client.get("/my-seals/").get_data(as_text=True)
    assert f"/my-seals/{company.id}/report-lost" in page
    form = client.get(f"/my-seals/{company.id}/report-lost").get_data(as_text=True)
    assert company.code in form
    missing = client.post(f"/my-seals/{company.id}/report-lost", data={"csrf_token": csrf_from(form), "reason": ""})
    assert missing.status_code == 422 and "必填" in field_error(missing.get_data(as_text=True), "reason")
    clock.advance(hours=1)
    done = client.post(f"/my-seals/{company.id}/report-lost",
                       data={"csrf_token": csrf_from(form), "reason": "11月16日在办事大厅遗失", "confirm": "y"})
    assert done.status_code == 302
    page = client.get("/my-seals/").get_data(as_text=True)
    assert "已挂失注销" in page and "11月16日在办事大厅遗失" in page
    cancelled = next(s for s in seals_for(app) if s.kind == "company")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "11月16日在办事大厅遗失"
    assert cancelled.cancelled_at == clock.moment
    with app.app_context():
        audit = db.session.scalar(select(AccessLog).where(AccessLog.action == "seal.report_lost"))
        assert audit.subject_kind == "seal_record" and audit.subject_id == str(company.id)
        assert audit.actor_label == "enterprise"
    # Reporting it again changes nothing.
    assert client.get(f"/my-seals/{company.id}/report-lost").status_code == 302

    # The cancelled kind may be engraved again; the finance seal is still held.
    still_held = file_api(client, app, headers, seals=("company", "finance"))
    assert still_held.status_code == 422 and "财务专用章" in still_held.get_json()["message"]
    again = file_api(client, app, headers, seals=("company",))
    assert again.status_code == 201, again.get_json()
    complete_as_shop(client, again.get_json()["id"])
    seals = seals_for(app)
    assert [(s.kind, s.status) for s in seals] == [("company", "cancelled"), ("finance", "active"),
                                                   ("company", "active")]
    assert len({s.code for s in seals}) == 3


def test_another_enterprise_cannot_report_or_see_the_seals(app, client, cancelled_rep):
    application = file_api(client, app).get_json()
    complete_as_shop(client, application["id"])
    seal = seals_for(app)[0]
    switch(client, "ent_cancelled")
    assert seal.code not in client.get("/my-seals/").get_data(as_text=True)
    assert client.get(f"/my-seals/{seal.id}/report-lost").status_code == 404
    switch(client, "citizen")
    assert "仅向企业账号提供" in client.get("/my-seals/").get_data(as_text=True)
    assert client.get(f"/my-seals/{seal.id}/report-lost").status_code == 404
    assert seals_for(app)[0].status == "active"


# --- who sees and acts -----------------------------------------------------------------------------


def test_shop_sees_only_its_own_shops_applications(app, client):
    application = file_api(client, app).get_json()
    add_shop_operator(app, "shop_dingxin", "recorded_2")
    login(client, "shop_dingxin")
    assert application["number"] not in client.get("/shop/").get_data(as_text=True)
    assert client.get(f"/shop/applications/{application['id']}").status_code == 404
    token = csrf_from(client.get("/shop/").get_data(as_text=True))
    for what in ("start", "complete"):
        assert client.post(f"/shop/applications/{application['id']}/{what}",
                           data={"csrf_token": token}).status_code == 404
    # Nor through the generic pages and API: the shop is not police staff and not the applicant.
    assert client.get(f"/desk/applications/{application['id']}").status_code == 404
    shop_headers = api_token(client, "shop_dingxin")
    assert client.get(f"/api/v1/applications/{application['id']}", headers=shop_headers).status_code == 404
    assert client.post(f"/api/v1/applications/{application['id']}/actions/approve",
                       headers=shop_headers).status_code == 404
    with app.app_context():
        assert db.session.get(Application, application["id"]).state == "accepted"
    # Applicants and clerks cannot open the shop's pages.
    for username in ("enterprise", "clerk"):
        switch(client, username)
        assert client.get("/shop/").status_code == 403


def test_a_suspended_shop_cannot_complete(app, client):
    application = file_api(client, app).get_json()
    with app.app_context():
        db.session.get(RegEngravingShop, shop_id(app, "recorded_1")).status = "suspended"
        db.session.commit()
    login(client, "shop")
    response = shop_post(client, application["id"], "complete")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "备案已暂停" in page
    with app.app_context():
        assert db.session.get(Application, application["id"]).state == "accepted"


def test_the_station_clerk_sees_and_can_decide_it(app, client):
    application = file_api(client, app).get_json()
    add_wuyilu_clerk(app)
    login(client, "clerk_wyl")
    assert application["number"] in client.get("/desk/").get_data(as_text=True)
    detail = client.get(f"/desk/applications/{application['id']}").get_data(as_text=True)
    assert "许昌瑞丰物流有限公司" in detail and "公章、财务专用章" in detail and "138****0003" in detail
    assert PHONE not in detail
    # Another station's clerk does not.
    switch(client, "clerk")
    assert client.get(f"/desk/applications/{application['id']}").status_code == 404
    # The station may also approve (e.g. the shop reported by phone): codes are drawn the same way.
    response = client.post(f"/api/v1/applications/{application['id']}/actions/approve",
                           headers=api_token(client, "clerk_wyl"), json={})
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    assert len(seals_for(app)) == 2


# --- the clock -----------------------------------------------------------------------------------


def test_friday_16_00_is_due_monday_11_30_in_office_hours(app, client, clock):
    clock.set(local(2026, 11, 20, 16))  # Friday
    body = file_api(client, app).get_json()
    # 16:00–17:00 on Friday (1 h), then Monday 09:00–11:30 (2.5 h) = 3.5 office hours = 0.5 working day.
    assert body["clocks"]["promised_due_at"] == "2026-11-23T11:30:00+08:00"
    track = client.get(body["tracking_url"].replace("http://localhost", ""))
    html = track.get_data(as_text=True)
    assert track.status_code == 200 and "2026-11-23 11:30" in html and "承诺办结期限" in html
    assert "许昌瑞丰物流有限公司" not in html  # masked on the public page
    tracked = client.get(f"/api/v1/track/{body['tracking_token']}").get_json()
    assert any(c["name"] == "promised_due_at" and c["due_at"] == "2026-11-23T11:30:00+08:00"
               for c in tracked["clocks"])
    # The shop's queue orders by that deadline.
    with app.app_context():
        application = db.session.get(Application, body["id"])
        assert application.work_due_at == datetime(2026, 11, 23, 11, 30, tzinfo=timeutil.LOCAL_TZ)


def test_shop_queue_is_nearest_deadline_first(app, client, clock):
    headers = api_token(client, "enterprise")
    clock.set(local(2026, 11, 16, 16))
    later = file_api(client, app, headers, seals=("company",)).get_json()  # due Tue 11:30
    clock.set(local(2026, 11, 16, 9))
    sooner = file_api(client, app, headers, seals=("finance",)).get_json()  # due Mon 13:30
    login(client, "shop")
    queue = client.get("/shop/").get_data(as_text=True)
    assert queue.index(sooner["number"]) < queue.index(later["number"])


# --- codes ----------------------------------------------------------------------------------------


def test_codes_are_13_digits_unique_and_redrawn_when_taken(app, client, monkeypatch):
    from app.operations import seals as seal_ops

    all_kinds = tuple(rules.SEAL_KINDS)
    first = file_api(client, app, seals=all_kinds).get_json()
    complete_as_shop(client, first["id"])
    codes = [s.code for s in seals_for(app)]
    assert len(codes) == 5 and len(set(codes)) == 5
    assert all(rules.is_anti_counterfeit_code(c) and len(c) == 13 for c in codes)

    # A drawn code already on record (or already drawn for this approval) is drawn again.
    with app.app_context():
        draws = iter([int(codes[0]) - 10**12, 7, 7, 8])
        monkeypatch.setattr(seal_ops.secrets, "randbelow", lambda _n: next(draws))
        fresh = seal_ops.draw_codes(2)
    assert fresh == [str(10**12 + 7), str(10**12 + 8)]

    # The database refuses a duplicate code, whatever the code path.
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        original = db.session.scalar(select(SealRecord).where(SealRecord.code == codes[0]))
        db.session.add(SealRecord(code=codes[0], uscc=original.uscc, enterprise_name="x", kind="company",
                                  shop_id=original.shop_id, shop_name="x", application_id=original.application_id,
                                  status="active", recorded_at=original.recorded_at))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_anti_counterfeit_code_shape():
    assert rules.anti_counterfeit_code(lambda n: 0) == "1000000000000"
    assert rules.anti_counterfeit_code(lambda n: n - 1) == "9999999999999"
    assert not rules.is_anti_counterfeit_code("012345678901") and rules.is_anti_counterfeit_code("1234567890123")


# --- pure rules -----------------------------------------------------------------------------------


def test_shops_offered_are_recorded_ones_of_the_area_county_first():
    from app.domain.records import EngravingShopRecord

    def shop(i, region, status="recorded"):
        return EngravingShopRecord(i, f"店{i}", f"备{i}", "x", region, "addr", status)

    shops = [shop(1, "411003"), shop(2, "411002"), shop(3, "411002", "suspended"), shop(4, "410105")]
    assert [s.id for s in rules.shops_offered(shops, "411002")] == [2, 1]
    with pytest.raises(rules.RuleViolation) as refused:
        rules.check_shop(shops[3], "411002")
    assert refused.value.code == "shop.out_of_region"


def test_choose_seals_orders_and_refuses():
    assert rules.choose_seals(["legal_rep", "company", "company"], held=set(), pending=set()) == (
        "company", "legal_rep")
    for kinds, held, pending, code in (([], set(), set(), "seals.none"), (None, set(), set(), "seals.none"),
                                       (["stamp"], set(), set(), "seals.unknown"),
                                       (["invoice"], {"invoice"}, set(), "seals.duplicate"),
                                       (["invoice"], set(), {"invoice"}, "seals.pending")):
        with pytest.raises(rules.RuleViolation) as refused:
            rules.choose_seals(kinds, held=held, pending=pending)
        assert refused.value.code == code and refused.value.field == "seals"
