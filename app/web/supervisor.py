"""The head of a unit's view: red and yellow items, extension requests, clerks' load, figures."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from app import timeutil
from app.domain.catalogue import CATALOGUE
from app.operations import supervision
from app.web.guards import require_supervisor

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
bp.before_request(require_supervisor)
DEFAULT_PERIOD_DAYS = 30


def _period() -> tuple[date, date]:
    today = timeutil.today()
    try:
        start = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        start = today - timedelta(days=DEFAULT_PERIOD_DAYS)
    try:
        end = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timeutil.LOCAL_TZ
    return datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)


@bp.route("/")
def dashboard():
    now = timeutil.now()
    unit_id = current_user.unit_id
    start, end = _period()
    figures = supervision.unit_figures(unit_id, start=_bounds(start, end)[0], end=_bounds(start, end)[1], now=now)
    return render_template(
        "supervisor/dashboard.html",
        red=supervision.red_items(unit_id, now=now),
        yellow=supervision.yellow_items(unit_id, now=now),
        extension_requests=supervision.pending_extension_requests(unit_id, now=now),
        loads=supervision.clerk_loads(unit_id, now=now),
        figures=[figures[code] for code in sorted(figures)],
        start=start, end=end,
    )


@bp.route("/figures.csv")
def figures_csv():
    start, end = _period()
    lower, upper = _bounds(start, end)
    figures = supervision.unit_figures(current_user.unit_id, start=lower, end=upper, now=timeutil.now())
    names = {code: service.name_zh for code, service in CATALOGUE.items()}
    body = "\ufeff" + supervision.figures_csv(figures, names)  # BOM: spreadsheet software reads UTF-8
    filename = f"unit-figures-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
