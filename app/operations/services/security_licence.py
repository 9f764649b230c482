"""保安服务许可: conditions from the enterprise and court registries and the filing, review by
the city's public-order detachment, forwarding to the provincial department which decides
(two units, two clocks), the licence with a verification QR. 容缺受理 comes from the catalogue
switch (`app.operations.tolerance`), not from here."""
from __future__ import annotations

from datetime import datetime

from app import timeutil
from app.domain.catalogue import security_licence as rules
from app.domain.identifiers import InvalidIdentifier, mask_id_number, parse_citizen_id
from app.domain.text import N_, Message, Sentences
from app.domain.verification import RegistryCheck
from app.domain.workflow import Action, Actor, count
from app.models.accounts import Role, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError, tolerance
from app.operations.events import event_records
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, register, unit_for_region
from app.registries import get_registries

BASE_SCOPE = N_("门卫、巡逻、守护、随身护卫、安全检查、安全技术防范、安全风险评估")


def _refuse_all(violations: list[rules.RuleViolation], *, status: int = 422):
    """Every reason at once, so the applicant can put all of them right in one go."""
    first = violations[0]
    if len(violations) == 1:
        raise OperationError(first.code, first.template, field=first.field, status=status, params=first.params)
    numbered = Sentences(Message(N_("（%(n)s）%(reason)s"), {"n": i, "reason": Message(v.template, v.params)})
                         for i, v in enumerate(violations, 1))
    raise OperationError(first.code, N_("%(reasons)s"), field=first.field, status=status, params={"reasons": numbered})


def parse_managers(rows: list[rules.ManagerRow], *, today) -> list[rules.Manager]:
    """The managers listed in the filing (the form's blank rows left out): each row complete,
    each ID number valid and listed once. The registries are asked afterwards."""
    managers: list[rules.Manager] = []
    seen: set[str] = set()
    for row in rows:
        if not row.name and not row.id_number:
            continue
        number = len(managers) + 1
        name = row.name or ""
        if not row.name or not row.id_number:
            raise OperationError("managers.incomplete", N_("第%(n)s位管理人员的姓名和公民身份号码须同时填写。"),
                                 field="managers", params={"n": number})
        try:
            id_number = parse_citizen_id(row.id_number, today=today).number
        except InvalidIdentifier as exc:
            raise OperationError("managers.id_number", N_("第%(n)s位管理人员（%(name)s）：%(problem)s。"),
                                 field="managers", params={"n": number, "name": name,
                                                           "problem": exc.message.rstrip("。")}) from None
        if id_number in seen:
            raise OperationError("managers.duplicate", N_("第%(n)s位管理人员（%(name)s）重复填写。"),
                                 field="managers", params={"n": number, "name": name})
        seen.add(id_number)
        if row.experience_years is None:
            raise OperationError("managers.experience_years",
                                 N_("请填写第%(n)s位管理人员（%(name)s）的相关工作年限（0至60之间的整数）。"),
                                 field="managers", params={"n": number, "name": name})
        managers.append(rules.Manager(name, id_number, row.position or "主要管理人员", row.experience_years))
    if not managers:
        raise OperationError("managers.missing", N_("请填写拟任法定代表人和主要管理人员的信息。"), field="managers")
    return managers


class SecurityLicenceHandler(ServiceHandler):
    code = "security_licence"
    value_labels = tolerance.value_labels(rules.SERVICE)

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        """Managers with masked ID numbers; capital in 万元."""
        rows = []
        for key, text in super().display_data(application):
            value = application.data.get(key)
            if key == "managers":
                text = "；".join(
                    f"{m['name']}（{mask_id_number(m['id_number'])}，{m['position']}，相关工作{m['experience_years']}年）"
                    for m in value or [])
            elif key == "registered_capital_yuan" and isinstance(value, int):
                text = rules.yuan_text(value)
            rows.append((key, text))
        return rows

    def prepare(self, applicant: User, data: rules.SecurityLicenceFiling, *, now: datetime) -> Filing:
        if applicant.role_enum != Role.ENTERPRISE or applicant.organisation is None:
            raise OperationError("enterprise.account", N_("保安服务许可须由拟设立的保安服务公司使用企业账号申请。"))
        registries = get_registries()
        enterprise = registries.enterprise(applicant.organisation.uscc)
        violations = rules.enterprise_violations(enterprise)
        if violations:
            _refuse_all(violations)
        premises = data.premises_address
        managers = parse_managers(data.managers, today=timeutil.local(now).date())
        armed, state_controlled = data.armed_escort, data.state_controlled

        violations = rules.capital_violations(enterprise.registered_capital_yuan, armed_escort=armed,
                                              state_controlled=state_controlled)
        violations += self._manager_violations(managers, registries)
        if enterprise.legal_rep_id_number not in {m.id_number for m in managers}:
            violations.append(rules.RuleViolation(
                "managers.legal_rep",
                N_("请将拟任法定代表人%(name)s列入管理人员，并填写其相关工作经历。"), "managers",
                {"name": enterprise.legal_rep_name}))
        if violations:
            _refuse_all(violations)
        unit = unit_for_region(rules.SERVICE.unit_kind, enterprise.region_code)
        if unit is None:
            raise OperationError("route.no_unit", N_("本地公安机关治安部门暂未开通网上受理，请到窗口办理。"))
        clean = {
            "company_name": enterprise.name,
            "registered_capital_yuan": enterprise.registered_capital_yuan,
            "armed_escort": armed,
            "state_controlled": state_controlled,
            "premises_address": premises,
            "managers": [
                {"name": m.name, "id_number": m.id_number, "position": m.position,
                 "experience_years": m.experience_years}
                for m in managers
            ],
        }
        return Filing(unit_id=unit.id, data=clean, subject_name=enterprise.name, subject_id_number=enterprise.uscc)

    @staticmethod
    def _manager_violations(managers: list[rules.Manager], registries) -> list[rules.RuleViolation]:
        violations = []
        for number, manager in enumerate(managers, 1):
            violations += rules.manager_violations(number, manager, registries.person(manager.id_number),
                                                   registries.judgments(manager.id_number))
        return violations

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """The province decides (after the city's review is sent up), on the conditions as the
        registries stand at the decision."""
        if action not in (Action.APPROVE, Action.REJECT):
            return None
        if not count(event_records(application), Action.FORWARD):
            return OperationError(
                "security_licence.province_decides",
                N_("保安服务许可由省级公安机关作出决定：请审查完毕后将审查意见报送上级机关（省公安厅）决定。"),
                status=409,
            )
        if action == Action.REJECT:
            return None
        violations = rules.approval_violations(*self._approval_facts(application), **self._scope(application))
        if violations:
            reasons = Sentences(Message(v.template, v.params) for v in violations)
            return OperationError("security_licence.conditions",
                                  N_("不符合许可条件：%(reasons)s请作出不予许可决定并写明理由。"), status=409,
                                  params={"reasons": reasons})
        return None

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        return rules.registry_check(*self._approval_facts(application), **self._scope(application))

    @staticmethod
    def _scope(application: Application) -> dict[str, bool]:
        data = application.data
        return {"armed_escort": bool(data.get("armed_escort")), "state_controlled": bool(data.get("state_controlled"))}

    @staticmethod
    def _approval_facts(application: Application):
        """The registries as they stand now (they may have changed since filing): the
        enterprise, the managers filed, and each manager's population record and judgments."""
        registries = get_registries()
        enterprise = registries.enterprise(application.subject_id_number or "")
        managers = [rules.Manager(m["name"], m["id_number"], m["position"], int(m["experience_years"]))
                    for m in application.data.get("managers", [])]
        people = {m.id_number: (registries.person(m.id_number), registries.judgments(m.id_number)) for m in managers}
        return enterprise, managers, people

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        data = application.data
        scope = BASE_SCOPE + ("、" + rules.ARMED_ESCORT_SCOPE if data.get("armed_escort") else "")
        enterprise = get_registries().enterprise(application.subject_id_number or "")
        legal_rep = enterprise.legal_rep_name if enterprise else (
            application.organisation.legal_rep_name if application.organisation else "")
        return [OutcomeDocument(
            rules.SERVICE.document("security_licence"),
            {"company_name": data.get("company_name") or application.subject_name,
             "uscc": application.subject_id_number or "",
             "legal_rep_name": legal_rep,
             "address": data.get("premises_address", ""),
             "registered_capital": rules.yuan_text(int(data.get("registered_capital_yuan") or 0)),
             "service_scope": scope,
             "decision_date": timeutil.local(event.occurred_at).date()},
            certificate_kind="security_licence",
            holder_name=data.get("company_name") or application.subject_name,
        )]



register(SecurityLicenceHandler())
