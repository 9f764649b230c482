"""新生儿出生登记"全省通办" end to end: the eligibility check page, filing (API and HTML form),
the clerk's acceptance and approval, the child entered into the receiving household with a
newly allocated, valid and unique ID number, the 新生儿入户登记证明 PDF, each refusal rule,
late registration, non-parents, and two approvals at the same moment."""
from __future__ import annotations

import re
import subprocess
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.domain.catalogue import newborn_registration as rules
from app.domain.identifiers import make_citizen_id, parse_citizen_id
from app.extensions import db
from app.models.accounts import AccessLog, Role, User
from app.models.applications import Application, ApplicationEvent, Certificate
from app.models.registries import RegBirthCertificate, RegHousehold, RegPerson
from app.operations import applications as application_ops
from app.operations.accounts import hash_password
from app.operations.services import newborn_registration as newborn_ops
from app.registries import get_registries
from app.seed import BIRTH_CERTIFICATES, DEMO_IDS
from tests.conftest import (
    DEMO_PASSWORD,
    ON_POSTGRES,
    TEST_NOW,
    api_token,
    confirm_answers,
    csrf_from,
    local,
    login,
    logout,
)

SERVICE = "newborn_registration"
ELIGIBLE = BIRTH_CERTIFICATES["eligible"]
LI_HOUSEHOLD = "411002900001"
TODAY = TEST_NOW.date()

# certificate key -> (a parent on it, the receiving parent, the one condition that fails)
FAILING = {
    "born_outside_henan": ("yang_jing", "father", "born_in_province"),
    "parents_not_married": ("sun_li", "mother", "in_wedlock"),
    "father_hukou_outside_henan": ("wu_min", "mother", "parents_hukou"),
    "different_ethnicity": ("guo_hong", "father", "parents_hukou"),
    "collective_household": ("lin_na", "mother", "family_household"),
    "older_than_six": ("luo_dan", "father", "age"),
}
FAILING_WORDS = {
    "born_in_province": "不是在河南省内出生",
    "in_wedlock": "不属于婚内生育",
    "parents_hukou": "",  # per case below
    "family_household": "集体户",
    "age": "超过6周岁",
}
CASE_WORDS = {"father_hukou_outside_henan": "父亲户籍不在河南省", "different_ethnicity": "父母双方民族不同"}


# --- helpers ---------------------------------------------------------------------------------


def add_parent(app, key: str) -> str:
    """A real-name citizen account for a hand-made parent (only 李明 has one in the demo)."""
    with app.app_context():
        person = get_registries().person(DEMO_IDS[key])
        index = list(DEMO_IDS).index(key)
        db.session.add(User(username=key, password_hash=hash_password(DEMO_PASSWORD), role=Role.CITIZEN.value,
                            real_name=person.name, id_number=person.id_number, phone=f"1380375{index:04d}"))
        db.session.commit()
    return key


def add_certificate(app, number: str, *, name: str, sex: str, born: date, mother: str, father: str) -> None:
    with app.app_context():
        db.session.add(RegBirthCertificate(number=number, child_name=name, sex=sex, birth_date=born,
                                           birth_province_code="41", hospital="许昌市中心医院",
                                           mother_id_number=DEMO_IDS[mother], father_id_number=DEMO_IDS[father]))
        db.session.commit()


def data(number=ELIGIBLE, receiving="father", child_name="李沐阳", **extra) -> dict:
    return {"birth_certificate_number": number, "receiving_parent": receiving, "child_name": child_name, **extra}


def file_api(client, headers, **kwargs):
    return client.post("/api/v1/applications", json={"service": SERVICE, "data": data(**kwargs)}, headers=headers)


def act_api(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def approve_api(client, application_id, clerk="clerk"):
    headers = api_token(client, clerk)
    accepted = act_api(client, headers, application_id, "accept")
    assert accepted.status_code == 200, accepted.get_json()
    return act_api(client, headers, application_id, "approve")


def post_form(client, url, fields):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**fields, "csrf_token": csrf_from(page.get_data(as_text=True))})


def switch(client, username):
    logout(client)
    assert login(client, username).status_code == 302
    return client


def check_page(client, number, receiving="father"):
    return post_form(client, "/newborn/check", {"birth_certificate_number": number, "receiving_parent": receiving})


def conditions_shown(html: str) -> dict[str, bool]:
    return {code: ok == "true" for code, ok in re.findall(r'data-condition="(\w+)" data-ok="(true|false)"', html)}


def pdf_text(pdf: bytes, tmp_path, name="doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", "", text)


def child_members(app, household=LI_HOUSEHOLD):
    with app.app_context():
        record = get_registries().household(household)
        return [m for m in record.members if m.relation in ("子", "女")]


def approval_payload(app, application_id) -> dict:
    with app.app_context():
        return db.session.scalar(select(ApplicationEvent.payload).where(
            ApplicationEvent.application_id == application_id, ApplicationEvent.action == "approve"))


# --- pure rules: the boundaries -----------------------------------------------------------------


def test_age_boundary_is_the_seventh_birthday():
    born = date(2019, 11, 16)
    assert rules.age_in_years(born, date(2026, 11, 15)) == 6
    assert rules.age_in_years(born, date(2026, 11, 16)) == 7
    assert rules.age_in_years(date(2020, 2, 29), date(2027, 2, 28)) == 6
    assert rules.age_in_years(date(2020, 2, 29), date(2027, 3, 1)) == 7


def test_late_means_more_than_one_calendar_month():
    assert not rules.is_late(date(2026, 10, 16), date(2026, 11, 16))
    assert rules.is_late(date(2026, 10, 16), date(2026, 11, 17))
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert not rules.is_late(date(2026, 1, 31), date(2026, 2, 28))
    assert rules.is_late(date(2026, 1, 31), date(2026, 3, 1))


@pytest.mark.parametrize("name", ["李沐阳", "欧阳子轩", "王一", " 李 沐阳 "])
def test_child_name_accepts_two_to_four_chinese_characters(name):
    assert rules.normalise_child_name(name) == name.replace(" ", "")


@pytest.mark.parametrize("name", ["李", "欧阳子轩儿", "Li Muyang", "李1", "", "李沐阳!"])
def test_child_name_refuses_anything_else(name):
    with pytest.raises(rules.RuleViolation) as refused:
        rules.normalise_child_name(name)
    assert refused.value.field == "child_name" and "2至4个汉字" in refused.value.message


def test_every_failing_condition_is_listed_with_advice(ctx):
    """周强 (father, hukou in Nanjing) as the receiving parent: two conditions fail, both listed."""
    registries = get_registries()
    certificate = registries.birth_certificate(BIRTH_CERTIFICATES["father_hukou_outside_henan"])
    eligibility = newborn_ops.gather(certificate, "father", registries).eligibility(TODAY)
    assert [c.code for c in eligibility.failing] == ["parents_hukou", "family_household"]
    assert all(c.advice_zh for c in eligibility.failing)
    refusal = rules.refusal(eligibility)
    assert refusal.code == "newborn.parents_hukou" and refusal.field == "birth_certificate_number"
    assert "父亲户籍不在河南省" in refusal.message and "随母" in refusal.message


def test_switching_parents_is_suggested_only_when_the_other_household_qualifies(ctx):
    registries = get_registries()
    collective = registries.birth_certificate(BIRTH_CERTIFICATES["collective_household"])
    advice = newborn_ops.gather(collective, "mother", registries).eligibility(TODAY).condition(
        "family_household").advice_zh
    assert "改为随" not in advice and "集体户管理单位同意落户的证明" in advice  # both parents are in it
    outside = registries.birth_certificate(BIRTH_CERTIFICATES["father_hukou_outside_henan"])
    advice = newborn_ops.gather(outside, "father", registries).eligibility(TODAY).condition(
        "family_household").advice_zh
    assert "可以改为随母亲在其省内家庭户内申报" in advice


# --- the happy path -------------------------------------------------------------------------------


def test_happy_path_through_the_forms(app, client, clock, tmp_path):
    login(client, "citizen")
    checked = check_page(client, ELIGIBLE)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert conditions_shown(html) == dict.fromkeys(
        ["born_in_province", "in_wedlock", "parents_hukou", "family_household", "age"], True)
    assert html.count("✓") == 5 and "✗" not in html
    assert "现在申报出生登记" in html and 'data-eligible="true"' in html
    assert DEMO_IDS["li_ming"] not in html and DEMO_IDS["wang_fang"] not in html

    form = client.get("/my/apply/newborn_registration").get_data(as_text=True)
    assert 'value="Q411000101"' in form and 'value="李沐阳"' in form  # pre-filled from the check
    assert re.search(r'<option selected value="411002-PS-XDJ">|<option value="411002-PS-XDJ" selected', form)
    assert "将官池派出所" in form and "五一路派出所" in form  # any station in the province
    filed = confirm_answers(client, "/my/apply/newborn_registration",
                            post_form(client, "/my/apply/newborn_registration", {**data(), "station": "411002-PS-XDJ"}))
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    confirmation = client.get(filed.headers["Location"]).get_data(as_text=True)
    number = re.search(r"(XS\d{14})", confirmation).group(1)
    application_id = int(re.search(r"/my/applications/(\d+)", confirmation).group(1))

    switch(client, "clerk")
    assert number in client.get("/desk/").get_data(as_text=True)
    detail = client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    assert "出生医学证明编号" in detail and "Q411000101" in detail and "李沐阳" in detail
    assert "随父落户" in detail and "西大街派出所" in detail and ">否<" in detail  # readable values, not late
    assert post_form(client, f"/desk/applications/{application_id}/actions/accept", {}).status_code == 302
    clock.advance(hours=2)
    approved = post_form(client, f"/desk/applications/{application_id}/actions/approve", {})
    assert approved.status_code == 302, approved.get_data(as_text=True)[:2000]
    assert post_form(client, f"/desk/applications/{application_id}/actions/issue", {}).status_code == 302

    # The child is in 李明's household with a valid, newly allocated number.
    children = child_members(app)
    assert [(c.name, c.relation) for c in children] == [("李沐阳", "子")]
    new_id = children[0].id_number
    parsed = parse_citizen_id(new_id, today=TODAY)
    assert parsed.region_code == "411002" and parsed.sex == "M" and parsed.birth_date == TODAY - timedelta(days=12)
    assert new_id not in DEMO_IDS.values()
    assert approval_payload(app, application_id)["child_id_number"] == new_id
    with app.app_context():
        person = get_registries().person(new_id)
        assert person.household_number == LI_HOUSEHOLD and person.hukou_region_code == "411002"
        assert person.ethnicity == "汉族"

    switch(client, "citizen")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "已发证" in mine
    link = re.search(rf'href="(/my/applications/{application_id}/documents/\d+)">新生儿入户登记证明', mine).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data, tmp_path)
    info = subprocess.run(["pdfinfo", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\n", info)  # one page, QR and seal included
    for expected in ("新生儿入户登记证明", "李沐阳", new_id, "411002900001", "李明", "王芳", "随父落户",
                     "出生登记（出生后一个月内申报）", "西大街派出所"):
        assert expected in text, expected
    again = check_page(client, ELIGIBLE).get_data(as_text=True)
    assert "已办理出生登记入户" in again and number in again and "现在申报出生登记" not in again
    # Someone else cannot download it.
    switch(client, "citizen2")
    assert client.get(link).status_code == 404


def test_happy_path_through_the_api(app, client, tmp_path):
    citizen = api_token(client, "citizen")
    created = file_api(client, citizen)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "submitted" and body["number"].startswith("XS20261116")
    assert body["data"]["late_registration"] is False and body["data"]["station"] == "411002-PS-XDJ"
    assert body["data"]["household_number"] == LI_HOUSEHOLD
    # 5 working days after acceptance (Mon 16 Nov → Mon 23 Nov).
    approved = approve_api(client, body["id"])
    assert approved.status_code == 200, approved.get_json()
    approved = approved.get_json()
    assert approved["status"] == "approved"
    certificate_doc = next(d for d in approved["documents"] if d["kind"] == "certificate")
    assert certificate_doc["title"] == "新生儿入户登记证明"

    new_id = approval_payload(app, body["id"])["child_id_number"]
    assert parse_citizen_id(new_id, today=TODAY).sex == "M"
    assert [c.id_number for c in child_members(app)] == [new_id]

    url = certificate_doc["url"].replace("http://localhost", "")
    pdf = client.get(url, headers=citizen)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert new_id in pdf_text(pdf.data, tmp_path)
    assert client.get(url, headers=api_token(client, "citizen2")).status_code == 404

    # A signed, verifiable certificate; the public page masks the child's name.
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == body["id"]))
        assert certificate.kind == SERVICE and certificate.holder_name == "李沐阳"
    verified = client.get(f"/api/v1/verify/{certificate.number}?s={certificate.signature}").get_json()
    assert verified["status"] == "genuine" and verified["holder"] == "李**"


def test_accepted_clock_is_five_working_days(client):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    application_id = file_api(client, citizen).get_json()["id"]
    accepted = act_api(client, clerk, application_id, "accept").get_json()
    assert accepted["clocks"]["statutory_due_at"].startswith("2026-11-23T23:59:59")
    assert accepted["clocks"]["promised_due_at"].startswith("2026-11-23T23:59:59")


def test_province_wide_any_station_may_handle_it(app, client):
    """全省通办: filed at 将官池派出所 (建安区), registered into the 魏都区 household."""
    created = file_api(client, api_token(client, "citizen"), station="411003-PS-JGC").get_json()
    assert created["unit"] == "将官池派出所"
    assert act_api(client, api_token(client, "clerk"), created["id"], "accept").status_code == 404
    approved = approve_api(client, created["id"], clerk="clerk_jianan")
    assert approved.status_code == 200, approved.get_json()
    new_id = approval_payload(app, created["id"])["child_id_number"]
    assert new_id.startswith("411002")  # the household's region, not the station's


# --- refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(FAILING))
def test_each_failing_certificate_is_refused_with_its_own_condition(app, client, key):
    parent, receiving, condition = FAILING[key]
    add_parent(app, parent)
    number = BIRTH_CERTIFICATES[key]
    words = CASE_WORDS.get(key) or FAILING_WORDS[condition]

    # The check page: ✗ on exactly that condition, with what to do instead.
    login(client, parent)
    checked = check_page(client, number, receiving)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    shown = conditions_shown(html)
    assert len(shown) == 5
    assert [code for code, ok in shown.items() if not ok] == [condition]
    assert html.count("✗") == 1 and html.count("✓") == 4
    assert words in html and "办理建议" in html and "派出所" in html
    assert "现在申报出生登记" not in html

    # The API: refused with that condition's message.
    refused = file_api(client, api_token(client, parent), number=number, receiving=receiving, child_name="张小宝")
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == f"newborn.{condition}"
    assert words in body["message"]

    # The HTML form: the same message, on the field.
    page = post_form(client, "/my/apply/newborn_registration",
                     {**data(number=number, receiving=receiving, child_name="张小宝"), "station": "411002-PS-XDJ"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    field = rules.CONDITION_FIELDS[rules.ConditionCode(condition)]
    on_field = (rf'<legend>落户方式</legend>\s*<p class="error-message"[^>]*>[^<]*{re.escape(words)}'
                if field == "receiving_parent" else rf'id="{field}-error"[^>]*>[^<]*{re.escape(words)}')
    assert re.search(on_field, text), text[:3000]
    with app.app_context():
        assert db.session.scalar(select(func.count(Application.id))) == 0


def test_filing_fields_are_validated_with_clear_messages(app, client):
    citizen = api_token(client, "citizen")
    cases = [
        ({"child_name": "李"}, "child_name", "2至4个汉字"),
        ({"child_name": "Li Muyang"}, "child_name", "2至4个汉字"),
        ({"receiving": "grandma"}, None, "随父落户或随母落户"),
        ({"station": "411000-TP"}, None, "省内的公安户籍派出所"),
        ({"number": "Q-?"}, None, "出生医学证明"),
    ]
    for kwargs, _field, words in cases:
        refused = file_api(client, citizen, **kwargs)
        assert refused.status_code == 422, (kwargs, refused.get_json())
        assert words in refused.get_json()["message"], (kwargs, refused.get_json())

    login(client, "citizen")
    page = post_form(client, "/my/apply/newborn_registration",
                     {**data(child_name="Li Muyang"), "station": "411002-PS-XDJ"})
    assert page.status_code == 422
    assert re.search(r'id="child_name-error"[^>]*>[^<]*2至4个汉字', page.get_data(as_text=True))


def test_duplicate_filing_is_refused_and_shown_on_the_check_page(app, client):
    citizen = api_token(client, "citizen")
    first = file_api(client, citizen).get_json()
    again = file_api(client, citizen)
    assert again.status_code == 409 and again.get_json()["error"] == "newborn.duplicate"
    assert first["number"] in again.get_json()["message"]
    login(client, "citizen")
    html = check_page(client, ELIGIBLE).get_data(as_text=True)
    assert first["number"] in html and "现在申报出生登记" not in html
    # The mother cannot file the same child again either.
    add_parent(app, "wang_fang")
    refused = file_api(client, api_token(client, "wang_fang"), receiving="mother")
    assert refused.status_code == 409


def test_approval_rechecks_the_registries(app, client):
    """The household became a collective one after filing: approval is refused, nothing written."""
    application_id = file_api(client, api_token(client, "citizen")).get_json()["id"]
    headers = api_token(client, "clerk")
    assert act_api(client, headers, application_id, "accept").status_code == 200
    with app.app_context():
        db.session.execute(RegHousehold.__table__.update().where(
            RegHousehold.household_number == LI_HOUSEHOLD).values(kind="collective"))
        db.session.commit()
    refused = act_api(client, headers, application_id, "approve")
    assert refused.status_code == 409 and refused.get_json()["error"] == "newborn.no_longer_eligible"
    assert "集体户" in refused.get_json()["message"]
    assert child_members(app) == []
    with app.app_context():
        assert db.session.get(Application, application_id).state == "accepted"
    rejected = act_api(client, headers, application_id, "reject", reason="落户方已变为集体户")
    assert rejected.status_code == 200
    assert any(d["title"] == "不予办理户口登记决定书" for d in rejected.get_json()["documents"])


# --- late registration --------------------------------------------------------------------------------


def test_late_registration_is_accepted_and_flagged(app, client, tmp_path):
    add_parent(app, "liu_yang")  # mother of 张一诺, born three months ago
    late = BIRTH_CERTIFICATES["late"]
    login(client, "liu_yang")
    html = check_page(client, late, "father").get_data(as_text=True)
    assert all(conditions_shown(html).values())
    assert 'id="late-notice"' in html and "逾期申报" in html and "现在申报出生登记" in html

    created = file_api(client, api_token(client, "liu_yang"), number=late, child_name="张一诺")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["data"]["late_registration"] is True
    assert "逾期申报" in body["data"]["late_registration_note"]
    assert body["data"]["station"] == "411002-PS-WYL"  # 张磊's household is kept by 五一路派出所

    with app.app_context():  # the demo seed's clerk at 五一路派出所 handles it
        unit_id = db.session.scalar(select(User.unit_id).where(User.username == "clerk"))
        wyl = db.session.scalar(select(Application.unit_id).where(Application.id == body["id"]))
        assert unit_id != wyl
        assert db.session.scalar(select(User.unit_id).where(User.username == "clerk_wyl")) == wyl

    switch(client, "clerk_wyl")
    detail = client.get(f"/desk/applications/{body['id']}").get_data(as_text=True)
    assert "逾期申报（出生超过一个月）" in detail and "属于逾期申报出生登记" in detail

    approved = approve_api(client, body["id"], clerk="clerk_wyl")
    assert approved.status_code == 200, approved.get_json()
    new_id = approval_payload(app, body["id"])["child_id_number"]
    parsed = parse_citizen_id(new_id, today=TODAY)
    assert parsed.sex == "F" and parsed.birth_date == date(2026, 8, 16)
    assert [(c.name, c.relation) for c in child_members(app, "411002900006")] == [("张一诺", "女")]

    doc = next(d for d in approved.get_json()["documents"] if d["kind"] == "certificate")
    pdf = client.get(doc["url"].replace("http://localhost", ""), headers=api_token(client, "liu_yang"))
    assert pdf.status_code == 200
    text = pdf_text(pdf.data, tmp_path)
    assert "逾期申报出生登记（出生已超过一个月，仍予登记）" in text and new_id in text


# --- who may check and file ----------------------------------------------------------------------------


def test_a_non_parent_cannot_check_or_file_and_learns_nothing(app, client):
    login(client, "citizen2")  # 孙浩: not a parent of 李沐阳
    theirs = check_page(client, ELIGIBLE)
    unknown = check_page(client, "Q999999999")
    assert theirs.status_code == unknown.status_code == 422
    html = theirs.get_data(as_text=True)
    assert newborn_ops.NOT_FOUND_MESSAGE in html
    for secret in ("李沐阳", "李明", "王芳", "许昌市中心医院", (TODAY - timedelta(days=12)).isoformat(), "data-condition"):
        assert secret not in html, secret

    def strip(page):
        return re.sub(r'value="[^"]*"', "", page.get_data(as_text=True))

    assert strip(theirs) == strip(unknown)  # same page for "not yours" and "does not exist"

    headers = api_token(client, "citizen2")
    refused, missing = file_api(client, headers), file_api(client, headers, number="Q999999999")
    assert refused.status_code == missing.status_code == 422
    assert refused.get_json() == missing.get_json() == {"error": "newborn.certificate_not_found",
                                                         "field": "birth_certificate_number",
                                                         "message": newborn_ops.NOT_FOUND_MESSAGE}
    page = post_form(client, "/my/apply/newborn_registration", {**data(), "station": "411002-PS-XDJ"})
    assert page.status_code == 422 and "李明" not in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Application.id))) == 0
        refusals = db.session.scalars(select(AccessLog).where(AccessLog.action == "newborn.check_refused")).all()
        assert {r.actor_label for r in refusals} == {"citizen2"} and len(refusals) >= 4


def test_enterprise_and_staff_accounts_cannot_use_it(app, client):
    refused = file_api(client, api_token(client, "enterprise"))
    assert refused.status_code == 403 and "个人实名账号" in refused.get_json()["message"]
    assert file_api(client, api_token(client, "clerk")).status_code == 403
    login(client, "clerk")
    assert client.get("/newborn/check").status_code == 403


def test_the_check_is_audited(app, client):
    login(client, "citizen")
    check_page(client, ELIGIBLE)
    with app.app_context():
        entry = db.session.scalar(select(AccessLog).where(AccessLog.action == "newborn.eligibility_check"))
        assert entry.actor_label == "citizen" and entry.subject_id == ELIGIBLE
        assert DEMO_IDS["wang_fang"] not in (entry.detail or "")


# --- ID numbers: unique, also under concurrency ---------------------------------------------------------


def _file_and_accept(client, headers, clerk_headers, **kwargs) -> int:
    created = file_api(client, headers, **kwargs)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    assert act_api(client, clerk_headers, application_id, "accept").status_code == 200
    return application_id


def test_two_newborns_with_the_same_birth_date_and_sex_get_different_ids(app, client):
    """Twin boys of 李明 and 王芳, and a boy of 张磊 and 刘洋 born the same day in the same district."""
    born = TODAY - timedelta(days=12)
    add_certificate(app, "Q411000191", name="李沐辰", sex="M", born=born, mother="wang_fang", father="li_ming")
    add_certificate(app, "Q411000192", name="张沐阳", sex="M", born=born, mother="liu_yang", father="zhang_lei")
    add_parent(app, "zhang_lei")
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    first = _file_and_accept(client, citizen, clerk)
    second = _file_and_accept(client, citizen, clerk, number="Q411000191", child_name="李沐辰")
    third = _file_and_accept(client, api_token(client, "zhang_lei"), clerk, number="Q411000192",
                             child_name="张沐阳", station="411002-PS-XDJ")
    for application_id in (first, second, third):
        assert act_api(client, clerk, application_id, "approve").status_code == 200
    ids = [approval_payload(app, a)["child_id_number"] for a in (first, second, third)]
    assert len(set(ids)) == 3
    assert [i[:17] for i in ids] == [f"41100220261104{s:03d}" for s in (1, 3, 5)]
    for number in ids:
        parsed = parse_citizen_id(number, today=TODAY)
        assert parsed.sex == "M" and parsed.birth_date == born
    assert {c.name for c in child_members(app)} == {"李沐阳", "李沐辰"}
    assert [c.relation for c in child_members(app)] == ["子", "子"]


def test_two_approvals_at_the_same_moment_get_different_ids(app, client):
    born = TODAY - timedelta(days=12)
    add_certificate(app, "Q411000191", name="李沐辰", sex="M", born=born, mother="wang_fang", father="li_ming")
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    ids = [_file_and_accept(client, citizen, clerk),
           _file_and_accept(client, citizen, clerk, number="Q411000191", child_name="李沐辰")]
    barrier, errors = threading.Barrier(2), []

    def approve(application_id):
        try:
            with app.app_context():
                clerk_user = db.session.scalar(select(User).where(User.username == "clerk"))
                barrier.wait()
                application_ops.perform_action(application_id=application_id, action="approve", user=clerk_user,
                                               fields={}, now=timeutil.now())
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(a,)) for a in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = [approval_payload(app, a)["child_id_number"] for a in ids]
    assert len(set(numbers)) == 2
    assert sorted(n[:17] for n in numbers) == ["41100220261104001", "41100220261104003"]
    with app.app_context():
        assert db.session.scalar(select(func.count(RegPerson.id)).where(RegPerson.id_number.in_(numbers))) == 2


def test_a_number_committed_by_another_transaction_mid_approval_is_retried(app, client, monkeypatch):
    """The approval reads a stale view (a number that another registration has just committed
    looks free), so the registry refuses to enter the child under it: that savepoint is rolled
    back and the next free number is used, within the same approval."""
    from app.registries.simulated import SimulatedRegistries

    taken = DEMO_IDS["li_ming"]  # any number already in the registry
    original_allocate, original_person = SimulatedRegistries.allocate_citizen_id, SimulatedRegistries.person
    calls = []

    def stale_allocate(self, region_code, birth_date, sex, *, also_taken=()):
        calls.append(set(also_taken))
        if len(calls) == 1:
            return taken
        return original_allocate(self, region_code, birth_date, sex, also_taken=also_taken)

    def stale_person(self, id_number):
        return None if id_number == taken and len(calls) == 1 else original_person(self, id_number)

    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    application_id = _file_and_accept(client, citizen, clerk)
    monkeypatch.setattr(SimulatedRegistries, "allocate_citizen_id", stale_allocate)
    monkeypatch.setattr(SimulatedRegistries, "person", stale_person)
    approved = act_api(client, clerk, application_id, "approve")
    assert approved.status_code == 200, approved.get_json()
    assert calls == [set(), {taken}]
    new_id = approval_payload(app, application_id)["child_id_number"]
    assert new_id != taken and new_id[:17] == "41100220261104001"
    with app.app_context():
        assert get_registries().household_of(taken).household_number == LI_HOUSEHOLD  # 李明 untouched
        assert [c.id_number for c in child_members(app)] == [new_id]


def test_demo_seed_has_the_citizen_and_spouse_as_parents_of_the_eligible_newborn(ctx):
    certificate = get_registries().birth_certificate(ELIGIBLE)
    assert certificate.father_id_number == DEMO_IDS["li_ming"]
    assert certificate.mother_id_number == DEMO_IDS["wang_fang"]
    citizen = db.session.scalar(select(User).where(User.username == "citizen"))
    assert citizen.id_number == DEMO_IDS["li_ming"]
    assert local(2026, 11, 16).date() == TODAY


def test_a_number_inserted_by_a_concurrent_uncommitted_transaction_is_retried(app, client, monkeypatch):
    """Another transaction has inserted the very number this approval will choose but not yet
    committed. PostgreSQL: our insert waits on the unique key, fails once the other commits, and
    the approval retries with the next number. SQLite: BEGIN IMMEDIATE waits for the other writer,
    then the approval reads the numbers in use and picks the next one directly."""
    from app.registries.simulated import SimulatedRegistries

    born = TODAY - timedelta(days=12)
    contested = make_citizen_id("411002", born, 1)
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    application_id = _file_and_accept(client, citizen, clerk)
    calls, errors = [], []
    original = SimulatedRegistries.allocate_citizen_id

    def spy(self, region_code, birth_date, sex, *, also_taken=()):
        calls.append(set(also_taken))
        return original(self, region_code, birth_date, sex, also_taken=also_taken)

    monkeypatch.setattr(SimulatedRegistries, "allocate_citizen_id", spy)
    with app.app_context():
        other = db.engine.connect()
        transaction = other.begin()
        other.execute(RegPerson.__table__.insert().values(
            id_number=contested, name="并发登记", sex="M", birth_date=born, ethnicity="汉族", nationality="CHN",
            hukou_region_code="411002", deceased=False))

        def approve():
            try:
                with app.app_context():
                    clerk_user = db.session.scalar(select(User).where(User.username == "clerk"))
                    application_ops.perform_action(application_id=application_id, action="approve",
                                                   user=clerk_user, fields={}, now=timeutil.now())
            except Exception as exc:  # surfaced below
                errors.append(exc)

        thread = threading.Thread(target=approve)
        thread.start()
        time.sleep(1.5)  # the approval is now waiting on the other transaction
        transaction.commit()
        other.close()
        thread.join(timeout=60)
    assert not errors, errors
    new_id = approval_payload(app, application_id)["child_id_number"]
    assert new_id != contested and new_id[:17] == "41100220261104003"
    if ON_POSTGRES:
        assert calls == [set(), {contested}]
    else:
        assert calls == [set()]
