"""企业信用修复: the penalty and its credit mark come from the police's penalty records; the
enterprise says which penalty and how it corrected the conduct, and hands in the proof of
performance and its credit commitment. The local station reviews within 10 working days; its
approval records the repair on the penalty record, which clears the enterprise's bad-credit
standing that bars 容缺受理 (`app.operations.tolerance`)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import credit_repair as rules
from app.domain.records import PolicePenaltyRecord
from app.domain.text import N_, Message, Sentences
from app.domain.verification import Finding, RegistryCheck, Tone, worst
from app.domain.workflow import Action, Actor, State
from app.extensions import db
from app.models.accounts import Organisation, Role, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, register, unit_for_region
from app.registries import get_registries
from app.registries.simulated import RegistryWriteError

# A repair is pending until decided (an approved repair has cleared the mark already).
PENDING_STATES = (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED)
REGISTRY_SOURCES = N_("公安机关行政处罚信息；企业登记信息（市场监管部门）")


def _refuse_all(violations: list[rules.RuleViolation]):
    """Every reason at once, so the enterprise can put all of them right in one go."""
    first = violations[0]
    if len(violations) == 1:
        raise OperationError(first.code, first.template, field=first.field, params=first.params)
    numbered = Sentences(Message(N_("（%(n)s）%(reason)s"), {"n": i, "reason": Message(v.template, v.params)})
                         for i, v in enumerate(violations, 1))
    raise OperationError(first.code, N_("%(reasons)s"), field=first.field, params={"reasons": numbered})


def pending_repairs(uscc: str, *, excluding: int | None = None) -> set[str]:
    """The penalties this enterprise has a repair application under way for."""
    rows = db.session.scalars(select(Application).where(
        Application.service_code == rules.CODE, Application.subject_id_number == uscc,
        Application.state.in_([s.value for s in PENDING_STATES])))
    return {a.data.get("penalty_decision_number", "") for a in rows if a.id != excluding}


def repairable_penalties(user: User) -> list[PolicePenaltyRecord]:
    """The penalties of the user's enterprise whose credit mark still stands (the form's choices)."""
    if user.organisation is None:
        return []
    return rules.open_marks(get_registries().police_penalties(user.organisation.uscc))


def _penalty(application: Application) -> PolicePenaltyRecord | None:
    number = application.data.get("penalty_decision_number")
    return next((p for p in get_registries().police_penalties(application.subject_id_number or "")
                 if p.decision_number == number), None)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class CreditRepairHandler(ServiceHandler):
    code = rules.CODE

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        return [(key, rules.CREDIT_MARK if key == "credit_mark" else text)
                for key, text in super().display_data(application)]

    def prepare(self, applicant: User, data: rules.CreditRepairFiling, *, now: datetime) -> Filing:
        if applicant.role_enum != Role.ENTERPRISE or applicant.organisation is None:
            raise OperationError("enterprise.account", N_("企业信用修复须由受到处罚的企业使用企业账号申请。"), status=403)
        registries = get_registries()
        enterprise = registries.enterprise(applicant.organisation.uscc)
        if enterprise is None:
            raise OperationError("enterprise.unknown", N_("未在企业登记信息中查询到本单位，请核对统一社会信用代码。"))
        # Two filings of one enterprise at once: the second waits here until the first is
        # recorded, then finds it pending (the lock ends with the filing's transaction).
        db.session.scalar(select(Organisation.id).where(Organisation.id == applicant.organisation.id)
                          .with_for_update())
        penalties = registries.police_penalties(enterprise.uscc)
        violations = rules.filing_violations(
            penalties, data.penalty_decision_number, pending=pending_repairs(enterprise.uscc),
            corrected=data.conduct_corrected, measures=data.correction_measures)
        if violations:
            _refuse_all(violations)
        penalty = rules.find_penalty(penalties, data.penalty_decision_number)
        unit = unit_for_region(rules.SERVICE.unit_kind, enterprise.region_code)
        if unit is None:
            raise OperationError("route.no_station", N_("未找到企业住所地的公安派出所，请到窗口办理。"), status=409)
        clean = {
            "enterprise_name": enterprise.name,
            "uscc": enterprise.uscc,
            "penalty_decision_number": penalty.decision_number,
            "penalty_authority": penalty.authority,
            "penalty_date": _day(penalty.decided_on),
            "penalty_conduct": penalty.conduct,
            "penalty_sanction": penalty.sanction,
            "carried_out_on": _day(penalty.carried_out_on),
            "credit_mark": "lowered",
            "conduct_corrected": True,
            "correction_measures": data.correction_measures,
        }
        return Filing(unit_id=unit.id, data=clean, subject_name=enterprise.name, subject_id_number=enterprise.uscc)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """Approval rests on the penalty record as it stands at the decision, and on a registry
        that takes the repair."""
        if action != Action.APPROVE:
            return None
        if not hasattr(get_registries(), "repair_credit_mark"):
            return OperationError("credit_repair.registry_read_only",
                                  N_("行政处罚信息系统暂不支持网上登记信用修复，请在执法办案系统中办理。"), status=409)
        violations = rules.decision_violations(_penalty(application))
        if violations:
            reasons = Sentences(Message(v.template, v.params) for v in violations)
            return OperationError("credit_repair.conditions",
                                  N_("不符合信用修复条件：%(reasons)s请作出不予信用修复决定并写明理由。"), status=409,
                                  params={"reasons": reasons})
        return None

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        penalty = _penalty(application)
        violations = rules.decision_violations(penalty)
        if penalty is None:
            findings = [Finding(N_("行政处罚决定"), N_("%(problems)s"), Tone.BAD,
                                {"problems": violations[0].message})]
        else:
            label, params = N_("%(number)s（%(authority)s）"), {"number": penalty.decision_number,
                                                                "authority": penalty.authority}
            if violations:
                findings = [Finding(label, N_("%(problems)s"), Tone.BAD, {**params, "problems": violations[0].message})]
            else:
                findings = [Finding(label, N_("%(sanction)s，已于%(day)s履行完毕；因该处罚信用等级降低，尚未修复"), Tone.OK,
                                    {**params, "sanction": penalty.sanction, "day": penalty.carried_out_on})]
        tone = worst(f.tone for f in findings)
        conclusion = (N_("不符合信用修复条件：不能准予修复，请在不予信用修复决定中写明理由。") if tone == Tone.BAD
                      else N_("处罚已履行完毕，请核对履行完毕证明、整改情况和信用承诺书后作出决定。"))
        return RegistryCheck(REGISTRY_SOURCES, tuple(findings), conclusion, tone)

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:
        """Approval repairs the mark on the penalty record, in the decision's own transaction."""
        if event.action != Action.APPROVE.value:
            return
        try:
            get_registries().repair_credit_mark(application.data["penalty_decision_number"],
                                                repaired_on=timeutil.local(event.occurred_at).date(),
                                                reference=application.number)
        except RegistryWriteError as exc:
            raise OperationError("credit_repair.conditions", N_("该处罚的信用等级降低记录已不存在或已修复。"),
                                 status=409) from exc

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        if event.action != Action.APPROVE.value:
            return []
        data = application.data
        return [OutcomeDocument(rules.SERVICE.document("credit_repair_decision"), {
            "applicant_name": data["enterprise_name"],
            "uscc": data["uscc"],
            "application_number": application.number,
            "received_date": timeutil.local(application.created_at).date(),
            "penalty_decision_number": data["penalty_decision_number"],
            "penalty_authority": data["penalty_authority"],
            "penalty_date": date.fromisoformat(data["penalty_date"]),
            "penalty_conduct": data["penalty_conduct"],
            "penalty_sanction": data["penalty_sanction"],
            "carried_out_on": date.fromisoformat(data["carried_out_on"]),
            "correction_measures": data["correction_measures"],
            "decided_date": timeutil.local(event.occurred_at).date(),
        })]


register(CreditRepairHandler())
