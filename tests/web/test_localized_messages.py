"""Messages built in the domain are shown in the request's language: their parameters (other
messages, names known in both languages, dates, lists) are translated too, and a refusal
passed on by its `.message` keeps its template."""
from datetime import date

from app.domain.catalogue.base import RuleViolation
from app.domain.catalogue.newborn_registration import PROVINCE_NAME
from app.domain.text import N_, Bilingual, Message, Sentences
from app.operations import OperationError, localize


def _in(app, lang: str):
    return app.test_request_context("/", headers={"Cookie": f"lang={lang}"})


def test_a_message_is_the_chinese_text_and_keeps_its_template():
    message = Message(N_("还剩%(n)s天"), {"n": 3})
    assert message == "还剩3天" and "3天" in message
    assert (message.template, message.params) == ("还剩%(n)s天", {"n": 3})


def test_parameters_are_localised_in_english(app):
    reason = Message(N_("父母于%(married)s登记结婚，新生儿属婚内生育。"), {"married": date(2018, 10, 1)})
    with _in(app, "en"):
        assert localize(N_("登记信息已变化：%(reason)s请作出不予登记决定。"), {"reason": reason}) == (
            "The registration details have changed: The parents married on 1 October 2018, so the child was "
            "born in wedlock. Please make a decision not to register.")
        assert localize(N_("新生儿在%(province)s内出生，已取得《出生医学证明》（%(hospital)s）。"),
                        {"province": PROVINCE_NAME, "hospital": "许昌市中心医院"}) == (
            "The child was born in Henan Province and has a Birth Medical Certificate (许昌市中心医院).")
        names = [Bilingual("营业执照", "Business licence"), Bilingual("章程", "Articles")]
        assert "(Business licence, Articles)" in localize(
            N_("主审要件（%(materials)s）不齐全，不能容缺受理；可补齐后申请，或不申请容缺受理直接提交，由承办单位一次性告知补正。"),
            {"materials": names})


def test_the_same_parameters_read_as_before_in_chinese(app):
    names = [Bilingual("营业执照", "Business licence"), Bilingual("章程", "Articles")]
    sentences = Sentences([Message(N_("新生儿属婚内生育")), Message(N_("父母双方民族不同"))])
    for context in (_in(app, "zh"), None):
        if context is not None:
            context.push()
        try:
            assert localize(N_("主审要件（%(materials)s）不齐全，不能容缺受理；可补齐后申请，或不申请容缺受理直接提交，"
                               "由承办单位一次性告知补正。"), {"materials": names}).startswith("主审要件（营业执照、章程）")
            assert localize(N_("%(reasons)s"), {"reasons": sentences}) == "新生儿属婚内生育父母双方民族不同"
            assert localize(N_("父母于%(married)s登记结婚，新生儿属婚内生育。"), {"married": date(2018, 10, 1)}) == (
                "父母于2018年10月1日登记结婚，新生儿属婚内生育。")
        finally:
            if context is not None:
                context.pop()


def test_a_refusal_passed_on_by_its_message_is_still_translated(app):
    violation = RuleViolation("x", N_("外国人须在本地居住满%(days)s日方可申请开具无犯罪记录证明。"), None, {"days": 180})
    error = OperationError(violation.code, violation.message)
    assert str(error) == "外国人须在本地居住满180日方可申请开具无犯罪记录证明。"
    with _in(app, "en"):
        assert error.message == ("Foreign nationals must have lived here for at least 180 days before they can "
                                 "apply for a no-criminal-record certificate.")


def test_a_refused_truck_permit_gives_its_reasons_in_english(client):
    """The checks' findings are stored in Chinese with their templates; the holder's page shows
    them in the visitor's language (the permit list, read back from the stored check)."""
    from tests.conftest import api_token, csrf_from, login
    from tests.services.test_truck_permit import PLATES
    from tests.services.test_truck_permit import _file as file_truck_permit

    headers = api_token(client, "enterprise")
    refused = file_truck_permit(client, headers, plate=PLATES["inspection_expired"], zones=["dongcheng"]).get_json()
    assert refused["status"] == "rejected"
    login(client, "enterprise")
    html = client.get("/").get_data(as_text=True)
    client.post("/prefs/language", data={"csrf_token": csrf_from(html), "lang": "en", "next": "/"})
    response = client.get("/my/permits/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The vehicle&#39;s inspection" in page
    assert "车辆检验有效期" not in page
