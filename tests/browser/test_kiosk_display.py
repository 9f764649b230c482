"""The hall in a real browser: a walk-in ticket from the kiosk, called from a clerk's window,
appears on the public display (which refreshes itself through static/js/display.js, with no
reload) and on the ticket page the visitor follows on a phone."""
import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

UNIT = "411002-PS-XDJ"  # 西大街派出所, where the demo `clerk` works


def test_walk_in_ticket_is_called_at_a_window_and_shown_on_the_display(live_server, page_for):
    errors = []

    def watch(page):
        # Script errors and CSP violations; failed requests other than the browser's own favicon probe.
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
        return page

    # The display is up in the hall before anything is called.
    display = watch(page_for(viewport=(1920, 1080)))
    display.goto(f"{live_server}/display/{UNIT}")
    assert "暂无叫号" in display.locator("#latest-call").inner_text()

    # A visitor takes a walk-in ticket at the kiosk.
    kiosk = watch(page_for(viewport=(1080, 1920)))
    kiosk.goto(f"{live_server}/kiosk/{UNIT}")
    kiosk.click("button.big-button:has-text('无犯罪记录证明')")
    number = kiosk.locator(".ticket-number").inner_text().strip()
    assert number == "B001"
    assert "前面还有" in kiosk.locator("main").inner_text()
    ticket_url = kiosk.url.replace("?kiosk=1", "")

    phone = watch(page_for(viewport=(390, 844)))
    phone.goto(ticket_url)
    assert phone.locator(".ticket-number").inner_text().strip() == number

    # A clerk logs in through the form, sits at window 1 and calls the next ticket.
    clerk = watch(page_for())
    log_in(clerk, live_server, "clerk")
    clerk.goto(f"{live_server}/window/")
    clerk.click("button[name=number][value='1']")
    clerk.click("button:has-text('呼叫下一位')")
    assert f"已呼叫{number}" in clerk.locator(".notice").first.inner_text()
    assert clerk.locator(".current-number").inner_text().strip() == number

    # The display picks the call up by itself (polling), without a reload.
    display.wait_for_function(
        "number => document.querySelector('#latest-call').textContent.includes(number)", arg=number, timeout=15000)
    latest = display.locator("#latest-call").inner_text()
    assert number in latest and "1" in latest and "号窗口" in latest
    assert display.locator("#waiting").inner_text() == "0"

    phone.reload()
    assert "请到 1 号窗口办理" in phone.locator("main").inner_text()
    assert not errors, errors  # no script errors, no CSP violations
