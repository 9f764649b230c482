"""Counters decided inside the caller's transaction (a leaf: imports no other operation).

Counting earlier rows with a plain SELECT lets simultaneous filings by one person all see the
same number. Here the count is one row, incremented by an upsert: from that statement until the
transaction ends, PostgreSQL holds the row's lock and SQLite its write lock, so one person's
filings are counted one after the other, and a filing that fails takes its increment back.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app import timeutil
from app.extensions import db
from app.models.applications import Application, YearlyFilingCount

# Binds the keyed hash to this use: the same ID number hashes differently anywhere else.
_SUBJECT_KEY_DOMAIN = b"yearly-filing-count-v1"


def subject_key(id_number: str) -> str:
    """The counter's name for a person. Keyed, because ID numbers are few enough to try them
    all: without the app's secret a row cannot be matched back to a number."""
    key = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), _SUBJECT_KEY_DOMAIN, hashlib.sha256).digest()
    return hmac.new(key, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()


def next_yearly_count(service_code: str, id_number: str, year: int) -> int:
    """This filing's number (1-based) among the applications for `service_code` concerning the
    person with `id_number` in calendar `year` (local time). Call it in the filing's transaction,
    before the filing's own application is flushed: a person's first counter row of a year
    starts from the applications already filed (those before the counter existed, or before a
    change of SECRET_KEY renamed the rows)."""
    year_starts = datetime(year, 1, 1, tzinfo=timeutil.LOCAL_TZ)
    year_ends = datetime(year + 1, 1, 1, tzinfo=timeutil.LOCAL_TZ)
    filed_already = select(func.count(Application.id)).where(
        Application.service_code == service_code,
        Application.subject_id_number == id_number,
        Application.created_at >= year_starts,
        Application.created_at < year_ends,
    ).scalar_subquery()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(YearlyFilingCount)
        .values(service_code=service_code, year=year, subject_key=subject_key(id_number), count=filed_already + 1)
        .on_conflict_do_update(index_elements=["service_code", "year", "subject_key"],
                               set_={"count": YearlyFilingCount.count + 1})
        .returning(YearlyFilingCount.count)
    )
    return db.session.execute(statement).scalar_one()
