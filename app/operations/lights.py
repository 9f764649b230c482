"""The traffic lights of app.domain.clock.light, as SQL conditions over the stored clocks, so
that queues and dashboards can filter and count without loading every application."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, not_, or_

from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step
from app.domain.workflow import OPEN_STATES, State
from app.models.applications import Application

DECIDING = (State.ACCEPTED.value, State.SUSPENDED.value)


def open_matters():
    """Still being handled: the open states, except an approval that ends the matter (a
    service without a separate issue/delivery step is done once approved)."""

    done_when_approved = [code for code, service in CATALOGUE.items() if not service.has(Step.ISSUE)]
    return and_(
        Application.state.in_([s.value for s in OPEN_STATES]),
        not_(and_(Application.state == State.APPROVED.value, Application.service_code.in_(done_when_approved))),
    )


def _clock_time(now: datetime):
    """While suspended, time stands still at the suspension (as in the domain's light())."""
    return func.coalesce(Application.paused_since, now)


def red(now: datetime):
    """Statutory limit passed while deciding; acceptance or delivery limit passed."""
    return or_(
        and_(Application.state.in_(DECIDING), Application.statutory_due_at < _clock_time(now)),
        and_(Application.state == State.SUBMITTED.value, Application.acceptance_due_at < now),
        # 邮寄送达: an issued matter in the post keeps its delivery clock until signed for.
        and_(Application.state.in_([State.APPROVED.value, State.ISSUED.value]), Application.delivery_due_at < now),
    )


def yellow(now: datetime):
    """Promised limit near or passed, statutory limit not yet."""
    return and_(Application.state.in_(DECIDING), Application.yellow_from_at <= _clock_time(now), not_(red(now)))


def green(now: datetime):
    return and_(not_(red(now)), not_(yellow(now)))
