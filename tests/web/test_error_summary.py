"""GOV.UK's error summary: a submission with problems opens with all of them listed at the top,
each a link to its field (whose id exists on the page), and the page loads the script that
moves the focus there."""
from __future__ import annotations

import re

from tests.conftest import csrf_from, login


def summary_links(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert box, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))


def test_every_problem_is_listed_at_the_top_with_a_link_to_its_field(client):
    login(client, "enterprise")
    page = client.get("/my/apply/seal_engraving").get_data(as_text=True)
    assert "error-summary" not in page  # nothing to say before a submission
    answer = client.post("/my/apply/seal_engraving", data={"csrf_token": csrf_from(page), "legal_rep_id_number": "",
                                                          "legal_rep_phone": ""})
    html = answer.get_data(as_text=True)
    links = summary_links(html)
    assert answer.status_code == 422 and len(links) == 4, links
    assert "提交的内容有4处需要修改" in html
    for field_id, text in links:
        assert f'id="{field_id}"' in html, field_id
        assert "：" in text
    assert "js/error_summary.js" in html
    assert html.index("error-summary") < html.index("<form method=\"post\" enctype")


def test_the_password_form_lists_its_problems_too(client):
    login(client, "citizen")
    page = client.get("/account/password").get_data(as_text=True)
    answer = client.post("/account/password", data={"csrf_token": csrf_from(page), "current_password": "wrong-pass-1",
                                                    "password": "short", "password_confirm": "other"})
    assert {field_id for field_id, _ in summary_links(answer.get_data(as_text=True))} == {
        "current_password", "password", "password_confirm"}
