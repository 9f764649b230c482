"""The whole citizen loop in English: switch the language, sign in, file a no-criminal-record
request, see the page after filing, the application, the dashboard and the wallet; a clerk
accepts, approves and issues (in Chinese, through the forms); the citizen sees the decision and
its documents. Then the newborn self-check and certificate verification. No page the citizen
sees may show a Chinese character, except the people's own names and the registry's names of
places (the hospital), which stay as they are written."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from app import create_app
from app.documents.signing import check_code
from app.extensions import db
from app.models.applications import Certificate
from tests.browser.conftest import log_in
from tests.conftest import csrf_from, login

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # Han characters and CJK punctuation
# What may stay Chinese: the demo citizen 李明 (masked 李*), the newborn 李沐阳 and the hospital
# on the birth certificate, as the registries hold them.
OWN_NAMES = ("李沐阳", "李明", "李*", "许昌市中心医院")


# Chinese on every page by design: the brand mark and the button that switches to Chinese.
BY_DESIGN = {".brand-mark": "警", "button[name=lang][value=zh]": "中文"}


def chinese_left(page) -> list[str]:
    """The lines of the page's visible text that still hold Chinese once the known names and
    the two by-design elements are taken out."""
    text = page.evaluate("document.body.innerText")
    lines = [line.strip() for line in text.splitlines()]
    for selector, expected in BY_DESIGN.items():
        assert page.locator(selector).inner_text().strip() == expected, selector
        lines.remove(expected)
    for name in OWN_NAMES:
        lines = [line.replace(name, "") for line in lines]
    return [line for line in lines if CJK.search(line)]


def assert_english(page, name: str) -> None:
    shot(page, name)
    assert page.locator("html").get_attribute("lang") == "en", name
    assert chinese_left(page) == [], f"{name} ({page.url}) shows Chinese:\n" + "\n".join(chinese_left(page))


def shot(page, name: str) -> None:
    directory = os.environ.get("SCREENSHOT_DIR")
    if directory:
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


@pytest.fixture
def staff(database_uri, live_server):
    """A clerk working through the HTML forms of the same server's database (in Chinese)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, SERVER_NAME=None, PUBLIC_BASE_URL=live_server)
    client = app.test_client()
    yield app, client
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _post(client, url: str, data: dict) -> int:
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_from(page)}).status_code


def test_the_citizen_loop_in_english(live_server, page_for, staff):
    citizen = page_for()
    citizen.goto(live_server)
    citizen.click("button[name=lang][value=en]")
    assert citizen.locator("html").get_attribute("lang") == "en"
    assert_english(citizen, "en-home")

    log_in(citizen, live_server, "citizen")
    citizen.goto(f"{live_server}/my/apply/criminal_record")
    assert_english(citizen, "en-apply")
    citizen.fill("#purpose", "Job application")
    citizen.click("input[type=submit][value='Submit application']")
    assert citizen.locator("h1").first.inner_text() == "Check your answers"
    assert_english(citizen, "en-check-answers")
    citizen.click("button[name=step][value=confirm]")
    number = re.search(r"FZ\d{14}", citizen.content()).group(0)
    assert citizen.locator("h1").first.inner_text() == "Application submitted"
    assert_english(citizen, "en-filed")

    application_id = int(re.search(r"/my/applications/(\d+)", citizen.url).group(1))
    citizen.goto(f"{live_server}/my/applications/{application_id}")
    assert number in citizen.locator("main").inner_text()
    assert_english(citizen, "en-detail-submitted")
    citizen.goto(f"{live_server}/my/")
    assert number in citizen.locator("main").inner_text()
    assert_english(citizen, "en-dashboard")

    _app, clerk = staff
    login(clerk, "clerk")
    desk = f"/desk/applications/{application_id}"
    claimed = clerk.post(f"{desk}/claim", data={"csrf_token": csrf_from(clerk.get(desk).get_data(as_text=True))})
    assert claimed.status_code == 302
    for action in ("accept", "approve", "issue"):
        assert _post(clerk, f"{desk}/actions/{action}", {}) == 302, action

    citizen.goto(f"{live_server}/my/applications/{application_id}")
    main = citizen.locator("main").inner_text()
    assert "No-criminal-record certificate (PDF)" in main and "Notice of acceptance (PDF)" in main
    assert "Receipt (PDF)" in main
    assert_english(citizen, "en-detail-issued")
    citizen.goto(f"{live_server}/my/")
    assert_english(citizen, "en-dashboard-issued")
    citizen.goto(f"{live_server}/my/wallet")
    assert "No-criminal-record certificate" in citizen.locator("main").inner_text()
    assert_english(citizen, "en-wallet")

    phone = page_for(viewport=(360, 780))
    phone.goto(live_server)
    phone.click("button[name=lang][value=en]")
    log_in(phone, live_server, "citizen")
    phone.goto(f"{live_server}/my/applications/{application_id}")
    assert_english(phone, "en-detail-issued-phone")

    # The newborn self-check: the five conditions and what was found, in English.
    citizen.goto(f"{live_server}/newborn/check")
    assert_english(citizen, "en-newborn-check")
    citizen.fill("#birth_certificate_number", "Q411000101")
    citizen.click("input[type=submit]")
    result = citizen.locator("main").inner_text()
    assert "The child was born in wedlock" in result and "Henan Province" in result
    assert citizen.locator("#verdict").get_attribute("data-eligible") == "true"
    assert_english(citizen, "en-newborn-result")
    phone.goto(f"{live_server}/newborn/check")
    phone.fill("#birth_certificate_number", "Q411000101")
    phone.click("input[type=submit]")
    assert_english(phone, "en-newborn-result-phone")

    # The certificate, verified by anyone holding its number and code.
    app, _client = staff
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application_id))
        certificate_number, code = certificate.number, check_code(certificate.signature)
        db.session.remove()
    citizen.goto(f"{live_server}/verify")
    assert_english(citizen, "en-verify")
    citizen.fill("#verify-number", certificate_number)
    citizen.fill("#verify-code", code)
    citizen.click("main button[type=submit]")
    assert "genuine" in citizen.locator("main").inner_text().lower()
    assert_english(citizen, "en-verify-genuine")
