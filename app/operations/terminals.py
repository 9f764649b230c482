"""Self-service terminals: an administrator issues a device credential bound to a unit, the
device sends it with every request (`X-Terminal-Credential`), and only such requests file
with channel "terminal" — the channel that lets a matter be decided on the spot (即办)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from app.domain.text import N_
from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.terminals import TerminalDevice
from app.operations import NotFound, OperationError
from app.operations.audit import log_access


def _hash(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


def _require_admin(user: User) -> None:
    if user.role_enum != Role.ADMIN:
        raise OperationError("forbidden", N_("只有系统管理员可以管理自助终端。"), status=403)


def issue(*, admin: User, unit_id: int, name: str, now: datetime) -> tuple[TerminalDevice, str]:
    """A new device and its credential (returned once; only its hash is kept)."""
    _require_admin(admin)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(N_("未找到该单位。"))
    name = name.strip()[:60]
    if not name:
        raise OperationError("missing_field", N_("请填写终端名称（如：一楼大厅1号机）。"), field="name")
    credential = secrets.token_urlsafe(32)
    device = TerminalDevice(unit_id=unit.id, name=name, credential_hash=_hash(credential), issued_by_id=admin.id,
                            issued_at=now)
    db.session.add(device)
    db.session.flush()
    log_access(actor=admin, action="terminal.issue", subject_kind="terminal", subject_id=str(device.id),
               detail=f"unit={unit.code}")
    db.session.commit()
    return device, credential


def revoke(*, admin: User, device_id: int, now: datetime) -> TerminalDevice:
    _require_admin(admin)
    device = db.session.get(TerminalDevice, device_id)
    if device is None:
        raise NotFound(N_("未找到该终端。"))
    if device.revoked_at is None:
        device.revoked_at = now
        log_access(actor=admin, action="terminal.revoke", subject_kind="terminal", subject_id=str(device.id))
        db.session.commit()
    return device


def authenticate(credential: str, *, now: datetime) -> TerminalDevice:
    """The active device holding `credential`; a wrong or revoked one is refused (never
    silently filed as online, so a misconfigured kiosk is noticed)."""
    device = db.session.scalar(select(TerminalDevice).where(TerminalDevice.credential_hash == _hash(credential)))
    if device is None or not device.active:
        raise OperationError("terminal.invalid", N_("自助终端凭证无效或已停用，请联系系统管理员。"), status=401)
    device.last_used_at = now
    return device


def devices() -> list[TerminalDevice]:
    return list(db.session.scalars(select(TerminalDevice).order_by(TerminalDevice.unit_id, TerminalDevice.id)))
