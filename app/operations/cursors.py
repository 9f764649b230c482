"""Keyset pagination (a leaf): a page is "the rows after this one" in the list's order, so
page 1,000 of a long queue costs what page 1 does (no OFFSET scan). A cursor is the last row's
sort key, as an opaque URL-safe string; one that does not parse starts from the beginning.
Totals are counted up to COUNT_CAP."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app import timeutil
from app.domain.catalogue.schema import MAX_ID
from app.extensions import db

# Counting is exact up to here; beyond it a list says "more than 1,000" (counting 300,000 rows
# on every page view costs more than the page).
COUNT_CAP = 1000


@dataclass(frozen=True)
class Total:
    count: int
    more: bool  # there are more than `count` (= COUNT_CAP)


def capped_count_statement(column, *conditions):
    """The count `capped_count` runs, for a caller that builds it once with bound parameters."""
    rows = select(column).where(*conditions).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(rows)


def capped_count(column, *conditions) -> Total:
    return count_of(capped_count_statement(column, *conditions))


def count_of(statement, params: dict | None = None) -> Total:
    counted = db.session.scalar(statement, params or {}) or 0
    return Total(min(counted, COUNT_CAP), counted > COUNT_CAP)


def encode(moment: datetime | None, row_id: int) -> str:
    stamp = "" if moment is None else timeutil.local(moment).astimezone(timeutil.UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}~{row_id}"


def decode(cursor: str | None) -> tuple[datetime | None, int] | None:
    if not cursor or len(cursor) > 40 or "~" not in cursor:
        return None
    stamp, _, row_id = cursor.partition("~")
    if not row_id.isdigit() or len(row_id) > 12 or int(row_id) > MAX_ID:
        return None
    if not stamp:
        return None, int(row_id)
    try:
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=timeutil.UTC)
    except ValueError:
        return None
    return moment, int(row_id)
