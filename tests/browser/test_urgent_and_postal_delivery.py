"""加急办 and 办件寄递 as people click them: the citizen asks for urgent handling and chooses
delivery by post, the head approves (the due date shown changes), the clerk issues and records
the waybill, and the public tracking page follows the parcel from 已寄出 to 已送达."""
import re

import pytest

from app.couriers import SimulatedCourier
from app.operations.courier_poll import poll_couriers
from tests.browser.conftest import log_in, submit_application
from tests.conftest import local

pytestmark = pytest.mark.browser


def _desk_action(page, base: str, application_id: str, label: str, fill=None) -> None:
    page.goto(f"{base}/desk/applications/{application_id}")
    page.click(f"a.button:has-text('{label}')")
    if fill:
        fill(page)
    page.click("input[type=submit]")
    assert "已完成" in page.locator(".notice").first.inner_text()


def test_urgent_approved_then_posted_and_delivered(app, live_server, page_for):
    citizen = page_for()
    log_in(citizen, live_server, "citizen")
    citizen.goto(f"{live_server}/my/apply/criminal_record")
    citizen.fill("#purpose", "入职")
    citizen.check("input[name=delivery_method][value=post]")
    citizen.fill("#recipient_name", "王小明")
    citizen.fill("#recipient_phone", "13912345678")
    citizen.fill("#recipient_address", "许昌市魏都区建设路88号")
    submit_application(citizen)
    number = re.search(r"FZ\d{14}", citizen.content()).group(0)
    tracking_url = citizen.locator("a[href*='/t/']").first.get_attribute("href")

    clerk = page_for()
    log_in(clerk, live_server, "clerk")
    clerk.goto(f"{live_server}/desk/")
    clerk.click(f"text={number}")
    application_id = re.search(r"/desk/applications/(\d+)", clerk.url).group(1)
    _desk_action(clerk, live_server, application_id, "受理")

    citizen.goto(f"{live_server}/my/applications/{application_id}")
    before = citizen.locator("table").first.inner_text()
    assert "2026-11-17 23:59" in before  # 1 working day promised
    citizen.fill("#urgent_reason", "入职体检定于明日上午")
    citizen.click("input[type=submit][value='申请加急办']")
    assert "待负责人审批" in citizen.locator("#urgent").inner_text()

    head = page_for()
    log_in(head, live_server, "supervisor")
    head.goto(f"{live_server}/supervisor/")
    assert "入职体检定于明日上午" in head.locator("section[aria-labelledby=urgent-title]").inner_text()
    head.click("section[aria-labelledby=urgent-title] a.button:has-text('批准加急办')")
    head.fill("#reason", "情况属实，予以加急")
    head.click("input[type=submit]")
    assert "已完成" in head.locator(".notice").first.inner_text()

    citizen.reload()
    after = citizen.locator("table").first.inner_text()
    assert "2026-11-16 14:30" in after and "2026-11-17 23:59" not in after  # 0.5 working day = 3.5 office hours from 10:00
    assert "已批准加急办" in citizen.locator("#urgent").inner_text()

    _desk_action(clerk, live_server, application_id, "审批通过")
    _desk_action(clerk, live_server, application_id, "发证")
    _desk_action(clerk, live_server, application_id, "登记寄递运单",
                 fill=lambda page: (page.select_option("#courier", "ems"), page.fill("#tracking_number", "EA123456789CN")))

    stranger = page_for(viewport=(390, 844))
    stranger.goto(tracking_url)
    card = stranger.locator("#delivery").inner_text()
    assert "已寄出" in card and "EA*******89CN" in card
    body = stranger.locator("main").inner_text()
    assert "EA123456789CN" not in body and "13912345678" not in body and "建设路" not in body

    citizen.reload()
    mine = citizen.locator("#delivery").inner_text()
    assert "EA123456789CN" in mine and "13912345678" in mine

    with app.app_context():
        assert poll_couriers(now=local(2026, 11, 18, 10), courier=SimulatedCourier())
    stranger.reload()
    assert "已送达" in stranger.locator("#delivery").inner_text()
    stranger.screenshot(path="/tmp/delivery/tracking-delivered.png", full_page=True)
    citizen.reload()
    citizen.screenshot(path="/tmp/delivery/citizen-delivered.png", full_page=True)
