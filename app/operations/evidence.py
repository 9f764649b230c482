"""Accident evidence query codes: the request ledger, generating and revoking codes, opening
the evidence with a code (with lockout), serving the disclosable items, and the access log.

The rules (who may apply, code shape, expiry, lockout, what is disclosable) are in
`app.domain.catalogue.accident_evidence`; this module loads, asks them, writes and commits.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import accident_evidence as rules
from app.domain.catalogue.accident_evidence import CodeStatus
from app.domain.records import EvidenceItemRecord
from app.domain.text import N_, Bilingual, Message
from app.domain.workflow import State
from app.extensions import db
from app.models.accounts import User
from app.models.applications import Application
from app.models.evidence import EvidenceAccess, EvidenceQueryCode
from app.operations import NotFound, OperationError
from app.operations.applications import get_visible
from app.operations.audit import log_access
from app.registries import get_registries

log = logging.getLogger(__name__)
SERVICE_CODE = rules.SERVICE.code
# A decided application whose code may be used (the voucher is printed on approval).
USABLE_STATES = frozenset({State.APPROVED.value, State.ISSUED.value})
ACTION_NAMES = {
    "open": N_("凭码打开材料列表"),
    "view": N_("查看"),
    "download": N_("下载"),
    "wrong_id": N_("证件号码后四位输入错误"),
    "locked": N_("连续输错，查询码被锁定"),
    "refused": N_("查询码已失效或锁定，拒绝访问"),
}


def _fmt(moment: datetime | None) -> str:
    return timeutil.local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- the request ledger (台账) and the code ---------------------------------------------------


def record_request(application: Application, private: dict[str, Any], *, now: datetime) -> EvidenceQueryCode:
    """The written request recorded at the window, kept with the application (no code yet)."""
    row = EvidenceQueryCode(
        application_id=application.id, unit_id=application.unit_id,
        case_number=application.data["case_number"], person_type=application.data["person_type"],
        phone=private.get("phone") or "", principal_id_number=private.get("principal_id_number") or None,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def code_of(application_id: int) -> EvidenceQueryCode | None:
    return db.session.scalar(select(EvidenceQueryCode).where(EvidenceQueryCode.application_id == application_id))


def status_of(row: EvidenceQueryCode, now: datetime) -> CodeStatus:
    status = rules.code_status(issued=row.code_hash is not None, revoked_at=row.revoked_at,
                               expires_at=row.expires_at, locked_until=row.locked_until, now=now)
    if status in (CodeStatus.VALID, CodeStatus.LOCKED) and row.application.state not in USABLE_STATES:
        return CodeStatus.REVOKED  # the decision itself was revoked
    return status


def blocking_request(case_number: str, id_number: str, *, now: datetime) -> Message | None:
    """A person has at most one request in progress or one usable code per case."""
    rows = db.session.scalars(
        select(EvidenceQueryCode).join(Application, EvidenceQueryCode.application_id == Application.id)
        .where(EvidenceQueryCode.case_number == case_number, Application.subject_id_number == id_number)
    ).all()
    for row in rows:
        state = row.application.state
        if state in (State.SUBMITTED.value, State.ACCEPTED.value, State.SUSPENDED.value):
            return Message(N_("该人员对本起事故已有在办的查阅申请（%(number)s），请勿重复登记。"),
                           {"number": row.application.number})
        if state in USABLE_STATES and status_of(row, now) in (CodeStatus.VALID, CodeStatus.LOCKED):
            return Message(N_("该人员已有有效的查询码（%(number)s，有效期至%(until)s）。"
                              "如查询凭证遗失，请先作废原查询码再重新登记。"),
                           {"number": row.application.number, "until": _fmt(row.expires_at)})
    return None


def issue_code(application: Application, *, now: datetime) -> tuple[EvidenceQueryCode, str]:
    """Generate the code on approval. Returns the row and the plain code, which the caller
    prints on the voucher and never stores."""
    row = code_of(application.id)
    if row is None:
        raise OperationError("evidence.no_request", N_("未找到该申请的登记信息。"), status=409)
    if row.code_hash is not None:
        raise OperationError("evidence.code_exists", N_("该申请已生成查询码。"), status=409)
    for _ in range(5):  # a collision of 80-bit codes does not happen; still never reuse one
        plain = rules.new_query_code()
        digest = rules.hash_query_code(plain)
        if db.session.scalar(select(EvidenceQueryCode.id).where(EvidenceQueryCode.code_hash == digest)) is None:
            break
    else:  # pragma: no cover
        raise OperationError("evidence.code_generation", N_("查询码生成失败，请重试。"), status=500)
    row.code_hash = digest
    row.issued_at = now
    row.expires_at = rules.query_code_expires_at(now)
    row.failed_attempts = 0
    row.locked_until = None
    db.session.flush()
    return row, plain


def staff_view(user: User, application_id: int) -> tuple[Application, EvidenceQueryCode]:
    """An evidence application of the user's unit (404 otherwise), with its ledger row."""

    application = get_visible(user, application_id)
    row = code_of(application.id) if application.service_code == SERVICE_CODE else None
    if row is None:
        raise NotFound(N_("未找到该查阅申请。"))
    return application, row


def revoke(user: User, application_id: int, reason: str, *, now: datetime) -> EvidenceQueryCode:
    """The officer voids a code (lost voucher, wrong person…): effective at once."""

    reason = (reason or "").strip()
    if not reason:
        raise OperationError("missing_field", N_("请填写作废原因。"), field="reason")
    application, row = staff_view(user, application_id)
    if row.code_hash is None:
        raise OperationError("evidence.no_code", N_("该申请尚未生成查询码，无需作废。"), status=409)
    if row.revoked_at is not None:
        raise OperationError("evidence.already_revoked", N_("该查询码已作废。"), status=409)
    row.revoked_at = now
    row.revoked_by_id = user.id
    row.revoked_reason = reason[:200]
    log_access(actor=user, action="evidence_code.revoke", subject_kind="application", subject_id=str(application.id))
    db.session.commit()
    log.info("evidence query code revoked application=%s", application.id)
    return row


def revoke_with_decision(application: Application, *, reason: str, now: datetime, by_user_id: int | None) -> None:
    """The application's decision was revoked (撤销): its code goes with it."""
    row = code_of(application.id)
    if row is not None and row.code_hash is not None and row.revoked_at is None:
        row.revoked_at = now
        row.revoked_by_id = by_user_id
        row.revoked_reason = ("准予决定已撤销：" + (reason or ""))[:200]


# --- using a code --------------------------------------------------------------------------------


def ip_hash(ip: str | None) -> str:
    """A keyed hash: the log can tell repeated addresses apart without holding them."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, (ip or "").encode(), hashlib.sha256).hexdigest()[:32]


def _log(row: EvidenceQueryCode, action: str, *, ip: str | None, now: datetime, item_id: int | None = None) -> None:
    db.session.add(EvidenceAccess(code_id=row.id, item_id=item_id, action=action, at=now, ip_hash=ip_hash(ip)))


def _unit_name(row: EvidenceQueryCode) -> Bilingual:
    unit = row.application.unit
    return Bilingual(unit.name, unit.name_en or unit.name)


def _refusal(row: EvidenceQueryCode, status: CodeStatus) -> OperationError:
    unit = _unit_name(row)
    if status == CodeStatus.REVOKED:
        if row.revoked_at:
            return OperationError("evidence.revoked",
                                  N_("该查询码已于%(when)s被办案单位作废，不能再使用。如需查阅，请向%(unit)s重新申请。"),
                                  status=410, params={"when": _fmt(row.revoked_at), "unit": unit})
        return OperationError("evidence.revoked",
                              N_("该查询码已被办案单位作废，不能再使用。如需查阅，请向%(unit)s重新申请。"),
                              status=410, params={"unit": unit})
    if status == CodeStatus.EXPIRED:
        return OperationError(
            "evidence.expired",
            N_("该查询码已于%(when)s过期（有效期%(days)s日）。如需继续查阅，请向%(unit)s重新申请。"), status=410,
            params={"when": _fmt(row.expires_at), "days": rules.QUERY_CODE_VALID_DAYS, "unit": unit})
    return OperationError(
        "evidence.locked",
        N_("该查询码因连续%(attempts)s次输入错误已被锁定，请于%(until)s后再试。"),
        status=429, params={"attempts": rules.MAX_WRONG_ATTEMPTS, "until": _fmt(row.locked_until)})


def enter(code_text: str, id_tail: str, *, ip: str | None, now: datetime) -> EvidenceQueryCode:
    """The holder types the code and the last digits of their ID number. Wrong tails count
    against the code and lock it; expired and revoked codes are refused plainly."""
    code = rules.normalise_query_code(code_text)
    if code is None:
        raise OperationError("evidence.code_format",
                             N_("查询码为%(length)s位字母和数字（可按凭证上的分组输入），请对照查询凭证核对。"),
                             field="code", params={"length": rules.QUERY_CODE_LENGTH})
    row = db.session.scalar(
        select(EvidenceQueryCode).where(EvidenceQueryCode.code_hash == rules.hash_query_code(code)).with_for_update()
    )
    if row is None:
        db.session.rollback()
        raise OperationError("evidence.code_unknown", N_("查询码不正确，请对照查询凭证核对后重新输入。"), field="code")
    status = status_of(row, now)
    if status != CodeStatus.VALID:
        _log(row, "refused", ip=ip, now=now)
        db.session.commit()
        raise _refusal(row, status)
    if not rules.id_tail_matches(row.application.subject_id_number, id_tail):
        row.failed_attempts, row.locked_until = rules.after_wrong_attempt(row.failed_attempts, now)
        _log(row, "wrong_id", ip=ip, now=now)
        if row.locked_until is not None:
            _log(row, "locked", ip=ip, now=now)
            db.session.commit()
            raise OperationError(
                "evidence.locked",
                N_("证件号码后%(tail)s位不正确。已连续输错%(attempts)s次，"
                   "该查询码锁定%(minutes)s分钟，请于%(until)s后再试。"),
                field="id_tail", status=429,
                params={"tail": rules.ID_TAIL_LENGTH, "attempts": rules.MAX_WRONG_ATTEMPTS,
                        "minutes": rules.LOCKOUT_MINUTES, "until": _fmt(row.locked_until)})
        left = rules.attempts_left(row.failed_attempts)
        db.session.commit()
        raise OperationError("evidence.wrong_id",
                             N_("证件号码后%(tail)s位不正确，还可尝试%(left)s次，"
                                "输错过多查询码将被暂时锁定。"), field="id_tail",
                             params={"tail": rules.ID_TAIL_LENGTH, "left": left})
    row.failed_attempts = 0
    row.locked_until = None
    row.last_used_at = now
    _log(row, "open", ip=ip, now=now)
    db.session.commit()
    return row


def session_code(code_id: int, *, now: datetime) -> EvidenceQueryCode:
    """The code behind an open viewing session, refused as soon as it is revoked or expires
    (a lock from someone else's guessing does not end a session already opened)."""
    row = db.session.get(EvidenceQueryCode, code_id)
    if row is None:
        raise NotFound(N_("查看已结束，请重新输入查询码。"))
    status = status_of(row, now)
    if status not in (CodeStatus.VALID, CodeStatus.LOCKED):
        raise _refusal(row, status)
    return row


def disclosable_items(row: EvidenceQueryCode) -> list[EvidenceItemRecord]:
    return rules.disclosable(get_registries().evidence_items(row.case_number), row.case_number)


@dataclass(frozen=True)
class ItemContent:
    item: EvidenceItemRecord
    filename: str
    mime: str
    content: bytes


def fetch_item(row: EvidenceQueryCode, item_id: int, action: str, *, ip: str | None, now: datetime) -> ItemContent:
    """One disclosable item's bytes, logged as a view or a download. A confidential item, or
    one of another case, is not found — whatever the id."""
    if action not in ("view", "download"):
        raise ValueError(action)
    item = next((i for i in disclosable_items(row) if i.id == item_id), None)
    content = get_registries().evidence_content(item.id) if item is not None else None
    if item is None or content is None:
        raise NotFound(N_("未找到该证据材料。"))
    filename, mime, data = content
    _log(row, action, ip=ip, now=now, item_id=item.id)
    row.last_used_at = now
    db.session.commit()
    return ItemContent(item, filename, mime, data)


@dataclass(frozen=True)
class LogLine:
    at: str
    action: str
    action_name: str
    item_title: str
    ip_hash: str


def access_log(row: EvidenceQueryCode) -> list[LogLine]:
    titles = {item.id: item.title for item in get_registries().evidence_items(row.case_number)}
    entries = db.session.scalars(
        select(EvidenceAccess).where(EvidenceAccess.code_id == row.id).order_by(EvidenceAccess.at, EvidenceAccess.id)
    ).all()
    return [LogLine(_fmt(e.at), e.action, ACTION_NAMES.get(e.action, e.action),
                    titles.get(e.item_id, "") if e.item_id is not None else "", e.ip_hash[:8])
            for e in entries]


def unit_requests(user: User, *, limit: int = 100) -> list[tuple[Application, EvidenceQueryCode]]:
    """The unit's evidence requests, newest first."""
    rows = db.session.execute(
        select(Application, EvidenceQueryCode)
        .join(EvidenceQueryCode, EvidenceQueryCode.application_id == Application.id)
        .where(Application.unit_id == user.unit_id, Application.service_code == SERVICE_CODE)
        .order_by(Application.created_at.desc(), Application.id.desc()).limit(limit)
    ).all()
    return [(a, c) for a, c in rows]
