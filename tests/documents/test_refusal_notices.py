"""Refusals in their own terms, through the workflow: a person with a record refused through the
API and through the clerk's form gets 《不予出具无犯罪记录证明通知书》 (不予出具, the rule, the
objection route with 15/30 working days, 行政复议 60 days to the people's government, 行政诉讼
6 months — never 许可); a licence refused gets Art. 38's 不予行政许可 with the same remedies."""
from __future__ import annotations

import re
import subprocess

from sqlalchemy import select

from app.domain.catalogue import get_service
from app.extensions import db
from app.models.applications import Application, Document
from app.seed import DEMO_IDS, LEGAL_PROVISIONS
from tests.conftest import api_token, login, logout
from tests.materials.helpers import api_materials
from tests.operations.helpers import act, file_criminal_record
from tests.web.test_lifecycle_forms import _post

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}


def _text(pdf: bytes, tmp_path, name: str = "doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)  # lines wrap: compare without whitespace


def _assert_no_record_refusal(text: str, government: str) -> None:
    assert "不予出具无犯罪记录证明通知书" in text
    assert "本机关决定不予出具无犯罪记录证明" in text
    assert "《公安机关办理犯罪记录查询工作规定》" in text
    assert "有犯罪记录" in text and "孙浩" in text
    assert "15个工作日内进行复核并出具书面复核意见" in text and "最长不超过30个工作日" in text
    assert "无犯罪记录证明异议复核" in text and "/my/apply/criminal_record_objection" in text
    assert f"六十日内向{government}申请行政复议" in text
    assert "《中华人民共和国行政复议法》（2023年修订）第二十条、第二十四条" in text
    assert "六个月内依法向人民法院提起行政诉讼" in text and "《中华人民共和国行政诉讼法》第四十六条" in text
    assert "许可" not in text


def test_refused_through_the_api_the_notice_speaks_of_the_certificate_and_its_remedies(app, client, tmp_path):
    citizen2, clerk = api_token(client, "citizen2"), api_token(client, "clerk")
    application_id = client.post("/api/v1/applications", json=FILE, headers=citizen2).get_json()["id"]
    client.post(f"/api/v1/applications/{application_id}/actions/accept", json={}, headers=clerk)
    rejected = client.post(f"/api/v1/applications/{application_id}/actions/reject",
                           json={"reason": "法院生效判决信息显示有犯罪记录"}, headers=clerk).get_json()
    notice = next(d for d in rejected["documents"] if d["kind"] == "refusal_decision")
    assert notice["title"] == "不予出具无犯罪记录证明通知书"
    pdf = client.get(notice["url"], headers=citizen2)
    assert pdf.status_code == 200
    text = _text(pdf.data, tmp_path)
    # A station's act is reviewed by the people's government of the bureau that set it up.
    with app.app_context():
        station = db.session.get(Application, application_id).unit
        government = station.parent.government_name
        assert station.government_name == "" and government == "许昌市魏都区人民政府"
    _assert_no_record_refusal(text, government)
    assert "11010" not in text or "*" in text  # the ID number is masked


def test_refused_through_the_clerks_form_the_applicant_downloads_the_same_notice(app, client, tmp_path):
    with app.app_context():
        application = file_criminal_record(app, "citizen2")
        act(application, "accept", "clerk")
        application_id = application.id
    login(client, "clerk")
    done = _post(client, f"/desk/applications/{application_id}/actions/reject",
                 {"reason": "法院生效判决信息显示有犯罪记录", "confirm": "y"})
    assert done.status_code == 302
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.application_id == application_id,
                                                            Document.kind == "refusal_decision"))
        document_id = document.id
    logout(client)
    login(client, "citizen2")
    pdf = client.get(f"/my/applications/{application_id}/documents/{document_id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    _assert_no_record_refusal(_text(pdf.data, tmp_path), "许昌市魏都区人民政府")


def test_a_unit_query_refused_says_nothing_of_a_record(client, tmp_path):
    """A unit's query refused is its own act (不予查询): even about a person with a record it
    states no result and no objection route, only the reasons and the remedies."""
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    data = {"applicant_type": "unit", "purpose": "招录", "subject_name": "孙浩",
            "subject_id_number": DEMO_IDS["sun_hao"], "relation": "planned_hire",
            "legal_provision_id": LEGAL_PROVISIONS["school_bus_drivers"], "job": "校车驾驶人",
            "query_reason": "拟录用为校车驾驶人",
            "materials": api_materials(client, enterprise, "criminal_record", ["employment_proof"])}
    filed = client.post("/api/v1/applications", headers=enterprise, json={"service": "criminal_record", "data": data})
    assert filed.status_code == 201, filed.get_json()
    application_id = filed.get_json()["id"]
    client.post(f"/api/v1/applications/{application_id}/actions/accept", json={}, headers=clerk)
    reviewed = client.post(f"/api/v1/applications/{application_id}/materials/employment_proof/review",
                           json={"verdict": "needs_correction", "problem": "所附录用通知未载明拟任岗位",
                                 "requirement": "提交载明拟任岗位的录用通知"}, headers=clerk)
    assert reviewed.status_code == 200, reviewed.get_json()
    rejected = client.post(f"/api/v1/applications/{application_id}/actions/reject",
                           json={"reason": "所附录用通知未载明拟任岗位"}, headers=clerk).get_json()
    notice = next(d for d in rejected["documents"] if d["kind"] == "refusal_decision")
    assert notice["title"] == "不予查询犯罪记录告知书"
    text = _text(client.get(notice["url"], headers=enterprise).data, tmp_path)
    assert "本机关决定不予查询" in text and "所附录用通知未载明拟任岗位" in text
    assert "《公安机关办理犯罪记录查询工作规定》" in text and "行政复议" in text and "行政诉讼" in text
    assert "犯罪记录" not in text.replace("犯罪记录查询", "").replace("查询犯罪记录", "")
    assert "异议" not in text and "许可" not in text


def test_a_licence_refused_keeps_article_38(client, tmp_path):
    """不予行政许可, with the reasons, the provisions and the right to 行政复议 or 行政诉讼 (行政许可法
    第三十八条第二款); a truck permit is a licence, decided by the traffic brigade."""
    declared = get_service("truck_permit").refusal()
    assert declared.template == "refusal_decision.html" and "第三十八条第二款" in declared.legal_basis
    security = get_service("security_licence").refusal()
    assert security.title == "不予许可决定书" and security.operative == "不予行政许可"
