"""A unit's criminal-record query discloses a conviction only on verified grounds (公安机关办理犯罪
记录查询工作规定): a provision of a law or administrative regulation chosen from the maintained
list, a job it covers, the proof of employment checked by the clerk before the letter (never
waived by 容缺) — and an agent's power of attorney checked before the certificate."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import AccessLog
from app.models.applications import Application
from app.models.provisions import LegalProvision, LegalProvisionChange
from app.seed import DEMO_IDS, LEGAL_PROVISIONS
from app.web.i18n import LANG_COOKIE
from tests.conftest import api_token, confirm_answers, csrf_from, login
from tests.materials.helpers import api_materials, api_upload
from tests.materials.test_uploads import _file_agent_application
from tests.services.test_security_licence import pdf_text

TEACHERS, GUARDS = LEGAL_PROVISIONS["teachers"], LEGAL_PROVISIONS["security_guards"]
QUERY = {"applicant_type": "unit", "purpose": "拟招录教师背景审查", "relation": "planned_hire",
         "legal_provision_id": TEACHERS, "job": "教师", "query_reason": "拟录用为教师",
         "subject_name": "孙浩", "subject_id_number": DEMO_IDS["sun_hao"]}


def file(client, headers, **changes):
    data = {**QUERY, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    data.setdefault("materials", api_materials(client, headers, "criminal_record", ["employment_proof"]))
    return client.post("/api/v1/applications", headers=headers, json={"service": "criminal_record", "data": data})


def act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def review(client, headers, application_id, slot, verdict, **texts):
    return client.post(f"/api/v1/applications/{application_id}/materials/{slot}/review",
                       json={"verdict": verdict, **texts}, headers=headers)


def field_errors(response) -> dict[str, str]:
    return {error["field"]: error["code"] for error in response.get_json().get("errors", [])}


def post_form(client, url, data, page_url=None):
    page = client.get(page_url or url)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))})


# --- the provision: chosen from the list in force, covering the job ---------------------------------


def test_a_typed_phrase_an_unknown_or_retired_provision_and_a_job_it_does_not_cover_are_refused(app, client):
    enterprise = api_token(client, "enterprise")
    typed = file(client, enterprise, legal_provision_id=None, legal_provision="根据公司规定")
    assert typed.status_code == 422
    assert field_errors(typed) == {"legal_provision": "unit.legal_provision_typed"}
    assert "不接受自行填写的条款" in typed.get_json()["message"]

    unknown = file(client, enterprise, legal_provision_id=9999)
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "unit.legal_provision_unknown"
    assert unknown.get_json()["field"] == "legal_provision_id"
    assert file(client, enterprise, legal_provision_id="教师法第十四条").status_code == 422

    mismatch = file(client, enterprise, job="保安员")
    assert mismatch.status_code == 422 and mismatch.get_json()["field"] == "job"
    assert mismatch.get_json()["error"] == "unit.job_not_covered"
    assert "《中华人民共和国教师法》第十四条适用的职业为：教师" in mismatch.get_json()["message"]
    english = client.post("/api/v1/applications", headers={**enterprise, "Accept-Language": "en"}, json={
        "service": "criminal_record", "data": {**QUERY, "job": "保安员", "materials": api_materials(
            client, enterprise, "criminal_record", ["employment_proof"])}})
    assert "covers these jobs: 教师; “保安员” is not among them" in english.get_json()["message"]

    # Retired by the admin: no longer offered, and refused when sent.
    admin = app.test_client()
    login(admin, "admin")
    assert post_form(admin, f"/admin/legal-provisions/{TEACHERS}/retire", {}, "/admin/legal-provisions/"
                     ).status_code == 302
    listed = client.get("/api/v1/legal-provisions").get_json()["legal_provisions"]
    assert TEACHERS not in [entry["id"] for entry in listed] and GUARDS in [entry["id"] for entry in listed]
    retired = file(client, enterprise)
    assert retired.status_code == 422 and retired.get_json()["error"] == "unit.legal_provision_unknown"
    assert file(client, enterprise, legal_provision_id=GUARDS, job="保安员").status_code == 201


def test_the_list_is_offered_and_checked_on_the_web_form(app, client):
    enterprise = api_token(client, "enterprise")
    proof = api_upload(client, enterprise, "criminal_record", "employment_proof")
    login(client, "enterprise")
    page = client.get("/my/apply/criminal_record").get_data(as_text=True)
    assert '<select' in page and "《中华人民共和国教师法》第十四条（适用：教师）" in page
    assert "《保安服务管理条例》第十七条（适用：保安员）" in page
    assert 'name="legal_provision"' not in page  # no free text
    form = {key: str(value) for key, value in QUERY.items()}
    refused = post_form(client, "/my/apply/criminal_record", {**form, "job": "保安员",
                                                               "materials-employment_proof": proof})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "“保安员”不在其中" in text
    answers = post_form(client, "/my/apply/criminal_record", {**form, "materials-employment_proof": proof})
    filed = confirm_answers(client, "/my/apply/criminal_record", answers)
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    application_id = int(re.search(r"/my/applications/(\d+)", filed.headers["Location"]).group(1))
    with app.app_context():
        data = db.session.get(Application, application_id).data
    assert data["legal_provision_id"] == TEACHERS and data["legal_provision"] == "《中华人民共和国教师法》第十四条"
    assert data["job"] == "教师" and "教师资格" in data["legal_provision_bar"]


# --- the admin's list ---------------------------------------------------------------------------------


def test_a_departmental_rule_is_refused_with_the_reason(app, client):
    login(client, "admin")
    with app.app_context():
        before = db.session.scalar(select(func.count(LegalProvision.id)))
    refused = post_form(client, "/admin/legal-provisions/", {
        "law_name": "道路运输从业人员管理规定", "kind": "departmental_rule", "article": "第十条",
        "bar_zh": "有犯罪记录的不得从事道路运输经营", "jobs": "道路运输驾驶员"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "《道路运输从业人员管理规定》属于部门规章，不是法律或行政法规" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(LegalProvision.id))) == before
    client.set_cookie(LANG_COOKIE, "en")
    english = client.post("/admin/legal-provisions/", data={
        "csrf_token": csrf_from(page), "law_name": "道路运输从业人员管理规定", "kind": "departmental_rule",
        "article": "第十条", "bar_zh": "x", "jobs": "道路运输驾驶员"})
    assert "not a law or an administrative regulation" in english.get_data(as_text=True)


def test_every_change_is_audited_with_before_and_after_and_shown_as_history(app, client):
    login(client, "admin")
    added = post_form(client, "/admin/legal-provisions/", {
        "law_name": "《中华人民共和国执业医师法》", "kind": "law", "article": "第十五条",
        "bar_zh": "受刑事处罚，自刑罚执行完毕之日起至申请注册之日止不满二年的，不予注册。", "jobs": "医师\n医师、 "})
    assert added.status_code == 302, added.get_data(as_text=True)[:3000]
    with app.app_context():
        row = db.session.scalar(select(LegalProvision).where(LegalProvision.law_name == "中华人民共和国执业医师法"))
        assert row.jobs == ["医师"] and row.in_force
        provision_id = row.id
    edited = post_form(client, f"/admin/legal-provisions/{provision_id}/edit", {
        "law_name": "中华人民共和国执业医师法", "kind": "law", "article": "第十五条",
        "bar_zh": "受刑事处罚，刑罚执行完毕不满二年的，不予注册。", "jobs": "医师，助理医师"})
    assert edited.status_code == 302
    assert post_form(client, f"/admin/legal-provisions/{provision_id}/retire", {},
                     "/admin/legal-provisions/").status_code == 302
    with app.app_context():
        changes = db.session.scalars(select(LegalProvisionChange).where(
            LegalProvisionChange.provision_id == provision_id).order_by(LegalProvisionChange.id)).all()
        assert [c.action for c in changes] == ["add", "edit", "retire"]
        assert all(c.changed_by.username == "admin" and c.changed_at is not None for c in changes)
        assert changes[0].before is None and changes[0].after["jobs"] == ["医师"]
        assert changes[1].before["jobs"] == ["医师"] and changes[1].after["jobs"] == ["医师", "助理医师"]
        assert changes[2].before["in_force"] is True and changes[2].after["in_force"] is False
        audit = db.session.scalars(select(AccessLog).where(AccessLog.subject_kind == "legal_provision",
                                                           AccessLog.subject_id == str(provision_id))
                                   .order_by(AccessLog.id)).all()
        assert [(a.action, a.actor_label) for a in audit] == [
            ("legal_provision.add", "admin"), ("legal_provision.edit", "admin"), ("legal_provision.retire", "admin")]
        assert audit[1].detail == f"change={changes[1].id}"
    page = client.get("/admin/legal-provisions/").get_data(as_text=True)
    history = page[page.index('id="history"'):]
    assert "适用职业：医师</li>" in history and "适用职业：医师、助理医师</li>" in history
    assert "状态：现行有效" in history and "状态：已废止" in history and "系统初始清单" in history
    # Retired entries stay on the list, marked so.
    assert "《中华人民共和国执业医师法》第十五条" in page[:page.index('id="history"')]
    # Not the clerk's to change.
    staff = app.test_client()
    login(staff, "clerk")
    assert staff.get("/admin/legal-provisions/").status_code == 403


def test_an_application_keeps_the_wording_it_was_filed_with(app, client, tmp_path):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    created = file(client, enterprise)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    admin = app.test_client()
    login(admin, "admin")
    assert post_form(admin, f"/admin/legal-provisions/{TEACHERS}/edit", {
        "law_name": "中华人民共和国教师法", "kind": "law", "article": "第十四条之一", "bar_zh": "改写后的内容",
        "jobs": "教师"}).status_code == 302
    act(client, clerk, application_id, "accept")
    review(client, clerk, application_id, "employment_proof", "ok")
    approved = act(client, clerk, application_id, "approve")
    assert approved.status_code == 200, approved.get_json()
    letter = pdf_text(app, application_id, "outcome", tmp_path)
    assert "你单位依据《中华人民共和国教师法》第十四条关于教师的规定，因拟录用为教师，申请查询孙浩" in letter
    assert "第十四条之一" not in letter and "有犯罪记录" in letter


# --- the proof of employment: core, checked before the letter ------------------------------------------


def test_tolerance_never_waives_the_proof_of_employment(client):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    promised = file(client, enterprise, materials={}, materials_provided=[], tolerance_requested=True,
                    materials_to_follow=["employment_proof"])
    assert promised.status_code == 422 and promised.get_json()["error"] == "tolerance.core_missing"
    assert "在职或拟招录证明" in promised.get_json()["message"]
    bare = file(client, enterprise, materials={})
    assert bare.status_code == 422 and bare.get_json()["error"] == "unit.employment_proof"
    # Nor may the clerk waive it at acceptance.
    letter_to_follow = file(client, enterprise, materials_provided=["employment_proof"], tolerance_requested=True,
                            materials_to_follow=["unit_letter"])
    assert letter_to_follow.status_code == 201, letter_to_follow.get_json()
    waived = act(client, clerk, letter_to_follow.get_json()["id"], "accept", tolerance=True,
                 missing_materials=["employment_proof", "unit_letter"])
    assert waived.status_code == 422 and waived.get_json()["error"] == "tolerance.core_missing"


def test_the_letter_waits_for_the_clerks_check_of_the_proof_of_employment(app, client, tmp_path):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    application_id = file(client, enterprise, materials_provided=["employment_proof"], tolerance_requested=True,
                          materials_to_follow=["unit_letter"]).get_json()["id"]
    assert act(client, clerk, application_id, "accept").status_code == 200  # 容缺: the sealed letter follows
    unchecked = act(client, clerk, application_id, "approve")
    assert unchecked.status_code == 409 and unchecked.get_json()["error"] == "materials.not_checked"
    assert "在职或拟招录证明" in unchecked.get_json()["message"]
    assert review(client, clerk, application_id, "employment_proof", "needs_correction", problem="未加盖公章",
                  requirement="加盖单位公章").status_code == 200
    assert act(client, clerk, application_id, "approve").get_json()["error"] == "materials.not_checked"
    with app.app_context():
        assert db.session.get(Application, application_id).state == "accepted"
    assert review(client, clerk, application_id, "employment_proof", "ok").status_code == 200
    approved = act(client, clerk, application_id, "approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert "查询告知函" in [d["title"] for d in approved.get_json()["documents"]]


def test_a_refusal_waits_for_the_review_and_the_applicant_cannot_review(client):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    application_id = file(client, enterprise).get_json()["id"]
    act(client, clerk, application_id, "accept")
    unreviewed = act(client, clerk, application_id, "reject", reason="证明材料不实")
    assert unreviewed.status_code == 409 and unreviewed.get_json()["error"] == "materials.not_reviewed"
    assert review(client, enterprise, application_id, "employment_proof", "ok").status_code == 403
    review(client, clerk, application_id, "employment_proof", "needs_correction", problem="录用通知与单位不符",
           requirement="提交本单位录用通知")
    assert act(client, clerk, application_id, "reject", reason="证明材料不实").get_json()["status"] == "rejected"


def test_the_clerk_checks_the_proof_on_the_page_before_approving(app, client):
    enterprise = api_token(client, "enterprise")
    application_id = file(client, enterprise).get_json()["id"]
    login(client, "clerk")
    detail = f"/desk/applications/{application_id}"
    assert post_form(client, f"{detail}/actions/accept", {}, detail).status_code == 302
    page = client.get(detail).get_data(as_text=True)
    assert "须经工作人员审查为“合格”后方可作出准予决定" in page
    assert f"/desk/applications/{application_id}/materials/employment_proof/review" in page
    blocked = post_form(client, f"{detail}/actions/approve", {}, detail)
    assert blocked.status_code == 409 and "在职或拟招录证明" in blocked.get_data(as_text=True)
    assert post_form(client, f"{detail}/materials/employment_proof/review", {"verdict": "ok"}, detail
                     ).status_code == 302
    assert post_form(client, f"{detail}/actions/approve", {}, detail).status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).state == "approved"


def test_a_query_filed_before_the_list_gets_no_letter(app, client):
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    application_id = file(client, enterprise).get_json()["id"]
    with app.app_context():
        application = db.session.get(Application, application_id)
        application.data = {key: value for key, value in application.data.items()
                            if key != "legal_provision_id"} | {"legal_provision": "根据公司规定"}
        db.session.commit()
    act(client, clerk, application_id, "accept")
    review(client, clerk, application_id, "employment_proof", "ok")
    refused = act(client, clerk, application_id, "approve")
    assert refused.status_code == 409 and refused.get_json()["error"] == "unit.legal_provision_unlisted"


# --- an agent's power of attorney ----------------------------------------------------------------------


def test_the_certificate_for_an_agent_waits_for_the_clerks_check_of_the_power_of_attorney(client):
    clerk = api_token(client, "clerk")
    application_id = _file_agent_application(client)["id"]
    assert act(client, clerk, application_id, "accept").status_code == 200
    refused = act(client, clerk, application_id, "approve")
    assert refused.status_code == 409 and refused.get_json()["error"] == "materials.not_checked"
    assert "授权委托书及受托人身份证件" in refused.get_json()["message"]
    assert review(client, clerk, application_id, "power_of_attorney", "ok").status_code == 200
    assert act(client, clerk, application_id, "approve").get_json()["status"] == "approved"


def test_a_person_applying_for_themselves_is_not_held_up(client):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    application_id = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}).get_json()["id"]
    act(client, clerk, application_id, "accept")
    assert act(client, clerk, application_id, "approve").get_json()["status"] == "approved"
