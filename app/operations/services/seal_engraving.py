"""新办企业公章刻制: the enterprise gives only its legal representative's ID number and phone;
the rest comes from the enterprise registry. The system accepts at once; the engraving shop's
"completed" is approved by the system, which draws each seal's anti-counterfeit code and
records it (备案). See app/operations/seals.py for the shop's queue and the seal records."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app import timeutil
from app.domain.catalogue import seal_engraving as rules
from app.domain.catalogue.schema import FieldError
from app.domain.identifiers import InvalidIdentifier, mask_phone, parse_citizen_id, validate_mobile
from app.domain.text import N_
from app.domain.workflow import Action, Actor, ActorKind
from app.models.accounts import Role, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError
from app.operations import seals as seal_ops
from app.operations.applications import apply_decision
from app.operations.services import (
    Filing,
    OutcomeDocument,
    ServiceHandler,
    refusal,
    register,
    unit_for_region,
)
from app.registries import get_registries

SYSTEM = Actor(ActorKind.SYSTEM)


class SealEngravingHandler(ServiceHandler):
    code = "seal_engraving"
    value_labels = {"seals": rules.SEAL_KINDS}

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        """As the base, with the phone masked and the shop's internal id left out."""
        rows = []
        for key, text in super().display_data(application):
            if key == "shop_id":
                continue
            if key == "legal_rep_phone":
                text = mask_phone(text)
            if key == "engraving_started_at" and text:
                text = datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
            rows.append((key, text))
        return rows

    def field_problems(self, applicant: User, data: Mapping[str, Any], *, now: datetime) -> list[FieldError]:
        """Is the ID the registered legal representative's, is the shop recorded here, are the
        seals neither held nor already applied for: all of them at once."""
        if applicant.role_enum != Role.ENTERPRISE or applicant.organisation is None:
            return []  # `prepare` refuses the account itself
        registries = get_registries()
        enterprise = registries.enterprise(applicant.organisation.uscc)
        if enterprise is None:
            return []
        violations = []
        try:
            id_number = parse_citizen_id(str(data.get("legal_rep_id_number") or ""),
                                         today=timeutil.local(now).date()).number
        except InvalidIdentifier:
            id_number = None  # the schema says what is wrong with it
        if id_number is not None:
            violations += _violations(rules.check_legal_rep, enterprise, id_number)
        shop_id = str(data.get("shop_id") or "")
        if shop_id.isdigit() and len(shop_id) <= 12:
            violations += _violations(rules.check_shop, registries.engraving_shop(int(shop_id)), enterprise.region_code)
        seals = data.get("seals")
        if isinstance(seals, list) and seals:
            violations += rules.seal_violations(seals, held=seal_ops.held_kinds(enterprise.uscc),
                                                pending=seal_ops.pending_kinds(enterprise.uscc))
        return [FieldError(v.field, v.code, v.template, v.params) for v in violations]

    def prepare(self, applicant: User, data: rules.SealEngravingFiling, *, now: datetime) -> Filing:
        if applicant.role_enum != Role.ENTERPRISE or applicant.organisation is None:
            raise OperationError("applicant.not_enterprise", N_("新办企业公章刻制须使用企业账号申请。"), status=403)
        registries = get_registries()
        enterprise = registries.enterprise(applicant.organisation.uscc)
        try:
            rules.check_enterprise(enterprise)
        except rules.RuleViolation as violation:
            raise refusal(violation) from None

        try:
            id_number = parse_citizen_id(data.legal_rep_id_number, today=timeutil.local(now).date()).number
        except InvalidIdentifier as exc:
            raise OperationError(exc.code, exc.message, field="legal_rep_id_number") from None
        try:
            rules.check_legal_rep(enterprise, id_number)
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        try:
            phone = validate_mobile(data.legal_rep_phone)
        except InvalidIdentifier as exc:
            raise OperationError(exc.code, N_("请填写法定代表人正确的11位手机号码。"), field="legal_rep_phone") from None

        shop = registries.engraving_shop(data.shop_id)
        try:
            rules.check_shop(shop, enterprise.region_code)
            seals = rules.choose_seals(data.seals, held=seal_ops.held_kinds(enterprise.uscc),
                                       pending=seal_ops.pending_kinds(enterprise.uscc))
        except rules.RuleViolation as violation:
            raise refusal(violation) from None

        unit = unit_for_region("police_station", enterprise.region_code)
        if unit is None:
            raise OperationError("route.no_station", N_("未找到企业住所地的公安派出所，请到窗口办理。"), status=409)
        clean = {
            "enterprise_name": enterprise.name,
            "uscc": enterprise.uscc,
            "address": enterprise.address,
            "legal_rep_name": enterprise.legal_rep_name,
            "legal_rep_phone": phone,
            "shop_id": shop.id,
            "shop_name": shop.name,
            "shop_record_number": shop.record_number,
            "seals": list(seals),
        }
        # The legal representative's ID number was checked against the registry; it is not kept.
        return Filing(unit_id=unit.id, data=clean, subject_name=enterprise.name, subject_id_number=enterprise.uscc)

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """The registry checks passed at filing: the system accepts at once."""

        apply_decision(application, Action.ACCEPT, SYSTEM, {"decision_note": "企业登记信息共享核验通过，系统自动受理"},
                       now=now, handler=self)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """Before approval: none of the seals may have been recorded meanwhile."""
        if action != Action.APPROVE:
            return None
        held = seal_ops.held_kinds(application.data["uscc"]) & set(application.data.get("seals", []))
        if held:
            names = "、".join(rules.SEAL_KINDS[k] for k in rules.SEAL_KINDS if k in held)
            return OperationError("seals.duplicate", N_("该企业已持有%(names)s（备案有效），不能重复备案。"),
                                  status=409, params={"names": names})
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        """At approval each seal gets its anti-counterfeit code."""
        if action != Action.APPROVE:
            return None
        kinds = list(application.data.get("seals", []))
        codes = seal_ops.draw_codes(len(kinds))
        return {"seals": [{"kind": kind, "name": rules.SEAL_KINDS[kind], "code": code}
                          for kind, code in zip(kinds, codes, strict=True)]}

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:
        if event.action == Action.APPROVE.value:
            seal_ops.record_seals(application, event)

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        data = application.data
        return [OutcomeDocument(
            rules.SERVICE.document("seal_record"),
            {
                "enterprise_name": data["enterprise_name"],
                "uscc": data["uscc"],
                "address": data["address"],
                "legal_rep_name": data["legal_rep_name"],
                "shop_name": data.get("shop_name", ""),
                "shop_record_number": data.get("shop_record_number", ""),
                "recorded_date": timeutil.local(event.occurred_at).date(),
                "seals": [{"name": s["name"], "code": s["code"]} for s in event.payload.get("seals", [])],
            },
            certificate_kind="seal_record",
            holder_name=data["enterprise_name"],
        )]



register(SealEngravingHandler())


def _violations(check, *args) -> list:
    try:
        check(*args)
    except rules.RuleViolation as violation:
        return [violation]
    return []
