"""The courier poll (寄递状态查询): each result in the post is asked of its courier; one signed
for is recorded as delivered, dated when the courier says, which ends its delivery clock
(行政许可法第44条). Run by the sweep and by `flask --app wsgi courier poll`; safe to run twice."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.couriers import DELIVERED, Courier, courier_from_config
from app.domain.workflow import Action, Actor, ActorKind, State, postal_delivery
from app.extensions import db
from app.models.applications import Application, ApplicationEvent
from app.operations.applications import apply_decision
from app.operations.events import event_records
from app.operations.services import handler_for

log = logging.getLogger(__name__)
SYSTEM_ACTOR = Actor(ActorKind.SYSTEM)


def poll_couriers(*, now: datetime, courier: Courier | None = None) -> list[tuple[int, str]]:
    """Ask the courier of every result in the post (dispatched, not yet delivered)."""
    courier = courier or courier_from_config(current_app.config)
    def logged(action: Action):
        return exists().where(ApplicationEvent.application_id == Application.id, ApplicationEvent.action == action.value)

    ids = list(db.session.scalars(select(Application.id).where(
        Application.state == State.ISSUED.value, logged(Action.DISPATCH), ~logged(Action.DELIVER))
        .order_by(Application.id)))
    db.session.rollback()
    fired = []
    for application_id in ids:
        try:
            application = db.session.scalar(select(Application).where(Application.id == application_id)
                                            .with_for_update(skip_locked=True))
            post = postal_delivery(event_records(application)) if application is not None else None
            if post is None or post.dispatched is None or post.delivered is not None:
                db.session.rollback()
                continue
            payload = post.dispatched.payload
            parcel = courier.status(payload["courier"], payload["tracking_number"], posted_at=post.dispatched.at, now=now)
            if parcel.status != DELIVERED:
                db.session.rollback()
                continue
            apply_decision(application, Action.DELIVER, SYSTEM_ACTOR,
                           {"courier_status": DELIVERED, "reason": "快递签收"}, now=now, at=min(parcel.at, now),
                           handler=handler_for(application.service_code))
            db.session.commit()
        except (IntegrityError, OperationalError):
            db.session.rollback()  # another poll got there first
            continue
        fired.append((application_id, Action.DELIVER.value))
        log.info("courier delivered id=%s", application_id)
    return fired
