"""异议复核: an objection to a decided query, answered in writing within 15 (or 30) working days."""
import re

from tests.conftest import api_token, confirm_answers, csrf_from, login, logout


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _refused_query(client):
    citizen2, clerk = api_token(client, "citizen2"), api_token(client, "clerk")
    body = client.post("/api/v1/applications", headers=citizen2, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}).get_json()
    _act(client, clerk, body["id"], "accept")
    _act(client, clerk, body["id"], "reject", reason="经查询，有生效判决记录")
    return body["number"]


def test_objection_review_within_15_working_days_extendable_to_30(client, clock):
    number = _refused_query(client)
    citizen2, clerk, supervisor = api_token(client, "citizen2"), api_token(client, "clerk"), api_token(client, "supervisor")
    not_mine = client.post("/api/v1/applications", headers=api_token(client, "citizen"), json={
        "service": "criminal_record_objection", "data": {"original_number": number, "reason": "判决已撤销"}})
    assert not_mine.status_code == 422 and not_mine.get_json()["error"] == "objection.original_unknown"
    no_reason = client.post("/api/v1/applications", headers=citizen2, json={
        "service": "criminal_record_objection", "data": {"original_number": number, "reason": " "}})
    assert no_reason.status_code == 422
    filed = client.post("/api/v1/applications", headers=citizen2, json={
        "service": "criminal_record_objection", "data": {"original_number": number, "reason": "该判决已经再审撤销"}})
    assert filed.status_code == 201, filed.get_json()
    objection_id = filed.get_json()["id"]
    accepted = _act(client, clerk, objection_id, "accept").get_json()
    assert accepted["clocks"]["statutory_due_at"].startswith("2026-12-07T23:59:59")  # 15 working days
    extended = _act(client, supervisor, objection_id, "extend", reason="需调取再审判决").get_json()
    assert extended["clocks"]["statutory_due_at"].startswith("2026-12-28T23:59:59")  # 30 working days in all
    missing = _act(client, clerk, objection_id, "approve")
    assert missing.status_code == 422 and missing.get_json()["error"] == "review.outcome"
    approved = _act(client, clerk, objection_id, "approve", outcome="corrected", opinion="经核实，原判决已于再审中撤销")
    assert approved.status_code == 200
    assert [d["title"] for d in approved.get_json()["documents"] if d["kind"] == "outcome"] == ["复核意见书"]


def test_clerk_records_the_review_opinion_through_the_form(client):
    number = _refused_query(client)
    login(client, "citizen2")
    page = client.get("/my/apply/criminal_record_objection").get_data(as_text=True)
    assert number in page
    filed = confirm_answers(client, "/my/apply/criminal_record_objection", client.post(
        "/my/apply/criminal_record_objection",
        data={"original_number": number, "reason": "判决已撤销", "csrf_token": csrf_from(page)}))
    assert filed.status_code == 302
    objection_id = int(re.search(r"/applications/(\d+)/filed", filed.headers["Location"]).group(1))
    logout(client)
    login(client, "clerk")
    accept_page = client.get(f"/desk/applications/{objection_id}/actions/accept").get_data(as_text=True)
    client.post(f"/desk/applications/{objection_id}/actions/accept", data={"csrf_token": csrf_from(accept_page)})
    form = client.get(f"/desk/applications/{objection_id}/actions/approve").get_data(as_text=True)
    assert "复核结论" in form
    done = client.post(f"/desk/applications/{objection_id}/actions/approve", data={
        "outcome": "maintained", "opinion": "经复核，原查询结果无误", "csrf_token": csrf_from(form)})
    assert done.status_code == 302
    assert "复核意见书" in client.get(f"/desk/applications/{objection_id}").get_data(as_text=True)


def test_objection_to_an_undecided_query_is_refused(client):
    citizen = api_token(client, "citizen")
    body = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}).get_json()
    refused = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record_objection", "data": {"original_number": body["number"], "reason": "x"}})
    assert refused.status_code == 422 and refused.get_json()["error"] == "objection.not_decided"
