"""At 360 px (the narrowest common phone) no page of the three loops scrolls sideways: the
citizen's (filing, checking the answers, following the matter), the enterprise's, and the
clerk's; in normal and in large text (大字模式)."""
import os
import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

WIDTH = 360
SHOTS = os.environ.get("PHONE_SHOTS")  # a directory: keep a picture of every page looked at


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth") - WIDTH


def widest(page) -> str:
    """The elements reaching past the right edge, for the failure message."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                         + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ')""")


class Walk:
    def __init__(self, page, base: str, label: str):
        self.page, self.base, self.label, self.too_wide = page, base, label, []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        if SHOTS:
            self.page.screenshot(path=os.path.join(SHOTS, f"{self.label}-{name}.png"), full_page=True)
        excess = overflow(self.page)
        if excess > 0:
            self.too_wide.append(f"{name} ({self.page.url}): {excess}px too wide: {widest(self.page)}")

    def visit(self, name: str, path: str) -> None:
        self.page.goto(self.base + path)
        self.check(name)

    def start(self, username: str, *, large_text: bool) -> None:
        """The home page (switching to large text there), then the login page, then log in."""
        self.visit("home", "/")
        if large_text:
            self.page.click("button[name=large][value='1']")
            self.page.wait_for_load_state()
        self.visit("login", "/auth/login")
        log_in(self.page, self.base, username)


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_no_page_of_the_three_loops_scrolls_sideways_at_360_px(live_server, page_for, large_text):
    label = "large" if large_text else "normal"
    citizen = Walk(page_for(viewport=(WIDTH, 740)), live_server, f"{label}-citizen")
    page = citizen.page
    citizen.start("citizen", large_text=large_text)
    citizen.visit("apply", "/my/apply/criminal_record")
    page.fill("#purpose", "入职")
    page.click("input[type=submit][value='提交申请']")
    citizen.check("check-answers")
    page.click("button[name=step][value=confirm]")
    citizen.check("filed")
    number = re.search(r"FZ\d{14}", page.content()).group(0)
    tracking = page.locator("a[href*='/t/']").first.get_attribute("href")
    detail = re.search(r"/my/applications/\d+", page.content()).group(0)
    citizen.visit("detail", detail)
    citizen.visit("dashboard", "/my/")
    citizen.visit("messages", "/my/messages")
    citizen.visit("wallet", "/my/wallet")
    citizen.visit("ratings", "/ratings/")
    citizen.visit("newborn-check", "/newborn/check")
    citizen.visit("verify", "/verify/")
    citizen.visit("lookup", "/t/lookup")
    page.goto(tracking)
    citizen.check("tracking")

    enterprise = Walk(page_for(viewport=(WIDTH, 740)), live_server, f"{label}-enterprise")
    enterprise.start("enterprise", large_text=large_text)
    enterprise.visit("apply-seal", "/my/apply/seal_engraving")
    enterprise.page.click("input[type=submit][value='提交申请']")  # every error at once
    enterprise.check("seal-errors")
    enterprise.visit("apply-truck", "/my/apply/truck_permit")
    enterprise.visit("apply-security", "/my/apply/security_licence")
    enterprise.visit("seals", "/my-seals/")
    enterprise.visit("permits", "/my/permits/")
    enterprise.visit("dashboard", "/my/")

    clerk = Walk(page_for(viewport=(WIDTH, 740)), live_server, f"{label}-clerk")
    clerk.start("clerk", large_text=large_text)
    clerk.visit("queue", "/desk/")
    clerk.page.click(f"text={number}")
    clerk.check("detail")
    clerk.page.click("button:has-text('认领')")
    clerk.check("claimed")
    clerk.page.click("a.button:has-text('受理')")
    clerk.check("action")
    clerk.visit("window", "/window/")

    too_wide = citizen.too_wide + enterprise.too_wide + clerk.too_wide
    assert not too_wide, "\n".join(too_wide)
