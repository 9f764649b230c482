"""Truck permits (城市配送货车电子通行证) outside the application lifecycle: the roadside check
from the QR code, the holder's and the traffic brigade's views, and revocation (by the sweep
when a new unhandled violation appears, or by staff).

Revocation and the engine: the `revoke` transition (app.domain.workflow) is for a
supervisor only, so a revocation by the system (the sweep) or by a clerk is recorded on the
permit and on its certificate (which /verify and the roadside page read) while the
application keeps its `issued` state; a supervisor's revocation goes through the engine
(application → `revoked`, with the written revocation decision).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app import timeutil
from app.domain.catalogue import truck_permit as rules
from app.domain.identifiers import mask_name
from app.domain.text import N_
from app.domain.workflow import Action, Actor, ActorKind
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application, Certificate
from app.models.permits import PermitState, TruckPermit
from app.operations import NotFound, OperationError, public_base_url, settings
from app.operations.applications import apply_decision, perform_action, visibility_filter
from app.operations.audit import log_access
from app.operations.services import handler_for
from app.operations.signatures import is_genuine
from app.registries import get_registries

log = logging.getLogger(__name__)
CERTIFICATE_KIND = "truck_permit"


# --- reading ---------------------------------------------------------------------------------


def certificate_of(permit: TruckPermit) -> Certificate | None:
    if permit.number is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.number == permit.number))


def roadside_url(certificate: Certificate) -> str:
    """The signed link the QR code carries: {PUBLIC_BASE_URL}/permit/<number>?s=<signature>."""
    base = public_base_url()
    return f"{base}/permit/{quote(certificate.number, safe='')}?s={quote(certificate.signature, safe='')}"


def zones_of(permit: TruckPermit) -> list[rules.Zone]:
    """The permit's zones under the zone settings in force when it was applied for."""
    filed_at = ((permit.application.submitted_at if permit.application is not None else None) or permit.created_at
                or timeutil.now())
    zones = settings.truck_zones(filed_at)
    return [zones[code] for code in permit.zones if code in zones]


def windows_of(permit: TruckPermit) -> list[rules.Window]:
    return [rules.Window.of(text) for text in permit.windows]


def status_of(permit: TruckPermit, now: datetime) -> rules.PermitStatus:
    return rules.permit_status(permit.valid_from, permit.valid_until, permit.revoked_at, now)


@dataclass(frozen=True)
class RoadsideView:
    """What a roadside officer sees for one permit, now. No personal data beyond the plate
    and the masked driver name."""

    genuine: bool
    number: str
    checked_at: str = ""
    plate: str = ""
    vehicle_type: str = ""
    driver: str = ""
    status: str = ""
    status_name: str = ""
    valid_from: str = ""
    valid_until: str = ""
    revoked_on: str = ""
    zones: tuple[rules.Zone, ...] = ()
    windows: tuple[str, ...] = ()
    restricted: bool = True
    inside_window: bool = False
    next_window: str | None = None
    may_pass_now: bool = False
    issuer: str = ""


def roadside_check(number: str, signature: str, *, now: datetime) -> RoadsideView:
    """Verify the signed link, then say for that plate now: valid / not yet valid / expired /
    revoked, the zones and windows, and whether now is inside a window. Logged."""
    number = (number or "")[:40]
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    permit = db.session.scalar(select(TruckPermit).where(TruckPermit.number == number)) if certificate else None
    genuine = (
        certificate is not None and permit is not None and certificate.kind == CERTIFICATE_KIND
        and is_genuine(certificate, signature)
    )
    if not genuine:
        log_access(actor=None, action="permit.roadside.not_genuine", subject_kind="truck_permit", subject_id=number)
        db.session.commit()
        return RoadsideView(False, number)
    revoked_at = min(filter(None, (permit.revoked_at, certificate.revoked_at)), default=None)
    status = rules.permit_status(permit.valid_from, permit.valid_until, revoked_at, now)
    windows = windows_of(permit)
    zones = tuple(zones_of(permit))
    current = rules.window_now(windows, now)
    view = RoadsideView(
        True, number,
        checked_at=timeutil.local(now).strftime("%Y-%m-%d %H:%M"),
        plate=permit.plate, vehicle_type=permit.vehicle_type, driver=mask_name(permit.driver_name),
        status=status.value, status_name=rules.PERMIT_STATUS_NAMES[status],
        valid_from=f"{permit.valid_from:%Y-%m-%d}", valid_until=f"{permit.valid_until:%Y-%m-%d}",
        revoked_on=timeutil.local(revoked_at).strftime("%Y-%m-%d %H:%M") if revoked_at else "",
        zones=zones, windows=tuple(w.text for w in windows),
        restricted=any(zone.restricted for zone in zones),
        inside_window=current.inside, next_window=current.next_start,
        may_pass_now=status == rules.PermitStatus.VALID and current.inside,
        issuer=certificate.application.unit.name,
    )
    log_access(actor=None, action=f"permit.roadside.{status.value}", subject_kind="truck_permit", subject_id=number)
    db.session.commit()
    return view


def _holder_query(user: User):
    return (select(TruckPermit).join(Application, TruckPermit.application_id == Application.id)
            .where(visibility_filter(user)))


def permits_of(user: User) -> list[TruckPermit]:
    """The applicant's own (or their enterprise's) truck-permit requests and permits, newest first."""
    if not user.role_enum.is_applicant:
        return []
    return list(db.session.scalars(_holder_query(user).order_by(TruckPermit.id.desc()).limit(200)))


def permit_for_holder(user: User, permit_id: int) -> TruckPermit:
    permit = db.session.scalar(_holder_query(user).where(TruckPermit.id == permit_id)) \
        if user.role_enum.is_applicant else None
    if permit is None:
        raise NotFound(N_("未找到该通行证。"))
    return permit


def _unit_query(user: User):
    return (select(TruckPermit).join(Application, TruckPermit.application_id == Application.id)
            .where(Application.unit_id == user.unit_id))


def unit_permits(user: User, *, plate: str | None = None, limit: int = 100) -> list[TruckPermit]:
    """The traffic brigade's issued and revoked permits (a plate filter finds one truck's)."""
    query = _unit_query(user).where(TruckPermit.status.in_([PermitState.ISSUED, PermitState.REVOKED]))
    if plate:
        query = query.where(TruckPermit.plate == plate.strip().upper())
    return list(db.session.scalars(query.order_by(TruckPermit.id.desc()).limit(limit)))


def permit_for_staff(user: User, permit_id: int) -> TruckPermit:
    permit = db.session.scalar(_unit_query(user).where(TruckPermit.id == permit_id))
    if permit is None:
        raise NotFound(N_("未找到该通行证。"))
    log_access(actor=user, action="permit.view", subject_kind="truck_permit", subject_id=str(permit.id))
    db.session.commit()
    return permit


# --- revocation ------------------------------------------------------------------------------


def mark_revoked(permit: TruckPermit, *, reason: str, by: str, at: datetime, user_id: int | None = None) -> bool:
    """Record a revocation on the permit and its certificate. A conditional UPDATE (only an
    issued permit): of two concurrent revocations exactly one wins; False for the other."""
    won = db.session.execute(
        update(TruckPermit)
        .where(TruckPermit.id == permit.id, TruckPermit.status == PermitState.ISSUED)
        .values(status=PermitState.REVOKED, revoked_at=at, revoked_reason=reason[:300], revoked_by=by,
                revoked_by_user_id=user_id)
        .execution_options(synchronize_session="fetch")
    ).rowcount == 1
    if won and permit.number:
        db.session.execute(
            update(Certificate)
            .where(Certificate.number == permit.number, Certificate.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason[:200])
            .execution_options(synchronize_session="fetch"))
    return won


def revoke_by_staff(user: User, permit_id: int, reason: str, *, now: datetime) -> TruckPermit:
    """A supervisor revokes through the engine (the application becomes `revoked`, with a
    written revocation decision); a clerk revokes the permit itself (as the sweep does)."""

    reason = (reason or "").strip()
    if not reason:
        raise OperationError("missing_field", N_("请填写撤销理由。"), field="reason")
    permit = permit_for_staff(user, permit_id)
    if permit.status != PermitState.ISSUED:
        raise OperationError("permit.not_issued", N_("该通行证不是有效的已核发通行证，无需撤销。"), status=409)
    if user.role_enum == Role.SUPERVISOR:
        perform_action(application_id=permit.application_id, action=Action.REVOKE, user=user,
                       fields={"reason": reason}, now=now)  # after_action marks the permit
        db.session.refresh(permit)
        return permit
    if user.role_enum not in (Role.CLERK, Role.OFFICER):
        raise OperationError("forbidden", N_("只有承办交警大队的工作人员可以撤销通行证。"), status=403)
    if not mark_revoked(permit, reason=reason, by="clerk", at=now, user_id=user.id):
        db.session.rollback()
        raise OperationError("permit.not_issued", N_("该通行证刚刚已被撤销。"), status=409)
    log_access(actor=user, action="permit.revoke", subject_kind="truck_permit", subject_id=str(permit.id))
    db.session.commit()
    log.info("truck permit revoked id=%s by=clerk", permit.id)
    return permit


def sweep_revocations(*, as_of: datetime, now: datetime) -> list[tuple[int, str]]:
    """Revoke every permit still in force whose vehicle or driver now has an unhandled
    violation (none had one when it was issued). The registries are asked without locks;
    each permit to revoke is then checked again and revoked in its own transaction by a
    conditional UPDATE: safe to run twice and from several servers at once."""
    today = timeutil.local(as_of).date()
    in_force = db.session.execute(
        select(TruckPermit.id, TruckPermit.plate, TruckPermit.driver_id_number)
        .where(TruckPermit.status == PermitState.ISSUED, TruckPermit.valid_until >= today)
        .order_by(TruckPermit.id)
    ).all()
    registries = get_registries()

    def unhandled(plate: str, driver_id_number: str) -> tuple[list, list]:
        return (registries.violations(plate=plate), registries.violations(driver_id_number=driver_id_number))

    suspects = [row.id for row in in_force if any(unhandled(row.plate, row.driver_id_number))]
    db.session.rollback()
    done: list[tuple[int, str]] = []
    for permit_id in suspects:
        try:
            permit = db.session.scalar(
                select(TruckPermit).where(TruckPermit.id == permit_id, TruckPermit.status == PermitState.ISSUED)
                .with_for_update(skip_locked=True))
            vehicle, driver = unhandled(permit.plate, permit.driver_id_number) if permit else ([], [])
            if not (vehicle or driver):
                db.session.rollback()
                continue
            # Through the engine: the application is revoked, with its written decision, and
            # the handler marks the permit and its certificate revoked.

            application = db.session.get(Application, permit.application_id)
            apply_decision(application, Action.REVOKE, Actor(ActorKind.SYSTEM),
                           {"reason": rules.revocation_text(len(vehicle), len(driver))}, now=now,
                           handler=handler_for(application.service_code))
            db.session.commit()
            log.info("truck permit revoked id=%s by=sweep", permit_id)
            done.append((permit.application_id, "revoke_permit"))
        except (OperationalError, IntegrityError):
            db.session.rollback()  # taken by another sweep (SQLite has no SKIP LOCKED; the event key decides)
    return done
