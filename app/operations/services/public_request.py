"""警民直通车 / 服务企业直通车: route a request to the unit that answers its topic (督察 for
police conduct), fix its kind's limit at filing, transfer it (转办), answer it in writing, and
let the requester reopen it once (rules: `app.domain.catalogue.public_request`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import public_request as rules
from app.domain.catalogue import public_request_hotline as hotline
from app.domain.catalogue.schema import FieldError
from app.domain.settings import FiledRules
from app.domain.text import N_
from app.domain.workflow import Action, Actor, count
from app.extensions import db
from app.models.accounts import Unit, User
from app.models.applications import Application, ApplicationEvent
from app.models.hotline import HotlineOrder
from app.operations import OperationError
from app.operations import settings as settings_ops
from app.operations.events import event_records
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, refusal, register
from app.registries import get_registries


def _unit_kinds() -> frozenset[str]:
    return frozenset(db.session.scalars(select(Unit.kind).distinct()))


def _first_of_kind(kind: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.kind == kind).order_by(Unit.code))


def transfer_targets(application: Application) -> list[Unit]:
    """The units a request may be transferred to (转办): those that answer a topic, not its own."""
    return list(db.session.scalars(
        select(Unit).where(Unit.kind.in_(rules.TRANSFER_KINDS), Unit.id != application.unit_id)
        .order_by(Unit.code)))


def answered_at(history) -> datetime | None:
    """The latest answer (答复): the window to reopen runs from it."""
    answers = [event.at for event in history if event.action == Action.APPROVE]
    return answers[-1] if answers else None


class PublicRequestHandler(ServiceHandler):
    code = rules.CODE
    value_labels = {"kind": rules.KINDS, "topic": rules.TOPICS, "route": rules.UNIT_KIND_NAMES}

    def field_problems(self, applicant: User, data: Mapping[str, Any], *, now: datetime) -> list[FieldError]:
        code = data.get("complained_unit")
        if isinstance(code, str) and code.strip() and db.session.scalar(
                select(Unit.id).where(Unit.code == code.strip())) is None:
            return [FieldError("complained_unit", "public_request.complained_unit_unknown",
                               N_("请从列表中选择被反映的单位。"))]
        return []

    def prepare(self, applicant: User, data: rules.PublicRequestFiling, *, now: datetime) -> Filing:
        try:
            rules.check_request(data.kind, data.topic, data.police_conduct, data.complained_unit)
            unit_kind = rules.route(data.topic, data.police_conduct, _unit_kinds())
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        unit = self._unit(applicant, unit_kind)
        organisation = applicant.organisation
        clean = {**data.given(), "route": unit_kind}
        clean.pop("materials", None)
        return Filing(unit_id=unit.id, data=clean,
                      subject_name=organisation.name if organisation is not None else applicant.real_name,
                      subject_id_number=organisation.uscc if organisation is not None else applicant.id_number)

    def filed_rules(self, filed: FiledRules, filing: Filing, *, now: datetime) -> FiledRules:
        """The kind's answer limit in force at filing, as both the promised and the statutory one."""
        values = {key: settings_ops.global_value(key, now) for key in set(rules.KIND_LIMIT_KEYS.values())}
        limit = rules.limit_for(filing.data["kind"], values)
        return replace(filed, promised=limit, statutory=limit)

    def _unit(self, applicant: User, unit_kind: str) -> Unit:
        """A station question goes to the requester's hukou station where the registry knows it."""
        if unit_kind == rules.POLICE_STATION and applicant.id_number and applicant.organisation is None:
            household = get_registries().household_of(applicant.id_number)
            if household is not None:
                unit = db.session.scalar(select(Unit).where(Unit.code == household.station_unit_code))
                if unit is not None:
                    return unit
        unit = _first_of_kind(unit_kind)
        if unit is None:
            raise OperationError("unit.unknown", N_("未找到承办单位，请联系窗口工作人员。"), status=409)
        return unit

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        if action != Action.REOPEN:
            return None
        history = event_records(application)
        try:
            rules.check_reopen(answered_at=answered_at(history), reopened=count(history, Action.REOPEN), now=now,
                               window_days=int(settings_ops.global_value(rules.REOPEN_WINDOW_KEY, now)))
        except rules.RuleViolation as violation:
            return refusal(violation, status=409)
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        try:
            if action == Action.TRANSFER:
                code = (fields.get("to_unit") or "").strip()
                target = db.session.scalar(select(Unit).where(Unit.code == code)) if code else None
                rules.check_transfer(police_conduct=bool(application.data.get("police_conduct")),
                                     from_unit_id=application.unit_id, to_unit_id=target.id if target else None,
                                     to_unit_kind=target.kind if target else None)
                return {"from_unit_id": application.unit_id, "to_unit_id": target.id, "to_unit": target.code}
            if action == Action.APPROVE:
                rules.check_answer(fields.get("opinion"))
                return {"opinion": fields["opinion"].strip()}
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        return None

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        data = application.data
        history = event_records(application)
        return [OutcomeDocument(rules.SERVICE.document("public_request_answer"), {
            "filed_date": timeutil.local(application.submitted_at).date(),
            "kind_name": rules.KINDS[data["kind"]],
            "topic_name": rules.TOPICS[data["topic"]],
            "subject": data["subject"],
            "content": data["content"],
            "opinion": event.payload["opinion"],
            "reopened": count(history, Action.REOPEN) > 0,
            "reopen_days": int(settings_ops.global_value(rules.REOPEN_WINDOW_KEY, event.occurred_at)),
            "hotline_order": data.get("hotline_order_number", ""),
        })]


register(PublicRequestHandler())


class HotlineOrderHandler(PublicRequestHandler):
    """12345热线转办工单: recorded by staff under the hotline's unique order number."""

    code = hotline.CODE

    def prepare(self, applicant: User, data: hotline.HotlineOrderFiling, *, now: datetime) -> Filing:
        number = data.hotline_order_number.upper()
        try:
            hotline.check_order_number_free(db.session.scalar(
                select(HotlineOrder.id).where(HotlineOrder.order_number == number)) is not None)
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        filing = super().prepare(applicant, data, now=now)
        filing.data["hotline_order_number"] = number
        filing.subject_name, filing.subject_id_number = data.requester_name, None
        return filing

    def _unit(self, applicant: User, unit_kind: str) -> Unit:
        """The unit the hotline handed the order to records it (another unit's matter is then
        transferred, 转办); a complaint about police conduct only the inspectorate records."""
        try:
            hotline.check_recording_unit(applicant.unit.kind if applicant.unit else None, unit_kind)
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        return applicant.unit

    def after_submit(self, application: Application, *, now: datetime) -> None:
        db.session.add(HotlineOrder(order_number=application.data["hotline_order_number"],
                                    application_id=application.id, recorded_at=now))
        db.session.flush()


register(HotlineOrderHandler())
