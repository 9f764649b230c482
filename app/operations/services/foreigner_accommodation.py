"""境外人员住宿登记网上自助申报: the foreigner or the host reports a stay outside a hotel; the
report goes to the police station of the address (by its county code) and is registered by the
system at once (受理 and 登记 on filing, with the 住宿登记回执). A report filed more than 24
hours after the arrival is registered and flagged late (逾期申报): the flag is decided once, at
filing, and kept in the report's data, so the station's list and the head's figures read it."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from app import timeutil
from app.domain.catalogue import foreigner_accommodation as rules
from app.domain.catalogue.schema import FieldError
from app.domain.identifiers import mask_id_number
from app.domain.text import N_
from app.domain.workflow import Action, Actor, ActorKind
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application, ApplicationEvent
from app.models.types import UTCDateTime
from app.operations import OperationError
from app.operations.applications import apply_decision
from app.operations.calendar import load_calendar
from app.operations.services import (
    Filing,
    OutcomeDocument,
    ServiceHandler,
    refusal,
    register,
    unit_for_region,
)

SYSTEM = Actor(ActorKind.SYSTEM)
RECENT_LIMIT = 200


def _arrival(value: Any) -> datetime | None:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class ForeignerAccommodationHandler(ServiceHandler):
    code = rules.CODE
    value_labels = {"filer_role": rules.FILER_ROLES, "visa_type": rules.VISA_TYPES,
                    "host_relation": rules.HOST_RELATIONS, "region_code": rules.REGIONS}

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        """As the base, with the passport number masked (personal data) and times readable."""
        return self._rows(application, mask=True)

    def owner_display_data(self, application: Application) -> list[tuple[str, str]]:
        """The filer's own page shows the number they typed, whole."""
        return self._rows(application, mask=False)

    def _rows(self, application: Application, *, mask: bool) -> list[tuple[str, str]]:
        rows = []
        for key, text in super().display_data(application):
            if key == "passport_number" and mask:
                text = mask_id_number(text)
            elif key in ("arrived_at", "report_due_at") and text:
                text = timeutil.local(datetime.fromisoformat(text)).strftime("%Y-%m-%d %H:%M")
            elif key == "late":
                text = "是（逾期申报）" if application.data.get("late") else "否"
            rows.append((key, text))
        return rows

    def field_problems(self, applicant: User, data: Mapping[str, Any], *, now: datetime) -> list[FieldError]:
        """An arrival still to come is refused beside the schema's errors."""
        arrived_at = _arrival(data.get("arrived_at"))
        if arrived_at is None:
            return []
        try:
            rules.check_arrival(arrived_at, now=now)
        except rules.RuleViolation as violation:
            return [FieldError(violation.field, violation.code, violation.template, violation.params)]
        return []

    def prepare(self, applicant: User, data: rules.AccommodationFiling, *, now: datetime) -> Filing:
        if applicant.role_enum != Role.CITIZEN:
            raise OperationError("applicant.not_person", N_("境外人员住宿登记由境外人员本人或留宿人使用个人账号申报。"),
                                 status=403)
        try:
            rules.check_arrival(data.arrived_at, now=now)
            rules.check_departure(data.expected_departure, data.arrived_at)
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        unit = unit_for_region(rules.SERVICE.unit_kind, data.region_code)
        if unit is None:
            raise OperationError("route.no_station", N_("未找到住宿地的公安派出所，请到派出所现场申报。"),
                                 field="region_code", status=409)
        calendar = load_calendar()
        clean = data.given()
        clean.pop("materials", None)
        clean.update({
            "arrived_at": timeutil.local(data.arrived_at).isoformat(),
            "report_due_at": rules.report_due_at(data.arrived_at, calendar=calendar).isoformat(),
            "late": rules.is_late(data.arrived_at, now, calendar=calendar),
            "hours_late": rules.hours_late(data.arrived_at, now, calendar=calendar),
        })
        return Filing(unit_id=unit.id, data=clean, subject_name=data.foreigner_name,
                      subject_id_number=data.passport_number)

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """Registered on filing: the system accepts and concludes the report at once (即办)."""
        note = "网上自助申报，系统即时登记"
        if application.data.get("late"):
            note += "（逾期申报）"
        for action in (Action.ACCEPT, Action.APPROVE):
            apply_decision(application, action, SYSTEM, {"decision_note": note}, now=now, handler=self)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        if action in (Action.REVOKE, Action.WITHDRAW, Action.REJECT):
            return OperationError("accommodation.registered", N_("住宿登记已登记完毕；信息有误的，请重新申报。"),
                                  status=409)
        return None

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        data = application.data
        return [OutcomeDocument(rules.SERVICE.document("accommodation_receipt"), {
            "application_number": application.number,
            "registered_at": event.occurred_at,
            "station_name": application.unit.name,
            "filer_role": rules.FILER_ROLES[data["filer_role"]],
            "foreigner_name": data["foreigner_name"],
            "nationality": data["nationality"],
            "passport_masked": mask_id_number(data["passport_number"]),
            "visa_type": rules.VISA_TYPES[data["visa_type"]],
            "arrived_at": datetime.fromisoformat(data["arrived_at"]),
            "report_due_at": datetime.fromisoformat(data["report_due_at"]),
            "address": f"{rules.REGIONS[data['region_code']]}{data['address']}",
            "expected_departure": data["expected_departure"],
            "host_name": data["host_name"],
            "host_relation": rules.HOST_RELATIONS[data["host_relation"]],
            "late": bool(data.get("late")),
            "hours_late": int(data.get("hours_late") or 0),
        }, holder_name=data["foreigner_name"])]


register(ForeignerAccommodationHandler())


@dataclass(frozen=True)
class Report:
    """One registered report as the station's list shows it (passport number masked)."""

    id: int
    number: str
    foreigner_name: str
    nationality: str
    passport_masked: str
    arrived_at: datetime
    filed_at: datetime
    late: bool
    hours_late: int


# Built once (asked on every view of every queue page).
_STATION_REPORTS = (
    select(Application.id, Application.number, Application.data, Application.submitted_at)
    .where(Application.unit_id == bindparam("unit_id"), Application.service_code == rules.CODE,
           Application.submitted_at >= bindparam("since", type_=UTCDateTime))
    .order_by(Application.submitted_at.desc(), Application.id.desc()).limit(RECENT_LIMIT))


def station_reports(unit_id: int, *, since: datetime) -> list[Report]:
    """The unit's reports filed since `since`, newest first: only its own area's (the columns the
    list shows, not whole applications: the clerk's queue page asks on every view)."""
    rows = db.session.execute(_STATION_REPORTS, {"unit_id": unit_id, "since": since})
    return [Report(a.id, a.number, a.data.get("foreigner_name", ""), a.data.get("nationality", ""),
                   mask_id_number(a.data.get("passport_number", "")), datetime.fromisoformat(a.data["arrived_at"]),
                   a.submitted_at, bool(a.data.get("late")), int(a.data.get("hours_late") or 0)) for a in rows]


@dataclass(frozen=True)
class ReportFigures:
    filed: int
    late: int


def report_figures(unit_id: int, *, start: datetime, end: datetime) -> ReportFigures:
    """Reports filed with the unit in [start, end), and how many of them late (逾期申报)."""
    lates = db.session.scalars(
        select(Application.data).where(Application.unit_id == unit_id, Application.service_code == rules.CODE,
                                       Application.submitted_at >= start, Application.submitted_at < end)).all()
    return ReportFigures(len(lates), sum(1 for data in lates if data.get("late")))
