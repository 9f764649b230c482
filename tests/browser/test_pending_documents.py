"""While a document is still being rendered by a background job, the page says “生成中” and
turns it into a download link by itself once it is ready, without reloading the page."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.browser.conftest import log_in, submit_application
from tests.conftest import HeldDispatcher

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def held_server(database_uri, clock):
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, SERVER_NAME=None)
    held = application.extensions["jobs"] = HeldDispatcher(application)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    application.config["PUBLIC_BASE_URL"] = base  # as `flask serve` sets it
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, held
    server.shutdown()
    thread.join(timeout=10)


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport, name", [((1280, 900), "desktop"), ((390, 844), "phone")])
def test_the_receipt_shows_generating_then_becomes_a_link_without_a_reload(held_server, page_for, viewport, name):
    base, held = held_server
    citizen = page_for(viewport=viewport)
    log_in(citizen, base, "citizen")
    citizen.goto(f"{base}/my/apply/criminal_record")
    citizen.fill("#purpose", "入职")
    submit_application(citizen)
    assert citizen.locator("h1").first.inner_text() == "申请已提交"
    pending = citizen.locator("[data-document-status]")
    assert pending.count() == 1 and "生成中" in pending.inner_text()
    assert citizen.locator("a:has-text('收件回执（PDF）')").count() == 0
    _shot(citizen, f"pending-{name}")
    citizen.evaluate("window.notReloaded = true")

    held.run()  # the worker renders the receipt
    link = citizen.locator("a:has-text('收件回执（PDF）')")
    link.wait_for(timeout=20_000)
    assert citizen.evaluate("window.notReloaded") is True  # swapped in place
    assert citizen.locator("[data-document-status]:not([data-done])").count() == 0
    _shot(citizen, f"ready-{name}")
    with citizen.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith("-receipt.pdf")
