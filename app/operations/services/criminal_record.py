"""无犯罪记录证明: routing to the hukou/residence station or the exit-entry office, the court
registry at decision time, the certificate / refusal notice / unit letter."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app import timeutil
from app.domain.catalogue import criminal_record as rules
from app.domain.catalogue.schema import FieldError
from app.domain.identifiers import mask_id_number
from app.domain.text import N_
from app.domain.verification import RegistryCheck
from app.domain.workflow import Action, Actor, ActorKind
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application, ApplicationEvent
from app.models.terminals import TerminalDevice
from app.operations import InvalidInput, OperationError
from app.operations import provisions as provision_ops
from app.operations.applications import apply_decision
from app.operations.counters import next_yearly_count
from app.operations.services import (
    Filing,
    OutcomeDocument,
    ServiceHandler,
    refusal,
    register,
    unit_by_code,
    unit_for_region,
)
from app.registries import get_registries

SYSTEM = Actor(ActorKind.SYSTEM)
# No legal validity period exists; receivers usually accept 3 or 6 months (RULES.md, R).
CERTIFICATE_VALIDITY_NOTE = N_("本证明自开具之日起3个月内有效。")


class CriminalRecordHandler(ServiceHandler):
    code = "criminal_record"
    value_labels = {
        "applicant_type": rules.APPLICANT_TYPES,
        "route": {"hukou": N_("户籍地派出所"), "residence": N_("居住地派出所"), "exit_entry": N_("出入境管理部门")},
        "channel": {"online": N_("网上申请"), "terminal": N_("自助终端")},
        "relation": rules.UNIT_QUERY_RELATIONS,
    }

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        """As the base, without the list's internal id (the citation as filed says it)."""
        return [(key, text) for key, text in super().display_data(application) if key != "legal_provision_id"]

    def field_problems(self, applicant: User, data: Mapping[str, Any], *, now: datetime) -> list[FieldError]:
        """A unit query's provision must be on the list in force, and cover the job named."""
        if data.get("applicant_type") != "unit":
            return []
        return rules.provision_errors(data.get("legal_provision_id"), data.get("job"), provision_ops.in_force())

    def prepare(self, applicant: User, data: rules.CriminalRecordFiling, *, now: datetime) -> Filing:
        registries = get_registries()
        today = timeutil.local(now).date()
        applicant_type = data.applicant_type
        # Online unless a registered terminal filed it (set by the filing, never by the applicant).
        clean: dict[str, Any] = {"applicant_type": applicant_type, "purpose": data.purpose, "channel": "online"}

        if applicant_type not in rules.applicant_types_for(enterprise=applicant.role_enum == Role.ENTERPRISE):
            if applicant_type == "unit":
                raise OperationError("unit.account", N_("单位查询须使用单位（企业）账号提交。"), field="applicant_type")
            raise OperationError("individual.account", N_("本人申请须使用个人实名账号。"), field="applicant_type")
        if applicant_type == "unit":
            if not data.materials.get("employment_proof"):
                raise OperationError("unit.employment_proof",
                                     N_("单位查询须上传被查询人的在职或拟招录证明（劳动合同或录用通知，加盖单位公章）。"),
                                     field="employment_proof")
            problems = rules.provision_errors(data.legal_provision_id, data.job, provision_ops.in_force())
            if problems:
                raise InvalidInput(problems)
            provision = provision_ops.in_force()[data.legal_provision_id]
            # The provision's identity and its wording as filed: the letter quotes what was in force.
            clean.update(relation=data.relation, legal_provision_id=provision.id,
                         legal_provision=provision.citation, legal_provision_bar=provision.bar_zh,
                         job=data.job, query_reason=data.query_reason)
            person = self._named_subject(data, registries)
        elif applicant_type == "agent":
            if not data.materials.get("power_of_attorney"):
                raise OperationError("agent.power_of_attorney",
                                     N_("委托他人代为申请的，须上传申请人签署的授权委托书及受托人身份证件。"),
                                     field="power_of_attorney")
            clean["power_of_attorney"] = True
            person = self._named_subject(data, registries)
            if applicant.id_number and person.id_number == applicant.id_number:
                raise OperationError("agent.self", N_("为本人申请请选择“本人申请”。"), field="applicant_type")
        else:
            if not applicant.id_number:
                raise OperationError("individual.account", N_("本人申请须使用个人实名账号。"), field="applicant_type")
            person = registries.person(applicant.id_number)
            if person is None:
                raise OperationError("identity.unknown", N_("未能在户籍信息中核验您的身份，请到窗口办理。"))
            is_foreigner = person.nationality != "CHN"
            if is_foreigner != (applicant_type == "foreigner"):
                raise OperationError(
                    "applicant_type.mismatch",
                    N_("外国人请选择“外国人申请”；中国公民请选择“本人申请”。"), field="applicant_type")

        if applicant_type == "foreigner":
            try:
                rules.check_foreigner_residence(person.resident_since, today)
            except rules.RuleViolation as violation:
                raise refusal(violation) from None
            region = person.residence_permit_region_code or person.hukou_region_code
            unit = unit_for_region("exit_entry", region or "")
            if unit is None:
                raise OperationError("route.exit_entry", N_("未找到居住地县级公安机关出入境管理部门。"))
            clean["route"] = "exit_entry"
        else:
            unit, clean["route"] = self._station(person, data, registries)

        requests_this_year = self._requests_this_year(person.id_number, today.year)
        clean["requests_this_year"] = requests_this_year + 1
        if rules.needs_purpose_proof(requests_this_year):
            detail = data.purpose_detail
            if not detail:
                raise OperationError(
                    "purpose.proof_required",
                    N_("同一年度内申请超过%(n)s次的，须说明具体用途并提供用途证明材料。"),
                    field="purpose_detail", params={"n": rules.FREE_REQUESTS_PER_YEAR})
            if not data.materials.get("purpose_proof"):
                raise OperationError(
                    "purpose.proof_file_required",
                    N_("同一年度内申请超过%(n)s次的，须上传用途证明材料（如用人单位、学校出具的要求提供证明的文件）。"),
                    field="purpose_proof", params={"n": rules.FREE_REQUESTS_PER_YEAR})
            clean["purpose_detail"] = detail
        return Filing(unit_id=unit.id, data=clean, subject_name=person.name, subject_id_number=person.id_number)

    def _named_subject(self, data: rules.CriminalRecordFiling, registries):
        id_number = (data.subject_id_number or "").upper()
        name = data.subject_name or ""
        person = registries.person(id_number) if id_number else None
        if person is None or person.name != name:
            raise OperationError("subject.mismatch", N_("被查询人姓名与身份证号码未能通过户籍信息核验。"),
                                 field="subject_id_number")
        return person

    def _station(self, person, data, registries):
        """户籍地或居住地: the hukou station, or the station where the residence permit is held."""
        if data.route == "residence":
            if not person.residence_permit_region_code:
                raise OperationError("route.no_residence_permit",
                                     N_("您没有本地居住证，请选择在户籍地派出所申请。"), field="route")
            unit = unit_for_region("police_station", person.residence_permit_region_code)
            if unit is None:
                raise OperationError("route.no_station", N_("居住地暂未开通网上受理，请选择户籍地派出所。"), field="route")
            return unit, "residence"
        household = registries.household_of(person.id_number)
        if household is None:
            raise OperationError("route.no_hukou", N_("未查询到户籍信息，请选择居住地派出所或到窗口办理。"), field="route")
        return unit_by_code(household.station_unit_code), "hukou"

    def _requests_this_year(self, id_number: str, year: int) -> int:
        """The person's earlier requests this year — and this one is counted with them: the
        counter stays locked until the filing commits (a refused filing rolls it back)."""
        return next_yearly_count(self.code, id_number, year) - 1

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """No certificate for a person with a record (a unit's query is answered either way); no
        letter on a unit query that names no provision of the list (filed before it existed)."""
        if action != Action.APPROVE:
            return None
        if rules.decision_needs_provision(application.data):
            return OperationError(
                "unit.legal_provision_unlisted",
                N_("本件单位查询未依据法律、行政法规条款清单中的条款提出，不能出具查询告知函；"
                   "请作出不予查询决定并说明理由，或由单位选择清单中的条款重新申请。"),
                status=409,
            )
        if application.data.get("applicant_type") == "unit":
            return None
        if rules.has_criminal_record(self._judgments(application)):
            return OperationError(
                "criminal_record.has_record",
                N_("法院生效判决信息显示该人员有犯罪记录，不能出具无犯罪记录证明；"
                   "请作出不予出具决定（将出具《不予出具无犯罪记录证明通知书》）。"),
                status=409,
            )
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        """The registry's result as of the decision, recorded with an approval or a refusal (a
        refusal states a record only when there is one)."""
        if action not in (Action.APPROVE, Action.REJECT):
            return None
        has_record = rules.has_criminal_record(self._judgments(application))
        return {"result": "record" if has_record else "no_record"}

    @staticmethod
    def _judgments(application: Application):
        return get_registries().judgments(application.subject_id_number or "")

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        """The subject's court judgments as the rules read them; a sealed juvenile record is
        named as such and nothing of it is shown (犯罪记录封存)."""
        return rules.registry_check(self._judgments(application), mask_id_number(application.subject_id_number),
                                    unit_query=application.data.get("applicant_type") == "unit")

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """A registered self-service terminal of the station that handles it: a local applicant
        with nothing in the court registry gets the certificate on the spot (即办)."""

        data = application.data
        if data.get("channel") != "terminal" or data.get("applicant_type") != "individual":
            return
        terminal = db.session.get(TerminalDevice, data.get("terminal_id"))
        if terminal is None or not terminal.active or terminal.unit_id != application.unit_id:
            return
        if data.get("route") != "hukou" or rules.needs_purpose_proof(data.get("requests_this_year", 1) - 1):
            return
        if rules.needs_manual_check(get_registries().judgments(application.subject_id_number or "")):
            return
        for action in (Action.ACCEPT, Action.APPROVE, Action.ISSUE):
            apply_decision(application, action, SYSTEM, {"decision_note": "自助终端即办"}, now=now, handler=self)

    def refusal_context(self, application: Application, event: ApplicationEvent) -> dict[str, Any]:
        """《不予出具无犯罪记录证明通知书》: the person (ID masked: the notice speaks of a record) and
        whether the registry showed one as of the decision. A unit's refused query is addressed to
        the unit and carries nothing about the person's record."""
        if application.data.get("applicant_type") == "unit":
            return {"applicant_name": application.organisation.name if application.organisation else "",
                    "service_name": "犯罪记录查询"}
        return {"query_date": timeutil.local(event.occurred_at).date(), "person_name": application.subject_name,
                "id_type": "护照" if application.data.get("applicant_type") == "foreigner" else "居民身份证",
                "id_number": _mask(application.subject_id_number),
                "has_record": event.payload.get("result") == "record"}

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        query_date = timeutil.local(event.occurred_at).date()
        foreigner = application.data.get("applicant_type") == "foreigner"
        common = {"purpose": application.data.get("purpose", ""), "query_date": query_date,
                  "id_type": "护照" if foreigner else "居民身份证"}
        if application.data.get("applicant_type") == "unit":
            return [OutcomeDocument(
                rules.SERVICE.document("unit_result_letter"),
                {**common, "recipient_unit": application.organisation.name if application.organisation else "",
                 "person_name": application.subject_name, "id_number": _mask(application.subject_id_number),
                 "legal_provision": application.data.get("legal_provision", ""),
                 "job": application.data.get("job", ""),
                 "purpose": application.data.get("query_reason") or common["purpose"],
                 "has_record": event.payload.get("result") == "record"},
            )]
        return [OutcomeDocument(
            rules.SERVICE.document("certificate"),
            {**common, "name": application.subject_name, "id_number": application.subject_id_number or "",
             "validity_note": CERTIFICATE_VALIDITY_NOTE},
            certificate_kind="criminal_record",
            holder_name=application.subject_name,
        )]



def _mask(value):

    return mask_id_number(value)


register(CriminalRecordHandler())
