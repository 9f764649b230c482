"""Browser tests: the real app served on a free loopback port, driven by Debian's chromium
through Playwright. `make test` installs chromium; without it these tests fail (not skip)."""
from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_server(database_uri, clock):
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    application.config["PUBLIC_BASE_URL"] = base  # links in documents and QR codes, as `flask serve` sets it
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page_for(browser):
    contexts = []

    def make(viewport=(1280, 900)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, base: str, username: str, password: str = "demo-pass-2026") -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def open_from_queue(page, number: str) -> None:
    """Open an application from the clerk's queue and wait until its page has loaded: a count
    taken straight after the click could still be reading the queue."""
    page.click(f"text={number}")
    page.wait_for_url(re.compile(r"/desk/applications/\d+$"))
    page.wait_for_load_state()


def submit_application(page) -> None:
    """Submit a filled-in filing form, then confirm on the check-your-answers page."""
    page.click("input[type=submit][value='提交申请']")
    page.locator("h1:text-is('核对申请信息')").wait_for()
    page.click("button[name=step][value=confirm]")
    page.wait_for_load_state()


def file_criminal_record(page, base: str, purpose: str = "入职") -> str:
    """A citizen signed in on `page` files a no-criminal-record request through the form; its 办件编号."""
    page.goto(f"{base}/my/apply/criminal_record")
    page.fill("#purpose", purpose)
    submit_application(page)
    return re.search(r"FZ\d{14}", page.content()).group(0)
