"""交通事故证据材料查询码 — evidence query codes (道路交通事故处理程序规定第65条; seed 002 item 6).

Filed at the window: after a written request (书面申请) the traffic officer of the handling
unit checks the person's identity and records person type, ID type, ID number and phone;
the officer (unit) approves; the system then generates a query code bound to one case and
one person, and the officer prints the query voucher (查询凭证). With the code plus the last
digits of the person's ID number the holder views and downloads the evidence of the case,
except the items marked confidential.

Everything here is pure: records in, decisions out; `now` is always an argument.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    workdays,
)
from app.domain.catalogue.documents import outcome, service_refusal
from app.domain.catalogue.schema import AskedWhen, FilingModel, Optional, Text
from app.domain.records import AccidentCaseRecord, EvidenceItemRecord, RelativeRecord
from app.domain.text import N_

SERVICE = Service(
    code="accident_evidence",
    name_zh="交通事故证据材料查阅（查询码）",
    name_en="Traffic accident evidence query code",
    summary_zh="一般程序处理的交通事故，在送达事故认定书或事故证明后，当事人、代理人或死亡事故中死者的近亲属"
    "及其代理人可向办案单位书面申请查询码，凭码在线查阅、复制证据材料。",
    summary_en="After the accident determination is served, parties, their agents or (fatal "
    "accidents) close relatives apply in writing to the handling unit for a query code to view "
    "and copy the evidence online.",
    unit_kind="traffic_brigade",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL, ApplicantKind.AGENT}),
    materials=(
        Material("written_request", "书面申请", "Written request"),
        Material("id_document", "身份证明", "Identity document"),
        Material("power_of_attorney", "授权委托书", "Power of attorney", required=False,
                 note_zh=N_("代理人申请时提交")),
        Material("kinship_proof", "近亲属关系证明", "Proof of close kinship", required=False, shared=True,
                 registry_zh=N_("户籍和亲属关系信息"),
                 note_zh=N_("死亡事故近亲属申请时，通过户籍和亲属关系信息共享核验")),
    ),
    limits=ServiceLimits(
        # The officer records the written request at the window: there is nothing to correct
        # afterwards (materials are checked before recording), so no correction step.
        acceptance=workdays(5),
        correction_reply=None,
        promised=workdays(1),
        statutory=workdays(3),
        extension=None,
        sources={
            "acceptance": N_("行政许可法第32条（参照）"),
            "extension": N_("不适用延长：道路交通事故处理程序规定未设定提供期限，本系统设置的期限不延长"),
            "promised": N_("本系统设置（法律未设定提供期限，可调整）"),
            "statutory": N_("本系统设置（法律未设定提供期限，可调整）"),
        },
    ),
    # ISSUE: the printed voucher is handed to the person (送交查阅人).
    steps=frozenset({Step.ISSUE}),
    documents=(
        outcome("evidence_voucher", "evidence_voucher.html", N_("事故证据材料查询凭证"),
                "《道路交通事故处理程序规定》（公安部令第146号）第六十五条"),
        service_refusal(N_("不予提供证据材料查询码决定书"), "不予提供证据材料查询码",
                        "《道路交通事故处理程序规定》（公安部令第146号）第六十五条"),
    ),
    legal_basis_zh="《道路交通事故处理程序规定》（公安部令第146号）第六十五条",
    number_prefix="SG",
    position=50,
    data_labels={
        "case_number": N_("事故案件编号"), "person_type": N_("人员类型"), "person_relation": N_("与事故的关系"),
        "id_type": N_("身份证明类型"), "phone_masked": N_("联系电话"), "identity_verified": N_("已核验身份证件并收取书面申请"),
        "principal_name": N_("委托人"), "principal_id_masked": N_("委托人证件号码"), "request_note": N_("申请查阅的内容"),
    },
    workflow_built=True,
    filed_by_staff=True,
)

# --- settings -------------------------------------------------------------------------------

QUERY_CODE_VALID_DAYS = 30  # a code expires this many natural days after it is generated
MAX_WRONG_ATTEMPTS = 5  # wrong ID-number tails for one code before it locks
LOCKOUT_MINUTES = 30
ID_TAIL_LENGTH = 4  # the holder types the last 4 characters of their ID number
VIEW_SESSION_MINUTES = 20  # a successful entry opens the materials for this long

# 32 symbols without 0/O and 1/I (read aloud and typed from paper): 5 bits each.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 16  # 16 × 5 = 80 bits
QUERY_CODE_GROUP = 4

PERSON_TYPES = {
    "party": N_("当事人"),
    "agent": N_("当事人的代理人"),
    "relative": N_("死者近亲属（死亡事故）"),
    "relative_agent": N_("死者近亲属的代理人（死亡事故）"),
}
AGENT_TYPES = frozenset({"agent", "relative_agent"})
ID_TYPES = {
    "resident_id": N_("居民身份证"),
    "passport": N_("护照"),
    "hk_macao_permit": N_("港澳居民来往内地通行证"),
    "taiwan_permit": N_("台湾居民来往大陆通行证"),
    "foreign_permanent_id": N_("外国人永久居留身份证"),
}
EVIDENCE_KIND_NAMES = {
    "scene_diagram": N_("现场图"),
    "photo": N_("现场照片"),
    "inspection_record": N_("勘查笔录"),
    "test_report": N_("检验报告"),
    "appraisal_opinion": N_("鉴定意见"),
}
PROCEDURE_NAMES = {"general": N_("一般程序"), "simple": N_("简易程序")}
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")


@dataclass(frozen=True)
class PersonRequest:
    """What the officer recorded about the person who asked to see the evidence."""

    person_type: str
    id_type: str
    id_number: str
    name: str
    power_of_attorney: bool = False
    principal_id_number: str = ""  # agents: the party or close relative they act for


@dataclass(frozen=True)
class Eligibility:
    """Why this person may see this case's evidence."""

    relation_zh: str  # e.g. "当事人（机动车驾驶人）", "死者曹文的配偶"
    principal_name: str = ""
    principal_id_number: str = ""


def normalise_text(value: object) -> str:
    """NFKC (full-width → half-width), trimmed, upper case, no inner spaces."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().upper().replace(" ", "")


def normalise_case_number(value: object) -> str:
    return normalise_text(value)


def check_document_number(id_type: str, id_number: str) -> None:
    """The shape of a non-resident document number (resident IDs are checked in full elsewhere)."""
    if id_type not in ID_TYPES:
        raise RuleViolation("id_type.invalid", N_("请选择身份证明类型。"), "id_type")
    if id_type != "resident_id" and not _DOCUMENT_NUMBER.fullmatch(id_number):
        raise RuleViolation("id_number.format", N_("%(id_type)s号码应为5至20位字母或数字，请核对。"),
                            "id_number")


def check_case(case: AccidentCaseRecord | None, *, unit_code: str, now: datetime) -> AccidentCaseRecord:
    """The case exists, is this unit's, was handled by the general procedure, and its
    determination (认定书/事故证明) has been served."""
    if case is None:
        raise RuleViolation("case.unknown", N_("未查询到该事故案件编号，请核对事故认定书上的编号。"), "case_number")
    if case.unit_code != unit_code:
        raise RuleViolation("case.other_unit",
                            N_("该起事故不由本单位办理，请申请人向办案单位提出申请。"), "case_number")
    if case.procedure != "general":
        raise RuleViolation(
            "case.simple_procedure",
            N_("该起事故适用简易程序处理，不适用证据材料查询码；当事人可向办案单位了解当场制作的认定材料。"),
            "case_number")
    if case.determination_served_at is None or case.determination_served_at > now:
        raise RuleViolation(
            "case.not_served",
            N_("该起事故的事故认定书（事故证明）尚未送达，送达后方可申请查阅证据材料。"), "case_number")
    return case


def _names_match(recorded: str, given: str) -> bool:
    return not recorded or normalise_text(recorded) == normalise_text(given)


def _living_party(case: AccidentCaseRecord, id_number: str, *, field: str):
    party = case.party(id_number)
    if party is None:
        raise RuleViolation("person.not_party", N_("经核对，该人员不是本起事故的当事人，不能以当事人身份申请查阅。"),
                            field)
    if id_number in case.deceased:
        raise RuleViolation("person.deceased",
                            N_("该当事人已在事故中死亡，请由死者的近亲属或其代理人申请。"), "person_type")
    return party


def _close_relative(case: AccidentCaseRecord, id_number: str,
                    relatives: Mapping[str, Sequence[RelativeRecord]], *, field: str) -> RelativeRecord:
    if not case.fatal:
        raise RuleViolation("person.not_fatal",
                            N_("本起事故不是死亡事故，近亲属不能申请；请由当事人本人或其委托的代理人申请。"),
                            "person_type")
    for deceased in case.deceased:
        for relative in relatives.get(deceased, ()):
            if relative.id_number == id_number:
                return relative
    raise RuleViolation(
        "person.not_relative",
        N_("经核对户籍和亲属关系信息，该人员不是本起事故死者的近亲属，不能以近亲属身份申请。"), field)


def _deceased_name(case: AccidentCaseRecord, relative: RelativeRecord) -> str:
    party = case.party(relative.relative_of)
    return party.name if party is not None else "死者"


def check_person(case: AccidentCaseRecord, request: PersonRequest,
                 relatives: Mapping[str, Sequence[RelativeRecord]]) -> Eligibility:
    """A party of the case; or, for a fatal case, a close relative of the deceased; or an
    agent (with a power of attorney) of either. `relatives` maps each deceased's ID number to
    their close relatives (registries.close_relatives_of)."""
    person_type = request.person_type
    if person_type not in PERSON_TYPES:
        raise RuleViolation("person_type.invalid", N_("请选择人员类型。"), "person_type")
    if person_type == "party":
        party = _living_party(case, request.id_number, field="id_number")
        if not _names_match(party.name, request.name):
            raise RuleViolation("person.name_mismatch", N_("姓名与事故当事人信息不一致，请核对身份证件。"), "name")
        return Eligibility(party.role_zh)
    if person_type == "relative":
        relative = _close_relative(case, request.id_number, relatives, field="id_number")
        if not _names_match(relative.name, request.name):
            raise RuleViolation("person.name_mismatch", N_("姓名与近亲属登记信息不一致，请核对身份证件。"), "name")
        return Eligibility(f"死者{_deceased_name(case, relative)}的{relative.relation}")

    # Agents: a power of attorney, and a principal who may apply themselves.
    if not request.power_of_attorney:
        raise RuleViolation("agent.power_of_attorney",
                            N_("代理人申请须提交委托人签署的授权委托书，请核验后勾选。"), "power_of_attorney")
    principal_id = normalise_text(request.principal_id_number)
    if not principal_id:
        raise RuleViolation("agent.principal_missing", N_("请填写委托人的证件号码。"), "principal_id_number")
    if principal_id == request.id_number:
        raise RuleViolation("agent.self", N_("委托人与代理人为同一人，请选择“当事人”或“死者近亲属”。"), "person_type")
    if person_type == "agent":
        party = _living_party(case, principal_id, field="principal_id_number")
        return Eligibility(f"当事人{party.name}的代理人", party.name, principal_id)
    relative = _close_relative(case, principal_id, relatives, field="principal_id_number")
    principal_name = relative.name or "近亲属"
    return Eligibility(f"死者{_deceased_name(case, relative)}的{relative.relation}{principal_name}的代理人",
                       principal_name, principal_id)


# --- the query code --------------------------------------------------------------------------


def new_query_code(randbelow=secrets.randbelow) -> str:
    """16 symbols of a 32-symbol alphabet from the OS's CSPRNG: 80 bits, unguessable."""
    return "".join(QUERY_CODE_ALPHABET[randbelow(len(QUERY_CODE_ALPHABET))] for _ in range(QUERY_CODE_LENGTH))


def format_query_code(code: str) -> str:
    """For print and reading aloud: ``ABCD-EFGH-JKLM-NPQR``."""
    return "-".join(code[i:i + QUERY_CODE_GROUP] for i in range(0, len(code), QUERY_CODE_GROUP))


def normalise_query_code(value: object) -> str | None:
    """What a person typed (any case, spaces or hyphens, full-width) → the code, or None
    when it cannot be a code at all."""
    text = normalise_text(value).replace("-", "").replace("—", "")
    if len(text) != QUERY_CODE_LENGTH or any(char not in QUERY_CODE_ALPHABET for char in text):
        return None
    return text


def hash_query_code(code: str) -> str:
    """Only this is stored. 80 random bits make an offline search of the hash hopeless."""
    return hashlib.sha256(f"accident-evidence-query-code:{code}".encode()).hexdigest()


def query_code_expires_at(issued_at: datetime, valid_days: int = QUERY_CODE_VALID_DAYS) -> datetime:
    return issued_at + timedelta(days=valid_days)


def id_tail_matches(id_number: str | None, entered: object) -> bool:
    """The last `ID_TAIL_LENGTH` characters of the person's ID number (compared in constant time)."""
    expected = normalise_text(id_number)[-ID_TAIL_LENGTH:]
    given = normalise_text(entered)
    if len(expected) != ID_TAIL_LENGTH or len(given) != ID_TAIL_LENGTH:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class CodeStatus(StrEnum):
    PENDING = "pending"  # recorded, not yet approved: no code exists
    VALID = "valid"
    LOCKED = "locked"  # too many wrong tails: wait
    EXPIRED = "expired"
    REVOKED = "revoked"


CODE_STATUS_NAMES = {
    CodeStatus.PENDING: N_("待审批（尚未生成查询码）"),
    CodeStatus.VALID: N_("有效"),
    CodeStatus.LOCKED: N_("输错次数过多，暂时锁定"),
    CodeStatus.EXPIRED: N_("已过期"),
    CodeStatus.REVOKED: N_("已作废"),
}


def code_status(*, issued: bool, revoked_at: datetime | None, expires_at: datetime | None,
                locked_until: datetime | None, now: datetime) -> CodeStatus:
    if not issued:
        return CodeStatus.PENDING
    if revoked_at is not None and revoked_at <= now:
        return CodeStatus.REVOKED
    if expires_at is None or now >= expires_at:
        return CodeStatus.EXPIRED
    if locked_until is not None and now < locked_until:
        return CodeStatus.LOCKED
    return CodeStatus.VALID


def after_wrong_attempt(failed_attempts: int, now: datetime) -> tuple[int, datetime | None]:
    """One more wrong tail: (new failure count, lock-until or None). Locking resets the count."""
    failed = failed_attempts + 1
    if failed >= MAX_WRONG_ATTEMPTS:
        return 0, now + timedelta(minutes=LOCKOUT_MINUTES)
    return failed, None


def attempts_left(failed_attempts: int) -> int:
    return max(0, MAX_WRONG_ATTEMPTS - failed_attempts)


def disclosable(items: Iterable[EvidenceItemRecord], case_number: str) -> list[EvidenceItemRecord]:
    """The items a party may see (Art. 65): this case's, minus every confidential one."""
    return [item for item in items
            if item.case_number == case_number and not item.confidential and item.confidential_reason is None]


class EvidenceRequestFiling(FilingModel):
    """What the officer records from the written request, after checking the ID document."""

    case_number: Text(32)
    person_type: Literal[tuple(PERSON_TYPES)]
    name: Text(60)
    id_type: Literal[tuple(ID_TYPES)] = "resident_id"
    id_number: Text(32)
    phone: Text(20)
    principal_id_number: Optional(Text(32)) = None
    power_of_attorney: bool = False
    request_note: Optional(Text(500, multiline=True)) = None
    identity_verified: bool = False

    # Only an agent names the person they act for and hands in the power of attorney.
    asked = {"principal_id_number": AskedWhen("person_type", AGENT_TYPES),
             "power_of_attorney": AskedWhen("person_type", AGENT_TYPES)}


FILING = EvidenceRequestFiling
