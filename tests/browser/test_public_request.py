"""警民直通车, the main path: a citizen asks, the station answers in writing, the citizen reopens
once, and a second reopening is refused with the reason."""
import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _answer(clerk, base, number, opinion):
    clerk.goto(f"{base}/desk/")
    clerk.click(f"text={number}")
    clerk.click("a.button:has-text('审批通过/办结')")
    clerk.fill("#opinion", opinion)
    clerk.click("input[type=submit]")
    assert "已完成" in clerk.locator(".notice").first.inner_text()


def test_citizen_asks_unit_answers_citizen_reopens_once(live_server, page_for):
    citizen = page_for()
    log_in(citizen, live_server, "citizen")
    citizen.goto(f"{live_server}/my/apply/public_request")
    citizen.select_option("#kind", "enquiry")
    citizen.select_option("#topic", "hukou")
    citizen.fill("#subject", "迁户口要什么材料")
    citizen.fill("#content", "从郑州迁入许昌需要准备哪些材料？")
    citizen.click("input[type=submit][value='提交诉求']")
    citizen.locator("h1:text-is('核对申请信息')").wait_for()
    citizen.click("button[name=step][value=confirm]")
    citizen.wait_for_load_state()
    number = re.search(r"ZT\d{14}", citizen.content()).group(0)
    citizen.screenshot(path="/tmp/direct/filed.png", full_page=True)

    clerk = page_for()
    log_in(clerk, live_server, "clerk")
    clerk.goto(f"{live_server}/desk/?service=public_request")
    clerk.click(f"text={number}")
    clerk.click("a.button:has-text('受理')")
    clerk.click("input[type=submit]")
    assert "已完成：受理" in clerk.locator(".notice").first.inner_text()
    _answer(clerk, live_server, number, "请携带身份证、户口簿和准予迁入证明到西大街派出所办理。")

    citizen.goto(f"{live_server}/my/")
    citizen.locator(f"table a:has-text('{number}')").first.click()
    assert "诉求答复意见书" in citizen.locator("main").inner_text()
    citizen.fill("#reason", "准予迁入证明去哪里开没有说清楚")
    citizen.click("input[type=submit][value='申请重新办理']")
    assert "已申请重新办理" in citizen.locator(".notice").first.inner_text()
    assert "审查中" in citizen.locator("main").inner_text()

    _answer(clerk, live_server, number, "准予迁入证明由迁入地派出所开具。")
    citizen.reload()
    refused = citizen.locator("#reopen-refused")
    assert "重新办理只能申请一次" in refused.inner_text()
    assert citizen.locator("input[type=submit][value='申请重新办理']").count() == 0
    citizen.screenshot(path="/tmp/direct/reopen_refused.png", full_page=True)
