"""The applicant's message centre (消息中心): every message the applicant was sent, newest
first, read or not; the unread count in the header; and the to-dos — matters waiting for the
applicant's correction or 容缺 supplement (待补正), missed 容缺 deadlines whose justified cause
may still be stated (待陈述理由, 违诺认定), and ended matters not yet rated (待评价).

Messages are written by `app.operations.notifications` (one `Message` per message, whatever
the channels). A user sees only their own: every query here is by the user's id, and the
to-dos come from the applications the user may see (`visibility_filter`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.domain.clock import COMMITMENT_STATES
from app.domain.tolerance import cause_window_open, listing_review
from app.domain.workflow import Action, State, commitment_open
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application
from app.models.notifications import Message
from app.models.tolerance import CommitmentStatus, ToleranceCommitment
from app.operations import ratings as rating_ops
from app.operations.access import visibility_filter
from app.operations.events import event_records

PER_PAGE = 20
TODO_LIMIT = 50


def unread_count(user: User) -> int:
    """One COUNT on the (user, read_at) index, however many messages the user has."""
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.user_id == user.id, Message.read_at.is_(None))) or 0


@dataclass(frozen=True)
class Page:
    messages: list[Message]
    unread_ids: frozenset[int]  # unread when the page was opened (opening it has read them)
    older: int | None  # the id to continue from (None: this is the last page)


def open_page(user: User, *, before: int | None, now: datetime) -> Page:
    """One page of the user's messages, newest first (ids are given in the order messages are
    written); the unread ones on it are marked read."""
    query = select(Message).where(Message.user_id == user.id).options(selectinload(Message.application))
    if before is not None:
        query = query.where(Message.id < before)
    messages = list(db.session.scalars(query.order_by(Message.id.desc()).limit(PER_PAGE + 1)))
    older = messages[PER_PAGE - 1].id if len(messages) > PER_PAGE else None
    messages = messages[:PER_PAGE]
    unread = frozenset(m.id for m in messages if m.read_at is None)
    if unread:
        db.session.execute(update(Message).where(Message.user_id == user.id, Message.id.in_(unread),
                                                 Message.read_at.is_(None))
                           .values(read_at=now).execution_options(synchronize_session=False))
        for message in messages:
            if message.id in unread:
                message.read_at = now
        db.session.commit()
    return Page(messages, unread, older)


@dataclass(frozen=True)
class Todo:
    application: Application
    kind: str  # "correction" | "supplement" | "cause" | "rating"
    due_at: datetime | None


def todos(user: User, *, now: datetime) -> list[Todo]:
    """What the user has to do: corrections, 容缺 supplements and justified causes to state (the
    soonest due first), then ended matters to rate (the newest first)."""
    condition = visibility_filter(user)
    waiting = db.session.scalars(select(Application).where(condition, (
        (Application.state == State.CORRECTION_REQUESTED.value)
        | (Application.commitment_due_at.is_not(None)
           & Application.state.in_([s.value for s in COMMITMENT_STATES])))
    ).order_by(Application.id.desc()).limit(TODO_LIMIT))
    items = []
    for application in waiting:
        if application.state == State.CORRECTION_REQUESTED.value:
            items.append(Todo(application, "correction", application.correction_reply_due_at))
        elif _supplement_outstanding(application):
            items.append(Todo(application, "supplement", application.commitment_due_at))
    items += _causes_to_state(condition, now=now)
    items.sort(key=lambda t: (t.due_at is None, t.due_at or datetime.min, t.application.id))
    if user.role_enum.is_applicant:
        items += [Todo(item.application, "rating", None) for item in rating_ops.my_ratable(user)
                  if item.rating is None][:TODO_LIMIT]
    return items


def _causes_to_state(condition, *, now: datetime) -> list[Todo]:
    """Breached commitments under review whose window for a justified cause is still open."""
    reviewed = db.session.scalars(select(Application).join(
        ToleranceCommitment, ToleranceCommitment.application_id == Application.id).where(
        condition, ToleranceCommitment.status == CommitmentStatus.BREACHED).order_by(Application.id.desc())
        .limit(TODO_LIMIT))
    items = []
    for application in reviewed:
        review = listing_review(event_records(application))
        if review is not None and cause_window_open(review, now=now):
            items.append(Todo(application, "cause", review.cause_due_at))
    return items


def _supplement_outstanding(application: Application) -> bool:
    """A 容缺 commitment is open and the applicant has not yet handed the materials in (once
    handed in, the office checks them and confirms)."""
    history = event_records(application)
    return commitment_open(history) and not any(e.action == Action.SUPPLY_MATERIALS for e in history)

