"""Every route requires login except an explicit public allow-list; staff routes refuse
applicants; every blueprint registers exactly one known access guard."""
import pytest
from werkzeug.routing import IntegerConverter

from app.web import api, guards
from tests.conftest import csrf_from, login

PUBLIC_ENDPOINTS = {
    "static",
    "public.home", "public.set_language", "public.set_text_size", "public.track_lookup",
    "auth.login", "auth.logout", "auth.register_citizen", "auth.register_enterprise",
    "track.page", "track.qr_png_download", "track.lookup",
    "verify.certificate", "verify.lookup",
    "permits.roadside",
    "evidence.enter", "evidence.materials", "evidence.view", "evidence.download", "evidence.leave",
    "kiosk.home", "kiosk.walk_in", "kiosk.check_in", "kiosk.ticket", "kiosk.display", "kiosk.display_calls",
    "kiosk.manage",
    "ops.healthz", "ops.readyz", "ops.metrics_page",
} | set(api.PUBLIC_ENDPOINTS)
STAFF_BLUEPRINTS = {"clerk", "admin", "admin_terminals", "admin_settings", "admin_provisions", "shop", "supervisor", "officer", "window", "ratings_unit",
                    "admin_key_projects"}  # foreigner_work_residence
KNOWN_GUARDS = set(guards.GUARDS) | {api.api_guard}


def _url(rule) -> str:
    values = {}
    for argument in rule.arguments:
        numeric = isinstance(rule._converters[argument], IntegerConverter)
        values[argument] = 999999 if numeric else "zz-not-a-real-key"
    return rule.build(values)[1]


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_blueprint_has_exactly_one_known_guard_first(app):
    assert app.blueprints, "no blueprints registered"
    for name in app.blueprints:
        functions = app.before_request_funcs.get(name, [])
        assert functions, f"blueprint {name} has no access guard"
        assert functions[0] in KNOWN_GUARDS, f"blueprint {name}: first before_request is not a guard"
        assert sum(f in KNOWN_GUARDS for f in functions) == 1, f"blueprint {name} has several guards"


def test_anonymous_requests_are_refused_except_public_allow_list(app, client):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    checked = 0
    for rule, method in _routes(app):
        if rule.endpoint == "static":
            continue
        url = _url(rule)
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        checked += 1
        if rule.endpoint in PUBLIC_ENDPOINTS:
            assert response.status_code != 401, (rule.endpoint, method)
            assert "/auth/login?next" not in response.headers.get("Location", ""), (rule.endpoint, method)
        elif url.startswith("/api/"):
            assert response.status_code == 401, (rule.endpoint, method, response.status_code)
            assert response.get_json()["error"] == "unauthorized"
        else:
            assert response.status_code == 302, (rule.endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/auth/login?next="), rule.endpoint
    assert checked > 15


@pytest.mark.parametrize("username", ["citizen", "enterprise"])
def test_staff_routes_refuse_applicants(app, client, username):
    login(client, username)
    token = csrf_from(client.get("/").get_data(as_text=True))
    for rule, method in _routes(app):
        if rule.endpoint.split(".")[0] not in STAFF_BLUEPRINTS:
            continue
        response = client.open(_url(rule), method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (rule.endpoint, method, response.status_code)


def test_admin_routes_refuse_clerks(app, client):
    login(client, "clerk")
    for rule, method in _routes(app):
        if rule.endpoint.split(".")[0] in ("admin", "admin_settings", "admin_provisions", "admin_key_projects") and method == "GET":
            assert client.get(_url(rule)).status_code == 403, rule.endpoint


def test_post_without_csrf_token_is_refused(client):
    login(client, "citizen")
    response = client.post("/auth/logout")
    assert response.status_code == 400
    assert "表单校验失败" in response.get_data(as_text=True)
