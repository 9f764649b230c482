"""交通事故证据材料查询码: recorded at the window by the handling unit's officer, accepted and
approved by the unit; approval generates the query code and prints the voucher."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app import timeutil
from app.domain.catalogue import accident_evidence as rules
from app.domain.identifiers import (
    InvalidIdentifier,
    mask_id_number,
    mask_phone,
    parse_citizen_id,
    validate_mobile,
)
from app.domain.text import N_
from app.domain.workflow import Action, Actor, State
from app.models.accounts import Role, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError, public_base_url
from app.operations import evidence as evidence_ops
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, refusal, register
from app.registries import get_registries

FILING_ROLES = frozenset({Role.OFFICER, Role.CLERK, Role.SUPERVISOR})
PRIVATE_KEY = "_private"  # handed from prepare to after_submit, never stored in `data`
PLAIN_CODE_ATTRIBUTE = "_evidence_plain_query_code"  # in memory only, from approval to the voucher



class AccidentEvidenceHandler(ServiceHandler):
    code = rules.SERVICE.code
    value_labels = {"person_type": rules.PERSON_TYPES, "id_type": rules.ID_TYPES}

    # --- filing at the window ---------------------------------------------------------------

    def prepare(self, applicant: User, data: rules.EvidenceRequestFiling, *, now: datetime) -> Filing:
        unit = applicant.unit
        if applicant.role_enum not in FILING_ROLES or unit is None or unit.kind != rules.SERVICE.unit_kind:
            raise OperationError("forbidden", N_("查询码申请须由办案单位（交警大队）的办案民警核验身份后录入。"), status=403)
        registries = get_registries()
        try:
            case_number = rules.normalise_case_number(data.case_number)
            case = rules.check_case(registries.accident_case(case_number), unit_code=unit.code, now=now)
            person_type, name, id_type = data.person_type, data.name, data.id_type
            id_number = rules.normalise_text(data.id_number)
            rules.check_document_number(id_type, id_number)
            phone = self._phone(data.phone)
            if id_type == "resident_id":
                self._check_resident(id_number, name, now, registries)
            principal = rules.normalise_text(data.principal_id_number)
            relatives = {deceased: registries.close_relatives_of(deceased) for deceased in case.deceased}
            eligibility = rules.check_person(case, rules.PersonRequest(
                person_type, id_type, id_number, name, data.power_of_attorney, principal), relatives)
            if not data.identity_verified:
                raise rules.RuleViolation("identity.not_verified",
                                          N_("请先收取书面申请并当面核验申请人的身份证件原件，再勾选确认。"),
                                          "identity_verified")
        except rules.RuleViolation as violation:
            raise refusal(violation) from None
        blocked = evidence_ops.blocking_request(case.case_number, id_number, now=now)
        if blocked:
            raise OperationError("evidence.duplicate", blocked, field="id_number", status=409)
        clean: dict[str, Any] = {
            "case_number": case.case_number,
            "person_type": person_type,
            "person_relation": eligibility.relation_zh,
            "id_type": id_type,
            "phone_masked": mask_phone(phone),
            "identity_verified": True,
        }
        if person_type in rules.AGENT_TYPES:
            clean.update(power_of_attorney=True, principal_name=eligibility.principal_name,
                         principal_id_masked=mask_id_number(eligibility.principal_id_number))
        if data.request_note:
            clean["request_note"] = data.request_note
        clean[PRIVATE_KEY] = {"phone": phone, "principal_id_number": eligibility.principal_id_number or None}
        return Filing(unit_id=unit.id, data=clean, subject_name=name, subject_id_number=id_number)

    @staticmethod
    def _phone(phone: str) -> str:
        try:
            return validate_mobile(phone)
        except InvalidIdentifier as exc:
            raise rules.RuleViolation("phone.format", exc.message, "phone") from None

    @staticmethod
    def _check_resident(id_number: str, name: str, now: datetime, registries) -> None:
        try:
            parse_citizen_id(id_number, today=timeutil.local(now).date())
        except InvalidIdentifier as exc:
            raise rules.RuleViolation(exc.code, exc.message, "id_number") from None
        person = registries.person(id_number)
        if person is not None and rules.normalise_text(person.name) != rules.normalise_text(name):
            raise rules.RuleViolation("person.name_mismatch",
                                      N_("姓名与身份证号码未能通过户籍信息核验，请核对身份证件。"), "name")

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """Move the contact details out of `data` into the request ledger (they are shown masked)."""
        data = dict(application.data)
        private = data.pop(PRIVATE_KEY, None) or {}
        application.data = data
        evidence_ops.record_request(application, private, now=now)

    # --- decision -------------------------------------------------------------------------------

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """A revoked code's voucher is not handed over; a code only for a case the unit still
        handles (the case registry as of now)."""
        if action == Action.ISSUE:
            row = evidence_ops.code_of(application.id)
            if row is not None and row.revoked_at is not None:
                return OperationError("evidence.revoked", N_("该查询码已作废，查询凭证不能再送交查阅人。"), status=409)
            return None
        if action != Action.APPROVE or application.state != State.ACCEPTED.value:
            return None
        try:
            rules.check_case(get_registries().accident_case(application.data["case_number"]),
                             unit_code=application.unit.code, now=now)
        except rules.RuleViolation as violation:
            return refusal(violation, status=409)
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        if action != Action.APPROVE or application.state != State.ACCEPTED.value:
            return None
        row, plain = evidence_ops.issue_code(application, now=now)
        setattr(application, PLAIN_CODE_ATTRIBUTE, plain)
        return {"query_code_id": row.id, "query_code_expires_at": row.expires_at.isoformat()}

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:
        if event.action == Action.REVOKE.value:
            evidence_ops.revoke_with_decision(application, reason=event.reason, now=now,
                                              by_user_id=event.actor_user_id)

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        if event.action != Action.APPROVE.value:
            return []
        plain = application.__dict__.pop(PLAIN_CODE_ATTRIBUTE, None)
        row = evidence_ops.code_of(application.id)
        if plain is None or row is None or row.code_hash != rules.hash_query_code(plain):
            raise OperationError("evidence.voucher", N_("查询码与登记信息不一致，未能生成查询凭证。"), status=500)
        case = get_registries().accident_case(row.case_number)
        data = application.data
        base_url = public_base_url()
        return [OutcomeDocument(rules.SERVICE.document("evidence_voucher"), {
            "case_number": row.case_number,
            "accident_time": timeutil.local(case.occurred_at).strftime("%Y年%m月%d日 %H:%M") if case else "",
            "accident_location": case.location if case else "",
            "person_name": application.subject_name,
            "person_type_name": rules.PERSON_TYPES.get(data.get("person_type"), ""),
            "person_relation": data.get("person_relation", ""),
            "id_type_name": rules.ID_TYPES.get(data.get("id_type"), ""),
            "id_number_masked": mask_id_number(application.subject_id_number),
            "query_code": rules.format_query_code(plain),
            "issued_at": timeutil.local(row.issued_at).strftime("%Y年%m月%d日 %H:%M"),
            "expires_at": timeutil.local(row.expires_at).strftime("%Y年%m月%d日 %H:%M"),
            "valid_days": rules.QUERY_CODE_VALID_DAYS,
            "evidence_url": f"{base_url}/evidence/",
            "id_tail_length": rules.ID_TAIL_LENGTH,
            "max_attempts": rules.MAX_WRONG_ATTEMPTS,
            "lockout_minutes": rules.LOCKOUT_MINUTES,
        })]



register(AccidentEvidenceHandler())
