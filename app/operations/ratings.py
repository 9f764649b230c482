"""好差评: rating a handled matter, the rectification work order of a bad rating, a
supervisor's review (call-back and fix, 误评/恶意差评), and the figures.

The rules are in `app.domain.ratings`; the work order's lifecycle is the engine's (service
`rating_rectification`, `app.operations.services.rating_rectification`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.domain import ratings as rules
from app.domain.catalogue import get_service
from app.domain.catalogue.rating_rectification import CODE as RECTIFICATION
from app.domain.text import N_
from app.domain.workflow import Action, State
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application
from app.models.ratings import Rating
from app.operations import NotFound, OperationError
from app.operations import applications as application_ops
from app.operations.audit import log_access

log = logging.getLogger(__name__)
# A work order is closed by `approve`: it has nothing to issue afterwards, so `approved` (an
# open state for services that issue something) is where it ends.
OPEN_WORK_ORDER = (State.SUBMITTED.value, State.ACCEPTED.value)


def _refuse(refusal: rules.RatingRefused):
    raise OperationError(refusal.code, refusal.message, field=refusal.field, status=refusal.status)


def _own_application(user: User, application_id: int, *, for_update: bool = False) -> Application:
    """The applicant's own matter (an enterprise's staff: their enterprise's); else 404."""
    application = application_ops.get_visible(user, application_id, for_update=for_update)
    if not user.role_enum.is_applicant:
        raise NotFound(N_("未找到该办件。"))
    return application


def rating_for(application_id: int) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.application_id == application_id))


# --- the applicant ---------------------------------------------------------------------------------


def rate(*, user: User, application_id: int, level: str, comment: str, now: datetime) -> Rating:
    """Rate an ended matter once. A bad rating files its rectification work order in the same
    transaction (in the rater's name, accepted at once by the system)."""
    application = _own_application(user, application_id, for_update=True)
    service = get_service(application.service_code)
    try:
        chosen, text = rules.check_rating(service, application.state, level, comment,
                                          already_rated=rating_for(application.id) is not None)
    except rules.RatingRefused as refusal:
        db.session.rollback()
        _refuse(refusal)
    rating = Rating(application_id=application.id, rater_user_id=user.id, unit_id=application.unit_id,
                    service_code=application.service_code, level=chosen.value, comment=text, created_at=now,
                    flag_reason="")
    db.session.add(rating)
    try:
        db.session.flush()
        if rules.is_bad(chosen):
            # Commits the rating with the work order (file_application commits).
            application_ops.file_application(applicant=user, service_code=RECTIFICATION,
                                             data={"rating_id": rating.id}, now=now)
        else:
            db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise OperationError("rating.already_rated", N_("该办件已经评价过，每件事项只能评价一次。"),
                             status=409) from exc
    except OperationError:
        db.session.rollback()
        raise
    log.info("rating recorded id=%s application=%s bad=%s", rating.id, application.id, rules.is_bad(chosen))
    return rating


@dataclass
class RatableItem:
    application: Application
    rating: Rating | None


def my_ratable(user: User) -> list[RatableItem]:
    """The user's ended matters, newest first, each with its rating if given."""
    condition = application_ops.visibility_filter(user)
    applications = db.session.scalars(
        select(Application).where(condition, Application.service_code != RECTIFICATION)
        .order_by(Application.decided_at.desc().nulls_last(), Application.id.desc()).limit(200)
    ).all()
    ended = [a for a in applications if rules.matter_ended(get_service(a.service_code), a.state)]
    ratings = {r.application_id: r for r in db.session.scalars(
        select(Rating).where(Rating.application_id.in_([a.id for a in ended])))} if ended else {}
    return [RatableItem(a, ratings.get(a.id)) for a in ended]


# --- the supervisor ---------------------------------------------------------------------------------


def _require_supervisor(user: User) -> None:
    if user.role_enum != Role.SUPERVISOR or user.unit_id is None:
        raise OperationError("forbidden", N_("差评整改和评价甄别由单位负责人办理。"), status=403)


def unit_rating(user: User, rating_id: int) -> Rating:
    """A rating of the supervisor's own unit; any other is a 404."""
    _require_supervisor(user)
    rating = db.session.scalar(select(Rating).where(Rating.id == rating_id, Rating.unit_id == user.unit_id))
    if rating is None:
        raise NotFound(N_("未找到该评价。"))
    return rating


def unit_work_order(user: User, application_id: int) -> tuple[Application, Rating]:
    _require_supervisor(user)
    application = application_ops.get_visible(user, application_id)
    rating = db.session.scalar(select(Rating).where(Rating.work_order_id == application.id))
    if application.service_code != RECTIFICATION or rating is None:
        raise NotFound(N_("未找到该差评整改工单。"))
    return application, rating


def unit_work_orders(user: User, *, open_only: bool = False, limit: int = 200) -> list[tuple[Application, Rating]]:
    """The unit's work orders, open ones first by their deadline, then the closed ones."""
    _require_supervisor(user)
    query = (select(Application, Rating).join(Rating, Rating.work_order_id == Application.id)
             .where(Application.unit_id == user.unit_id, Application.service_code == RECTIFICATION))
    if open_only:
        query = query.where(Application.state.in_(OPEN_WORK_ORDER))
    rows = db.session.execute(query.order_by(Application.id.desc()).limit(limit)).all()
    return sorted(((a, r) for a, r in rows), key=lambda row: (
        row[0].state not in OPEN_WORK_ORDER, row[0].statutory_due_at or datetime.max.replace(tzinfo=timeutil.UTC)))


def unit_ratings(user: User, *, period: tuple[date, date], limit: int = 200) -> list[Rating]:
    _require_supervisor(user)
    start, end = _period_bounds(period)
    return list(db.session.scalars(
        select(Rating).where(Rating.unit_id == user.unit_id, Rating.created_at >= start, Rating.created_at < end)
        .order_by(Rating.created_at.desc(), Rating.id.desc()).limit(limit)))


def close_work_order(*, user: User, application_id: int, fields: dict[str, Any], now: datetime) -> Application:
    """The call-back (回访) and the fix (整改措施): the work order's `approve`."""
    unit_work_order(user, application_id)
    return application_ops.perform_action(application_id=application_id, action=Action.APPROVE, user=user,
                                          fields=fields, now=now)


def flag_rating(*, user: User, rating_id: int, flag: str, reason: str, now: datetime) -> Rating:
    """误评/恶意差评: kept as given, left out of the figures, with who, when and why."""
    rating = unit_rating(user, rating_id)
    try:
        chosen, text = rules.check_flag(flag, reason, already_flagged=rating.flag is not None)
    except rules.RatingRefused as refusal:
        db.session.rollback()
        _refuse(refusal)
    rating.flag, rating.flag_reason, rating.flagged_by_id, rating.flagged_at = chosen.value, text, user.id, now
    db.session.commit()
    log.info("rating flagged id=%s flag=%s by=%s", rating.id, chosen.value, user.id)
    return rating


def reveal_rater_phone(user: User, rating: Rating) -> str:
    """The rater's phone number for the call-back; every reveal is audited."""

    log_access(actor=user, action="rating.rater_phone", subject_kind="user", subject_id=str(rating.rater_user_id),
               detail=f"rating {rating.id} call-back")
    db.session.commit()
    return rating.rater.phone


# --- figures -----------------------------------------------------------------------------------------


def _period_bounds(period: tuple[date, date]) -> tuple[datetime, datetime]:
    """Local calendar days, both ends included."""
    start, end = period
    if end < start:
        raise OperationError("period.invalid", N_("统计区间的结束日期不能早于开始日期。"), field="period")
    return (datetime.combine(start, time.min, tzinfo=timeutil.LOCAL_TZ),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=timeutil.LOCAL_TZ))


@dataclass
class RatingFigures:
    """What `rating_figures` answers: the unit's figures over the period (for one service when
    asked), per service, and the work orders opened in the period."""

    unit_id: int
    service_code: str | None
    period: tuple[date, date]
    total: rules.Figures
    by_service: dict[str, rules.Figures] = field(default_factory=dict)
    work_orders_opened: int = 0
    work_orders_open: int = 0
    work_orders_overdue: int = 0  # open and past the 15-working-day limit
    work_orders_closed_in_time: int = 0

    def as_dict(self) -> dict:
        return {
            "unit_id": self.unit_id, "service_code": self.service_code,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "total": self.total.as_dict(),
            "by_service": {code: figures.as_dict() for code, figures in self.by_service.items()},
            "work_orders": {"opened": self.work_orders_opened, "open": self.work_orders_open,
                            "overdue": self.work_orders_overdue, "closed_in_time": self.work_orders_closed_in_time},
        }


def rating_figures(unit_id: int, service_code: str | None = None, *, period: tuple[date, date],
                   now: datetime | None = None) -> RatingFigures:
    """Ratings of a unit given within `period` (local dates, both included), flagged ones left
    out (counted in `excluded`). For the supervisor view; the caller checks who may see it."""
    start, end = _period_bounds(period)
    query = select(Rating.level, Rating.service_code, Rating.unit_id, Rating.flag).where(
        Rating.unit_id == unit_id, Rating.created_at >= start, Rating.created_at < end)
    if service_code:
        query = query.where(Rating.service_code == service_code)
    records = [rules.RatingRecord(rules.Level(level), code, unit, flag is not None)
               for level, code, unit, flag in db.session.execute(query)]
    result = RatingFigures(unit_id=unit_id, service_code=service_code, period=period, total=rules.figures(records),
                           by_service=rules.figures_by(records, lambda r: r.service_code))
    orders = select(Application).join(Rating, Rating.work_order_id == Application.id).where(
        Application.unit_id == unit_id, Application.service_code == RECTIFICATION,
        Application.submitted_at >= start, Application.submitted_at < end)
    if service_code:
        orders = orders.where(Rating.service_code == service_code)
    now = now or timeutil.now()
    for order in db.session.scalars(orders):
        result.work_orders_opened += 1
        if order.state in OPEN_WORK_ORDER:
            result.work_orders_open += 1
            if order.statutory_due_at is not None and now > order.statutory_due_at:
                result.work_orders_overdue += 1
        elif order.state == State.APPROVED.value and order.decided_at is not None and (
                order.statutory_due_at is None or order.decided_at <= order.statutory_due_at):
            result.work_orders_closed_in_time += 1
    return result


def open_work_order_count(unit_id: int) -> int:
    return db.session.scalar(select(func.count(Application.id)).where(
        Application.unit_id == unit_id, Application.service_code == RECTIFICATION,
        Application.state.in_(OPEN_WORK_ORDER))) or 0
