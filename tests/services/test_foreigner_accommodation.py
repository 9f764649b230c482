"""境外人员住宿登记网上自助申报 end to end: a host or the foreigner files (API and form), the
system registers the report at once with its receipt, the report goes to the station of the
address, that station's clerk sees it (flagged when filed after the 24 hours) and no other
station's does, the head's figures count the late ones, and the passport number is masked
on every page but the filer's own."""
from __future__ import annotations

import json
import re
import subprocess

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.applications import Application
from app.operations.accounts import hash_password
from app.operations.services.foreigner_accommodation import report_figures
from tests.conftest import DEMO_PASSWORD, TEST_NOW, api_token, csrf_from, file_through_the_form, login, logout

PASSPORT = "E12345678"


def report(**overrides) -> dict:
    return {"filer_role": "host", "foreigner_name": "SMITH JOHN", "nationality": "USA",
            "passport_number": PASSPORT, "visa_type": "S", "arrived_at": "2026-11-16T08:00:00+08:00",
            "region_code": "411002", "address": "五一路88号3单元502室", "expected_departure": "2026-12-01",
            "host_name": "李明", "host_relation": "friend", **overrides}


def file_api(client, headers=None, **overrides):
    headers = headers or api_token(client, "citizen")
    return client.post("/api/v1/applications", json={"service": "foreigner_accommodation",
                                                     "data": report(**overrides)}, headers=headers)


def switch(client, username: str):
    logout(client)
    assert login(client, username).status_code == 302
    return client


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", "", text)


def test_an_on_time_report_is_registered_at_once_by_the_station_of_the_address(app, client):
    response = file_api(client)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved"  # accepted and concluded by the system on filing
    assert body["number"].startswith("ZS")
    assert body["unit"] == "五一路派出所"  # the first station of 魏都区 (411002)
    assert body["data"]["late"] is False and body["data"]["hours_late"] == 0
    assert body["data"]["report_due_at"] == "2026-11-17T08:00:00+08:00"
    assert body["data"]["passport_number"] == PASSPORT
    assert "境外人员住宿登记回执" in [d["title"] for d in body["documents"]]


def test_a_report_after_24_hours_is_registered_and_flagged_late(app, client, tmp_path):
    # TEST_NOW is 2026-11-16 10:00; arrival 24 h 1 min before → late by 1 hour (begun).
    body = file_api(client, arrived_at="2026-11-15T09:59:00+08:00").get_json()
    assert body["status"] == "approved"
    assert body["data"]["late"] is True and body["data"]["hours_late"] == 1
    receipt = next(d for d in body["documents"] if d["title"] == "境外人员住宿登记回执")
    headers = api_token(client, "citizen")
    pdf = client.get(receipt["url"], headers=headers)
    assert pdf.status_code == 200
    text = pdf_text(pdf.data, tmp_path)
    (tmp_path / "receipt.pdf").write_bytes(pdf.data)
    assert "境外人员住宿登记回执" in text and "逾期申报" in text and "逾期约1小时" in text
    assert PASSPORT not in text and "E********" in text


def test_exactly_24_hours_is_in_time(app, client):
    body = file_api(client, arrived_at=(TEST_NOW.replace(day=15)).isoformat()).get_json()
    assert body["data"]["late"] is False


def test_failing_conditions_are_refused_field_by_field(app, client):
    headers = api_token(client, "citizen")
    future = file_api(client, headers, arrived_at="2026-11-16T11:00:00+08:00")
    assert future.status_code == 422
    assert future.get_json()["error"] == "arrival.future"
    before = file_api(client, headers, expected_departure="2026-11-15")
    assert before.status_code == 422
    shape = file_api(client, headers, passport_number="AB")
    assert shape.status_code == 422
    chinese = file_api(client, headers, nationality="CHN")
    assert chinese.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Application.id).where(
            Application.service_code == "foreigner_accommodation")) is None


def test_the_station_clerk_sees_its_own_reports_flagged_masked_and_others_do_not(app, client):
    on_time = file_api(client, foreigner_name="SMITH JOHN").get_json()
    late = file_api(client, foreigner_name="KIM MINJUN", passport_number="M87654321",
                    arrived_at="2026-11-14T08:00:00+08:00").get_json()
    elsewhere = file_api(client, foreigner_name="SATO YUKI", region_code="411003").get_json()
    assert elsewhere["unit"] == "将官池派出所"

    switch(client, "clerk_wyl")
    page = client.get("/desk/").get_data(as_text=True)
    assert on_time["number"] in page and late["number"] in page
    assert elsewhere["number"] not in page
    assert PASSPORT not in page and "M87654321" not in page
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*{late["number"]}.*?</tr>', page, re.S).group(0)
    assert "逾期申报" in row
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*{on_time["number"]}.*?</tr>', page, re.S).group(0)
    assert "逾期申报" not in row
    detail = client.get(f"/desk/applications/{late['id']}").get_data(as_text=True)
    assert "M87654321" not in detail and "M********" in detail
    assert "逾期申报" in detail
    # Another station's report is not found.
    assert client.get(f"/desk/applications/{elsewhere['id']}").status_code == 404
    # The staff API gives the data masked as the desk page does; the filer's own call, whole.
    staff_view = client.get(f"/api/v1/applications/{late['id']}", headers=api_token(client, "clerk_wyl")).get_json()
    assert staff_view["data"]["passport_number"] == "M********" and "M87654321" not in json.dumps(staff_view)
    assert late["data"]["passport_number"] == "M87654321"

    switch(client, "clerk_jianan")
    page = client.get("/desk/").get_data(as_text=True)
    assert elsewhere["number"] in page and late["number"] not in page


def test_the_filer_sees_the_whole_number_on_their_own_pages(app, client):
    switch(client, "citizen")
    url = "/my/apply/foreigner_accommodation"
    page = client.get(url)
    answers = client.post(url, data={**report(arrived_at="2026-11-16T08:00"), "csrf_token": csrf_from(
        page.get_data(as_text=True))})
    assert answers.status_code == 200, answers.get_data(as_text=True)[:3000]
    assert PASSPORT in answers.get_data(as_text=True)  # the filer's own check-your-answers
    done = file_through_the_form(client, url, report(arrived_at="2026-11-16T08:00"))
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    with app.app_context():
        application = db.session.scalar(select(Application).where(
            Application.service_code == "foreigner_accommodation"))
        assert application.state == "approved"
        assert application.data["arrived_at"] == "2026-11-16T08:00:00+08:00"
        application_id = application.id
    own = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert PASSPORT in own  # the filer's own page
    switch(client, "citizen2")
    assert client.get(f"/my/applications/{application_id}").status_code == 404


def test_the_supervisor_s_figures_count_late_reports(app, client):
    file_api(client)
    file_api(client, arrived_at="2026-11-14T08:00:00+08:00")
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "411002-PS-WYL"))
        figures = report_figures(unit.id, start=TEST_NOW.replace(day=1), end=TEST_NOW.replace(day=30))
    assert (figures.filed, figures.late) == (2, 1)


def test_the_head_of_the_station_sees_the_late_reports_counted(app, client):
    file_api(client)
    file_api(client, arrived_at="2026-11-14T08:00:00+08:00")
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "411002-PS-WYL"))
        db.session.add(User(username="head_wyl", password_hash=hash_password(DEMO_PASSWORD),
                            role=Role.SUPERVISOR.value, real_name="王所长", unit_id=unit.id))
        db.session.commit()
    switch(client, "head_wyl")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "该期间申报2件，其中逾期申报（入住后超过24小时）1件" in page
    assert PASSPORT not in page


def test_the_public_tracking_page_shows_neither_the_passport_number_nor_the_name(app, client):
    body = file_api(client).get_json()
    page = client.get(f"/t/{body['tracking_token']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert PASSPORT not in text and "SMITH JOHN" not in text


def test_the_api_describes_the_report(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    text = str(document)
    assert "foreigner_accommodation" in text and "passport_number" in text and "arrived_at" in text
