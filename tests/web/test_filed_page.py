"""The page after filing says what happened: submitted (what comes next and when), refused at
once (every reason and remedy, the way to appeal, no promise of a correction notice), or issued
at once (the permit to download)."""
from __future__ import annotations

from tests.conftest import api_token, login
from tests.operations.helpers import file_criminal_record
from tests.services.test_truck_permit import PLATES
from tests.services.test_truck_permit import _file as file_truck_permit

CORRECTION_PROMISE = "材料不齐全的，承办单位将一次性告知需要补正的全部内容"


def filed_page(client, application_id: int) -> str:
    page = client.get(f"/my/applications/{application_id}/filed")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_submitted_filing_says_what_comes_next_and_when(app, client):
    with app.app_context():
        application_id = file_criminal_record(app, "citizen").id
    login(client, "citizen")
    html = filed_page(client, application_id)
    assert "申请已提交" in html and CORRECTION_PROMISE in html and "受理期限" in html
    assert "申请未获批准" not in html


def test_an_instant_refusal_lists_every_reason_and_the_way_to_appeal(app, client):
    body = file_truck_permit(client, api_token(client, "enterprise"), plate=PLATES["inspection_expired"],
                             zones=["dongcheng"]).get_json()
    assert body["status"] == "rejected", body
    login(client, "enterprise")
    html = filed_page(client, body["id"])
    assert "申请未获批准" in html and "申请已提交" not in html
    assert "不符合核发条件的情形共1项" in html and "整改办法" in html
    assert "行政复议" in html and CORRECTION_PROMISE not in html
    assert "notice-error" in html


def test_an_instant_issue_offers_the_permit(app, client):
    body = file_truck_permit(client, api_token(client, "enterprise")).get_json()
    assert body["status"] == "issued", body
    login(client, "enterprise")
    html = filed_page(client, body["id"])
    assert "已办结：证件已出具" in html and "我的证照" in html and CORRECTION_PROMISE not in html
    certificate = next(d for d in body["documents"] if d["kind"] == "certificate")
    assert f"/documents/{certificate['id']}" in html
