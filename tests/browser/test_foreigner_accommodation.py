"""境外人员住宿登记 in the browser: a host files a late report through the form, sees it
registered with its receipt, and the clerk of the address's station finds it flagged late,
with the passport number masked."""
import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, submit_application

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/lodging")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_host_files_a_late_report_and_the_station_clerk_sees_it_flagged(live_server, page_for):
    host = page_for()
    log_in(host, live_server, "citizen")
    host.goto(f"{live_server}/my/apply/foreigner_accommodation")
    host.check("#filer_role-0")  # 留宿人
    host.fill("#foreigner_name", "SMITH JOHN")
    host.fill("#nationality", "USA")
    host.fill("#passport_number", "E12345678")
    host.select_option("#visa_type", "S")
    host.fill("#arrived_at", "2026-11-14T08:00")  # two days before now (2026-11-16 10:00): late
    host.select_option("#region_code", "411002")
    host.fill("#address", "五一路88号3单元502室")
    host.fill("#expected_departure", "2026-12-01")
    host.fill("#host_name", "李明")
    host.select_option("#host_relation", "friend")
    shot(host, "form")
    submit_application(host)
    shot(host, "filed")
    text = host.locator("main").inner_text()
    number = re.search(r"ZS\d{14}", text).group(0)
    assert host.locator("a[href*='/documents/']").filter(has_text="境外人员住宿登记回执").count() >= 1

    clerk = page_for()
    log_in(clerk, live_server, "clerk_wyl")  # 五一路派出所: the first station of 魏都区
    clerk.goto(f"{live_server}/desk/")
    shot(clerk, "clerk-queue")
    row = clerk.locator("#accommodation-title ~ table tr").filter(has_text=number)
    assert row.count() == 1
    assert "逾期申报" in row.inner_text()
    assert "E12345678" not in clerk.content()
    row.locator("a").click()
    clerk.wait_for_load_state()
    shot(clerk, "clerk-detail")
    assert "是（逾期申报）" in clerk.locator("main").inner_text()
    assert "E12345678" not in clerk.content()
