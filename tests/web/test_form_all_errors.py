"""One submission, every error: a filing form that stops at its own required fields also shows
what the service's rules say of the fields that were filled in."""
from __future__ import annotations

import re

from tests.conftest import csrf_from, login


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
