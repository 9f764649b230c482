"""The unit's work queue: open items ordered by the deadline the unit works against, and
claiming that is safe under concurrency (a conditional UPDATE: exactly one clerk wins)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update

from app.domain.clock import CLOCK_NAMES
from app.domain.text import N_
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application
from app.models.types import UTCDateTime
from app.operations import OperationError, cursors, lights
from app.operations.applications import get_visible


@dataclass
class QueueFilters:
    service: str | None = None
    state: str | None = None
    light: str | None = None  # green | yellow | red
    mine: bool = False
    number: str | None = None


# What a queue row shows (and its light needs), read as columns: a page of rows is one query and
# no objects (building 25 applications with every column cost more than the query).
QUEUE_COLUMNS = (
    Application.id, Application.number, Application.service_code, Application.subject_name, Application.state,
    Application.work_due_at, *(getattr(Application, name) for name in CLOCK_NAMES), Application.accepted_as_of,
    Application.paused_since, Application.yellow_from_at, User.real_name.label("claimed_by_name"),
)


def queue(user: User, filters: QueueFilters, *, now: datetime, per_page: int, after: str | None = None):
    """One page of the unit's open items by deadline (no deadline last) as rows of QUEUE_COLUMNS,
    the total (counted up to a cap), and the cursor of the next page (None on the last)."""
    position = cursors.decode(after)
    keyset = None if position is None else ("after_undated" if position[0] is None else "after_dated")
    count, page = _statements(filters, keyset, per_page)
    params = {"unit_id": user.unit_id, "service": filters.service, "state": filters.state, "user_id": user.id,
              "number": (filters.number or "").strip().upper(), "now": now}
    total = cursors.count_of(count, params)
    if position is not None:
        params["due"], params["last_id"] = position
    items = list(db.session.execute(page, params))
    more = len(items) > per_page
    items = items[:per_page]
    return items, total, cursors.encode(items[-1].work_due_at, items[-1].id) if more else None


# A queue page's two statements for each set of filters, built once with their values as bound
# parameters: SQLAlchemy then finds its compiled form without walking the statement again to
# key it (which cost as much as running it).
_STATEMENTS: dict[tuple, tuple] = {}


def _statements(filters: QueueFilters, keyset: str | None, per_page: int) -> tuple:
    shape = (bool(filters.service), bool(filters.state), filters.mine, bool(filters.number),
             filters.light if filters.light in ("red", "yellow", "green") else None, keyset, per_page)
    if shape not in _STATEMENTS:
        service, state, mine, number, light, _, _ = shape
        condition = [Application.unit_id == bindparam("unit_id"), lights.open_matters()]
        if service:
            condition.append(Application.service_code == bindparam("service"))
        if state:
            condition.append(Application.state == bindparam("state"))
        if mine:
            condition.append(Application.claimed_by_id == bindparam("user_id"))
        if number:
            condition.append(Application.number == bindparam("number"))
        if light:
            condition.append(getattr(lights, light)(bindparam("now", type_=UTCDateTime)))
        count = cursors.capped_count_statement(Application.id, *condition)
        last_id = bindparam("last_id")
        if keyset == "after_undated":
            condition.append(and_(Application.work_due_at.is_(None), Application.id > last_id))
        elif keyset == "after_dated":
            due = bindparam("due", type_=UTCDateTime)
            condition.append(or_(Application.work_due_at > due,
                                 and_(Application.work_due_at == due, Application.id > last_id),
                                 Application.work_due_at.is_(None)))
        page = (select(*QUEUE_COLUMNS).outerjoin(User, User.id == Application.claimed_by_id).where(*condition)
                .order_by(Application.work_due_at.asc().nulls_last(), Application.id).limit(per_page + 1))
        _STATEMENTS[shape] = count, page
    return _STATEMENTS[shape]


def claim(user: User, application_id: int, *, now: datetime, idle: timedelta) -> None:
    """Take an item. One statement decides between concurrent clerks; an idle claim expires."""
    get_visible(user, application_id)
    result = db.session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.unit_id == user.unit_id,
            or_(Application.claimed_by_id.is_(None), Application.claimed_by_id == user.id,
                Application.claimed_at < now - idle),
        )
        .values(claimed_by_id=user.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        raise OperationError("claim.taken", N_("该办件已被其他工作人员认领。"), status=409)


def release(user: User, application_id: int) -> None:
    get_visible(user, application_id)
    db.session.execute(
        update(Application)
        .where(Application.id == application_id, Application.claimed_by_id == user.id)
        .values(claimed_by_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
