"""The traffic lights of app.domain.clock.light, as SQL conditions over the stored clocks, so
that queues and dashboards can filter and count without loading every application.

Each light is an OR of one condition per state, each a range over one clock column: that is
what an index on (unit, state, paused_since, that column) can search, so a light that few items
have is found without walking every open item of the unit. A missing deadline never passes, as
in the domain (SQL's NULL would otherwise drop such an item from every light). `now` is a
moment, or a bound parameter that stands for one in a statement built once (the queue's)."""
from __future__ import annotations

import functools
import operator
from datetime import datetime

from sqlalchemy import and_, not_, or_

from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step
from app.domain.workflow import OPEN_STATES, State
from app.models.applications import Application

DECIDING = (State.ACCEPTED.value, State.SUSPENDED.value)


@functools.cache  # the catalogue is fixed per release: one expression, shared by every query
def open_matters():
    """Still being handled: the open states, except an approval that ends the matter (a
    service without a separate issue/delivery step is done once approved)."""

    done_when_approved = [code for code, service in CATALOGUE.items() if not service.has(Step.ISSUE)]
    return and_(
        Application.state.in_([s.value for s in OPEN_STATES]),
        not_(and_(Application.state == State.APPROVED.value, Application.service_code.in_(done_when_approved))),
    )


def _by_clock(running, paused):
    """`running` while the clock runs, `paused` while it is suspended: two ranges, each of which
    an index ordered by paused_since, then the deadline, can search."""
    return or_(and_(Application.paused_since.is_(None), running),
               and_(Application.paused_since.is_not(None), paused))


def _reached(column, now: datetime, *, strictly: bool):
    """The clock's time is past `column` (`strictly`) or at it. While suspended, time stands still
    at the suspension (rather than `coalesce(paused_since, now)`, which no index can search)."""
    before = operator.lt if strictly else operator.le
    return _by_clock(before(column, now), before(column, Application.paused_since))


def _not_reached(column, now: datetime, *, strictly: bool):
    """Not `_reached`, a missing deadline included."""
    after = operator.ge if strictly else operator.gt
    return or_(column.is_(None), _by_clock(after(column, now), after(column, Application.paused_since)))


def red(now: datetime):
    """Statutory limit passed while deciding; acceptance or delivery limit passed."""
    return or_(
        and_(Application.state.in_(DECIDING), _reached(Application.statutory_due_at, now, strictly=True)),
        and_(Application.state == State.SUBMITTED.value, _reached(Application.acceptance_due_at, now, strictly=True)),
        and_(Application.state == State.APPROVED.value, _reached(Application.delivery_due_at, now, strictly=True)),
        # 邮寄送达: an issued matter in the post keeps its delivery clock until signed for, suspended
        # or not (said in two parts, as the index is ordered: by paused_since, then the deadline).
        and_(Application.state == State.ISSUED.value,
             _by_clock(Application.delivery_due_at < now, Application.delivery_due_at < now)),
    )


def yellow(now: datetime):
    """Promised limit near or passed, statutory limit not yet."""
    return and_(Application.state.in_(DECIDING),
                _not_reached(Application.statutory_due_at, now, strictly=True),
                _reached(Application.yellow_from_at, now, strictly=False))


def green(now: datetime):
    """On track: an open matter with a light that is neither red nor yellow (an approved matter
    with nothing to deliver has no light at all)."""
    return or_(
        Application.state == State.CORRECTION_REQUESTED.value,
        and_(Application.state.in_(DECIDING),
             _not_reached(Application.statutory_due_at, now, strictly=True),
             _not_reached(Application.yellow_from_at, now, strictly=False)),
        and_(Application.state == State.SUBMITTED.value,
             _not_reached(Application.acceptance_due_at, now, strictly=True)),
        and_(Application.state == State.APPROVED.value, Application.delivery_due_at.is_not(None),
             _not_reached(Application.delivery_due_at, now, strictly=True)),
        and_(Application.state == State.ISSUED.value,
             _by_clock(Application.delivery_due_at >= now, Application.delivery_due_at >= now)),
    )
