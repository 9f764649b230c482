"""企业信用修复 end to end: the bad-credit enterprise files with its proof of performance and
credit commitment, the local station reviews within 10 working days and approves, the penalty's
credit mark is repaired and the enterprise's next filing may ask for 容缺受理; refusals at
filing (nothing to repair, penalty not carried out, a repair pending, conduct not corrected),
the refusal decision, the clerk's queue and the supervisor's figures."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.applications import Application
from app.models.registries import RegPolicePenalty
from app.operations import supervision
from app.registries import get_registries
from app.seed import POLICE_PENALTIES, USCCS
from tests.conftest import api_token, local, login
from tests.materials.helpers import api_materials
from tests.services.test_security_licence import act, end_of, enterprise_account, iso, pdf_text
from tests.services.test_tolerance import unit_query

MEASURES = "已建立货物运输安全查验登记制度，配备查验设备并对全体员工开展培训。"


def filing(**overrides) -> dict:
    return {"penalty_decision_number": POLICE_PENALTIES["carried_out"], "conduct_corrected": True,
            "correction_measures": MEASURES, **overrides}


def file(client, headers, *, upload=True, **overrides):
    data = filing(**overrides)
    if upload:
        data["materials"] = api_materials(client, headers, "credit_repair", ["performance_proof", "credit_commitment"])
    return client.post("/api/v1/applications", json={"service": "credit_repair", "data": data}, headers=headers)


def credit_status(app, key: str = "bad_credit") -> str:
    with app.app_context():
        return get_registries().enterprise(USCCS[key]).credit_status


def test_approval_repairs_the_mark_and_the_next_filing_may_ask_tolerance(app, client, clock, tmp_path):
    credit, clerk = api_token(client, "credit"), api_token(client, "clerk_wyl")
    assert credit_status(app) == "bad"
    # Before the repair: bad credit bars 容缺受理.
    barred = client.post("/api/v1/applications", json=unit_query(client, credit), headers=credit)
    assert barred.status_code == 422 and barred.get_json()["error"] == "tolerance.bad_credit"

    created = file(client, credit)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    application_id = body["id"]
    assert body["number"].startswith("XF20261116") and body["status"] == "submitted"
    assert body["unit"] == "五一路派出所"  # the station of the enterprise's registered address
    assert body["data"]["penalty_sanction"] == "罚款人民币二万元" and body["data"]["carried_out_on"]

    # Accepted on Monday 16 November: 10 working days of review, to 30 November.
    clock.set(local(2026, 11, 16, 11))
    accepted = act(client, clerk, application_id, "accept").get_json()
    assert accepted["status"] == "accepted"
    assert iso(accepted["clocks"]["promised_due_at"]) == end_of(2026, 11, 30)
    assert iso(accepted["clocks"]["statutory_due_at"]) == end_of(2026, 11, 30)

    clock.set(local(2026, 11, 20, 15))
    approved = act(client, clerk, application_id, "approve")
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved"
    assert "outcome" in [d["kind"] for d in approved.get_json()["documents"]]

    with app.app_context():
        row = db.session.scalar(select(RegPolicePenalty).where(
            RegPolicePenalty.decision_number == POLICE_PENALTIES["carried_out"]))
        assert row.credit_repaired_on == local(2026, 11, 20).date() and row.credit_repair_reference == body["number"]
    assert credit_status(app) == "good"

    text = pdf_text(app, application_id, "outcome", tmp_path)
    for expected in ("信用修复决定书", "许昌鑫达运输有限公司", POLICE_PENALTIES["carried_out"], "罚款人民币二万元",
                     "准予信用修复", "2026年11月20日", "五个方面二十项措施", "整改情况"):
        assert expected in text, expected

    # The next filing may ask for 容缺: the mark that barred it is gone.
    allowed = client.post("/api/v1/applications", json=unit_query(client, credit), headers=credit)
    assert allowed.status_code == 201, allowed.get_json()
    assert "commitment_letter" in [d["kind"] for d in allowed.get_json()["documents"]]

    # Nothing left to repair.
    again = file(client, credit)
    assert again.status_code == 422 and again.get_json()["error"] == "credit_repair.nothing_to_repair"


def test_an_enterprise_without_a_police_credit_mark_has_nothing_to_repair(app, client):
    headers = api_token(client, "enterprise")
    refused = file(client, headers)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "credit_repair.nothing_to_repair" and "无需申请信用修复" in body["message"]


def test_a_penalty_not_carried_out_is_refused_with_the_reason(app, client):
    enterprise_account(app, "jindun", "security_500k", "pan_yue", "潘越")
    headers = api_token(client, "jindun")
    assert credit_status(app, "security_500k") == "bad"
    refused = file(client, headers, penalty_decision_number=POLICE_PENALTIES["not_carried_out"])
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "credit_repair.not_carried_out" and body["field"] == "penalty_decision_number"
    assert "尚未履行完毕" in body["message"] and "警告并处罚款人民币一万元" in body["message"]
    with app.app_context():
        assert db.session.scalar(select(Application.id).where(Application.service_code == "credit_repair")) is None


def test_another_enterprises_penalty_is_not_found(app, client):
    headers = api_token(client, "credit")
    refused = file(client, headers, penalty_decision_number=POLICE_PENALTIES["not_carried_out"])
    assert refused.status_code == 422 and refused.get_json()["error"] == "credit_repair.penalty_unknown"


def test_a_pending_repair_refuses_a_second_one(app, client):
    headers = api_token(client, "credit")
    assert file(client, headers).status_code == 201
    refused = file(client, headers)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "credit_repair.pending" and "正在办理中" in body["message"]


def test_conduct_not_corrected_is_refused_with_every_reason(app, client):
    headers = api_token(client, "credit")
    refused = file(client, headers, conduct_corrected=False)
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "credit_repair.not_corrected"
    enterprise_account(app, "jindun", "security_500k", "pan_yue", "潘越")
    both = file(client, api_token(client, "jindun"), penalty_decision_number=POLICE_PENALTIES["not_carried_out"],
                conduct_corrected=False)
    message = both.get_json()["message"]
    assert "尚未履行完毕" in message and "违法行为纠正后方可申请信用修复" in message


def test_refusal_keeps_the_mark_and_states_reasons_and_remedies(app, client, clock, tmp_path):
    credit, clerk = api_token(client, "credit"), api_token(client, "clerk_wyl")
    application_id = file(client, credit).get_json()["id"]
    act(client, clerk, application_id, "accept")
    rejected = act(client, clerk, application_id, "reject", reason="提交的缴款凭证与处罚决定书载明的罚款金额不一致。")
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert credit_status(app) == "bad"
    text = pdf_text(app, application_id, "refusal_decision", tmp_path)
    for expected in ("不予信用修复决定书", "本机关决定不予信用修复", "缴款凭证与处罚决定书", "行政复议", "行政诉讼"):
        assert expected in text, expected


def test_approval_is_refused_when_the_mark_was_repaired_meanwhile(app, client):
    credit, clerk = api_token(client, "credit"), api_token(client, "clerk_wyl")
    application_id = file(client, credit).get_json()["id"]
    act(client, clerk, application_id, "accept")
    with app.app_context():
        get_registries().repair_credit_mark(POLICE_PENALTIES["carried_out"], repaired_on=local(2026, 11, 16).date(),
                                            reference="窗口")
        db.session.commit()
    refused = act(client, clerk, application_id, "approve")
    assert refused.status_code == 409 and refused.get_json()["error"] == "credit_repair.conditions"
    assert "已完成信用修复" in refused.get_json()["message"]


def test_in_the_stations_queue_and_the_supervisors_figures(app, client, clock):
    credit, clerk = api_token(client, "credit"), api_token(client, "clerk_wyl")
    application_id = file(client, credit).get_json()["id"]
    listed = client.get("/api/v1/applications?service=credit_repair", headers=clerk).get_json()
    assert application_id in [item["id"] for item in listed["items"]]
    # Another station does not see it.
    other = client.get("/api/v1/applications", headers=api_token(client, "clerk")).get_json()
    assert application_id not in [item["id"] for item in other["items"]]
    act(client, clerk, application_id, "accept")
    clock.set(local(2026, 11, 18, 10))
    act(client, clerk, application_id, "approve")
    with app.app_context():
        unit_id = db.session.get(Application, application_id).unit_id
        start = datetime(2026, 11, 1, tzinfo=timeutil.LOCAL_TZ)
        figures = supervision.unit_figures(unit_id, start=start, end=start + timedelta(days=30),
                                           now=local(2026, 11, 18, 11))
    assert figures["credit_repair"].decided == 1 and figures["credit_repair"].on_time == 1


def test_the_form_lists_the_enterprises_standing_marks_only(app, client):
    enterprise_account(app, "jindun", "security_500k", "pan_yue", "潘越")
    login(client, "jindun")
    page = client.get("/my/apply/credit_repair").get_data(as_text=True)
    assert POLICE_PENALTIES["not_carried_out"] in page and "尚未履行完毕" in page
    assert POLICE_PENALTIES["carried_out"] not in page  # another enterprise's penalty
