"""The floor under the portal's pages: bare Flask doing only what each page cannot skip, on the
portal's own database, so that a page's distance from hello splits into what the framework
must do for that page (this floor) and what the portal adds on top.

- `/`: the home page is kept rendered in the portal; the floor sends a body of its size.
- `/t/<token>` and `/api/v1/track/<token>`: the one indexed read that tells whether the matter
  has changed (as the portal's validator does before a 304 or a kept page), then a body of the
  portal page's size, already rendered.
- `/api/v1/applications`: the bearer token's user by its SHA-256 (one query), the unit's total
  counted up to the portal's cap and one keyset page of 20, as JSON.
- `/desk/`: Flask's own signed-cookie session, the clerk and the unit's name (one query), the
  open items counted up to the cap and one page of 25 by deadline, rendered by Jinja into a
  table with the filter form's option lists.

No extensions, no ORM (SQLAlchemy Core with `text()`), no translation, no security headers, no
logging, no metrics. Served by the same gunicorn as hello and the portal
(`bench.bench_filing.serve`). `/floor/session/<username>` opens the desk session (the bench
calls it once); nothing here checks a password: this is a measuring instrument, never served.

    DATABASE_URL=... gunicorn -w 2 -b 127.0.0.1:8000 bench.baseline_pages:app
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

from flask import Flask, Response, abort, redirect, request, session
from sqlalchemy import create_engine, text

from app.domain.catalogue import CATALOGUE
from app.domain.workflow import OPEN_STATES
from app.operations.cursors import COUNT_CAP

QUEUE_PAGE = 25  # as the clerk's queue
LIST_PAGE = 20  # as the API list's default
TRACKING_PAGE_BYTES = 7_000  # about the portal's tracking page (6.9 KB)
TRACKING_JSON_BYTES = 1_100  # and its JSON (1.1 KB)
HOME_BYTES = 12_700  # the home page (12.4 KB)

engine = create_engine(os.environ["DATABASE_URL"], pool_size=5)
app = Flask(__name__)
app.secret_key = os.environ.get("SECRET_KEY", "floor-only-measures")

OPEN = tuple(sorted(state.value for state in OPEN_STATES))
_OPEN_IN = ", ".join(f"'{state}'" for state in OPEN)

TRACKING_HEAD = text("SELECT id, event_count, state FROM applications WHERE tracking_token = :token")
STAFF = text("SELECT users.id, users.unit_id, users.real_name, units.name AS unit_name FROM users "
             "JOIN units ON units.id = users.unit_id WHERE users.id = :id AND users.active")
TOKEN_USER = text("SELECT users.id, users.unit_id, api_tokens.expires_at FROM api_tokens "
                  "JOIN users ON users.id = api_tokens.user_id WHERE api_tokens.token_hash = :hash")
UNIT_COUNT = text("SELECT count(*) FROM (SELECT id FROM applications WHERE unit_id = :unit "
                  f"LIMIT {COUNT_CAP + 1}) AS capped")
UNIT_PAGE = text("SELECT id, number, service_code, state, statutory_due_at, created_at FROM applications "
                 f"WHERE unit_id = :unit ORDER BY created_at DESC, id DESC LIMIT {LIST_PAGE + 1}")
OPEN_COUNT = text("SELECT count(*) FROM (SELECT id FROM applications WHERE unit_id = :unit "
                  f"AND state IN ({_OPEN_IN}) LIMIT {COUNT_CAP + 1}) AS capped")
OPEN_PAGE = text("SELECT applications.id, number, service_code, subject_name, state, work_due_at, paused_since, "
                 "users.real_name AS claimed_by_name FROM applications "
                 "LEFT OUTER JOIN users ON users.id = applications.claimed_by_id "
                 f"WHERE applications.unit_id = :unit AND state IN ({_OPEN_IN}) "
                 f"ORDER BY work_due_at ASC NULLS LAST, applications.id LIMIT {QUEUE_PAGE + 1}")


def _kept_body(title: str, size: int) -> bytes:
    """An HTML page of about `size` bytes, as a kept page is: already rendered."""
    paragraph = f"<p>{title}</p>"
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            + paragraph * (size // len(paragraph.encode())) + "</body></html>\n").encode()


KEPT_PAGE = _kept_body("办件进度", TRACKING_PAGE_BYTES)
HOME_PAGE = _kept_body("警务通办", HOME_BYTES)
KEPT_JSON = json.dumps({"state": "submitted", "events": ["提交"] * (TRACKING_JSON_BYTES // 10)},
                       ensure_ascii=False).encode()

QUEUE = app.jinja_env.from_string("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>工作台</title></head><body>
<h1>工作台 <small>{{ staff.unit_name }}</small></h1>
<form method="get"><select name="service"><option value="">全部</option>
{% for code, name in services %}<option value="{{ code }}">{{ name }}</option>{% endfor %}</select>
<select name="state"><option value="">全部在办</option>
{% for state in states %}<option value="{{ state }}">{{ state }}</option>{% endfor %}</select>
<input type="text" name="number"><button type="submit">筛选</button></form>
<p>共{{ count }}件在办</p>
<table><thead><tr><th>办件编号</th><th>事项</th><th>申请人</th><th>状态</th><th>截止时间</th><th>认领</th></tr></thead>
<tbody>{% for row in rows %}<tr><td><a href="/desk/applications/{{ row.id }}">{{ row.number }}</a></td>
<td>{{ services_by_code[row.service_code] }}</td><td>{{ row.subject_name }}</td><td>{{ row.state }}</td>
<td>{{ row.work_due_at or '' }}</td><td>{{ row.claimed_by_name or '—' }}</td></tr>
{% else %}<tr><td colspan="6">暂无</td></tr>{% endfor %}</tbody></table></body></html>
""")
SERVICES = [(code, service.name_zh) for code, service in CATALOGUE.items()]
SERVICES_BY_CODE = dict(SERVICES)


def _tracking_head(token: str):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(TRACKING_HEAD, {"token": token}).first()


def _kept(token: str, body: bytes, mimetype: str) -> Response:
    head = _tracking_head(token)
    if head is None:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.set_etag(f"{head.id}-{head.event_count}-{head.state}")
    return response.make_conditional(request)


@app.get("/")
def home():
    return Response(HOME_PAGE, mimetype="text/html")


@app.get("/t/<token>")
def tracking(token: str):
    return _kept(token, KEPT_PAGE, "text/html")


@app.get("/api/v1/track/<token>")
def tracking_api(token: str):
    return _kept(token, KEPT_JSON, "application/json")


@app.get("/api/v1/applications")
def applications():
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    with engine.connect() as connection:
        user = connection.execute(TOKEN_USER, {"hash": hashlib.sha256(bearer.encode()).hexdigest()}).first()
        if user is None or _aware(user.expires_at) <= datetime.now(UTC):
            abort(401)
        counted = connection.execute(UNIT_COUNT, {"unit": user.unit_id}).scalar()
        rows = connection.execute(UNIT_PAGE, {"unit": user.unit_id}).all()
    items = [{"id": r.id, "number": r.number, "service": r.service_code, "status": r.state,
              "statutory_due_at": str(r.statutory_due_at) if r.statutory_due_at else None,
              "created_at": str(r.created_at)} for r in rows[:LIST_PAGE]]
    return {"per_page": LIST_PAGE, "total": min(counted, COUNT_CAP), "total_more": counted > COUNT_CAP,
            "next": items[-1]["id"] if len(rows) > LIST_PAGE else None, "items": items}


@app.get("/desk/")
def queue():
    if "user_id" not in session:
        return redirect("/floor/session/clerk")
    with engine.connect() as connection:
        staff = connection.execute(STAFF, {"id": session["user_id"]}).first()
        if staff is None:
            abort(403)
        counted = connection.execute(OPEN_COUNT, {"unit": staff.unit_id}).scalar()
        rows = connection.execute(OPEN_PAGE, {"unit": staff.unit_id}).all()
    return QUEUE.render(staff=staff, count=min(counted, COUNT_CAP), rows=rows[:QUEUE_PAGE], services=SERVICES,
                        services_by_code=SERVICES_BY_CODE, states=OPEN)


@app.get("/floor/session/<username>")
def open_session(username: str):
    with engine.connect() as connection:
        found = connection.execute(text("SELECT id FROM users WHERE username = :name"), {"name": username}).scalar()
    if found is None:
        abort(404)
    session["user_id"] = found
    return "ok"


def _aware(moment) -> datetime:
    if isinstance(moment, str):  # SQLite returns text
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

