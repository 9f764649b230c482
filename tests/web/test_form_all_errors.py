"""One submission, every error: a filing form that stops at its own required fields also shows
what the service's rules say of the fields that were filled in."""
from __future__ import annotations

import re

from app.seed import DEMO_IDS
from tests.conftest import api_token, csrf_from, login
from tests.services.test_seal_engraving import complete_as_shop, file_api


def test_the_seal_form_shows_a_bad_id_and_phone_with_the_missing_choices(client):
    login(client, "enterprise")
    page = client.get("/my/apply/seal_engraving").get_data(as_text=True)
    answer = client.post("/my/apply/seal_engraving", data={
        "csrf_token": csrf_from(page), "legal_rep_id_number": "411002199003151230", "legal_rep_phone": "12345"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    messages = re.findall(r'class="error-message"[^>]*>([^<]+)<', html)
    assert any("校验位" in m for m in messages), messages  # the ID's check character
    assert any("11位手机号码" in m for m in messages), messages
    assert any("刻章单位" in m for m in messages) and any("印章" in m for m in messages), messages
    assert "提交的内容有4处需要修改" in html
    assert 'value="411002199003151230"' in html and 'value="12345"' in html  # what was typed is kept


def held_company_seal_and_finance_seal_applied_for(client, app) -> None:
    """The demo enterprise holds a 公章 (made and recorded) and has a 财务专用章 being made."""
    headers = api_token(client, "enterprise")
    made = file_api(client, app, headers, seals=("company",))
    assert made.status_code == 201, made.get_json()
    complete_as_shop(client, made.get_json()["id"])
    pending = file_api(client, app, headers, seals=("finance",))
    assert pending.status_code == 201, pending.get_json()


FIVE_WRONG = {"legal_rep_id_number": DEMO_IDS["li_ming"],  # a real person, not the legal representative
              "legal_rep_phone": "12345", "seals": ["company", "finance"]}  # and no shop chosen


def test_the_seal_form_shows_five_problems_of_the_schema_and_the_registries_at_once(app, client):
    held_company_seal_and_finance_seal_applied_for(client, app)
    client = app.test_client()
    login(client, "enterprise")
    page = client.get("/my/apply/seal_engraving").get_data(as_text=True)
    answer = client.post("/my/apply/seal_engraving", data={"csrf_token": csrf_from(page), **FIVE_WRONG})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "提交的内容有5处需要修改" in html
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    for expected in ("与市场主体登记信息不一致", "11位手机号码", "请选择一家已备案的刻章单位", "本企业已持有公章",
                     "正在办理的财务专用章"):
        assert expected in summary, (expected, summary)
    assert f'value="{DEMO_IDS["li_ming"]}"' in html and 'value="12345"' in html  # what was typed is kept
