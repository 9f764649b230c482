"""What an operator relies on: production refuses unsafe settings, health and readiness say
which dependency failed, every response and log line carries a request id, metrics reach only
the allow-listed networks, and the rate limits live in one shared Redis that fails closed."""
from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.logformat import JsonFormatter
from app.operations import sla
from app.registries import get_registries
from app.registries.simulated import SimulatedRegistries
from app.web.i18n import LANG_COOKIE
from config import ConfigError
from tests.conftest import csrf_from, repo_root
from tests.jobs.processes import Processes, free_port
from tests.operations.helpers import file_criminal_record

SAFE_PRODUCTION = {
    "SECRET_KEY": "k" * 64,
    "SIGNING_KEYS": "k1:" + "ab" * 32,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://portal@db.internal/portal",
    "BROKER_URL": "redis://redis.internal:6379/0",
    "PUBLIC_BASE_URL": "https://ga.example.gov.cn",
    "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/1",
    "STORAGE_BACKEND": "s3",
    "S3_BUCKET": "portal-files",
    "NOTIFY_SENDER": "app.notify.gateways:from_config",
    "ALLOW_SIMULATED_REGISTRIES": True,
}
UNSAFE = {
    "short secret key": ({"SECRET_KEY": "x" * 31}, "SECRET_KEY"),
    "no signing keys": ({"SIGNING_KEYS": None}, "SIGNING_KEYS"),
    "SQLite": ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/portal.sqlite3"}, "DATABASE_URL must be PostgreSQL"),
    "no broker": ({"BROKER_URL": None}, "BROKER_URL"),
    "plain-http public address": ({"PUBLIC_BASE_URL": "http://ga.example.gov.cn"}, "PUBLIC_BASE_URL"),
    "memory limiter": ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
    "limiter off": ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED"),
    "local files": ({"STORAGE_BACKEND": "local"}, "STORAGE_BACKEND=s3"),
    "file sender": ({"NOTIFY_SENDER": "file"}, "NOTIFY_SENDER"),
    "console sender": ({"NOTIFY_SENDER": "console"}, "NOTIFY_SENDER"),
    "simulated registries by default": ({"ALLOW_SIMULATED_REGISTRIES": False}, "ALLOW_SIMULATED_REGISTRIES=1"),
}


def test_production_starts_with_safe_settings():
    app = create_app("production", **SAFE_PRODUCTION)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["LOG_FORMAT"] == "json"


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_production_refuses_each_unsafe_setting(case):
    change, named = UNSAFE[case]
    with pytest.raises(ConfigError) as refused:
        create_app("production", **{**SAFE_PRODUCTION, **change})
    assert named in str(refused.value)
    assert str(refused.value).startswith("生产配置拒绝启动")


class AdapterRegistries(SimulatedRegistries):
    """Stands for a real data-sharing adapter (named in REGISTRIES_FACTORY)."""


def test_production_takes_a_real_registries_adapter_by_name():
    app = create_app("production", **{**SAFE_PRODUCTION, "ALLOW_SIMULATED_REGISTRIES": False,
                                      "REGISTRIES_FACTORY": f"{__name__}:AdapterRegistries"})
    with app.app_context():
        assert isinstance(get_registries(), AdapterRegistries)


def test_production_lists_every_problem_at_once():
    with pytest.raises(ConfigError) as refused:
        create_app("production", **{**SAFE_PRODUCTION, "SECRET_KEY": "short", "NOTIFY_SENDER": "file",
                                    "RATELIMIT_STORAGE_URI": "memory://"})
    assert str(refused.value).count("\n  - ") == 3


@pytest.mark.parametrize("portal_config, warned", [(None, True), ("testing", False)])
def test_wsgi_without_portal_config_says_loudly_it_is_the_development_server(tmp_path, portal_config, warned):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    if portal_config:
        env["PORTAL_CONFIG"] = portal_config
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=repo_root(), env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert ("PORTAL_CONFIG is not set: this is the DEVELOPMENT configuration" in done.stderr) is warned


def test_healthz_answers_with_a_request_id(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert len(response.headers["X-Request-ID"]) == 32
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["X-Request-ID"] != response.headers["X-Request-ID"]


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "9f2c1e7a4b6d8f00a1b2c3d4e5f60718"}).headers[
        "X-Request-ID"] == "9f2c1e7a4b6d8f00a1b2c3d4e5f60718"
    for strange in ("x", "身份证411002199003151234", "a" * 65, "abc def ghi"):
        answered = client.get("/", headers={"X-Request-ID": strange}).headers["X-Request-ID"]
        assert answered != strange and len(answered) == 32


def test_readyz_is_ready_on_a_migrated_database_and_says_what_failed_otherwise(app, client):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ready"
    assert ready.json["checks"]["migrations"] == {"ok": True, "detail": "at head"}
    assert ready.json["checks"]["broker"]["detail"] == "not used"  # the tests run jobs eagerly

    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'h1loginfail1'"))
        db.session.commit()
    behind = client.get("/readyz")
    assert behind.status_code == 503 and behind.json["status"] == "not ready"
    assert behind.json["checks"]["migrations"]["ok"] is False
    assert "h1loginfail1" in behind.json["checks"]["migrations"]["detail"]
    assert behind.json["checks"]["database"]["ok"] is True

    # A newer release migrated first (additive): this one goes on serving until it is replaced.
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'z9nextrelease'"))
        db.session.commit()
    ahead = client.get("/readyz")
    assert ahead.status_code == 200
    assert ahead.json["checks"]["migrations"]["detail"].startswith("ahead of this release")


def test_readyz_names_an_unreachable_redis(database_uri):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, RATELIMIT_STORAGE_URI=dead, BROKER_URL=dead,
                     JOBS_MODE="eager")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert {name for name, check in answer.json["checks"].items() if not check["ok"]} == {
        "rate_limit_store", "broker"}
    assert answer.json["checks"]["broker"]["detail"] == "unreachable: ConnectionError"


def _metrics(client, address="127.0.0.1") -> str:
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain")
    return response.get_data(as_text=True)


def _sample(exposition: str, name_and_labels: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(name_and_labels + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name_and_labels} not in the metrics")


def test_metrics_only_for_allow_listed_networks(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 404
    _metrics(client, "127.0.0.1")


def test_metrics_count_filings_lights_jobs_timers_and_request_latency(app, client, clock):
    before = _metrics(client)
    with app.app_context():
        filed = file_criminal_record(app, "citizen")
    client.get("/")
    after = _metrics(client)
    service = 'portal_filings_total{service="criminal_record"}'
    assert _sample(after, service) == _sample(before, service) + 1
    assert _sample(after, 'portal_open_items{light="green"}') == _sample(before, 'portal_open_items{light="green"}') + 1
    assert _sample(after, 'portal_jobs{status="done"}') > _sample(before, 'portal_jobs{status="done"}')
    assert _sample(after, 'portal_request_duration_seconds_count{endpoint="public.home",method="GET"}') >= 1
    assert 'portal_responses_total{endpoint="public.home",method="GET",status="200"}' in after

    later = clock.advance(days=20)
    with app.app_context():
        fired = sla.sweep(as_of=later, now=later).fired
    assert (filed.id, "deem_accepted") in [(application_id, action) for application_id, action in fired]
    swept = _metrics(client)
    assert _sample(swept, 'portal_timers_fired_total{action="deem_accepted"}') >= 1


def test_json_log_lines_carry_the_request_id_and_never_a_token_or_id_number(database_uri):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, LOG_FORMAT="json")
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(JsonFormatter().format(record))

    handler = Collect()
    logging.getLogger().addHandler(handler)
    try:
        client = app.test_client()
        response = client.get("/t/Zq8XkP2mW7vN4rT6yB1cD3fG5hJ9kL0a")
        with app.test_request_context("/"):
            app.logger.info("查询身份证号 411002199003151234")
    finally:
        logging.getLogger().removeHandler(handler)
    entries = [json.loads(line) for line in lines]
    request_line = next(e for e in entries if e["logger"] == "app.requests")
    assert request_line["request_id"] == response.headers["X-Request-ID"]
    assert request_line["endpoint"] == "track.page" and request_line["status"] == response.status_code
    assert request_line["message"] == f"GET /t/<token> {response.status_code}"
    assert isinstance(request_line["duration_ms"], float)
    text_of_all = "\n".join(lines)
    assert "Zq8XkP2mW7vN4rT6yB1cD3fG5hJ9kL0a" not in text_of_all
    assert "411002199003151234" not in text_of_all and "查询身份证号" in text_of_all


@pytest.fixture
def shared_redis(tmp_path):
    processes = Processes(tmp_path)
    url = processes.redis()
    yield processes, url
    processes.stop_all()


def _app_on(database_uri, store: str, **settings):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, RATELIMIT_STORAGE_URI=store,
                      SERVER_NAME=None, **settings)


def _failed_login(client) -> int:
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    return client.post("/auth/login", data={"csrf_token": token, "username": "nobody", "password": "wrong-pass"},
                       environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code


def test_the_login_limit_is_shared_by_two_servers_on_one_redis(database_uri, shared_redis):
    _processes, url = shared_redis
    first, second = (_app_on(database_uri, url, LOGIN_RATE_LIMIT_PER_IP="4 per minute").test_client()
                     for _ in range(2))
    answers = [_failed_login(first), _failed_login(second), _failed_login(first), _failed_login(second),
               _failed_login(first), _failed_login(second)]
    assert answers[:4] == [401] * 4 or all(code != 429 for code in answers[:4]), answers
    assert answers[4:] == [429, 429], answers


def test_with_the_limit_store_down_limited_pages_fail_closed_with_a_clear_503(database_uri, shared_redis):
    processes, url = shared_redis
    app = _app_on(database_uri, url)
    client = app.test_client()
    assert client.get("/verify/ZM0000").status_code != 503
    processes.stop_all()
    page = client.get("/verify/ZM0000")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "服务暂时不可用" in page.get_data(as_text=True)
    assert "本次操作没有生效" in page.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "citizen", "password": "wrong-pass"})
    assert api.status_code == 503 and api.json["error"] == "unavailable"
    client.set_cookie(LANG_COOKIE, "en")
    english = client.get("/verify/ZM0000")
    assert english.status_code == 503 and "Service temporarily unavailable" in english.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200  # unlimited pages still answer
    assert client.get("/readyz").json["checks"]["rate_limit_store"]["ok"] is False


def test_a_store_that_never_answers_fails_within_its_timeout(database_uri, tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        app = _app_on(database_uri, f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
                      RATELIMIT_STORAGE_TIMEOUT_SECONDS=1)
        assert app.test_client().get("/verify/ZM0000").status_code == 503
    finally:
        silent.close()
