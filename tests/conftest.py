"""Test fixtures. The database is built by the real Alembic migrations and seeded with the
demo data once per run (a template); every test then gets its own copy (a file copy on
SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), so tests commit for real — as the app
does — and concurrency tests can use several connections."""
from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import uuid
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app import create_app, timeutil

PG_URL = os.environ.get("DATABASE_URL") or ""
ON_POSTGRES = PG_URL.startswith("postgresql")
DEMO_PASSWORD = "demo-pass-2026"
# Tests run "today" = a fixed working day unless a test moves the clock.
TEST_NOW = datetime(2026, 11, 16, 10, 0, tzinfo=timeutil.LOCAL_TZ)


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + make_url(PG_URL).render_as_string(hide_password=True) if ON_POSTGRES else 'SQLite'}"


def _admin_conninfo() -> str:
    return make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_url_for(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def _pg_execute(sql: str) -> None:
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql)


def build_database(uri: str, *, seed: bool = True) -> None:
    """Upgrade an empty database to head with the migrations, then seed the demo data."""
    from flask_migrate import upgrade

    from app.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
    with app.app_context():
        upgrade(revision="heads")
        if seed:
            from app.seed import seed_demo

            seed_demo(db.session, today=TEST_NOW.date())
        db.session.remove()
        db.engine.dispose()


class FrozenClock:
    """Controls app.timeutil.now() for a test."""

    def __init__(self, monkeypatch, moment: datetime):
        self.moment = moment
        monkeypatch.setattr(timeutil, "now", lambda: self.moment)

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta) -> datetime:
        from datetime import timedelta

        self.moment = self.moment + timedelta(**delta)
        return self.moment


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    if ON_POSTGRES:
        name = f"tmpl_{uuid.uuid4().hex[:10]}"
        _pg_execute(f'CREATE DATABASE "{name}"')
        build_database(_pg_url_for(name))
        yield name
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        build_database(f"sqlite:///{path}")
        yield path


@contextlib.contextmanager
def copy_of_template(template_db, directory: Path):
    """A fresh copy of the seeded template database, dropped afterwards (PostgreSQL)."""
    if ON_POSTGRES:
        name = f"t_{uuid.uuid4().hex[:12]}"
        _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        try:
            yield _pg_url_for(name)
        finally:
            _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = directory / "test.sqlite3"
        shutil.copyfile(template_db, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database_uri(template_db, tmp_path):
    with copy_of_template(template_db, tmp_path) as uri:
        yield uri


@pytest.fixture
def clock(monkeypatch):
    return FrozenClock(monkeypatch, TEST_NOW)


@pytest.fixture
def app(database_uri, clock, tmp_path):
    from app.extensions import db

    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri,
                             STORAGE_LOCAL_ROOT=str(tmp_path / "files"))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


class HeldDispatcher:
    """Keeps published jobs until the test runs them (`run()`), to look at the outbox first."""

    def __init__(self, app):
        self.app = app
        self.ids: list[int] = []

    def publish(self, ids) -> None:
        self.ids.extend(ids)

    def start(self) -> None:
        pass

    def run(self) -> list[str]:
        from app.jobs import runner

        ids, self.ids = self.ids, []
        outcomes = []
        for job_id in ids:
            with self.app.app_context():
                outcomes.append(runner.run_job(job_id))
        return outcomes


@pytest.fixture
def held_jobs(app):
    """Jobs are written but not run (the suite's default runs each right after its commit)."""
    held = app.extensions["jobs"] = HeldDispatcher(app)
    return held


@pytest.fixture
def ctx(app):
    """An application context for tests that use the operations or the database directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


HIDDEN_INPUT_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm_answers(client, url: str, response):
    """Submit a filing's check-your-answers page as it stands (its carried answers, 确认提交):
    the answers page must be what `response` is. Returns the response to confirming."""
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="step" value="confirm"' in page, page[:3000]
    carried = {}
    for name, value in HIDDEN_INPUT_RE.findall(page):
        carried.setdefault(html.unescape(name), []).append(html.unescape(value))
    return client.post(url, data={**carried, "csrf_token": csrf_from(page), "step": "confirm"})


def file_through_the_form(client, url: str, data: dict, *, content_type: str | None = None):
    """Fill a filing form, check the answers, confirm: what an applicant with a browser does."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    answers = client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))},
                          **({"content_type": content_type} if content_type else {}))
    if answers.status_code != 200:
        return answers  # refused on the form: the caller looks at why
    return confirm_answers(client, url, answers)


def login(client, username: str, password: str = DEMO_PASSWORD):
    page = client.get("/auth/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})


def logout(client) -> None:
    """Sign out when signed in. An anonymous visitor's pages carry no CSRF token (nor a session):
    there is nothing to sign out of."""
    page = client.get("/").get_data(as_text=True)
    if 'action="/auth/logout"' in page:
        assert client.post("/auth/logout", data={"csrf_token": csrf_from(page)}).status_code == 302


def api_token(client, username: str, password: str = DEMO_PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.fixture
def logged_in(client):
    def _login(username: str):
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=timeutil.LOCAL_TZ)


def today() -> date:
    return TEST_NOW.date()
