"""The working-day calendar as configured: the package's schedule plus admin overrides."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import timeutil
from app.domain.calendar import CalendarOverride, WorkCalendar, official_schedule_years
from app.domain.text import N_
from app.domain.workflow import OPEN_STATES
from app.extensions import db
from app.jobs import enqueue
from app.models.applications import Application, CalendarOverrideRow, CalendarYearRow
from app.operations import OperationError

# Calendars per region, valid while the stamp (overrides and loaded years) is unchanged.
_cache: dict = {}


def _forget() -> None:
    _cache.clear()
    db.session.info.pop(_STAMP_KEY, None)


def _overrides() -> list[CalendarOverride]:
    rows = db.session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day))
    return [CalendarOverride(r.day, r.is_working_day, r.reason, r.region) for r in rows]


def loaded_years() -> set[int]:
    return set(db.session.scalars(select(CalendarYearRow.year)))


def _stamp() -> tuple:
    """What the calendar depends on, checked once per transaction (not per deadline)."""
    stamp = db.session.info.get(_STAMP_KEY)
    if stamp is None:
        # One round trip for both tables (every page that shows a deadline asks).
        row = db.session.execute(select(
            select(func.count(CalendarOverrideRow.id)).scalar_subquery(),
            select(func.max(CalendarOverrideRow.created_at)).scalar_subquery(),
            select(func.count(CalendarYearRow.year)).scalar_subquery(),
            select(func.max(CalendarYearRow.created_at)).scalar_subquery(),
        )).one()
        stamp = db.session.info[_STAMP_KEY] = (str(db.engine.url), tuple(row))
    return stamp


_STAMP_KEY = "calendar_stamp"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_stamp(session, *args) -> None:
    session.info.pop(_STAMP_KEY, None)


def load_calendar(region: str | None = None) -> WorkCalendar:
    """The calendar with every override; rebuilt only when the overrides or loaded years change.

    A year is official when the holidays package carries the State Council's schedule or an
    admin has loaded it; otherwise it is provisional (weekends and statutory holidays only).
    """
    stamp = _stamp()
    if _cache.get("stamp") != stamp:
        _cache.clear()
        _cache["stamp"] = stamp
    calendar = _cache.get(region)
    if calendar is None:
        calendar = _cache[region] = WorkCalendar(
            _overrides(), region=region, official_years=official_schedule_years() | loaded_years())
    return calendar


def remove_override(override_id: int) -> None:
    row = db.session.get(CalendarOverrideRow, override_id)
    if row is None:
        raise OperationError("not_found", N_("未找到该调整记录。"), status=404)
    db.session.delete(row)
    db.session.flush()
    _forget()
    queue_recompute()
    db.session.commit()


def mark_year_loaded(*, year: int, note: str, user_id: int | None) -> int:
    """The year's official schedule has been entered: it stops being provisional, and every
    open deadline is recomputed (by a job). Returns how many open applications that concerns."""
    if year < 2000 or year > 2100:
        raise OperationError("year.invalid", N_("年份无效。"), field="year")
    if db.session.get(CalendarYearRow, year) is None:
        db.session.add(CalendarYearRow(year=year, note=note.strip(), created_by_id=user_id))
        db.session.flush()
    _forget()
    count = queue_recompute()
    db.session.commit()
    return count


def recompute() -> int:
    """After the holidays package is upgraded with a new schedule: recompute open deadlines."""
    _forget()
    count = queue_recompute()
    db.session.commit()
    return count


def add_override(*, day: date, is_working_day: bool, reason: str, region: str | None, user_id: int) -> None:
    """An admin's local change; the recomputation of every open deadline is queued with it."""
    if not reason.strip():
        raise OperationError("reason.missing", N_("请填写调整原因。"), field="reason")
    existing = db.session.scalar(
        select(CalendarOverrideRow).where(CalendarOverrideRow.day == day, CalendarOverrideRow.region == region)
    )
    if existing is not None:
        raise OperationError("override.duplicate", N_("该日期已有调整记录。"), field="day")
    db.session.add(CalendarOverrideRow(day=day, is_working_day=is_working_day, reason=reason.strip(),
                                       region=region, created_by_id=user_id))
    db.session.flush()
    _forget()
    queue_recompute()
    db.session.commit()


def queue_recompute() -> int:
    """Every open deadline from its events again, after a calendar change: a job (in batches,
    `app.operations.events.recompute_clocks`) written in the change's transaction, not work
    done in the admin's request. Returns how many open applications it will recompute."""
    open_count = db.session.scalar(
        select(func.count(Application.id)).where(Application.state.in_([s.value for s in OPEN_STATES]))) or 0
    enqueue("recompute_clocks", {"after_id": 0},
            key=f"recompute:{timeutil.now().isoformat()}:{secrets.token_hex(6)}")
    return open_count
