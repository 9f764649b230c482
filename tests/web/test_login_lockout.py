"""Login throttling: failures counted per (username, client address) and per username over all
addresses, the same for usernames that exist and usernames that do not; an admin lifts a lock."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import AccessLog
from app.operations import accounts as account_ops
from tests.conftest import DEMO_PASSWORD, csrf_from, login

WRONG = "wrong-password-1"


def login_from(client, ip: str, username: str, password: str = DEMO_PASSWORD):
    environ = {"REMOTE_ADDR": ip}
    page = client.get("/auth/login", environ_base=environ)
    return client.post("/auth/login", environ_base=environ, data={
        "username": username, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))})


def token_from(client, ip: str, username: str, password: str = DEMO_PASSWORD):
    return client.post("/api/v1/auth/token", environ_base={"REMOTE_ADDR": ip},
                       json={"username": username, "password": password})


def _page_text(response, username: str) -> str:
    """The page without what differs by design: the CSRF token and the username typed in."""
    html = response.get_data(as_text=True)
    return re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', "", html).replace(f'value="{username}"', "")


def test_failures_from_one_address_lock_that_address_only(app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    attacker = app.test_client()
    for _ in range(limit):
        assert login_from(attacker, "198.51.100.7", "citizen", WRONG).status_code == 401
    locked = login_from(attacker, "198.51.100.7", "citizen")  # the right password, but locked there
    assert locked.status_code == 429 and "锁定" in locked.get_data(as_text=True)
    # The person, from their own address, is not locked out by someone else's guessing.
    assert login_from(app.test_client(), "203.0.113.20", "citizen").status_code == 302


@pytest.mark.parametrize("channel", ["page", "api"])
def test_unknown_and_known_usernames_get_the_same_answers(app, channel):
    limit = app.config["LOGIN_MAX_FAILURES"]
    answers = {}
    for username in ("citizen", "no-such-user-x"):
        client = app.test_client()
        send = login_from if channel == "page" else token_from
        failed = [send(client, "198.51.100.9", username, WRONG) for _ in range(limit)]
        locked = send(client, "198.51.100.9", username, WRONG)
        if channel == "page":
            answers[username] = ([(r.status_code, _page_text(r, username)) for r in failed],
                                 (locked.status_code, _page_text(locked, username)))
        else:
            answers[username] = ([(r.status_code, r.get_json()) for r in failed], (locked.status_code, locked.get_json()))
    known, unknown = answers["citizen"], answers["no-such-user-x"]
    assert known == unknown
    assert {status for status, _ in known[0]} == {401}
    assert known[1][0] == 429


def test_every_attempt_costs_one_password_verification(app, monkeypatch):
    calls = []
    real = account_ops._verify
    monkeypatch.setattr(account_ops, "_verify", lambda hashed, password: calls.append(1) or real(hashed, password))
    for username in ("citizen", "no-such-user-y", "citizen"):
        calls.clear()
        login_from(app.test_client(), "198.51.100.10", username, WRONG)
        assert len(calls) == 1, username
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login_from(app.test_client(), "198.51.100.11", "no-such-user-y", WRONG)
    calls.clear()
    assert login_from(app.test_client(), "198.51.100.11", "no-such-user-y", WRONG).status_code == 429
    assert len(calls) == 1  # locked: still verified, so the lock is not faster to answer


def test_guessing_from_many_addresses_locks_the_username_but_not_at_a_known_address(app, clock):
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert login_from(app.test_client(), "203.0.113.30", "citizen").status_code == 302  # the person's usual place
    for n in range(account_ops.GLOBAL_FACTOR):
        client = app.test_client()
        for _ in range(limit):
            assert login_from(client, f"198.51.100.{100 + n}", "citizen", WRONG).status_code == 401
    # A new address, even with the right password: the username is locked everywhere…
    assert login_from(app.test_client(), "192.0.2.1", "citizen").status_code == 429
    # …and an unknown username that failed as often is locked the same way.
    for n in range(account_ops.GLOBAL_FACTOR):
        for _ in range(limit):
            login_from(app.test_client(), f"198.51.100.{150 + n}", "nobody-here", WRONG)
    assert login_from(app.test_client(), "192.0.2.1", "nobody-here", WRONG).status_code == 429
    # …but not where the account has logged in before.
    assert login_from(app.test_client(), "203.0.113.30", "citizen").status_code == 302
    clock.advance(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    assert login_from(app.test_client(), "192.0.2.1", "citizen").status_code == 302


def test_an_admin_unlocks_an_account_and_it_is_audited(app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login_from(app.test_client(), "198.51.100.50", "clerk", WRONG)
    assert login_from(app.test_client(), "198.51.100.50", "clerk").status_code == 429

    admin = app.test_client()
    login(admin, "admin")
    page = admin.get("/admin/staff").get_data(as_text=True)
    assert "已锁定" in page and "解除锁定" in page
    assert admin.post("/admin/unlock", data={"username": "clerk"}).status_code == 400  # no CSRF token
    unlocked = admin.post("/admin/unlock", data={"username": "clerk", "csrf_token": csrf_from(page)})
    assert unlocked.status_code == 302
    assert "已解除该账号的登录锁定" in admin.get(unlocked.headers["Location"]).get_data(as_text=True)
    assert login_from(app.test_client(), "198.51.100.50", "clerk").status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(AccessLog).where(AccessLog.action == "account.unlock")).all()
        assert [(row.actor_label, row.detail) for row in rows] == [("admin", "locked")]
        assert "clerk" not in rows[0].subject_id


def test_the_failure_table_names_no_one(app):
    from app.models.accounts import LoginFailure

    login_from(app.test_client(), "198.51.100.60", "citizen", WRONG)
    with app.app_context():
        keys = db.session.scalars(select(LoginFailure.key_hash)).all()
    assert keys and all("citizen" not in key for key in keys)
