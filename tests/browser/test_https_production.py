"""Over HTTPS in production config, through a real browser: a citizen logs in, files and logs
out, and the cookie of that login is refused afterwards.

The portal runs as it is deployed: gunicorn speaking TLS itself (a self-signed certificate made
here), PORTAL_CONFIG=production on PostgreSQL, Celery on a private Redis, files on S3. The point
is that CSRF stays strict over HTTPS (Flask-WTF compares the Referer with the host; the portal's
Referrer-Policy is same-origin) and that the login and filing POSTs of a real browser pass it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.https_server import HttpsPortal, postgres_database, serve_https
from tests.conftest import DEMO_PASSWORD, ON_POSTGRES, csrf_from
from tests.jobs.processes import Processes
from tests.storage.fixtures import s3_bucket, s3_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")
SESSION_COOKIE = "session"


@pytest.fixture
def production_database(request):
    """The suite's fresh database on the PostgreSQL run; on the SQLite run one of our own on the
    machine's PostgreSQL (production refuses SQLite)."""
    if ON_POSTGRES:
        yield request.getfixturevalue("database_uri")
        return
    with postgres_database() as uri:
        yield uri


@pytest.fixture
def https_portal(production_database, s3_server, s3_bucket, tmp_path):  # noqa: F811 (the imported fixtures)
    s3_server.s3_storage(s3_bucket)  # the bucket exists, as in a deployment
    processes = Processes(tmp_path)
    try:
        yield serve_https(processes, database_uri=production_database, s3=s3_server, bucket=s3_bucket,
                          tmp_path=tmp_path)
    finally:
        processes.stop_all()  # before the database is dropped


@pytest.fixture
def https_context(browser):
    """New browser contexts that accept the test's self-signed certificate (the URL stays https)."""
    contexts = []

    def make(cookies: list[dict] | None = None):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                      ignore_https_errors=True)
        contexts.append(context)
        if cookies:
            context.add_cookies(cookies)
        return context

    yield make
    for context in contexts:
        context.close()


def _page_text(page) -> str:
    return f"{page.url}\n{page.content()[:3000]}"


def _session_cookie(context, base: str) -> dict:
    cookies = [c for c in context.cookies(base) if c["name"] == SESSION_COOKIE]
    assert len(cookies) == 1, context.cookies(base)
    return cookies[0]


def _open_with(https_context, cookie: dict, url: str):
    """`url` in a fresh context that carries only `cookie`: the page and the first response."""
    page = https_context([cookie]).new_page()
    response = page.goto(url)
    first = response.request
    while first.redirected_from is not None:
        first = first.redirected_from
    return page, first.response()


def test_over_https_in_production_a_citizen_logs_in_files_and_logs_out_and_the_old_cookie_is_refused(
        https_portal: HttpsPortal, https_context):
    base = https_portal.base
    # The check is strict here: the same login POST without a Referer, or from another site, is
    # refused; so the browser's POSTs below pass it, they do not slip past it.
    probe = https_context().request  # sends no Referer of its own
    token = csrf_from(probe.get(f"{base}/auth/login").text())
    login = {"username": "citizen", "password": DEMO_PASSWORD, "csrf_token": token}
    for headers in ({}, {"Referer": "https://elsewhere.example/auth/login"}):
        refused = probe.post(f"{base}/auth/login", form=login, headers=headers, max_redirects=0)
        assert refused.status == 400 and "表单校验失败" in refused.text(), (headers, refused.status)
    accepted = probe.post(f"{base}/auth/login", form=login, headers={"Referer": f"{base}/auth/login"},
                          max_redirects=0)
    assert accepted.status == 302, accepted.text()[:2000]  # the same request with our own Referer

    context = https_context()
    citizen = context.new_page()

    log_in(citizen, base, "citizen")  # a POST with the CSRF token, checked strictly over HTTPS
    assert citizen.url.startswith(f"{base}/"), citizen.url
    assert "/auth/login" not in citizen.url, f"the login did not go through:\n{_page_text(citizen)}"
    assert "我的账号（citizen）" in citizen.locator("nav.main-nav").inner_text(), _page_text(citizen)
    cookie = _session_cookie(context, base)
    assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax"), cookie

    citizen.goto(f"{base}/my/apply/criminal_record")
    citizen.fill("#purpose", "入职")
    citizen.click("input[type=submit][value='提交申请']")
    citizen.locator("h1:text-is('核对申请信息')").wait_for()
    with citizen.expect_response(lambda r: r.request.method == "POST") as posted:
        citizen.click("button[name=step][value=confirm]")
    assert posted.value.status == 302, f"the filing POST was refused ({posted.value.status}):\n{_page_text(citizen)}"
    citizen.wait_for_load_state()
    assert re.fullmatch(rf"{re.escape(base)}/my/applications/\d+/filed", citizen.url), _page_text(citizen)
    assert citizen.locator("h1").first.inner_text() == "申请已提交"
    number = citizen.locator("dt:text-is('办件编号') + dd").inner_text()
    assert re.fullmatch(r"FZ\d{14}", number), number
    assert f"{base}/t/" in citizen.locator("a[href*='/t/']").first.get_attribute("href")  # PUBLIC_BASE_URL
    # The worker renders the receipt; the page swaps in its link by itself (a wait, not a deadline).
    citizen.locator("a:has-text('收件回执（PDF）')").wait_for(timeout=120_000)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        citizen.screenshot(path=str(Path(SHOTS) / "https-filed.png"), full_page=True)
    # The portal itself sees the request as HTTPS (no proxy tells it so).
    assert posted.value.all_headers()["strict-transport-security"].startswith("max-age=")

    # The login's cookie works in another context (so refusing it later is the logout's doing) …
    cookie = _session_cookie(context, base)
    page, first = _open_with(https_context, cookie, f"{base}/my/")
    assert (first.status, page.url) == (200, f"{base}/my/"), _page_text(page)
    assert number in page.locator("main").inner_text()

    # … until the citizen logs out through the page's own button (a POST, CSRF-checked too).
    citizen.click("form[action='/auth/logout'] button[type=submit]")
    citizen.wait_for_load_state()
    assert citizen.url == f"{base}/", _page_text(citizen)
    assert "您已安全退出。" in citizen.locator("main").inner_text()
    assert "我的账号" not in citizen.locator("nav.main-nav").inner_text()

    for path in ("/my/", "/account/"):
        page, first = _open_with(https_context, cookie, f"{base}{path}")
        assert first.status == 302, f"{path} with the old cookie: {first.status}\n{_page_text(page)}"
        assert page.url.startswith(f"{base}/auth/login?next="), _page_text(page)
        assert number not in page.content() and "李明" not in page.content()
