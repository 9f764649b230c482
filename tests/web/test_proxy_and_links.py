"""Behind a TLS-terminating proxy: the client address, scheme and host come from the proxy's
headers only when PROXY_HOPS says how many proxies to believe; links go to PUBLIC_BASE_URL when
set and to the host the visitor used otherwise; CSRF stays strict over HTTPS."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models.accounts import LoginFailure
from tests.conftest import DEMO_PASSWORD, api_token, csrf_from

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "jwtb.example.gov.cn"}
FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}


@pytest.fixture
def proxied(database_uri, clock, tmp_path):
    """The portal as deployed behind one proxy, with no PUBLIC_BASE_URL and CSRF on."""
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, STORAGE_LOCAL_ROOT=str(tmp_path),
                             PROXY_HOPS=1, PUBLIC_BASE_URL="", SERVER_NAME=None, WTF_CSRF_ENABLED=True)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def failure_addresses(app) -> set[str]:
    with app.app_context():
        return {row.client_ip for row in db.session.scalars(select(LoginFailure)) if row.client_ip != "*"}


def test_the_proxys_client_address_counts_only_with_proxy_hops(app, client, proxied):
    client.post("/api/v1/auth/token", json={"username": "citizen", "password": "wrong"}, headers=FORWARDED)
    assert failure_addresses(app) == {"127.0.0.1"}  # no proxy configured: the header is anyone's claim
    behind = proxied.test_client()
    behind.post("/api/v1/auth/token", json={"username": "citizen", "password": "wrong"}, headers=FORWARDED)
    assert failure_addresses(proxied) == {"127.0.0.1", "203.0.113.7"}


def test_links_use_the_host_the_visitor_used(proxied):
    behind = proxied.test_client()
    headers = {**FORWARDED, **api_token(behind, "citizen")}
    filed = behind.post("/api/v1/applications", json=FILE, headers=headers).get_json()
    assert filed["tracking_url"] == f"https://jwtb.example.gov.cn/t/{filed['tracking_token']}"
    page = behind.get(f"/t/{filed['tracking_token']}", headers=FORWARDED)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def test_links_use_public_base_url_when_set(client):
    filed = client.post("/api/v1/applications", json=FILE, headers={**FORWARDED, **api_token(client, "citizen")})
    assert filed.get_json()["tracking_url"].startswith("http://localhost/t/")  # PUBLIC_BASE_URL of the tests


def test_https_forms_pass_the_strict_csrf_check(proxied):
    behind = proxied.test_client()
    page = behind.get("/auth/login", headers=FORWARDED)
    assert page.headers["Referrer-Policy"] == "same-origin"
    form = {"username": "citizen", "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))}
    # What a browser sends under `same-origin`: the page it came from, on the same origin.
    signed_in = behind.post("/auth/login", data=form, headers={**FORWARDED, "Referer": "https://jwtb.example.gov.cn/auth/login"})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]


def test_a_cross_site_or_referrerless_https_post_is_refused(proxied):
    behind = proxied.test_client()
    page = behind.get("/auth/login", headers=FORWARDED)
    form = {"username": "citizen", "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))}
    assert behind.post("/auth/login", data=form, headers=FORWARDED).status_code == 400
    elsewhere = {**FORWARDED, "Referer": "https://evil.example/login"}
    assert behind.post("/auth/login", data=form, headers=elsewhere).status_code == 400
