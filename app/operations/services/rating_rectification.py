"""差评整改: the work order a bad rating opens, on the same engine as every service.

Filed by `app.operations.ratings.rate` in the rater's name (`file_application`, same
transaction as the rating); accepted at once by the system (即办), so its 15-working-day clock
starts with the rating; closed by the unit's supervisor with `approve`, which must carry the
call-back record and the measures (`app.domain.ratings.check_callback`). It cannot be refused,
withdrawn or revoked.

"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import timeutil
from app.domain import ratings as rules
from app.domain.catalogue import CATALOGUE, get_service
from app.domain.catalogue import rating_rectification as catalogue
from app.domain.catalogue.rating_rectification import WorkOrderFiling
from app.domain.text import N_
from app.domain.workflow import Action, Actor, ActorKind
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.models.ratings import Rating
from app.operations import OperationError
from app.operations.applications import apply_decision
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, register

SYSTEM = Actor(ActorKind.SYSTEM)


def _refuse(refusal: rules.RatingRefused):
    raise OperationError(refusal.code, refusal.message, field=refusal.field, status=refusal.status)


def rating_of(application: Application) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.work_order_id == application.id))


class RatingRectificationHandler(ServiceHandler):
    code = catalogue.CODE
    value_labels = {"level": {level.value: name for level, name in rules.LEVEL_NAMES.items()},
                    "rated_service": {code: service.name_zh for code, service in CATALOGUE.items()}}

    def prepare(self, applicant: User, data: WorkOrderFiling, *, now: datetime) -> Filing:
        """Only for a bad rating of the applicant's own that has no work order yet."""
        rating = db.session.get(Rating, data.rating_id)
        if rating is None or rating.rater_user_id != applicant.id or not rules.is_bad(rating.level):
            raise OperationError("rectification.no_rating",
                                 N_("差评整改工单在您作出“不满意”或“非常不满意”评价时自动生成，无需单独申请。"),
                                 field="rating_id", status=409)
        if rating.work_order_id is not None:
            raise OperationError("rectification.exists", N_("该评价已生成差评整改工单。"), field="rating_id",
                                 status=409)
        rated = rating.application
        return Filing(
            unit_id=rating.unit_id,
            data={"rating_id": rating.id, "rated_number": rated.number, "rated_service": rating.service_code,
                  "level": rating.level, "comment": rating.comment},
            subject_name=applicant.real_name,
        )

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """The system accepts the work order at once; its clock starts now."""

        rating = db.session.get(Rating, application.data["rating_id"])
        rating.work_order_id = application.id
        apply_decision(application, Action.ACCEPT, SYSTEM, {"decision_note": "差评自动生成整改工单"}, now=now,
                       handler=self)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """Neither refused, withdrawn nor revoked; closed by the head of the unit, who answers
        for bad ratings (DESIGN.md §1) — the engine lets any staff member of the unit approve."""
        if action in catalogue.REFUSED_ACTIONS:
            return OperationError("rectification.action", catalogue.REFUSED_ACTIONS[action], status=409)
        if action == Action.APPROVE and actor.kind != ActorKind.SUPERVISOR:
            return OperationError("forbidden", N_("差评整改工单须由单位负责人回访登记后办结。"), status=403)
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        if action != Action.APPROVE:
            return None
        rating = rating_of(application)
        try:
            callback = rules.check_callback(fields, rated_on=timeutil.local(rating.created_at).date(),
                                            today=timeutil.local(now).date())
        except rules.RatingRefused as refusal:
            _refuse(refusal)
        return callback.as_payload()

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:

        data = application.data
        rated = get_service(data["rated_service"])
        return [OutcomeDocument(catalogue.SERVICE.document("rectification_notice"), {
            "rated_date": timeutil.local(application.submitted_at).date(),
            "rated_service": rated.name_zh,
            "rated_number": data["rated_number"],
            "level_name": rules.LEVEL_NAMES[rules.Level(data["level"])],
            "callback_date": datetime.fromisoformat(event.payload["callback_date"]).date(),
            "contact_made": bool(event.payload["callback_contact_made"]),
            "measures": event.payload["measures"],
        })]



register(RatingRectificationHandler())
