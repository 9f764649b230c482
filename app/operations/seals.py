"""Seals (公章刻制): the engraving shop's queue and actions, the seal records (备案) with their
anti-counterfeit codes, and an enterprise reporting a seal lost (挂失).

The shop is not police staff: it never fires a lifecycle action itself. Its "completed" is
checked here (the application is this shop's) and then taken by the system, as the
catalogue's AUTOMATIC step allows; the engine records it like any other decision.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.domain.catalogue import seal_engraving as rules
from app.domain.text import N_
from app.domain.workflow import Action, Actor, ActorKind, State, TransitionRefused
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application, ApplicationEvent
from app.models.seals import SealRecord
from app.operations import NotFound, OperationError
from app.operations.applications import apply_decision
from app.operations.audit import log_access
from app.operations.services import handler_for
from app.registries import get_registries

log = logging.getLogger(__name__)
SERVICE_CODE = "seal_engraving"
SYSTEM = Actor(ActorKind.SYSTEM)
# States in which an application's seals are still to be made (approved ones are recorded).
IN_PROGRESS = (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED)
CODE_ATTEMPTS = 20
COMPLETE_ATTEMPTS = 3
RECENT_DONE = 20


# --- what an enterprise holds ----------------------------------------------------------------


def held_kinds(uscc: str) -> set[str]:
    """Seal kinds the enterprise holds and has not cancelled (挂失注销)."""
    return set(db.session.scalars(
        select(SealRecord.kind).where(SealRecord.uscc == uscc, SealRecord.status == rules.SEAL_ACTIVE)
    ))


def pending_kinds(uscc: str) -> set[str]:
    """Seal kinds in the enterprise's applications still being handled."""
    rows = db.session.scalars(select(Application).where(
        Application.service_code == SERVICE_CODE,
        Application.subject_id_number == uscc,
        Application.state.in_([s.value for s in IN_PROGRESS]),
    ))
    return {kind for application in rows for kind in application.data.get("seals", [])}


def _code_taken(code: str) -> bool:
    return db.session.scalar(select(SealRecord.id).where(SealRecord.code == code)) is not None


def draw_codes(count: int) -> list[str]:
    """`count` fresh 13-digit codes from the OS's secure random source, none already recorded
    and none repeated. The unique constraint on the table catches a concurrent draw."""
    codes: list[str] = []
    for _ in range(count):
        for _attempt in range(CODE_ATTEMPTS):
            code = rules.anti_counterfeit_code(secrets.randbelow)
            if code not in codes and not _code_taken(code):
                codes.append(code)
                break
        else:  # pragma: no cover - 20 collisions in a space of 9×10^12 codes
            raise OperationError("seal.code_unavailable", N_("防伪码生成失败，请稍后重试。"), status=503)
    return codes


def record_seals(application: Application, event: ApplicationEvent) -> list[SealRecord]:
    """备案: one row per seal approved, with the code drawn for it at the decision."""
    data = application.data
    records = [
        SealRecord(
            code=seal["code"], uscc=data["uscc"], enterprise_name=data["enterprise_name"], kind=seal["kind"],
            shop_id=data["shop_id"], shop_name=data.get("shop_name", ""),
            shop_record_number=data.get("shop_record_number", ""), application_id=application.id,
            status=rules.SEAL_ACTIVE, recorded_at=event.occurred_at,
        )
        for seal in event.payload.get("seals", [])
    ]
    db.session.add_all(records)
    db.session.flush()  # the unique code constraint answers now, inside the decision's transaction
    return records


# --- the filing form's choices -----------------------------------------------------------------


def enterprise_of(user: User):
    """The enterprise registry's record of the user's enterprise (None for other accounts)."""
    if user.role_enum != Role.ENTERPRISE or user.organisation is None:
        return None
    return get_registries().enterprise(user.organisation.uscc)


def shops_for(user: User) -> list:
    """Recorded shops the user's enterprise may choose (its county first, then its city)."""
    enterprise = enterprise_of(user)
    if enterprise is None:
        return []
    return rules.shops_offered(get_registries().engraving_shops(), enterprise.region_code)


# --- the engraving shop ------------------------------------------------------------------------


def _require_shop(user: User) -> int:
    if user.role_enum != Role.SHOP or user.shop_id is None:
        raise NotFound(N_("未找到该办件。"))
    return user.shop_id


def _shop_condition(shop_id: int):
    return (Application.service_code == SERVICE_CODE,
            Application.data["shop_id"].as_integer() == shop_id)


def shop_queue(user: User) -> tuple[list[Application], list[Application]]:
    """The shop's work: seals to make, nearest deadline first; and the latest it finished."""
    shop_id = _require_shop(user)
    to_do = db.session.scalars(
        select(Application).where(*_shop_condition(shop_id), Application.state.in_([s.value for s in IN_PROGRESS]))
        .order_by(Application.work_due_at.is_(None), Application.work_due_at, Application.id)
    ).all()
    done = db.session.scalars(
        select(Application).where(*_shop_condition(shop_id), Application.state == State.APPROVED.value)
        .order_by(Application.decided_at.desc(), Application.id.desc()).limit(RECENT_DONE)
    ).all()
    return list(to_do), list(done)


def shop_application(user: User, application_id: int, *, for_update: bool = False) -> Application:
    """One of this shop's applications; another shop's (or none) is a 404."""
    shop_id = _require_shop(user)
    query = select(Application).where(Application.id == application_id, *_shop_condition(shop_id))
    if for_update:
        query = query.with_for_update()
    application = db.session.scalar(query)
    if application is None:
        raise NotFound(N_("未找到该办件。"))
    return application


def log_shop_view(user: User, application: Application) -> None:
    log_access(actor=user, action="application.shop_view", subject_kind="application",
               subject_id=str(application.id))
    db.session.commit()


def _shop_still_recorded(user: User) -> None:
    shop = get_registries().engraving_shop(user.shop_id)
    if shop is None or shop.status != rules.SHOP_RECORDED:
        raise OperationError("shop.suspended", N_("本刻章单位的备案已暂停，不能承接印章刻制，请联系公安机关。"), status=409)


def start_engraving(user: User, application_id: int, *, now: datetime) -> Application:
    """开始刻制: noted on the application for the enterprise and the station to see."""
    application = shop_application(user, application_id, for_update=True)
    if application.state != State.ACCEPTED.value:
        db.session.rollback()
        raise OperationError("invalid_state", N_("该申请当前不在待刻制状态。"), status=409)
    if application.data.get("engraving_started_at"):
        db.session.rollback()
        raise OperationError("already_started", N_("该申请已开始刻制。"), status=409)
    _shop_still_recorded(user)
    application.data = {**application.data, "engraving_started_at": timeutil.local(now).isoformat()}
    log_access(actor=user, action="application.shop_start", subject_kind="application",
               subject_id=str(application.id))
    db.session.commit()
    log.info("seal engraving started application=%s shop=%s", application.id, user.shop_id)
    return application


def complete_engraving(user: User, application_id: int, *, now: datetime) -> Application:
    """刻制完成: the shop owns the application, so the system approves it; the approval draws a
    code for each seal and records them. A clash on a code (a concurrent draw) is retried."""

    for attempt in range(COMPLETE_ATTEMPTS):
        application = shop_application(user, application_id, for_update=True)
        try:
            _shop_still_recorded(user)
            if not application.data.get("engraving_started_at"):
                application.data = {**application.data, "engraving_started_at": timeutil.local(now).isoformat()}
            apply_decision(application, Action.APPROVE, SYSTEM,
                           {"decision_note": f"刻章单位（{application.data.get('shop_name', '')}）报告刻制完成"},
                           now=now, handler=handler_for(SERVICE_CODE))
            log_access(actor=user, action="application.shop_complete", subject_kind="application",
                       subject_id=str(application.id))
            db.session.commit()
        except TransitionRefused as exc:
            db.session.rollback()
            raise OperationError(exc.code, N_("该申请当前不能确认刻制完成：%(reason)s"), status=exc.status,
                                 params={"reason": exc.message}) from exc
        except OperationError:
            db.session.rollback()
            raise
        except IntegrityError as exc:
            db.session.rollback()
            if attempt + 1 == COMPLETE_ATTEMPTS:
                raise OperationError("conflict", N_("备案时发生冲突，请刷新后重试。"), status=409) from exc
            continue
        log.info("seal engraving completed application=%s shop=%s", application.id, user.shop_id)
        return application
    raise AssertionError("unreachable")  # pragma: no cover


# --- the enterprise's seals --------------------------------------------------------------------


def seals_of(user: User) -> list[SealRecord]:
    """The seals recorded for the user's enterprise: active ones first, in the catalogue's
    order (公章 first); then the cancelled ones, latest first."""
    if user.role_enum != Role.ENTERPRISE or user.organisation is None:
        return []
    seals = db.session.scalars(select(SealRecord).where(SealRecord.uscc == user.organisation.uscc)).all()
    order = {kind: index for index, kind in enumerate(rules.SEAL_KINDS)}
    active = sorted((s for s in seals if s.status == rules.SEAL_ACTIVE), key=lambda s: (order.get(s.kind, 99), s.id))
    cancelled = sorted((s for s in seals if s.status != rules.SEAL_ACTIVE),
                       key=lambda s: (s.cancelled_at or s.recorded_at, s.id), reverse=True)
    return active + cancelled


def seals_of_application(application: Application) -> list[SealRecord]:
    return list(db.session.scalars(
        select(SealRecord).where(SealRecord.application_id == application.id).order_by(SealRecord.id)
    ))


def seal_of(user: User, seal_id: int, *, for_update: bool = False) -> SealRecord:
    """One seal of the user's enterprise; another enterprise's is a 404."""
    if user.role_enum != Role.ENTERPRISE or user.organisation is None:
        raise NotFound(N_("未找到该印章。"))
    query = select(SealRecord).where(SealRecord.id == seal_id, SealRecord.uscc == user.organisation.uscc)
    if for_update:
        query = query.with_for_update()
    seal = db.session.scalar(query)
    if seal is None:
        raise NotFound(N_("未找到该印章。"))
    return seal


MAX_REASON = 200


def report_lost(user: User, seal_id: int, reason: str, *, now: datetime) -> SealRecord:
    """挂失: the seal is cancelled with the reason and time (audited); that kind may then be
    engraved again."""
    seal = seal_of(user, seal_id, for_update=True)
    reason = (reason or "").strip()
    if not reason:
        db.session.rollback()
        raise OperationError("reason.missing", N_("请填写挂失原因。"), field="reason")
    if len(reason) > MAX_REASON:
        db.session.rollback()
        raise OperationError("reason.too_long", N_("挂失原因请控制在%(n)s字以内。"), field="reason",
                             params={"n": MAX_REASON})
    if seal.status != rules.SEAL_ACTIVE:
        db.session.rollback()
        raise OperationError("seal.already_cancelled", N_("该印章已挂失注销。"), status=409)
    seal.status = rules.SEAL_CANCELLED
    seal.cancelled_at = now
    seal.cancel_reason = reason
    seal.cancelled_by_id = user.id
    log_access(actor=user, action="seal.report_lost", subject_kind="seal_record", subject_id=str(seal.id),
               detail=f"kind={seal.kind}")
    db.session.commit()
    log.info("seal reported lost seal=%s kind=%s", seal.id, seal.kind)
    return seal


def seal_view(seal: SealRecord) -> dict[str, Any]:
    return {
        "id": seal.id,
        "kind": seal.kind,
        "kind_name": rules.SEAL_KINDS.get(seal.kind, seal.kind),
        "code": seal.code,
        "shop_name": seal.shop_name,
        "recorded_at": timeutil.local(seal.recorded_at).isoformat(),
        "status": seal.status,
        "status_name": rules.SEAL_STATUS_NAMES.get(seal.status, seal.status),
        "cancelled_at": timeutil.local(seal.cancelled_at).isoformat() if seal.cancelled_at else None,
        "cancel_reason": seal.cancel_reason,
        "application_number": seal.application.number,
    }
