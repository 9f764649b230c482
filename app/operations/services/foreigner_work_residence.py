"""外国人工作类居留许可: the foreigner's identity and residence from the population registry
(their passport is their key there), the employer from the enterprise registry, the limit from
the key-project list as it stands at filing, and the decision with the appointment to collect
the permit at the exit-entry office."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import foreigner_work_residence as rules
from app.domain.settings import FiledRules
from app.domain.text import N_, Bilingual, Message, Sentences
from app.domain.verification import RegistryCheck
from app.domain.workflow import Action, Actor
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError, key_projects, settings
from app.operations.events import calendar_for, service_of
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, register, unit_for_region
from app.registries import get_registries

# The system-wide setting (app/domain/catalogue/defaults.py) holding the key-project limit.
KEY_PROJECT_SETTING = "foreigner_work_residence.key_project_workdays"


def _refusal(violations: list[rules.RuleViolation], *, status: int = 422) -> OperationError:
    """Every reason at once, so the applicant can put all of them right in one go."""
    first = violations[0]
    if len(violations) == 1:
        return OperationError(first.code, first.template, field=first.field, status=status, params=first.params)
    numbered = Sentences(Message(N_("（%(n)s）%(reason)s"), {"n": i, "reason": Message(v.template, v.params)})
                         for i, v in enumerate(violations, 1))
    return OperationError(first.code, N_("%(reasons)s"), field=first.field, status=status, params={"reasons": numbered})


def appointment_text(moment: datetime) -> str:
    """``2026年11月24日（星期二）09:30``."""
    local = timeutil.local(moment)
    weekday = "一二三四五六日"[local.weekday()]
    return f"{local.year}年{local.month}月{local.day}日（星期{weekday}）{local:%H:%M}"


class ForeignerWorkResidenceHandler(ServiceHandler):
    code = "foreigner_work_residence"

    def prepare(self, applicant: User, data: rules.WorkResidenceFiling, *, now: datetime) -> Filing:
        registries = get_registries()
        person = registries.person(applicant.id_number) if applicant.id_number else None
        enterprise = registries.enterprise(data.employer_uscc)
        violations = rules.filing_violations(
            person, enterprise, passport_expires_on=data.passport_expires_on,
            work_permit_expires_on=data.work_permit_expires_on, residence_until=data.residence_until,
            today=timeutil.local(now).date())
        if violations:
            raise _refusal(violations)
        unit = unit_for_region(rules.SERVICE.unit_kind, person.residence_permit_region_code)
        if unit is None:
            raise OperationError("route.exit_entry", N_("未找到居住地公安机关出入境管理部门。"))
        clean = {
            "nationality": person.nationality,
            "passport_number": person.passport_number or person.id_number,
            "passport_expires_on": data.passport_expires_on.isoformat(),
            "work_permit_number": data.work_permit_number,
            "work_permit_expires_on": data.work_permit_expires_on.isoformat(),
            "employer_uscc": enterprise.uscc,
            "employer_name": enterprise.name,
            "position": data.position,
            "residence_until": data.residence_until.isoformat(),
            # As the list stands at filing: the limit it gives is kept for the application's life.
            "key_project": key_projects.is_listed(enterprise.uscc),
        }
        return Filing(unit_id=unit.id, data=clean, subject_name=person.name, subject_id_number=person.id_number)

    def filed_rules(self, filed: FiledRules, filing: Filing, *, now: datetime) -> FiledRules:
        """Staff of a key-project enterprise: the key-project limit as the promised one."""
        days = int(settings.global_value(KEY_PROJECT_SETTING, now))
        promised = rules.promised_limit(filed.promised, key_project=bool(filing.data.get("key_project")),
                                        key_project_workdays=days)
        return replace(filed, promised=promised)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """No permit on an employer gone from the registry or on documents expired since filing."""
        if action != Action.APPROVE:
            return None
        data = application.data
        today = timeutil.local(now).date()
        until = _date(data["residence_until"])
        violations = rules.employer_violations(get_registries().enterprise(data["employer_uscc"]))
        violations += rules.passport_violations(_date(data["passport_expires_on"]), until, today=today)
        violations += rules.work_permit_violations(_date(data["work_permit_expires_on"]), until, today=today)
        if violations:
            reasons = Sentences(Message(v.template, v.params) for v in violations)
            return OperationError("foreigner_work_residence.conditions",
                                  N_("不符合签发条件：%(reasons)s请作出不予许可决定并写明理由。"), status=409,
                                  params={"reasons": reasons})
        return None

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        data = application.data
        registries = get_registries()
        return rules.registry_check(
            registries.person(application.subject_id_number or ""), registries.enterprise(data["employer_uscc"]),
            key_project_limit=service_of(application).limits.promised if data.get("key_project") else None,
            passport_expires_on=_date(data["passport_expires_on"]),
            work_permit_expires_on=_date(data["work_permit_expires_on"]), residence_until=_date(data["residence_until"]),
            today=timeutil.local(now).date())

    def check_action(self, application: Application, action: str, fields: dict, *, now: datetime) -> dict | None:
        """The approval fixes the appointment to collect the permit (recorded in its event)."""
        if action != Action.APPROVE:
            return None
        calendar = calendar_for(application)
        hours = settings.office_hours(application.unit_id, now)
        moment = rules.collection_appointment(timeutil.local(now), calendar.is_working_day, hours)
        return {"collection_appointment": moment.isoformat()}

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        payload = event.payload or {}
        if event.action != Action.APPROVE.value or "collection_appointment" not in payload:
            return []
        data = application.data
        return [OutcomeDocument(
            rules.SERVICE.document("work_residence_decision"),
            {"holder_name": application.subject_name,
             "nationality": data.get("nationality", ""),
             "passport_number": data.get("passport_number", ""),
             "work_permit_number": data.get("work_permit_number", ""),
             "employer_name": data.get("employer_name", ""),
             "position": data.get("position", ""),
             "residence_until": _date(data["residence_until"]),
             "decision_date": timeutil.local(event.occurred_at).date(),
             "appointment": appointment_text(datetime.fromisoformat(payload["collection_appointment"])),
             "office_address": application.unit.address or application.unit.name},
        )]

    def tracking_notes(self, application: Application) -> list[tuple[str, Message]]:
        """The appointment to collect the permit, once approved (a time at the office: no personal data)."""
        moment = collection_appointment_of(application)
        if moment is None:
            return []
        unit = application.unit
        when = Bilingual(appointment_text(moment), timeutil.local(moment).strftime("%A %d %B %Y, %H:%M"))
        return [(N_("领取证件预约"), Message(N_("请于%(when)s持护照原件到%(unit)s（%(place)s）领取居留证件。"), {
            "when": when, "unit": Bilingual(unit.name, unit.name_en or unit.name),
            "place": Bilingual(unit.address or unit.name, unit.address or unit.name_en or unit.name)}))]


def collection_appointment_of(application: Application) -> datetime | None:
    event = db.session.scalar(select(ApplicationEvent).where(
        ApplicationEvent.application_id == application.id, ApplicationEvent.action == Action.APPROVE.value)
        .order_by(ApplicationEvent.seq.desc()))
    value = (event.payload or {}).get("collection_appointment") if event is not None else None
    return datetime.fromisoformat(value) if value else None


def _date(value: str):
    return datetime.fromisoformat(value).date()


register(ForeignerWorkResidenceHandler())
