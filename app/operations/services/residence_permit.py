"""居住证: the residence registration and the Art. 2 condition from the registries (or the
uploaded proof, or the 承诺制 commitment), filing at the police station of the residence, and on
approval the permit entered into the permit registry (first application) or endorsed (签注).

The registry is written in `check_action`, as the newborn registration does: the engine renders
the outcome documents (which print the permit number and dates) while recording the approval,
before `after_action` runs; the number goes into the approval event's payload (hash-chained),
and a refused approval leaves the registry untouched (one transaction).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import residence_permit as rules
from app.domain.catalogue.newborn_registration import add_months, cn_date
from app.domain.identifiers import mask_id_number
from app.domain.records import ResidencePermitRecord
from app.domain.text import N_
from app.domain.verification import Finding, RegistryCheck, Tone, worst
from app.domain.workflow import Action, Actor, State
from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError
from app.operations import materials as material_ops
from app.operations.audit import log_access
from app.operations.services import (
    Filing,
    OutcomeDocument,
    ServiceHandler,
    refusal,
    register,
    unit_for_region,
)
from app.registries import get_registries

CODE = rules.SERVICE.code
REGISTRY_SOURCES = N_("公安居住登记信息；社会保险缴纳信息（人社部门）；学籍信息（教育部门）；"
                      "不动产登记信息（自然资源部门）；居住证信息")
_OPEN_STATES = tuple(s.value for s in (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED,
                                         State.SUSPENDED))


def _in_registry(registries, basis: rules.Basis, id_number: str, city_code: str, today: date) -> bool:
    """Whether another agency's registry shows the condition, in this city, today."""
    if basis == rules.Basis.EMPLOYMENT:
        return any(r.region_code[:4] == city_code[:4] and r.continuous_on(today)
                   for r in registries.social_insurance(id_number))
    if basis == rules.Basis.STUDY:
        return any(r.region_code[:4] == city_code[:4] and r.continuous_on(today)
                   for r in registries.school_enrolments(id_number))
    return any(r.region_code[:4] == city_code[:4] and r.since <= today for r in registries.properties(id_number))


def _registration(record) -> rules.Registration | None:
    return rules.Registration(record.region_code, record.address, record.registered_on) if record else None


class ResidencePermitHandler(ServiceHandler):
    code = CODE
    value_labels = {"kind": dict(rules.KIND_NAMES), "basis": dict(rules.BASIS_NAMES),
                    "basis_proof": dict(rules.PROOF_NAMES), "verify_after": dict(rules.BASIS_NAMES)}

    def prepare(self, applicant: User, data: rules.ResidencePermitFiling, *, now: datetime) -> Filing:
        if applicant.role_enum != Role.CITIZEN or not applicant.id_number:
            raise OperationError("residence_permit.citizen", N_("居住证须由申领人本人使用实名认证的个人账号申请。"))
        registries = get_registries()
        today = timeutil.local(now).date()
        person = registries.person(applicant.id_number)
        if person is None or person.is_foreigner:
            raise OperationError("residence_permit.person", N_("未在人口信息中查询到您的户籍信息，请到居住地派出所办理。"))
        record = registries.residence_registration(person.id_number)
        unit = self._station(record)
        if unit is None:
            raise OperationError("residence_permit.unregistered", N_(
                "未查询到您在本市的居住登记信息，请先到居住地派出所或社区办理居住登记，居住满%(months)s个月后再申领居住证。"),
                field="kind", params={"months": rules.MIN_RESIDENCE_MONTHS})
        if self._open_application(person.id_number):
            raise OperationError("residence_permit.open", N_("您已有一件正在办理的居住证申请，请等待办结后再申请。"),
                                 field="kind", status=409)
        permit = registries.residence_permit_of(person.id_number)
        common = {"kind": data.kind, "station": unit.name, "region_code": record.region_code}
        if data.kind == rules.Kind.ENDORSEMENT:
            violations = rules.endorsement_violations(has_permit=permit is not None,
                                                      due=permit.endorsement_due if permit else None, today=today)
            if violations:
                raise refusal(violations[0])
            status = rules.permit_status(permit.endorsement_due, today)
            clean = {**common, "permit_number": permit.number, "endorsement_due": permit.endorsement_due.isoformat(),
                     "permit_suspended": status == rules.PermitStatus.SUSPENDED,
                     "residence_address": permit.address}
            return Filing(unit_id=unit.id, data=clean, subject_name=person.name, subject_id_number=person.id_number)
        violations = rules.residence_violations(hukou_region_code=person.hukou_region_code,
                                                registration=_registration(record), city_code=record.region_code,
                                                today=today)
        if permit is not None:
            violations.append(rules.RuleViolation("residence_permit.held", N_(
                "您已持有本市居住证（%(number)s），请选择签注。"), "kind", {"number": permit.number}))
        basis = rules.Basis(data.basis)
        proof = rules.basis_proof(basis, in_registry=_in_registry(registries, basis, person.id_number,
                                                                  record.region_code, today),
                                  uploaded=bool(data.materials.get(rules.BASIS_MATERIALS[basis])),
                                  commitment=data.commitment)
        violations += rules.basis_violations(basis, proof)
        if violations:
            raise refusal(violations[0])
        clean = {**common, "basis": basis.value, "basis_proof": proof.value,
                 "residence_address": data.residence_address or record.address,
                 "residence_since": record.registered_on.isoformat(), "commitment": proof == rules.Proof.COMMITMENT}
        if proof == rules.Proof.COMMITMENT:
            clean["verify_after"] = [basis.value]  # 承诺制: what the station verifies afterwards
        return Filing(unit_id=unit.id, data=clean, subject_name=person.name, subject_id_number=person.id_number)

    @staticmethod
    def _station(record) -> Unit | None:
        """The police station keeping the residence registration (else the address's)."""
        if record is None:
            return None
        unit = db.session.scalar(select(Unit).where(Unit.code == record.station_unit_code))
        return unit or unit_for_region(rules.SERVICE.unit_kind, record.region_code)

    @staticmethod
    def _open_application(id_number: str) -> bool:
        return db.session.scalar(select(Application.id).where(
            Application.service_code == CODE, Application.subject_id_number == id_number,
            Application.state.in_(_OPEN_STATES)).limit(1)) is not None

    # --- the decision --------------------------------------------------------------------

    def _violations(self, application: Application, today: date) -> list[rules.RuleViolation]:
        """The conditions as the registries stand at the decision."""
        registries = get_registries()
        id_number = application.subject_id_number or ""
        data = application.data
        if data.get("kind") == rules.Kind.ENDORSEMENT:
            permit = registries.residence_permit_of(id_number)
            return rules.endorsement_violations(has_permit=permit is not None,
                                                due=permit.endorsement_due if permit else None, today=today)
        person = registries.person(id_number)
        record = registries.residence_registration(id_number)
        if person is None or record is None:
            return rules.residence_violations(hukou_region_code=person.hukou_region_code if person else "",
                                              registration=None, city_code=data.get("region_code", ""), today=today)
        violations = rules.residence_violations(hukou_region_code=person.hukou_region_code,
                                                registration=_registration(record), city_code=record.region_code,
                                                today=today)
        basis = rules.Basis(data["basis"])
        proof = rules.basis_proof(basis, in_registry=_in_registry(registries, basis, id_number, record.region_code,
                                                                  today),
                                  uploaded=any(f.slot == rules.BASIS_MATERIALS[basis]
                                               for f in material_ops.current_files(application)),
                                  commitment=bool(data.get("commitment")))
        return violations + rules.basis_violations(basis, proof)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        if action != Action.APPROVE:
            return None
        violations = self._violations(application, timeutil.local(now).date())
        if violations:
            return OperationError("residence_permit.conditions", N_("不符合居住证签发条件：%(reason)s请作出不予签发决定并写明理由。"),
                                  status=409, params={"reason": violations[0].message})
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        if action != Action.APPROVE or application.state != State.ACCEPTED.value:
            return None
        data = application.data
        if data.get("verify_after") and not (fields.get("decision_note") or "").strip():
            raise OperationError("residence_permit.verification_note", N_(
                "承诺制申领：请在备注中记录对承诺事项（%(items)s）的核查安排或核查结果。"), field="decision_note",
                params={"items": "、".join(rules.BASIS_NAMES[rules.Basis(b)] for b in data["verify_after"])})
        today = timeutil.local(now).date()
        registries = get_registries()
        if data.get("kind") == rules.Kind.ENDORSEMENT:
            permit = registries.residence_permit_of(application.subject_id_number or "")
            next_due = rules.after_endorsement(permit.endorsement_due, today)
            registries.endorse_residence_permit(permit.number, endorsed_on=today, next_due=next_due)
            return {"permit_number": permit.number, "issued_on": permit.issued_on.isoformat(),
                    "endorsed_on": today.isoformat(), "endorsement_due": next_due.isoformat(),
                    "restored": today > permit.endorsement_due}
        unit = db.session.get(Unit, application.unit_id)
        prefix = f"JZ{unit.region_code[:6]}{today.year}"
        number = rules.permit_number(unit.region_code, today.year, registries.residence_permits_issued(prefix) + 1)
        due = add_months(today, 12)
        registries.record_residence_permit(ResidencePermitRecord(
            number=number, id_number=application.subject_id_number or "", name=application.subject_name,
            region_code=data["region_code"], address=data["residence_address"], station_unit_code=unit.code,
            issued_on=today, endorsement_due=due))
        return {"permit_number": number, "issued_on": today.isoformat(), "endorsement_due": due.isoformat()}

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:
        if event.action != Action.APPROVE.value or "permit_number" not in (event.payload or {}):
            return
        actor = db.session.get(User, event.actor_user_id) if event.actor_user_id else None
        log_access(actor=actor, action="residence_permit.recorded", subject_kind="residence_permit",
                   subject_id=event.payload["permit_number"], detail=f"application {application.id}")

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        today = timeutil.local(now).date()
        data = application.data
        registries = get_registries()
        id_number = application.subject_id_number or ""
        findings: list[Finding] = []
        if data.get("kind") == rules.Kind.ENDORSEMENT:
            permit = registries.residence_permit_of(id_number)
            if permit is not None:
                status = rules.permit_status(permit.endorsement_due, today)
                findings.append(Finding(N_("居住证 %(number)s"), N_("签注到期日%(due)s：%(status)s"),
                                        Tone.NOTE if status == rules.PermitStatus.SUSPENDED else Tone.OK,
                                        {"number": permit.number, "due": cn_date(permit.endorsement_due),
                                         "status": rules.PERMIT_STATUS_NAMES[status]}))
        else:
            record = registries.residence_registration(id_number)
            if record is not None:
                findings.append(Finding(N_("居住登记"), N_("%(since)s起居住于%(address)s"), Tone.OK,
                                        {"since": cn_date(record.registered_on), "address": record.address}))
            basis = rules.Basis(data["basis"])
            proof = rules.Proof(data["basis_proof"])
            findings.append(Finding(N_("申领条件：%(basis)s"), N_("证明方式：%(proof)s"),
                                    Tone.NOTE if proof == rules.Proof.COMMITMENT else Tone.OK,
                                    {"basis": rules.BASIS_NAMES[basis], "proof": rules.PROOF_NAMES[proof]}))
            if data.get("verify_after"):
                findings.append(Finding(N_("承诺制事后核查"), N_(
                    "须核查%(registry)s或实地核查申领人的%(basis)s情况；批准时在备注中记录核查安排或结果"), Tone.NOTE,
                    {"registry": rules.BASIS_REGISTRIES[basis], "basis": rules.BASIS_NAMES[basis]}))
        for violation in self._violations(application, today):
            findings.append(Finding(N_("不符合条件"), N_("%(problem)s"), Tone.BAD, {"problem": violation.message}))
        tone = worst(f.tone for f in findings) if findings else Tone.OK
        conclusion = (N_("不符合居住证签发条件：请作出不予签发决定并写明理由。") if tone == Tone.BAD
                      else N_("符合居住证签发条件。"))
        return RegistryCheck(REGISTRY_SOURCES, tuple(findings), conclusion, tone)

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        payload = event.payload or {}
        if event.action != Action.APPROVE.value or "permit_number" not in payload:
            return []
        data = application.data
        unit = db.session.get(Unit, application.unit_id)
        context = {
            "holder_name": application.subject_name,
            "id_number": mask_id_number(application.subject_id_number or ""),
            "permit_number": payload["permit_number"],
            "residence_address": data.get("residence_address", ""),
            "issued_on": date.fromisoformat(payload["issued_on"]),
            "endorsement_due": date.fromisoformat(payload["endorsement_due"]),
            "endorsed_on": date.fromisoformat(payload["endorsed_on"]) if payload.get("endorsed_on") else None,
            "restored": bool(payload.get("restored")),
            "kind_name": rules.KIND_NAMES[rules.Kind(data["kind"])],
            "station_name": unit.name if unit else "",
        }
        documents = [OutcomeDocument(rules.SERVICE.document("residence_permit"), context,
                                     certificate_kind=CODE, holder_name=application.subject_name)]
        if data.get("kind") == rules.Kind.FIRST:
            window_opens, _due = rules.endorsement_window(context["endorsement_due"])
            documents.append(OutcomeDocument(rules.SERVICE.document("residence_permit_collection"), {
                **context, "station_address": unit.address if unit else "", "station_phone": unit.phone if unit else "",
                "endorsement_opens": window_opens}))
        return documents


register(ResidencePermitHandler())

