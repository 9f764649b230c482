"""Real-name registration, enterprise registration, login throttling, masking, headers."""
import logging

from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import Organisation, UsccWhitelist, User
from app.seed import DEMO_IDS, USCCS
from tests.conftest import csrf_from, login

GOOD_PASSWORD = "Xuchang2026pw"


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def _register(client, **overrides):
    page = client.get("/auth/register")
    data = {"real_name": "钱勇", "id_number": DEMO_IDS["qian_yong"], "phone": "13912345678",
            "username": "qianyong", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD,
            "csrf_token": csrf_from(page.get_data(as_text=True))} | overrides
    return client.post("/auth/register", data=data)


def test_citizen_registers_with_a_verified_identity(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    response = _register(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "qianyong"))
        assert user.id_number == DEMO_IDS["qian_yong"] and user.role == "citizen"
        assert user.password_hash.startswith("$argon2")
    assert DEMO_IDS["qian_yong"] not in caplog.text  # no ID numbers in logs


def test_duplicate_id_number_is_refused_in_chinese_and_nothing_is_written(app, client):
    before = _count_users(app)
    response = _register(client, real_name="李明", id_number=DEMO_IDS["li_ming"], username="another")
    assert response.status_code == 422
    assert "该身份证号码已注册账号" in response.get_data(as_text=True)
    assert _count_users(app) == before


def _with_check(first17: str) -> str:
    from app.domain.identifiers import check_character

    return first17 + check_character(first17)


def test_bad_id_numbers_are_refused_with_clear_messages(app, client):
    before = _count_users(app)
    good = DEMO_IDS["qian_yong"]
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    cases = {
        wrong_check: "校验",
        "123": "18位",
        _with_check(good[:6] + "19990230" + good[14:17]): "出生日期",
    }
    for value, expected in cases.items():
        response = _register(client, id_number=value)
        assert response.status_code == 422, value
        assert expected in response.get_data(as_text=True), value
    mismatch = _register(client, real_name="钱永")  # name does not match the registry
    assert mismatch.status_code == 422 and "户籍信息核验" in mismatch.get_data(as_text=True)
    assert _count_users(app) == before


def test_weak_password_and_bad_phone_are_refused(client):
    assert "至少10位" in _register(client, password="short1", password_confirm="short1").get_data(as_text=True)
    assert "手机" in _register(client, phone="12345").get_data(as_text=True)


def _enterprise_form(client, **overrides):
    page = client.get("/auth/register/enterprise")
    with client.application.app_context():
        from app.registries import get_registries

        enterprise = get_registries().enterprise(USCCS["security_500k"])
    data = {"uscc": enterprise.uscc, "legal_rep_name": enterprise.legal_rep_name,
            "legal_rep_id_number": enterprise.legal_rep_id_number, "contact_name": "经办人",
            "phone": "13912345670", "username": "security_co", "password": GOOD_PASSWORD,
            "password_confirm": GOOD_PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))} | overrides
    return client.post("/auth/register/enterprise", data=data)


def test_enterprise_registers_bound_to_its_credit_code(app, client):
    response = _enterprise_form(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "security_co"))
        assert user.role == "enterprise" and user.organisation.uscc == USCCS["security_500k"]


def test_enterprise_credit_code_checks_and_whitelist(app, client):
    bad = USCCS["security_500k"][:-1] + ("0" if USCCS["security_500k"][-1] != "0" else "1")
    response = _enterprise_form(client, uscc=bad)
    assert response.status_code == 422 and "校验" in response.get_data(as_text=True)
    with app.app_context():
        db.session.add(UsccWhitelist(code=bad, note="早期试点赋码"))
        db.session.commit()
    # Whitelisted: the checksum passes, and the registry is asked next (it does not know it).
    response = _enterprise_form(client, uscc=bad)
    assert response.status_code == 422 and "未在企业登记信息中查到" in response.get_data(as_text=True)
    mismatch = _enterprise_form(client, legal_rep_name="别人")
    assert mismatch.status_code == 422 and "法定代表人" in mismatch.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id)).where(
            Organisation.uscc == USCCS["security_500k"])) == 0


def test_login_locks_the_account_after_repeated_failures(app, client, clock):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, "citizen", "wrong-password-1").status_code == 401
    locked = login(client, "citizen")  # right password, but locked
    assert locked.status_code == 429 and "锁定" in locked.get_data(as_text=True)
    clock.advance(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    assert login(client, "citizen").status_code == 302


def test_login_is_rate_limited_per_ip(app, client):
    statuses = [login(client, f"nobody{i}", "x").status_code for i in range(21)]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_api_token_login_is_throttled_too(app, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/api/v1/auth/token", json={"username": "clerk", "password": "nope-nope-1"})
    response = client.post("/api/v1/auth/token", json={"username": "clerk", "password": "demo-pass-2026"})
    assert response.status_code == 429 and response.get_json()["error"] == "login.locked"


def test_masking_everywhere_even_to_the_owner_until_asked(app, client):
    # The owner's own page is masked too now (the footer promises it); the full numbers are
    # shown after the password is typed again (tests/web/test_account_reveal.py).
    login(client, "citizen")
    own = client.get("/account/").get_data(as_text=True)
    assert DEMO_IDS["li_ming"] not in own and "13803740001" not in own
    assert DEMO_IDS["li_ming"][:10] + "*" * 8 in own and "138****0001" in own
    client.post("/auth/logout", data={"csrf_token": csrf_from(own)})
    login(client, "admin")
    staff_page = client.get("/admin/staff").get_data(as_text=True)
    assert "13903741001" not in staff_page and "139****1001" in staff_page


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self';" in csp  # no page has an inline script: scripts only from our files
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"  # issue 10: our HTTPS forms need their Referer for CSRF
    assert response.headers["Cache-Control"] == "no-store"
    login(client, "citizen")
    cookie = client.get("/").headers.getlist("Set-Cookie") + login(client, "citizen").headers.getlist("Set-Cookie")
    session_cookies = [c for c in cookie if c.startswith("session=")]
    assert session_cookies and all("HttpOnly" in c and "SameSite=Lax" in c for c in session_cookies)


def test_admin_creates_staff_bound_to_a_unit(app, client):
    login(client, "admin")
    page = client.get("/admin/staff").get_data(as_text=True)
    with app.app_context():
        from app.models.accounts import Unit

        unit = db.session.scalar(select(Unit).where(Unit.code == "411002-PS-WYL"))
        unit_id = unit.id
    response = client.post("/admin/staff", data={
        "username": "clerk_wyl_new", "real_name": "王警官", "role": "clerk", "unit_id": unit_id,
        "phone": "13912340000", "password": GOOD_PASSWORD, "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "clerk_wyl_new"))
        assert user.unit_id == unit_id and user.role == "clerk"
    duplicate = client.post("/admin/staff", data={
        "username": "clerk_wyl_new", "real_name": "王警官", "role": "clerk", "unit_id": unit_id,
        "phone": "13912340000", "password": GOOD_PASSWORD, "csrf_token": csrf_from(page)})
    assert duplicate.status_code == 422 and "已被使用" in duplicate.get_data(as_text=True)


def test_safe_next_redirect_only(client):
    page = client.get("/auth/login?next=https://evil.example/")
    response = client.post("/auth/login?next=https://evil.example/", data={
        "username": "citizen", "password": "demo-pass-2026", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


