"""The paths people click: a citizen files and follows the QR link; a clerk claims and accepts."""

import pytest

from tests.browser.conftest import file_criminal_record, log_in

pytestmark = pytest.mark.browser


def test_citizen_files_and_tracks_by_the_qr_link_then_clerk_claims_and_accepts(live_server, page_for):
    citizen = page_for()
    log_in(citizen, live_server, "citizen")
    number = file_criminal_record(citizen, live_server)
    assert citizen.locator("h1").first.inner_text() == "申请已提交"
    assert citizen.locator(".qr svg").count() == 1
    tracking_url = citizen.locator("a[href*='/t/']").first.get_attribute("href")

    # Anyone holding the QR link (no login) sees the progress, masked.
    stranger = page_for(viewport=(390, 844))
    stranger.goto(tracking_url)
    body = stranger.locator("main").inner_text()
    assert number in body and "待受理" in body and "李明" not in body and "李*" in body

    clerk = page_for()
    log_in(clerk, live_server, "clerk")
    clerk.goto(f"{live_server}/desk/")
    clerk.click(f"text={number}")
    clerk.click("button:has-text('认领')")
    assert "已认领该办件" in clerk.locator(".notice").first.inner_text()
    clerk.click("a.button:has-text('受理')")
    clerk.click("input[type=submit]")
    assert "已完成：受理" in clerk.locator(".notice").first.inner_text()

    stranger.reload()
    assert "审查中" in stranger.locator("main").inner_text()
