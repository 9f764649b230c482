"""容缺受理 as a catalogue switch: on the security-service licence and on a second service
(unit queries of the no-criminal-record certificate), through the API, the HTML forms and the
sweep. Commitment letter, tolerance acceptance notice, supplied in time, breach → case ended or
decision revoked, the untrue-commitment list (only on the supervisor's listing decision) and its
bar, bad credit, core materials. The listing review itself: tests/services/test_untrue_review.py."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.applications import Application
from app.models.tolerance import CommitmentStatus, ToleranceCommitment, UntrueCommitment
from app.operations.sla import sweep
from app.seed import DEMO_IDS, DEMO_PASSWORD, LEGAL_PROVISIONS, USCCS
from tests.conftest import api_token, confirm_answers, csrf_from, local, login
from tests.materials import samples
from tests.materials.helpers import api_materials, api_reply
from tests.services.test_security_licence import (
    ALL_MATERIALS,
    MANAGERS,
    _post,
    _switch,
    act,
    end_of,
    enterprise_account,
    file,
    iso,
    pdf_text,
)

CORE = ["application_form", "capital_proof", "manager_documents"]
# Premises proof and management rules not yet attached; the equipment list attached but flawed.
TOLERANCE = {"materials_provided": [*CORE, "equipment_list"], "tolerance_requested": True,
             "materials_to_follow": ["premises_proof", "equipment_list", "management_rules"]}


def commitment(app, application_id: int) -> ToleranceCommitment:
    with app.app_context():
        row = db.session.scalar(select(ToleranceCommitment).where(ToleranceCommitment.application_id == application_id))
        db.session.expunge(row)
        return row


def listed(app, key: str) -> list[UntrueCommitment]:
    with app.app_context():
        rows = list(db.session.scalars(select(UntrueCommitment).where(UntrueCommitment.applicant_key == key)))
        for row in rows:
            db.session.expunge(row)
        return rows


def run_sweep(app, moment: datetime):
    with app.app_context():
        return sweep(as_of=moment, now=moment)


def breaches(result) -> list[int]:
    """The applications whose commitment the sweep found breached (other checks may fire too)."""
    return [application_id for application_id, action in result.fired if action == "breach_commitment"]


def security_head(app, client) -> dict:
    """The head (负责人) of the city's security detachment, who decides listing reviews there."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "411000-SD"))
        db.session.add(User(username="security_head", password_hash=PasswordHasher().hash(DEMO_PASSWORD),
                            role=Role.SUPERVISOR.value, real_name="治安支队负责人", phone="13903749998", unit=unit))
        db.session.commit()
    return api_token(client, "security_head")


def list_untrue(client, head, application_id: int, reason: str = "申请人未陈述正当理由，逾期无正当理由。"):
    return act(client, head, application_id, "list_untrue", reason=reason)


def filed_with_tolerance(client, **overrides) -> int:
    created = file(client, api_token(client, "security"), **{**TOLERANCE, **overrides})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


# --- supplied in time ---------------------------------------------------------------------------


def test_tolerance_happy_path_letter_notice_supplied_in_time_then_two_tiers(app, client, clock, tmp_path):
    security, city = api_token(client, "security"), api_token(client, "clerk_security")
    province = api_token(client, "province_clerk")
    created = file(client, security, **TOLERANCE).get_json()
    application_id = created["id"]
    assert [d["kind"] for d in created["documents"]] == ["receipt", "commitment_letter"]
    assert created["data"]["materials_missing"] == ["premises_proof", "equipment_list", "management_rules"]
    assert created["data"]["commitment_days"] == 10 and created["data"]["signatory"] == "legal_rep"
    assert commitment(app, application_id).status == CommitmentStatus.REQUESTED

    letter = pdf_text(app, application_id, "commitment_letter", tmp_path)
    for phrase in ("申请容缺受理承诺书", "许昌市公安局治安支队：", "本单位许昌安泰保安服务有限公司", USCCS["security_2m"],
                   "住所和提供保安服务所需的场所证明", "暂缺", "瑕疵", "房屋产权证明或租赁合同复印件1份，加盖单位公章", "10个工作日内",
                   "法定代表人（负责人）（签名）", "姚建", "加盖单位公章", "违诺", "3年内不再适用容缺受理"):
        assert phrase in letter, phrase
    assert "受托人（签名）" not in letter

    clock.set(local(2026, 11, 16, 11))
    accepted = act(client, city, application_id, "accept")
    assert accepted.status_code == 200, accepted.get_json()
    accepted = accepted.get_json()
    # 10 working days from Monday 16 November: the end of Monday 30 November, inside the
    # city's promised 15 working days (7 December).
    assert iso(accepted["clocks"]["commitment_due_at"]) == end_of(2026, 11, 30)
    assert iso(accepted["clocks"]["promised_due_at"]) == end_of(2026, 12, 7)
    assert accepted["timeline"][-1]["action"] == "accept"
    assert "tolerance_notice" in [d["kind"] for d in accepted["documents"]]
    assert commitment(app, application_id).status == CommitmentStatus.OPEN

    notice = pdf_text(app, application_id, "tolerance_notice", tmp_path)
    for phrase in ("容缺受理通知书", "予以容缺受理", "住所和提供保安服务所需的场所证明", "房屋产权证明或租赁合同复印件",
                   "保安服务所需设施、装备清单", "2026年11月30日24时前", "逾期未补齐补正的后果", "终止办理本申请",
                   "依法撤销该决定", "违诺（失信）名单", "3年内不再适用容缺受理", "不超过本事项的承诺办理时限"):
        assert phrase in notice, phrase

    # Not forwarded to the province while the supplement is outstanding.
    pending = act(client, city, application_id, "forward", opinion="同意")
    assert pending.status_code == 409 and pending.get_json()["error"] == "tolerance.supplement_pending"
    # Only the office confirms the supplement.
    assert act(client, security, application_id, "fulfil_commitment").status_code == 403

    clock.set(local(2026, 11, 27, 15))
    # Nothing supplied yet: the office cannot confirm it.
    early = act(client, city, application_id, "fulfil_commitment")
    assert early.status_code == 409 and early.get_json()["error"] == "tolerance.not_supplied"
    # The applicant uploads the promised materials and hands them in; then the office confirms.
    for code in ("premises_proof", "equipment_list"):
        api_reply(client, security, application_id, code, samples.jpeg(color=(len(code), 1, 2)))
    assert act(client, security, application_id, "supply_materials").status_code == 200
    partial = act(client, city, application_id, "fulfil_commitment")
    assert partial.status_code == 409 and "组织机构和保安服务管理制度" in partial.get_json()["message"]
    api_reply(client, security, application_id, "management_rules", samples.pdf(pages=4))
    assert act(client, security, application_id, "supply_materials").status_code == 200
    fulfilled = act(client, city, application_id, "fulfil_commitment", reason="已补交租赁合同、管理制度和更正后的装备清单")
    assert fulfilled.status_code == 200, fulfilled.get_json()
    assert fulfilled.get_json()["clocks"]["commitment_due_at"] is None
    assert commitment(app, application_id).status == CommitmentStatus.FULFILLED
    assert act(client, city, application_id, "fulfil_commitment").status_code == 409  # settled once

    # The deadline passes with nothing to fire; the normal course goes on.
    assert breaches(run_sweep(app, local(2026, 12, 1, 9))) == []
    clock.set(local(2026, 12, 1, 10))
    assert act(client, city, application_id, "forward", opinion="材料已补齐，符合条件，同意设立。").status_code == 200
    approved = act(client, province, application_id, "approve").get_json()
    assert approved["status"] == "approved"
    assert listed(app, USCCS["security_2m"]) == []


# --- breach ---------------------------------------------------------------------------------------


def test_breach_ends_the_case_and_only_the_heads_decision_lists_the_enterprise(app, client, clock, tmp_path):
    """Changed from the automatic listing at the deadline (wrong: the local rule lists only those
    late without justified cause): the breach ends the case and opens a listing review; the list
    and its bar follow the head's decision, from the day of the decision."""
    security, city = api_token(client, "security"), api_token(client, "clerk_security")
    application_id = filed_with_tolerance(client)
    act(client, city, application_id, "accept")

    # Nothing fires before the deadline; a late sweep fires it as of the deadline.
    assert breaches(run_sweep(app, local(2026, 11, 30, 23, 59))) == []
    clock.set(local(2026, 12, 2, 9))
    assert breaches(run_sweep(app, local(2026, 12, 2, 9))) == [application_id]
    assert breaches(run_sweep(app, local(2026, 12, 2, 9, 5))) == []  # safe to run twice

    view = client.get(f"/api/v1/applications/{application_id}", headers=security).get_json()
    assert view["status"] == "closed"
    breach = view["timeline"][-1]
    assert breach["action"] == "breach_commitment" and iso(breach["at"]) == end_of(2026, 11, 30)
    assert "termination_notice" in [d["kind"] for d in view["documents"]]
    assert commitment(app, application_id).status == CommitmentStatus.BREACHED
    assert listed(app, USCCS["security_2m"]) == []  # not yet: the enterprise may state a cause
    assert "state_cause" in view["allowed_actions"]

    # While the review is pending, tolerance is still open to it.
    clock.set(local(2026, 12, 3, 10))
    assert file(client, security, **TOLERANCE).status_code == 201

    # No cause stated in the window (to 9 December); the head lists it on 10 December.
    head = security_head(app, client)
    clock.set(local(2026, 12, 10, 10))
    assert list_untrue(client, head, application_id).status_code == 200
    [entry] = listed(app, USCCS["security_2m"])
    assert entry.applicant_kind == "enterprise" and entry.application_id == application_id
    assert entry.listed_at == local(2026, 12, 10, 10).astimezone(UTC)
    assert entry.expires_at == local(2029, 12, 10, 10).astimezone(UTC)
    assert "未在承诺期限" in entry.reason and "住所和提供保安服务所需的场所证明" in entry.reason
    assert "无正当理由" in entry.reason

    # Next time: no tolerance, with the reason; an ordinary filing is still possible.
    again = file(client, security, **TOLERANCE)
    assert again.status_code == 422
    assert again.get_json()["error"] == "tolerance.untrue_commitment"
    assert "违诺" in again.get_json()["message"] and "2029年12月10日" in again.get_json()["message"]
    assert file(client, security).status_code == 201


def test_the_bar_ends_three_years_after_the_decision(app, client, clock):
    application_id = filed_with_tolerance(client)
    act(client, api_token(client, "clerk_security"), application_id, "accept")
    run_sweep(app, local(2026, 12, 2, 9))
    clock.set(local(2026, 12, 10, 10))
    assert list_untrue(client, security_head(app, client), application_id).status_code == 200
    clock.set(local(2029, 12, 10, 9, 0))
    assert file(client, api_token(client, "security"), **TOLERANCE).get_json()["error"] == "tolerance.untrue_commitment"
    clock.set(local(2029, 12, 10, 10, 1))
    assert file(client, api_token(client, "security"), **TOLERANCE).status_code == 201


def test_listing_at_acceptance_time_refuses_a_pending_tolerance_acceptance(app, client, clock):
    """Listed between filing and acceptance (another case breached and was listed): no tolerance
    acceptance."""
    city = api_token(client, "clerk_security")
    first = filed_with_tolerance(client)
    act(client, city, first, "accept")
    clock.set(local(2026, 11, 30, 10))
    second = filed_with_tolerance(client)
    assert breaches(run_sweep(app, local(2026, 12, 1, 9))) == [first]
    clock.set(local(2026, 12, 1, 10))
    # The breach alone does not bar it (the review is pending)…
    with app.app_context():
        assert db.session.get(Application, second).state == "submitted"
    head = security_head(app, client)
    assert act(client, head, first, "state_cause").status_code == 403  # the applicant's step
    # …the head's listing does (the window ran to 8 December).
    clock.set(local(2026, 12, 9, 9))
    assert list_untrue(client, head, first).status_code == 200
    refused = act(client, city, second, "accept")
    assert refused.status_code == 409 and refused.get_json()["error"] == "tolerance.untrue_commitment"
    # The office may still accept it as complete, or ask for everything in one notice.
    assert act(client, city, second, "request_correction", items=["住所证明", "管理制度"]).status_code == 200


# --- who gets tolerance ---------------------------------------------------------------------------


def test_bad_credit_gets_no_tolerance(app, client):
    enterprise_account(app, "xinda", "bad_credit", "cui_lei", "崔磊")
    headers = api_token(client, "xinda")
    managers = [{"name": "崔磊", "id_number": DEMO_IDS["cui_lei"], "position": "法定代表人", "experience_years": 9}]
    refused = file(client, headers, managers=managers, **TOLERANCE)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "tolerance.bad_credit" and "失信" in body["message"] and "信用修复" in body["message"]
    with app.app_context():
        assert db.session.scalar(select(ToleranceCommitment.id)) is None


def test_a_missing_core_material_refuses_tolerance_but_not_an_ordinary_filing(app, client, clock):
    security, city = api_token(client, "security"), api_token(client, "clerk_security")
    materials = ["application_form", "manager_documents", "equipment_list"]  # no proof of capital
    refused = file(client, security, materials_provided=materials, tolerance_requested=True,
                   materials_to_follow=["premises_proof", "management_rules"])
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "tolerance.core_missing" and "注册资本证明" in body["message"]
    assert "一次性告知补正" in body["message"]

    ordinary = file(client, security, materials_provided=materials)
    assert ordinary.status_code == 201 and [d["kind"] for d in ordinary.get_json()["documents"]] == ["receipt"]
    application_id = ordinary.get_json()["id"]
    # The office cannot turn an ordinary filing into a tolerance acceptance…
    claimed = act(client, city, application_id, "accept", tolerance=True, commitment_days=5)
    assert claimed.status_code == 422 and claimed.get_json()["error"] == "tolerance.not_requested"
    # …it asks for every missing item once.
    corrected = act(client, city, application_id, "request_correction", items=["注册资本证明", "场所证明", "管理制度"])
    assert corrected.get_json()["status"] == "correction_requested"


def test_nothing_missing_needs_no_tolerance_and_only_non_core_may_follow(client):
    security = api_token(client, "security")
    complete = file(client, security, tolerance_requested=True)
    assert complete.get_json()["error"] == "tolerance.nothing_missing"
    core_later = file(client, security, materials_provided=ALL_MATERIALS, tolerance_requested=True,
                      materials_to_follow=["capital_proof"])
    assert core_later.get_json()["error"] == "tolerance.core_missing"
    unknown = file(client, security, materials_provided=["no_such_material"])
    assert unknown.get_json()["error"] == "materials.unknown"


@pytest.mark.parametrize("days, status", [(1, 201), (10, 201), (0, 422), (11, 422), ("三", 422), (True, 422)])
def test_the_agreed_days_never_exceed_the_promised_time(client, days, status):
    response = file(client, api_token(client, "security"), commitment_days=days, **TOLERANCE)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert response.get_json()["error"] == "tolerance.commitment_days"
        assert "不得超过本事项的承诺办理时限" in response.get_json()["message"]


@pytest.mark.parametrize("days", [1, 4, 7, 10])
@pytest.mark.parametrize("accepted_at", [(2026, 11, 16, 11), (2026, 12, 31, 16), (2027, 9, 24, 17)])
def test_commitment_deadline_is_never_after_the_promised_deadline(client, clock, days, accepted_at):
    """Across new year, the National Day week (2027) and any agreed period."""
    clock.set(local(*accepted_at))
    application_id = filed_with_tolerance(client, commitment_days=days)
    accepted = act(client, api_token(client, "clerk_security"), application_id, "accept").get_json()
    due, promised = iso(accepted["clocks"]["commitment_due_at"]), iso(accepted["clocks"]["promised_due_at"])
    assert due is not None and local(*accepted_at) < due <= promised


def test_the_clerk_may_narrow_the_list_and_the_days_but_not_waive_a_core_material(client):
    city = api_token(client, "clerk_security")
    application_id = filed_with_tolerance(client)
    core = act(client, city, application_id, "accept", missing_materials=["capital_proof"])
    assert core.status_code == 422 and core.get_json()["error"] == "tolerance.core_missing"
    narrowed = act(client, city, application_id, "accept", missing_materials=["premises_proof"], commitment_days=3)
    assert narrowed.status_code == 200
    assert iso(narrowed.get_json()["clocks"]["commitment_due_at"]) == end_of(2026, 11, 19)


def test_an_agent_signs_with_a_power_of_attorney(app, client, tmp_path):
    security = api_token(client, "security")
    agent = {"signatory": "agent", "agent_name": "田波", "agent_id_number": DEMO_IDS["tian_bo"]}
    refused = file(client, security, **TOLERANCE, **agent)
    assert refused.get_json()["error"] == "tolerance.power_of_attorney"
    assert "委托书" in refused.get_json()["message"]
    assert file(client, security, **TOLERANCE, signatory="self").get_json()["error"] == "tolerance.signatory"
    created = file(client, security, **TOLERANCE, **agent, power_of_attorney=True).get_json()
    assert created["data"]["agent_id_number"] != DEMO_IDS["tian_bo"]  # only masked
    letter = pdf_text(app, created["id"], "commitment_letter", tmp_path)
    assert "受托人（签名）" in letter and "田波" in letter and "授权委托书" in letter
    assert DEMO_IDS["tian_bo"] not in letter and DEMO_IDS["tian_bo"][:10] + "*" * 8 in letter


# --- the switch: any service ------------------------------------------------------------------------


# The proof of hiring is core (a disclosure cannot be taken back): the sealed letter follows.
UNIT_QUERY = {"applicant_type": "unit", "purpose": "拟招录保安员背景审查", "relation": "planned_hire",
              "legal_provision_id": LEGAL_PROVISIONS["security_guards"], "job": "保安员", "query_reason": "拟招录为保安员",
              "subject_name": "李明", "subject_id_number": DEMO_IDS["li_ming"],
              "materials_provided": ["employment_proof"], "tolerance_requested": True,
              "materials_to_follow": ["unit_letter"]}


def unit_query(client, headers) -> dict:
    """The unit query's body, its proof of hiring uploaded."""
    return {"service": "criminal_record", "data": {
        **UNIT_QUERY, "materials": api_materials(client, headers, "criminal_record", ["employment_proof"])}}


def test_second_service_breach_after_the_decision_revokes_it(app, client, clock, tmp_path):
    """No-criminal-record unit query with tolerance (the sealed letter to follow): the catalogue
    switch alone gives it the letter, the notice, the capped clock, revocation and the list."""
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    created = client.post("/api/v1/applications", json=unit_query(client, enterprise), headers=enterprise)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    assert "commitment_letter" in [d["kind"] for d in created.get_json()["documents"]]
    assert created.get_json()["data"]["commitment_days"] == 1  # the promised time is 1 working day

    clock.set(local(2026, 11, 16, 11))
    accepted = client.post(f"/api/v1/applications/{application_id}/actions/accept", json={}, headers=clerk).get_json()
    assert iso(accepted["clocks"]["commitment_due_at"]) == end_of(2026, 11, 17)
    assert iso(accepted["clocks"]["commitment_due_at"]) <= iso(accepted["clocks"]["promised_due_at"])
    notice = pdf_text(app, application_id, "tolerance_notice", tmp_path)
    assert "单位介绍信及法律依据说明" in notice and "2026年11月17日24时前" in notice
    # The proof of hiring is core and checked by the clerk before the letter.
    assert client.post(f"/api/v1/applications/{application_id}/materials/employment_proof/review",
                       json={"verdict": "ok"}, headers=clerk).status_code == 200
    approved = client.post(f"/api/v1/applications/{application_id}/actions/approve", json={}, headers=clerk)
    assert approved.get_json()["status"] == "approved"

    clock.set(local(2026, 11, 18, 9))
    assert breaches(run_sweep(app, local(2026, 11, 18, 9))) == [application_id]
    view = client.get(f"/api/v1/applications/{application_id}", headers=enterprise).get_json()
    assert view["status"] == "revoked"
    assert "revocation_decision" in [d["kind"] for d in view["documents"]]
    assert listed(app, USCCS["demo"]) == []  # the head decides, after the window (to 25 November)
    clock.set(local(2026, 11, 26, 9))
    assert act(client, api_token(client, "supervisor"), application_id, "list_untrue",
               reason="逾期未补交单位介绍信，未陈述正当理由。").status_code == 200
    [entry] = listed(app, USCCS["demo"])
    assert entry.service_code == "criminal_record"

    # The bar is the applicant's, whatever the service.
    again = client.post("/api/v1/applications", json=unit_query(client, enterprise), headers=enterprise)
    assert again.get_json()["error"] == "tolerance.untrue_commitment"


def test_second_service_supplied_in_time(app, client, clock):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    application_id = client.post("/api/v1/applications", json=unit_query(client, enterprise),
                                 headers=enterprise).get_json()["id"]
    client.post(f"/api/v1/applications/{application_id}/actions/accept", json={}, headers=clerk)
    api_reply(client, enterprise, application_id, "unit_letter")
    assert client.post(f"/api/v1/applications/{application_id}/actions/supply_materials", json={},
                       headers=enterprise).status_code == 200
    fulfilled = client.post(f"/api/v1/applications/{application_id}/actions/fulfil_commitment", json={},
                            headers=clerk)
    assert fulfilled.status_code == 200
    assert breaches(run_sweep(app, local(2026, 11, 20, 9))) == []
    assert commitment(app, application_id).status == CommitmentStatus.FULFILLED


def test_a_service_without_the_switch_refuses_tolerance(client):
    citizen = api_token(client, "citizen")
    response = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record_objection",
        "data": {"original_number": "FZ0", "reason": "x", "tolerance_requested": True}})
    assert response.status_code == 422 and response.get_json()["error"] == "tolerance.not_offered"


def test_without_a_request_a_filing_is_unchanged(client):
    """A service's own form without the declaration records nothing extra."""
    created = client.post("/api/v1/applications", headers=api_token(client, "citizen"),
                          json={"service": "criminal_record", "data": {"applicant_type": "individual",
                                                                       "purpose": "入职"}})
    assert created.status_code == 201
    data = created.get_json()["data"]
    assert "tolerance_requested" not in data and "materials_provided" not in data


# --- the HTML forms --------------------------------------------------------------------------------


def _form(**extra) -> dict:
    data = {"premises_address": "许昌市魏都区莲城大道150号", "materials_provided": [*CORE, "equipment_list"],
            "tolerance_requested": "y", "materials_to_follow": ["premises_proof", "management_rules"],
            "commitment_days": "10", "signatory": "legal_rep"}
    for i, manager in enumerate(MANAGERS):
        for key, value in manager.items():
            data[f"managers-{i}-{key}"] = str(value)
    return {**data, **extra}


def test_tolerance_through_the_forms(app, client, clock):
    login(client, "security")
    # Core material missing: refused on the materials field, with the reason.
    refused = _post(client, "/my/apply/security_licence", _form(materials_provided=["application_form"]))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "主审要件" in page and "注册资本证明" in page

    filed = confirm_answers(client, "/my/apply/security_licence", _post(client, "/my/apply/security_licence", _form()))
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    application_id = int(re.search(r"/my/applications/(\d+)", filed.headers["Location"]).group(1))
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "申请容缺受理承诺书" in mine

    _switch(client, "clerk_security")
    detail = f"/desk/applications/{application_id}"
    assert _post(client, f"{detail}/actions/accept", {}).status_code == 302
    page = client.get(detail).get_data(as_text=True)
    assert "容缺受理通知书" in page and "容缺补齐期限" in page
    blocked = _post(client, f"{detail}/actions/forward", {"opinion": "同意"})
    assert blocked.status_code == 409 and "容缺材料尚未补齐" in blocked.get_data(as_text=True)
    # The enterprise supplies the promised materials from its page (files sent with the form).
    _switch(client, "security")
    mine = f"/my/applications/{application_id}"
    page = client.get(mine).get_data(as_text=True)
    assert "补齐容缺材料" in page and 'name="file-premises_proof"' in page
    assert 'name="file-capital_proof"' not in page  # only the promised ones are open
    token = csrf_from(client.get(mine).get_data(as_text=True))
    supplied = client.post(f"{mine}/supply", content_type="multipart/form-data", data={
        "csrf_token": token, **{f"file-{code}": [(io.BytesIO(samples.jpeg(color=(n, 9, 9))), f"{code}.jpg")]
                                for n, code in enumerate(("premises_proof", "management_rules"))}})
    assert supplied.status_code == 302
    after = client.get(mine).get_data(as_text=True)
    assert "容缺材料已提交" in after, re.findall(r'class="notice[^>]*>[^<]*', after)
    _switch(client, "clerk_security")
    assert "提交容缺补齐材料" in client.get(detail).get_data(as_text=True)
    assert _post(client, f"{detail}/actions/fulfil_commitment", {"reason": "已补交"}).status_code == 302
    assert _post(client, f"{detail}/actions/forward", {"opinion": "同意"}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).unit.name == "河南省公安厅"
    csrf_from(client.get("/").get_data(as_text=True))


# --- a known engine defect ------------------------------------------------------------------------


def test_withdrawing_with_an_open_commitment_leaves_nothing_for_the_sweep(app, client, clock):
    application_id = filed_with_tolerance(client)
    act(client, api_token(client, "clerk_security"), application_id, "accept")
    withdrawn = act(client, api_token(client, "security"), application_id, "withdraw")
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert commitment(app, application_id).status == CommitmentStatus.ENDED
    assert breaches(run_sweep(app, local(2026, 12, 2, 9))) == []
    assert listed(app, USCCS["security_2m"]) == []


def test_a_deemed_acceptance_opens_no_commitment(app, client):
    """The office let the acceptance limit pass: deemed accepted by law as of receipt, on the
    ordinary course (the sweep records no tolerance), and the letter lapses."""
    application_id = filed_with_tolerance(client)
    with app.app_context():
        fired = sweep(as_of=local(2026, 11, 24, 9), now=local(2026, 11, 24, 9)).fired
    assert (application_id, "deem_accepted") in fired
    view = client.get(f"/api/v1/applications/{application_id}", headers=api_token(client, "security")).get_json()
    assert view["status"] == "accepted" and view["clocks"]["commitment_due_at"] is None
    assert commitment(app, application_id).status == CommitmentStatus.NOT_APPLIED
