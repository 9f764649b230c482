"""违诺认定 in a browser at desktop width: the applicant states a justified cause on the
application page after a missed 容缺 deadline; the head reads it on the review page and decides."""
import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.conftest import api_token
from tests.services.test_untrue_review import revoked_unit_query

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_cause_page_and_review_page(app, client, clock, live_server, page_for):
    application_id = revoked_unit_query(app, client, clock)
    api_token(client, "enterprise")  # the case is set up through the API; the rest in the browser

    page = page_for((1280, 900))
    log_in(page, live_server, "enterprise")
    page.goto(f"{live_server}/my/applications/{application_id}")
    section = page.locator("section[aria-labelledby=untrue-title]")
    assert "2026-11-25 23:59" in section.inner_text()
    section.locator("input[value=other_agency_delay]").check()
    section.locator("textarea[name=statement]").fill(
        "用人单位介绍信须经主管部门盖章，主管部门11月17日系统故障未能办理，11月19日方出具。")
    _shot(page, "applicant-cause-page")
    section.locator("input[type=submit]").click()
    page.wait_for_load_state()
    assert "理由已提交" in page.content()
    _shot(page, "applicant-cause-stated")

    head = page_for((1280, 900))
    log_in(head, live_server, "supervisor")
    head.goto(f"{live_server}/supervisor/")
    head.click("text=可作出决定")
    head.wait_for_load_state()
    assert "主管部门11月17日系统故障" in head.content()
    head.locator("input[value=not_list_untrue]").check()
    head.locator("textarea[name=reason]").fill("经向主管部门核实，其系统故障属实，逾期系其他部门办理延误所致，有正当理由。")
    _shot(head, "supervisor-review-page")
    head.locator("input[type=submit][value=作出决定]").click()
    head.wait_for_load_state()
    assert "已决定不予列入违诺名单" in head.content()
    _shot(head, "supervisor-review-decided")
