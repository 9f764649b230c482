"""Sessions end when they should: logout, a password change and disabling an account end every
session and API token of the account, an admin can sign an account out everywhere, the cookie
changes at login, and a login lapses after the idle and absolute timeouts."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import AccessLog
from tests.conftest import DEMO_PASSWORD, api_token, csrf_from, login

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


def change_password(client, current: str, new: str, confirm: str | None = None):
    page = client.get("/account/password").get_data(as_text=True)
    return client.post("/account/password", data={"csrf_token": csrf_from(page), "current_password": current,
                                                   "password": new, "password_confirm": confirm or new})


def test_a_password_change_ends_every_other_session_and_token_and_keeps_this_one(app, client):
    api = app.test_client()
    headers = api_token(api, "citizen")
    elsewhere = app.test_client()
    login(elsewhere, "citizen")
    login(client, "citizen")
    old = session_cookie(client)
    done = change_password(client, DEMO_PASSWORD, "new-pass-2027x")
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/")
    assert "其他设备上的登录和接口访问令牌已全部失效" in client.get("/account/").get_data(as_text=True)
    assert signed_in(client)  # the session that made the change goes on, with a new cookie
    assert not signed_in(elsewhere)
    assert api.get("/api/v1/applications", headers=headers).status_code == 401
    use_cookie(elsewhere, old)
    assert not signed_in(elsewhere)
    fresh = app.test_client()
    login(fresh, "citizen", "new-pass-2027x")
    assert signed_in(fresh)


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(app, client):
    login(client, "citizen")
    wrong = change_password(client, "not-my-password1", "new-pass-2027x")
    assert wrong.status_code == 422 and "密码不正确" in wrong.get_data(as_text=True)
    weak = change_password(client, DEMO_PASSWORD, "short")
    assert weak.status_code == 422 and "密码至少10位" in weak.get_data(as_text=True)
    mismatch = change_password(client, DEMO_PASSWORD, "new-pass-2027x", "new-pass-2027y")
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    same = change_password(client, DEMO_PASSWORD, DEMO_PASSWORD)
    assert same.status_code == 422 and "新密码不能与当前密码相同" in same.get_data(as_text=True)
    everything = change_password(client, "not-my-password1", "short", "shorter")
    page = everything.get_data(as_text=True)
    assert everything.status_code == 422  # every problem in one answer, not one per round
    assert "密码不正确" in page and "密码至少10位" in page and "两次输入的密码不一致" in page
    assert signed_in(client)
    other = app.test_client()
    login(other, "citizen")  # the demo password still works
    assert signed_in(other)


def set_active(client, username: str, button: str):
    page = client.get("/admin/staff").get_data(as_text=True)
    return client.post("/admin/account-status", data={"csrf_token": csrf_from(page), "active-username": username,
                                                      f"active-{button}": "1"})


def test_disabling_an_account_ends_its_sessions_and_tokens_until_it_is_enabled(app, client):
    victim = app.test_client()
    login(victim, "clerk")
    headers = api_token(app.test_client(), "clerk")
    login(client, "admin")
    assert set_active(client, "clerk", "disable").status_code == 302
    assert "该账号已停用" in client.get("/admin/staff").get_data(as_text=True)
    assert victim.get("/desk/").status_code in (302, 401)
    assert app.test_client().get("/api/v1/applications", headers=headers).status_code == 401
    refused = app.test_client()
    login(refused, "clerk")
    assert refused.get("/desk/").status_code in (302, 401)
    assert set_active(client, "clerk", "enable").status_code == 302
    login(victim, "clerk")
    assert victim.get("/desk/").status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AccessLog.action).where(AccessLog.action.like("account.%"))).all()
    assert "account.disable" in actions and "account.enable" in actions


def test_an_admin_cannot_disable_the_account_they_are_using(app, client):
    login(client, "admin")
    set_active(client, "admin", "disable")
    assert "不能停用当前登录的管理员账号" in client.get("/admin/staff").get_data(as_text=True)
    assert client.get("/admin/staff").status_code == 200
