"""Without the QR code: a citizen finds a matter by the 办件编号 on the receipt (and the phone's
last four digits), and a certificate is verified by its number and printed 核验码."""
import os
import re

import pytest
from sqlalchemy import select

from app import create_app
from app.documents.signing import check_code
from app.extensions import db
from app.models.applications import Certificate
from tests.browser.conftest import file_criminal_record as file_in_browser
from tests.browser.conftest import log_in
from tests.operations.helpers import act, file_criminal_record

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], f"{name}.png"), full_page=True)


def test_a_matter_found_by_its_number_from_the_home_page(live_server, page_for):
    citizen = page_for()
    log_in(citizen, live_server, "citizen")
    number = file_in_browser(citizen, live_server)

    visitor = page_for(viewport=(390, 844))
    visitor.goto(live_server)
    visitor.fill("#track-token", number.lower())
    visitor.click(".track-form button[type=submit]")
    assert "/t/lookup" in visitor.url
    assert visitor.input_value("#number") == number
    visitor.fill("#last_four", "9999")
    visitor.click("input[type=submit]")
    assert "未找到与该办件编号和号码后四位相符的办件" in visitor.locator("main").inner_text()
    visitor.fill("#last_four", "0001")  # 李明's phone, 13803740001
    visitor.click("input[type=submit]")
    shot(visitor, "lookup-found-phone")
    assert re.search(r"/t/[A-Za-z0-9_-]{20,}$", visitor.url)
    body = visitor.locator("main").inner_text()
    assert number in body and "待受理" in body and "李明" not in body


def test_a_certificate_verified_by_number_and_code(live_server, page_for, database_uri):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, SERVER_NAME=None, PUBLIC_BASE_URL=live_server)
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        for action in ("accept", "approve", "issue"):
            act(application, action, "clerk")
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application.id))
        number, code = certificate.number, check_code(certificate.signature)
        db.session.remove()
        db.engine.dispose()

    page = page_for()
    page.goto(f"{live_server}/verify")
    page.fill("#verify-number", number)
    page.fill("#verify-code", code.lower().replace("-", ""))
    page.click("main button[type=submit]")
    assert "该证明真实有效" in page.locator("main").inner_text()
    page.goto(f"{live_server}/verify/{number}")  # the number alone: asked for the code, not called forged
    text = page.locator("main").inner_text()
    assert "请输入证明上印制的8位核验码" in text and "不是本平台出具" not in text
    shot(page, "verify-asks-for-code")
