"""保安服务许可 end to end: filing by an enterprise (API and HTML form), conditions from the
enterprise and court registries, the city's review and forwarding, the province's decision on
its own clock, the licence with a verification QR, and refusals with reasons."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime

from sqlalchemy import select

from app.domain.catalogue import get_service
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application, Certificate
from app.operations.accounts import hash_password
from app.seed import DEMO_IDS, USCCS
from tests.conftest import DEMO_PASSWORD, api_token, confirm_answers, csrf_from, local, login, logout
from tests.materials import samples
from tests.materials.helpers import api_materials

ALL_MATERIALS = ["application_form", "capital_proof", "manager_documents", "premises_proof", "equipment_list",
                 "management_rules"]
MANAGERS = [
    {"name": "姚建", "id_number": DEMO_IDS["yao_jian"], "position": "法定代表人、总经理", "experience_years": 12},
    {"name": "田波", "id_number": DEMO_IDS["tian_bo"], "position": "副总经理", "experience_years": 8},
]


def filing(**overrides) -> dict:
    data = {"premises_address": "许昌市魏都区莲城大道150号", "armed_escort": False, "managers": MANAGERS,
            "materials_provided": ALL_MATERIALS}
    return {"service": "security_licence", "data": {**data, **overrides}}


def file(client, headers, **overrides):
    """File through the API; each declared material is uploaded first (a declaration needs its file)."""
    body = filing(**overrides)
    declared = body["data"].get("materials_provided")
    if isinstance(declared, list) and "materials" not in body["data"] and _may_upload(client, headers):
        body["data"]["materials"] = api_materials(client, headers, "security_licence",
                                                  [code for code in declared if code in UPLOAD_SLOTS])
    return client.post("/api/v1/applications", json=body, headers=headers)


UPLOAD_SLOTS = {m.code for m in get_service("security_licence").upload_slots()}


def _may_upload(client, headers) -> bool:
    """Staff accounts may not upload (nor file): their filing is refused for that, not for files."""
    return client.post("/api/v1/uploads", headers=headers).status_code != 403


def act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def end_of(y, m, d) -> datetime:
    return local(y, m, d, 23, 59).replace(second=59)


def enterprise_account(app, username: str, uscc_key: str, legal_rep_key: str, legal_rep_name: str) -> None:
    """An enterprise account for a registry enterprise that has none in the demo data."""
    from app.operations.accounts import register_enterprise

    with app.app_context():
        register_enterprise(username=username, password=DEMO_PASSWORD, uscc=USCCS[uscc_key],
                            legal_rep_name=legal_rep_name, legal_rep_id_number=DEMO_IDS[legal_rep_key],
                            contact_name=legal_rep_name, phone="13803749901", today=local(2026, 11, 16).date())


def pdf_text(app, application_id: int, kind: str, tmp_path) -> str:
    from app.models.applications import Document

    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.application_id == application_id,
                                                            Document.kind == kind))
        assert document is not None, kind
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(document.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)  # table cells wrap: compare without whitespace


# --- the two-tier path --------------------------------------------------------------------------


def test_file_city_review_forward_province_decides_licence_with_both_clocks(app, client, clock, tmp_path):
    security = api_token(client, "security")
    city, province = api_token(client, "clerk_security"), api_token(client, "province_clerk")

    created = file(client, security)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    application_id = body["id"]
    assert body["number"].startswith("BA20261116") and body["status"] == "submitted"
    assert body["unit"] == "许昌市公安局治安支队"
    assert body["subject_id_number"] == USCCS["security_2m"][:10] + "*" * 8
    assert body["data"]["registered_capital_yuan"] == 2_000_000
    assert [d["kind"] for d in body["documents"]] == ["receipt"]  # no tolerance asked: no commitment letter

    # City: accepted on Monday 16 November; 15 working days of review, to 7 December.
    clock.set(local(2026, 11, 16, 11))
    accepted = act(client, city, application_id, "accept").get_json()
    assert accepted["status"] == "accepted"
    assert iso(accepted["clocks"]["promised_due_at"]) == end_of(2026, 12, 7)
    assert iso(accepted["clocks"]["statutory_due_at"]) == end_of(2026, 12, 7)
    assert accepted["clocks"]["commitment_due_at"] is None

    # The city reviews but may not decide: it forwards its opinion.
    refused = act(client, city, application_id, "approve")
    assert refused.status_code == 409 and refused.get_json()["error"] == "security_licence.province_decides"
    assert act(client, city, application_id, "reject", reason="x").status_code == 409
    assert act(client, city, application_id, "forward").status_code == 422  # the opinion is required

    clock.set(local(2026, 11, 20, 15))
    forwarded = act(client, city, application_id, "forward", opinion="注册资本、管理人员、场所、设施和制度均符合条件，同意设立。")
    assert forwarded.status_code == 200, forwarded.get_json()
    forwarded = forwarded.get_json()
    assert forwarded["status"] == "accepted" and forwarded["unit"] == "河南省公安厅"
    # Province: its own clock, 15 working days from receiving the opinion (Friday 20 November).
    assert iso(forwarded["clocks"]["promised_due_at"]) == end_of(2026, 12, 11)
    assert iso(forwarded["clocks"]["statutory_due_at"]) == end_of(2026, 12, 11)
    assert "forwarding_notice" in [d["kind"] for d in forwarded["documents"]]
    # The city no longer holds the file; the province does.
    assert client.get(f"/api/v1/applications/{application_id}", headers=city).status_code == 404
    assert act(client, city, application_id, "approve").status_code == 404

    clock.set(local(2026, 12, 2, 10))
    approved = act(client, province, application_id, "approve")
    assert approved.status_code == 200, approved.get_json()
    approved = approved.get_json()
    assert approved["status"] == "approved"
    assert iso(approved["clocks"]["delivery_due_at"]) == end_of(2026, 12, 16)
    issued = act(client, province, application_id, "issue").get_json()
    assert issued["status"] == "issued"

    licence = pdf_text(app, application_id, "certificate", tmp_path)
    assert "保安服务许可证" in licence and "许昌安泰保安服务有限公司" in licence
    assert "200万元" in licence and USCCS["security_2m"] in licence and "河南省公安厅" in licence
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application_id))
        assert certificate.kind == "security_licence"
        number, signature = certificate.number, certificate.signature
    verdict = client.get(f"/api/v1/verify/{number}?s={signature}").get_json()
    assert verdict["status"] == "genuine"
    forwarding = pdf_text(app, application_id, "forwarding_notice", tmp_path)
    assert "许昌市公安局治安支队" in forwarding and "河南省公安厅" in forwarding


def test_the_province_refuses_in_writing_with_reasons(app, client, clock, tmp_path):
    security = api_token(client, "security")
    city, province = api_token(client, "clerk_security"), api_token(client, "province_clerk")
    application_id = file(client, security).get_json()["id"]
    act(client, city, application_id, "accept")
    act(client, city, application_id, "forward", opinion="管理制度不健全，建议不予许可。")
    assert act(client, province, application_id, "reject").status_code == 422  # a refusal needs its reason
    rejected = act(client, province, application_id, "reject", reason="保安员管理制度未建立岗位责任制，不符合设立条件。")
    assert rejected.get_json()["status"] == "rejected"
    text = pdf_text(app, application_id, "refusal_decision", tmp_path)
    assert "不予许可决定书" in text and "岗位责任制" in text and "行政复议" in text
    # 行政许可法第三十八条第二款: 不予行政许可, reasons, the provisions, both remedies with their limits;
    # the province's act is reviewed by the provincial people's government (行政复议法第二十四条).
    assert "本机关决定不予行政许可" in text and "第三十八条第二款" in text and "《保安服务管理条例》" in text
    assert "六十日内向河南省人民政府申请行政复议" in text and "六个月内依法向人民法院提起行政诉讼" in text
    assert "异议" not in text


# --- refusals at filing ---------------------------------------------------------------------------


def test_capital_below_one_million_is_refused_with_the_reason(app, client):
    enterprise_account(app, "jindun", "security_500k", "pan_yue", "潘越")
    headers = api_token(client, "jindun")
    managers = [{"name": "潘越", "id_number": DEMO_IDS["pan_yue"], "position": "法定代表人", "experience_years": 9}]
    refused = file(client, headers, managers=managers)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "capital.too_low"
    assert "50万元" in body["message"] and "100万元" in body["message"]
    with app.app_context():
        assert db.session.scalar(select(Application.id).where(Application.service_code == "security_licence")) is None


def test_a_manager_with_an_effective_conviction_is_refused(client):
    headers = api_token(client, "security")
    convicted = {"name": "孙浩", "id_number": DEMO_IDS["sun_hao"], "position": "副总经理", "experience_years": 10}
    refused = file(client, headers, managers=[*MANAGERS, convicted])
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "manager.record" and "孙浩" in body["message"] and "生效裁判" in body["message"]


def test_a_non_effective_judgment_does_not_disqualify(client):
    headers = api_token(client, "security")
    appeal_pending = {"name": "钱勇", "id_number": DEMO_IDS["qian_yong"], "position": "部门经理", "experience_years": 6}
    assert file(client, headers, managers=[*MANAGERS, appeal_pending]).status_code == 201


def test_every_reason_is_given_at_once(client):
    headers = api_token(client, "security")
    short = {"name": "田波", "id_number": DEMO_IDS["tian_bo"], "position": "副总经理", "experience_years": 3}
    convicted = {"name": "孙浩", "id_number": DEMO_IDS["sun_hao"], "position": "经理", "experience_years": 10}
    body = file(client, headers, managers=[MANAGERS[0], short, convicted], armed_escort=True).get_json()
    message = body["message"]
    assert "1000万元" in message and "国有" in message and "3年" in message and "孙浩" in message


def test_manager_rows_are_checked_one_by_one(client):
    headers = api_token(client, "security")
    cases = [
        ([], "managers.missing"),
        ([{"name": "姚建", "id_number": DEMO_IDS["yao_jian"][:17] + "0", "experience_years": 9}], "managers.id_number"),
        ([{"name": "姚建", "id_number": DEMO_IDS["yao_jian"], "experience_years": "很多"}], "managers.experience_years"),
        ([{"name": "姚剑", "id_number": DEMO_IDS["yao_jian"], "experience_years": 9}], "manager.identity"),
        ([{"name": "田波", "id_number": DEMO_IDS["tian_bo"], "experience_years": 9}], "managers.legal_rep"),
        ([MANAGERS[0], MANAGERS[0]], "managers.duplicate"),
    ]
    for managers, code in cases:
        response = file(client, headers, managers=managers)
        assert response.status_code == 422 and response.get_json()["error"] == code, (code, response.get_json())
        assert response.get_json()["message"]


def test_only_enterprise_accounts_may_apply_and_armed_escort_needs_ten_million(client):
    citizen = api_token(client, "citizen")
    assert file(client, citizen).status_code == 422
    headers = api_token(client, "security")
    armed = file(client, headers, armed_escort=True, state_controlled=True).get_json()
    assert armed["error"] == "capital.armed_escort" and "1000万元" in armed["message"]


# --- the HTML forms --------------------------------------------------------------------------------


def _form_data(**extra) -> dict:
    data = {"premises_address": "许昌市魏都区莲城大道150号", "materials_provided": ALL_MATERIALS}
    for i, manager in enumerate(MANAGERS):
        for key, value in manager.items():
            data[f"managers-{i}-{key}"] = str(value)
    return {**data, **extra}


def _post(client, url, data):
    """Post a page's form as a browser without script does: each material in `materials_provided`
    goes with the form as a file of its slot."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = dict(data)
    for n, code in enumerate(data.pop("materials_provided", [])):
        data[f"file-{code}"] = [(io.BytesIO(samples.jpeg(color=(n * 30, 60, 90))), f"{code}.jpg")]
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))},
                       content_type="multipart/form-data")


def _switch(client, username):
    logout(client)
    assert login(client, username).status_code == 302


def test_through_the_forms_file_review_forward_decide(app, client, clock):
    login(client, "security")
    page = client.get("/my/apply/security_licence").get_data(as_text=True)
    assert "拟任法定代表人和主要管理人员" in page and "申请容缺受理" in page and "住所和提供保安服务所需的场所证明" in page

    # A convicted manager: the page says so, on the managers field, and nothing is filed.
    bad = _form_data(**{"managers-1-name": "孙浩", "managers-1-id_number": DEMO_IDS["sun_hao"]})
    refused = _post(client, "/my/apply/security_licence", bad)
    assert refused.status_code == 422 and "生效裁判" in refused.get_data(as_text=True)

    filed = confirm_answers(client, "/my/apply/security_licence", _post(client, "/my/apply/security_licence",
                                                                        _form_data()))
    assert filed.status_code == 302, filed.get_data(as_text=True)[:3000]
    application_id = int(re.search(r"/my/applications/(\d+)", filed.headers["Location"]).group(1))

    _switch(client, "clerk_security")
    detail = f"/desk/applications/{application_id}"
    page = client.get(detail).get_data(as_text=True)
    assert "许昌安泰保安服务有限公司" in page and "200万元" in page
    # Managers shown with masked ID numbers only.
    yao = DEMO_IDS["yao_jian"]
    assert yao not in page and f"{yao[:10]}{'*' * 8}" in page and "相关工作12年" in page
    assert _post(client, f"{detail}/actions/accept", {}).status_code == 302
    form = client.get(f"{detail}/actions/forward").get_data(as_text=True)
    assert "审查意见" in form
    empty = _post(client, f"{detail}/actions/forward", {"opinion": ""})
    assert empty.status_code == 422
    assert _post(client, f"{detail}/actions/forward", {"opinion": "符合条件，同意设立。"}).status_code == 302
    assert client.get(detail).status_code == 404  # now with the province

    _switch(client, "province_clerk")
    with app.app_context():
        number = db.session.get(Application, application_id).number
    assert number in client.get("/desk/").get_data(as_text=True)
    assert _post(client, f"{detail}/actions/approve", {}).status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.state == "approved"
        assert [d.kind for d in application.documents][-1] == "certificate"


def test_staff_cannot_file_for_an_enterprise(app, client):
    with app.app_context():
        db.session.add(User(username="x_staff", password_hash=hash_password(DEMO_PASSWORD), role=Role.CLERK.value,
                            real_name="x"))
        db.session.commit()
    assert file(client, api_token(client, "x_staff")).status_code == 403
