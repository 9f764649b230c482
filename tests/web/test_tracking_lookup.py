"""查询办理进度 by 办件编号: the printed number plus the last four digits of the applicant's
phone (an enterprise's credit code too) leads to the tracking page; a wrong pair and an unknown
number get the same answer; tries are limited per address and per number; the home page's box
takes a number as well as a tracking link."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import AccessLog
from app.models.applications import Application
from tests.conftest import csrf_from
from tests.operations.helpers import file_criminal_record
from tests.services.test_seal_engraving import file_api as file_seals

CITIZEN_PHONE_TAIL = "0001"  # 李明, 13803740001 (app/seed.py)
NOT_FOUND = "未找到与该办件编号和号码后四位相符的办件"


def lookup(client, number: str, last_four: str, address: str = "198.51.100.20"):
    page = client.get("/t/lookup", environ_base={"REMOTE_ADDR": address})
    return client.post("/t/lookup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "number": number,
                                          "last_four": last_four}, environ_base={"REMOTE_ADDR": address})


def filed(app) -> Application:
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        db.session.expunge(application)
        return application


def test_the_number_and_the_phones_last_four_lead_to_the_tracking_page(app, client):
    application = filed(app)
    found = lookup(client, application.number.lower(), CITIZEN_PHONE_TAIL)
    assert found.status_code == 303
    assert found.headers["Location"].endswith(f"/t/{application.tracking_token}")
    page = client.get(found.headers["Location"]).get_data(as_text=True)
    assert application.number in page


def test_a_wrong_pair_and_an_unknown_number_get_the_same_answer(app, client):
    application = filed(app)
    wrong = lookup(client, application.number, "9999")
    unknown = lookup(client, "FZ20990101999999", CITIZEN_PHONE_TAIL)
    assert wrong.status_code == unknown.status_code == 404
    for answer in (wrong, unknown):
        html = answer.get_data(as_text=True)
        assert NOT_FOUND in html and application.tracking_token not in html and "李明" not in html
    with app.app_context():
        actions = db.session.scalars(select(AccessLog.action).where(AccessLog.action.like("tracking.lookup.%"))).all()
    assert actions == ["tracking.lookup.not_found", "tracking.lookup.not_found"]


def test_an_enterprise_matter_is_found_by_its_credit_codes_last_four(app, client):
    created = file_seals(client, app)
    assert created.status_code == 201, created.get_json()
    with app.app_context():
        application = db.session.get(Application, created.json["id"])
        number, token, uscc = application.number, application.tracking_token, application.organisation.uscc
    found = lookup(client, number, uscc[-4:].lower())
    assert found.status_code == 303 and found.headers["Location"].endswith(f"/t/{token}")


def test_every_field_error_at_once_and_what_was_typed_kept(client):
    empty = lookup(client, "", "")
    html = empty.get_data(as_text=True)
    # Each under its field and both in the error summary at the top.
    assert empty.status_code == 422 and html.count("此项为必填项") == 4 and "提交的内容有2处需要修改" in html
    short = lookup(client, "FZ20261201000001", "12")
    assert short.status_code == 422 and "请填写4位数字或字母" in short.get_data(as_text=True)
    assert 'value="FZ20261201000001"' in short.get_data(as_text=True)


def test_tries_are_limited_per_address_and_per_number(app, client):
    application = filed(app)
    answers = [lookup(client, application.number, f"{n:04d}", address="198.51.100.30").status_code
               for n in range(9000, 9011)]
    assert answers[:10] == [404] * 10 and answers[10] == 429
    # From other addresses, the same number is still limited (ten wrong tries an hour).
    spread = [lookup(client, application.number, "8888", address=f"203.0.113.{n}").status_code for n in range(3)]
    assert spread == [429, 429, 429]
    # Another number from another address is not.
    assert lookup(client, "FZ20990101999999", "1234", address="203.0.113.99").status_code == 404


def test_the_home_page_box_takes_a_number_or_a_tracking_link(app, client):
    application = filed(app)
    by_number = client.get("/track", query_string={"token": application.number.lower()})
    assert by_number.status_code == 302 and f"/t/lookup?number={application.number}" in by_number.headers["Location"]
    prefilled = client.get(by_number.headers["Location"]).get_data(as_text=True)
    assert f'value="{application.number}"' in prefilled
    by_link = client.get("/track", query_string={"token": f"http://localhost/t/{application.tracking_token}"})
    assert by_link.headers["Location"].endswith(f"/t/{application.tracking_token}")

