"""Sessions end when they should: logout ends every session and API token of the account, an
admin can sign an account out everywhere, the cookie changes at login, and a login lapses
after the idle and absolute timeouts."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import api_token, csrf_from, login

MY_PAGE = "/my/"


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def use_cookie(client, value: str) -> None:
    client.set_cookie("session", value)


def signed_in(client) -> bool:
    return client.get(MY_PAGE).status_code == 200


def logout(client):
    token = csrf_from(client.get(MY_PAGE).get_data(as_text=True))
    return client.post("/auth/logout", data={"csrf_token": token})


def test_after_logout_the_old_cookie_and_the_api_token_are_refused(app, client):
    api = app.test_client()
    headers = api_token(api, "citizen")
    login(client, "citizen")
    old = session_cookie(client)
    elsewhere = app.test_client()
    login(elsewhere, "citizen")
    assert signed_in(client) and signed_in(elsewhere)
    assert logout(client).status_code == 302
    use_cookie(client, old)  # someone kept a copy of the cookie
    assert not signed_in(client)
    assert not signed_in(elsewhere)  # every session of the account ended
    assert api.get("/api/v1/applications", headers=headers).status_code == 401
    login(client, "citizen")
    assert signed_in(client)


def test_the_cookie_changes_at_login(app, client):
    client.get("/auth/login")
    before = session_cookie(client)
    login(client, "citizen")
    assert session_cookie(client) != before


def test_an_admin_signs_an_account_out_everywhere(app, client):
    victim = app.test_client()
    login(victim, "clerk")
    assert victim.get("/desk/").status_code == 200
    login(client, "admin")
    page = client.get("/admin/staff").get_data(as_text=True)
    done = client.post("/admin/sign-out-everywhere", data={"csrf_token": csrf_from(page),
                                                           "signout-username": "clerk"})
    assert done.status_code == 302
    assert victim.get("/desk/").status_code in (302, 401)
    assert client.get("/admin/staff").status_code == 200  # the admin's own session goes on


def test_idle_and_absolute_timeouts(app, client, clock):
    app.config.update(SESSION_IDLE_MINUTES=30, SESSION_ABSOLUTE_HOURS=12)  # the defaults
    login(client, "citizen")
    clock.advance(minutes=29)
    assert signed_in(client)
    clock.advance(minutes=31)
    assert not signed_in(client)  # 31 minutes without a request
    login(client, "citizen")
    logged_in_at = clock.moment
    for _ in range(30):  # busy all day, a request every 29 minutes
        clock.advance(minutes=29)
        if not signed_in(client):
            break
    lasted = clock.moment - logged_in_at
    assert timedelta(hours=11, minutes=31) < lasted <= timedelta(hours=12, minutes=29)
