"""The whole statutory lifecycle through /api/v1, with time controlled (DESIGN.md §3, §6)."""
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models.applications import Application, Certificate
from app.operations.audit import verify_event_chain
from app.operations.events import clocks_for
from app.seed import LEGAL_PROVISIONS
from tests.conftest import api_token, local
from tests.materials.helpers import api_materials

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_full_lifecycle_file_correct_accept_suspend_approve_issue_verify_without_extension(app, client, clock):
    citizen, clerk, supervisor = api_token(client, "citizen"), api_token(client, "clerk"), api_token(client, "supervisor")

    created = client.post("/api/v1/applications", json=FILE, headers=citizen)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    application_id = body["id"]
    assert body["status"] == "submitted"
    assert body["number"].startswith("FZ20261116")
    assert len(body["tracking_token"]) >= 22 and body["tracking_url"].endswith(body["tracking_token"])
    assert _iso(body["clocks"]["acceptance_due_at"]) == local(2026, 11, 23, 23, 59).replace(second=59)
    assert [d["kind"] for d in body["documents"]] == ["receipt"]

    # One-time correction notice: items are required, and only once.
    assert _act(client, clerk, application_id, "request_correction").status_code == 422
    assert _act(client, citizen, application_id, "request_correction", items=["x"]).status_code == 403
    corrected = _act(client, clerk, application_id, "request_correction", items=["户口簿首页复印件", "近期免冠照片"])
    assert corrected.status_code == 200 and corrected.get_json()["status"] == "correction_requested"
    assert corrected.get_json()["clocks"]["acceptance_due_at"] is None

    clock.set(local(2026, 11, 17, 9))
    resubmitted = _act(client, citizen, application_id, "resubmit")
    assert resubmitted.get_json().get("status") == "submitted", resubmitted.get_json()
    again = _act(client, clerk, application_id, "request_correction", items=["又一项"])
    assert again.status_code == 409 and again.get_json()["error"] == "correction_already_requested"

    clock.set(local(2026, 11, 17, 10))
    accepted = _act(client, clerk, application_id, "accept").get_json()
    assert accepted["status"] == "accepted"
    assert _iso(accepted["clocks"]["statutory_due_at"]) == local(2026, 11, 20, 23, 59).replace(second=59)

    clock.set(local(2026, 11, 18, 10))
    suspended = _act(client, clerk, application_id, "suspend", reason_code="testing", reason="送检笔迹")
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    tracked = client.get(f"/api/v1/track/{accepted['tracking_token']}").get_json()
    assert tracked["paused"] and "暂停" in tracked["paused"]

    clock.set(local(2026, 11, 20, 15))
    resumed = _act(client, clerk, application_id, "resume").get_json()
    assert _iso(resumed["clocks"]["statutory_due_at"]) == local(2026, 11, 24, 23, 59).replace(second=59)

    # The 3-working-day limit has no extension (its investigation pause is a suspension): neither
    # the head nor a clerk's request can add days, and the limit stays where it is.
    for who, action in ((supervisor, "extend"), (clerk, "request_extension")):
        refused = _act(client, who, application_id, action, reason="需进一步核实")
        assert refused.status_code == 409 and refused.get_json()["error"] == "step_not_offered"
    detail = client.get(f"/api/v1/applications/{application_id}", headers=supervisor).get_json()
    assert _iso(detail["clocks"]["statutory_due_at"]) == local(2026, 11, 24, 23, 59).replace(second=59)
    assert not {"extend", "request_extension"} & set(detail["allowed_actions"])

    clock.set(local(2026, 11, 23, 11))
    approved = _act(client, clerk, application_id, "approve").get_json()
    assert approved["status"] == "approved"
    assert "certificate" in [d["kind"] for d in approved["documents"]]
    assert _act(client, citizen, application_id, "withdraw").status_code == 409
    issued = _act(client, clerk, application_id, "issue").get_json()
    assert issued["status"] == "issued"

    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application_id))
        number, signature = certificate.number, certificate.signature
        application = db.session.get(Application, application_id)
        recomputed = clocks_for(application)
        assert application.statutory_due_at == recomputed.statutory_due_at
        checked, broken = verify_event_chain()
        assert broken is None and checked >= 8  # no extension event: the criminal record has none
    genuine = client.get(f"/api/v1/verify/{number}?s={signature}").get_json()
    assert genuine["status"] == "genuine"
    tampered = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert client.get(f"/api/v1/verify/{number}?s={tampered}").get_json()["status"] == "not_genuine"
    assert client.get(f"/api/v1/verify/{number[:-1]}0?s={signature}").get_json()["status"] == "not_genuine"

    # The applicant can download every document; another citizen cannot even see the file.
    detail = client.get(f"/api/v1/applications/{application_id}", headers=citizen).get_json()
    for document in detail["documents"]:
        pdf = client.get(document["url"], headers=citizen)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    other = api_token(client, "citizen2")
    assert client.get(f"/api/v1/applications/{application_id}", headers=other).status_code == 404
    assert client.get(detail["documents"][0]["url"], headers=other).status_code == 404


def test_record_holder_gets_a_refusal_notice_not_a_certificate(client):
    citizen2, clerk = api_token(client, "citizen2"), api_token(client, "clerk")
    application_id = client.post("/api/v1/applications", json=FILE, headers=citizen2).get_json()["id"]
    assert _act(client, clerk, application_id, "accept").status_code == 200
    refused = _act(client, clerk, application_id, "approve")
    assert refused.status_code == 409 and refused.get_json()["error"] == "criminal_record.has_record"
    assert _act(client, clerk, application_id, "reject").status_code == 422
    rejected = _act(client, clerk, application_id, "reject", reason="经查询，申请人有犯罪记录").get_json()
    assert rejected["status"] == "rejected"
    titles = [d["title"] for d in rejected["documents"]]
    assert "不予出具无犯罪记录证明通知书" in titles and "无犯罪记录证明" not in titles


def test_unit_query_needs_staff_relation_and_legal_provision_and_gets_a_letter(client):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    from app.seed import DEMO_IDS

    subject = {"subject_name": "李明", "subject_id_number": DEMO_IDS["li_ming"]}
    bad = client.post("/api/v1/applications", headers=enterprise, json={"service": "criminal_record", "data": {
        "applicant_type": "unit", "purpose": "背景调查", **subject, "relation": "customer",
        "legal_provision_id": None, "query_reason": "了解"}})
    assert bad.status_code == 422 and bad.get_json()["error"] == "unit.relation"
    no_law = client.post("/api/v1/applications", headers=enterprise, json={"service": "criminal_record", "data": {
        "applicant_type": "unit", "purpose": "招录", **subject, "relation": "planned_hire", "query_reason": "拟录用"}})
    assert no_law.status_code == 422
    assert {(e["field"], e["code"]) for e in no_law.get_json()["errors"]} == {
        ("legal_provision_id", "unit.legal_provision"), ("job", "unit.job")}
    lawful = {"applicant_type": "unit", "purpose": "招录", **subject, "relation": "planned_hire",
              "legal_provision_id": LEGAL_PROVISIONS["school_bus_drivers"], "job": "校车驾驶人", "query_reason": "拟录用为校车驾驶人"}
    # The proof of hiring is uploaded, not promised: no letter goes out on a bare claim.
    unproved = client.post("/api/v1/applications", headers=enterprise, json={"service": "criminal_record",
                                                                            "data": lawful})
    assert unproved.status_code == 422 and unproved.get_json()["error"] == "unit.employment_proof"
    proof = api_materials(client, enterprise, "criminal_record", ["employment_proof"])
    good = client.post("/api/v1/applications", headers=enterprise, json={"service": "criminal_record", "data": {
        **lawful, "materials": proof}})
    assert good.status_code == 201, good.get_json()
    assert [m["slot"] for m in good.get_json()["materials"]] == ["employment_proof"]
    application_id = good.get_json()["id"]
    _act(client, clerk, application_id, "accept")
    # The clerk finds the proof of hiring in order before the letter goes out.
    client.post(f"/api/v1/applications/{application_id}/materials/employment_proof/review", json={"verdict": "ok"},
                headers=clerk)
    approved = _act(client, clerk, application_id, "approve").get_json()
    assert approved["status"] == "approved"
    assert [d["title"] for d in approved["documents"] if d["kind"] == "outcome"] == ["查询告知函"]


def test_foreigner_needs_180_days_and_goes_to_exit_entry(client):
    short = client.post("/api/v1/applications", headers=api_token(client, "foreigner2"), json={
        "service": "criminal_record", "data": {"applicant_type": "foreigner", "purpose": "工作许可"}})
    assert short.status_code == 422 and short.get_json()["error"] == "foreigner.residence_too_short"
    resident = client.post("/api/v1/applications", headers=api_token(client, "foreigner"), json={
        "service": "criminal_record", "data": {"applicant_type": "foreigner", "purpose": "工作许可"}})
    assert resident.status_code == 201, resident.get_json()
    assert "出入境" in resident.get_json()["unit"]
    # The hukou station's clerk does not see it.
    assert client.get(f"/api/v1/applications/{resident.get_json()['id']}",
                      headers=api_token(client, "clerk")).status_code == 404


def test_deemed_acceptance_by_a_late_sweep_is_dated_at_the_due_time(app, client, clock):
    from app import timeutil
    from app.operations.sla import sweep

    citizen = api_token(client, "citizen")
    application_id = client.post("/api/v1/applications", json=FILE, headers=citizen).get_json()["id"]
    late = local(2026, 12, 1, 3)  # days after the acceptance limit ran out
    clock.set(late)
    with app.app_context():
        first = sweep(as_of=late, now=timeutil.now())
        second = sweep(as_of=late, now=timeutil.now())
        assert (application_id, "deem_accepted") in first.fired
        assert second.count == 0
        application = db.session.get(Application, application_id)
        deemed = [e for e in application.events if e.action == "deem_accepted"][0]
        assert deemed.occurred_at == local(2026, 11, 23, 23, 59).replace(second=59)
        assert deemed.recorded_at == late
        assert application.accepted_as_of == local(2026, 11, 16, 10)  # the day the materials arrived
        assert application.state == "accepted"
    tracked = client.get(f"/api/v1/track/{application.tracking_token}").get_json()
    assert any(step["action"] == "deem_accepted" for step in tracked["timeline"])
