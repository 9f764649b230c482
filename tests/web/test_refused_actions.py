"""A step the service's rules refuse as things stand is not offered on the desk: the button is
absent, the page says why and what to do instead, the API agrees (not in allowed_actions, in
refused_actions with the same reason), and posting it anyway is still refused by the server.
Each case the services' rules know of is covered here through the pages."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.accounts import AccessLog
from app.models.applications import Application
from app.models.registries import RegHousehold, RegJudgment
from app.models.seals import SealRecord
from app.seed import DEMO_IDS, PLATES
from tests.conftest import api_token, csrf_from, login, logout
from tests.operations.helpers import act, file_criminal_record, file_objection


def refused_on_the_desk(client, application_id: int, action: str, words: str, *, status: int = 409,
                        fields: dict | None = None) -> str:
    """The logged-in staff member's desk page offers no `action`, says `words` instead; the
    action's own page says it before anything is typed; posting it is refused with it."""
    desk = f"/desk/applications/{application_id}"
    page = client.get(desk).get_data(as_text=True)
    assert f'{desk}/actions/{action}"' not in page, action
    assert 'id="refused-actions"' in page
    notes = page[page.index('id="refused-actions"'):]
    assert words in notes[:notes.index("</div>")], notes[:600]
    form = client.get(f"{desk}/actions/{action}")
    assert form.status_code == 200 and words in form.get_data(as_text=True)
    posted = client.post(f"{desk}/actions/{action}",
                         data={**(fields or {}), "csrf_token": csrf_from(form.get_data(as_text=True))})
    assert posted.status_code == status and words in posted.get_data(as_text=True)
    return page


def api_agrees(client, username: str, application_id: int, action: str, code: str, *, offered=()) -> dict:
    headers = api_token(client, username)
    body = client.get(f"/api/v1/applications/{application_id}", headers=headers).get_json()
    assert action not in body["allowed_actions"]
    assert code in [r["code"] for r in body["refused_actions"] if r["action"] == action]
    for other in offered:
        assert other in body["allowed_actions"], other
    posted = client.post(f"/api/v1/applications/{application_id}/actions/{action}", json={}, headers=headers)
    assert posted.get_json()["error"] == code
    return body


def offered(page: str, application_id: int, action: str) -> bool:
    return f'/desk/applications/{application_id}/actions/{action}"' in page


def switch(client, username: str) -> None:
    logout(client)
    assert login(client, username).status_code == 302


def add_judgment(app, key: str, **fields) -> None:
    values = {"case_number": "（2026）豫1002刑初901号", "court": "许昌市魏都区人民法院", "offence": "诈骗罪",
              "judgment_date": date(2026, 10, 9), "effective": True, "sentence_months": 10, "offence_at_age": 30,
              "sealed_juvenile": False} | fields
    with app.app_context():
        db.session.add(RegJudgment(id_number=DEMO_IDS[key], **values))
        db.session.commit()


# --- 保安服务许可: the province decides ---------------------------------------------------------------


def _security_licence(client) -> int:
    from tests.services.test_security_licence import file

    created = file(client, api_token(client, "security"))
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    accepted = client.post(f"/api/v1/applications/{application_id}/actions/accept", json={},
                           headers=api_token(client, "clerk_security"))
    assert accepted.status_code == 200, accepted.get_json()
    return application_id


def test_the_city_is_offered_forwarding_not_a_decision_the_province_takes(app, client):
    application_id = _security_licence(client)
    login(client, "clerk_security")
    words = "保安服务许可由省级公安机关作出决定"
    page = refused_on_the_desk(client, application_id, "approve", words)
    assert not offered(page, application_id, "reject") and offered(page, application_id, "forward")
    assert "审批通过/办结、作出不予决定" in page  # one line names both steps it holds back
    refused_on_the_desk(client, application_id, "reject", words,
                        fields={"reason": "不符合条件", "confirm": "y"})
    api_agrees(client, "clerk_security", application_id, "approve", "security_licence.province_decides",
               offered=("forward",))
    # The registries' answer is there for the city's review opinion too.
    assert "核查结果" in page and "符合许可条件" in page


def test_the_province_sees_a_conviction_since_filing_before_it_decides(app, client):
    application_id = _security_licence(client)
    forwarded = client.post(f"/api/v1/applications/{application_id}/actions/forward",
                            json={"opinion": "符合条件，同意设立。"}, headers=api_token(client, "clerk_security"))
    assert forwarded.status_code == 200, forwarded.get_json()
    add_judgment(app, "tian_bo")  # 田波, a manager, convicted after the filing
    login(client, "province_clerk")
    page = refused_on_the_desk(client, application_id, "approve", "经法院生效裁判认定有罪")
    panel = page[page.index('id="registry-check"'):page.index("</section>", page.index('id="registry-check"'))]
    assert "不符合许可条件" in panel and "田波" in panel and "企业登记信息" in panel
    assert DEMO_IDS["tian_bo"] not in page and DEMO_IDS["tian_bo"][:6] in panel  # masked
    assert offered(page, application_id, "reject")
    api_agrees(client, "province_clerk", application_id, "approve", "security_licence.conditions",
               offered=("reject",))


# --- 无犯罪记录证明: the court registry -----------------------------------------------------------------


def _criminal_record(app, username: str) -> int:
    with app.app_context():
        application = file_criminal_record(app, username)
        act(application, "accept", "clerk")
        return application.id


def _panel(page: str) -> str:
    start = page.index('id="registry-check"')
    return page[start:page.index("</section>", start)]


def test_a_record_is_shown_before_deciding_and_approval_is_not_offered(app, client):
    application_id = _criminal_record(app, "citizen2")  # 孙浩: an effective conviction
    login(client, "clerk")
    page = refused_on_the_desk(client, application_id, "approve", "该人员有犯罪记录，不能出具无犯罪记录证明")
    panel = _panel(page)
    assert "核查结果" in panel and "有犯罪记录" in panel and "危险驾驶罪" in panel and "（2023）豫1002刑初215号" in panel
    assert "数据来源：法院刑事裁判信息" in panel
    assert offered(page, application_id, "reject")
    api = api_agrees(client, "clerk", application_id, "approve", "criminal_record.has_record", offered=("reject",))
    assert api["registry_check"]["tone"] == "bad" and "危险驾驶罪" in api["registry_check"]["findings"][0]["result"]
    with app.app_context():  # each reading of the registry by the staff is audited
        assert db.session.scalar(select(AccessLog).where(AccessLog.action == "application.registry_check",
                                                         AccessLog.subject_id == str(application_id)))

    # Never on the applicant's pages, nor in the applicant's API view, nor on the tracking page.
    switch(client, "citizen2")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "核查结果" not in mine and "危险驾驶罪" not in mine
    own = client.get(f"/api/v1/applications/{application_id}", headers=api_token(client, "citizen2")).get_json()
    assert "registry_check" not in own
    with app.app_context():
        token = db.session.get(Application, application_id).tracking_token
    assert "危险驾驶罪" not in client.get(f"/track/{token}").get_data(as_text=True)


def test_a_sealed_juvenile_record_is_named_not_shown_and_the_certificate_is_offered(app, client):
    add_judgment(app, "li_ming", case_number="（2007）豫1002刑初77号", offence="抢夺罪", judgment_date=date(2007, 12, 1),
                 sentence_months=12, offence_at_age=16, sealed_juvenile=True)
    application_id = _criminal_record(app, "citizen")
    login(client, "clerk")
    page = client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    panel = _panel(page)
    assert "依法封存" in panel and "可以出具" in panel
    assert "抢夺罪" not in page and "（2007）豫1002刑初77号" not in page
    assert offered(page, application_id, "approve") and 'id="refused-actions"' not in page


def test_nothing_in_the_court_registry_is_said_with_the_masked_number(app, client):
    application_id = _criminal_record(app, "citizen")
    login(client, "clerk")
    page = client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    panel = _panel(page)
    assert "未查询到刑事裁判信息" in panel and "未查询到犯罪记录：可以出具" in panel
    assert DEMO_IDS["li_ming"] not in page and DEMO_IDS["li_ming"][:6] in panel
    assert offered(page, application_id, "approve")


def test_no_registry_panel_once_decided(app, client):
    application_id = _criminal_record(app, "citizen")
    with app.app_context():
        act(db.session.get(Application, application_id), "approve", "clerk")
    login(client, "clerk")
    assert 'id="registry-check"' not in client.get(f"/desk/applications/{application_id}").get_data(as_text=True)


# --- 货车通行证: the registries asked again ------------------------------------------------------------


def test_a_truck_permit_the_registries_now_refuse_is_not_offered_for_granting(app, client):
    from tests.services.test_truck_permit import _add_violation, _file

    body = _file(client, api_token(client, "enterprise"), valid_until="2027-03-31").get_json()
    assert body["status"] == "submitted", body
    _add_violation(app, plate=PLATES["pass"])
    headers = api_token(client, "clerk_traffic")
    assert client.post(f"/api/v1/applications/{body['id']}/actions/accept", headers=headers).status_code == 200
    login(client, "clerk_traffic")
    page = refused_on_the_desk(client, body["id"], "approve", "该车辆有1起未处理的交通违法记录")
    panel = _panel(page)
    assert "不符合核发条件" in panel and "该车辆有1起未处理的交通违法记录" in panel and "机动车登记信息" in panel
    assert offered(page, body["id"], "reject")
    api_agrees(client, "clerk_traffic", body["id"], "approve", "truck_permit.checks_failed", offered=("reject",))


# --- 新生儿入户: the household as of now --------------------------------------------------------------


def test_a_newborn_no_longer_eligible_is_not_offered_for_registration(app, client):
    from tests.services.test_newborn_registration import LI_HOUSEHOLD, act_api, file_api

    application_id = file_api(client, api_token(client, "citizen")).get_json()["id"]
    assert act_api(client, api_token(client, "clerk"), application_id, "accept").status_code == 200
    with app.app_context():
        db.session.execute(RegHousehold.__table__.update().where(
            RegHousehold.household_number == LI_HOUSEHOLD).values(kind="collective"))
        db.session.commit()
    login(client, "clerk")
    page = refused_on_the_desk(client, application_id, "approve", "集体户")
    assert offered(page, application_id, "reject")
    api_agrees(client, "clerk", application_id, "approve", "newborn.no_longer_eligible")


# --- 公章刻制: recorded meanwhile -----------------------------------------------------------------------


def test_a_seal_recorded_meanwhile_is_not_offered_for_recording_again(app, client):
    from tests.services.test_seal_engraving import add_wuyilu_clerk, file_api

    application = file_api(client, app).get_json()
    add_wuyilu_clerk(app)
    with app.app_context():
        row = db.session.get(Application, application["id"])
        db.session.add(SealRecord(code="4110020000001", uscc=row.data["uscc"], enterprise_name=row.data["enterprise_name"],
                                  kind="company", shop_id=row.data["shop_id"], shop_name=row.data["shop_name"],
                                  application_id=row.id, recorded_at=timeutil.now()))
        db.session.commit()
    login(client, "clerk_wyl")
    refused_on_the_desk(client, application["id"], "approve", "该企业已持有公章（备案有效）")
    api_agrees(client, "clerk_wyl", application["id"], "approve", "seals.duplicate")


# --- 事故证据查询码: a void code's voucher ------------------------------------------------------------------


def test_the_voucher_of_a_revoked_code_is_not_offered_for_handing_over(app, client):
    from tests.services.test_accident_evidence import approved

    decided = approved(client, api_token(client, "officer"))
    login(client, "officer")
    detail = f"/officer/evidence/{decided['id']}"
    page = client.get(detail).get_data(as_text=True)
    assert client.post(f"{detail}/revoke-code", data={"reason": "查询凭证遗失",
                                                     "csrf_token": csrf_from(page)}).status_code == 302
    assert f"/desk/applications/{decided['id']}/actions/issue" not in client.get(detail).get_data(as_text=True)
    refused_on_the_desk(client, decided["id"], "issue", "该查询码已作废")
    api_agrees(client, "officer", decided["id"], "issue", "evidence.revoked")


# --- 差评整改: the head closes it; never refused or revoked ---------------------------------------------------


def test_a_clerk_is_not_offered_closing_a_work_order_and_nobody_refusing_it(app, client, clock):
    from app.operations import ratings as rating_ops
    from tests.operations.helpers import user

    with app.app_context():
        rated = file_criminal_record(app, "citizen", at_terminal=True)
        order_id = rating_ops.rate(user=user("citizen"), application_id=rated.id, level="dissatisfied",
                                   comment="态度不好", now=timeutil.now()).work_order_id
    login(client, "clerk")
    callback = {"callback_date": timeutil.local(timeutil.now()).date().isoformat(), "callback_contact_made": "yes",
                "callback_summary": "已电话回访评价人", "measures": "加强窗口服务培训"}
    page = refused_on_the_desk(client, order_id, "approve", "差评整改工单须由单位负责人回访登记后办结", status=403,
                               fields=callback)
    assert "不能作出不予许可决定" in page and not offered(page, order_id, "reject")
    api_agrees(client, "clerk", order_id, "approve", "forbidden")
    switch(client, "supervisor")
    page = client.get(f"/desk/applications/{order_id}").get_data(as_text=True)
    assert offered(page, order_id, "approve") and not offered(page, order_id, "reject")
    assert "不能作出不予许可决定" in page


# --- the materials review -------------------------------------------------------------------------------------


def test_acceptance_is_not_offered_while_a_material_is_marked_for_correction(app, client):
    from tests.materials.test_review import mark

    with app.app_context():
        application = file_criminal_record(app, "citizen", data={"purpose_detail": "多家单位要求"})
        application_id = application.id
    login(client, "clerk")
    mark(client, application_id, "purpose_proof", "needs_correction", "看不清", "请重新上传清晰的扫描件")
    page = refused_on_the_desk(client, application_id, "accept", "已标记为“需补正”，不能受理")
    assert offered(page, application_id, "request_correction")
    api_agrees(client, "clerk", application_id, "accept", "materials.marked_for_correction",
               offered=("request_correction",))


# --- 容缺受理: the matter goes up with every material in ----------------------------------------------------


def test_forwarding_and_confirming_the_supplement_wait_for_the_promised_materials(app, client, clock):
    from tests.services.test_tolerance import filed_with_tolerance

    application_id = filed_with_tolerance(client)
    accepted = client.post(f"/api/v1/applications/{application_id}/actions/accept", json={},
                           headers=api_token(client, "clerk_security"))
    assert accepted.status_code == 200, accepted.get_json()
    login(client, "clerk_security")
    page = refused_on_the_desk(client, application_id, "forward", "容缺材料尚未补齐", fields={"opinion": "同意"})
    refused_on_the_desk(client, application_id, "fulfil_commitment", "容缺材料尚未补齐或仍需补正")
    assert "保安服务许可由省级公安机关作出决定" in page  # and the decision is the province's
    api_agrees(client, "clerk_security", application_id, "forward", "tolerance.supplement_pending")


# --- the head's approval of an extension: a reason for the applicant, a note for the staff ----------------


def test_the_extension_forms_say_who_reads_what(app, client):
    with app.app_context():  # a service with an extension (the criminal record has none)
        application = file_objection(app)
        act(application, "accept", "clerk")
        application_id = application.id
    login(client, "clerk")
    asking = client.get(f"/desk/applications/{application_id}/actions/request_extension").get_data(as_text=True)
    assert "仅工作人员可见，不告知申请人" in asking and "写入文书" not in asking
    with app.app_context():
        act(db.session.get(Application, application_id), "request_extension", "clerk", reason="需外调材料")
    switch(client, "supervisor")
    extend = client.get(f"/desk/applications/{application_id}/actions/extend").get_data(as_text=True)
    assert "理由（写入文书，告知申请人）" in extend and "内部备注（可不填，申请人不可见）" in extend
    refuse = client.get(f"/desk/applications/{application_id}/actions/refuse_extension").get_data(as_text=True)
    assert "仅工作人员可见，不告知申请人" in refuse and "写入文书" not in refuse
