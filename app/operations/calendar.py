"""The working-day calendar as configured: the package's schedule plus admin overrides."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.domain.calendar import CalendarOverride, WorkCalendar
from app.extensions import db
from app.models.applications import CalendarOverrideRow
from app.operations import OperationError

_cache: dict[tuple, WorkCalendar] = {}


def _overrides() -> list[CalendarOverride]:
    rows = db.session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day))
    return [CalendarOverride(r.day, r.is_working_day, r.reason, r.region) for r in rows]


def load_calendar(region: str | None = None) -> WorkCalendar:
    """The calendar with every override; rebuilt only when the overrides change."""
    stamp = db.session.execute(
        select(func.count(CalendarOverrideRow.id), func.max(CalendarOverrideRow.created_at))
    ).one()
    key = (str(db.engine.url), region, stamp[0], stamp[1])
    calendar = _cache.get(key)
    if calendar is None:
        _cache.clear()
        calendar = _cache[key] = WorkCalendar(_overrides(), region=region)
    return calendar


def add_override(*, day: date, is_working_day: bool, reason: str, region: str | None, user_id: int) -> None:
    """An admin's local change; every open deadline is recomputed in the same transaction."""
    from app.operations.applications import recompute_open_clocks

    if not reason.strip():
        raise OperationError("reason.missing", "请填写调整原因。", field="reason")
    existing = db.session.scalar(
        select(CalendarOverrideRow).where(CalendarOverrideRow.day == day, CalendarOverrideRow.region == region)
    )
    if existing is not None:
        raise OperationError("override.duplicate", "该日期已有调整记录。", field="day")
    db.session.add(CalendarOverrideRow(day=day, is_working_day=is_working_day, reason=reason.strip(),
                                       region=region, created_by_id=user_id))
    db.session.flush()
    _cache.clear()
    recompute_open_clocks()
    db.session.commit()
