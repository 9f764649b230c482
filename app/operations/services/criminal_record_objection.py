"""异议复核: an objection to one's own decided criminal-record query, answered in writing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import criminal_record_objection as rules
from app.domain.workflow import Action
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, refusal, register


def objectable_applications(user: User) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(
            Application.applicant_user_id == user.id,
            Application.service_code == "criminal_record",
            Application.state.in_(rules.OBJECTABLE_STATES),
        ).order_by(Application.created_at.desc())
    ))


class ObjectionHandler(ServiceHandler):
    code = "criminal_record_objection"

    def prepare(self, applicant: User, data: rules.ObjectionFiling, *, now: datetime) -> Filing:
        number = data.original_number.upper()
        reason = data.reason
        original = db.session.scalar(select(Application).where(
            Application.number == number, Application.applicant_user_id == applicant.id,
            Application.service_code == "criminal_record"))
        try:
            rules.check_objection(original.state if original else None, reason)
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        return Filing(unit_id=original.unit_id, data={"original_number": original.number, "reason": reason.strip()},
                      subject_name=original.subject_name, subject_id_number=original.subject_id_number)

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        if action != Action.APPROVE:
            return None
        try:
            rules.check_review(fields.get("outcome"), fields.get("opinion"))
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        return {"outcome": fields["outcome"], "opinion": fields["opinion"].strip()}

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        return [OutcomeDocument(rules.SERVICE.document("review_opinion"), {
            "objected_date": timeutil.local(application.submitted_at).date(),
            "original_number": application.data["original_number"],
            "objection": application.data.get("reason", ""),
            "opinion": event.payload["opinion"],
            "conclusion": rules.REVIEW_OUTCOMES[event.payload["outcome"]],
            "corrected": event.payload["outcome"] == "corrected",
        })]


register(ObjectionHandler())
