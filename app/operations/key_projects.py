"""The key-project list (重点项目单位名单): whether an employer is on it (read when a foreigner
files a work-type residence application), and the administrator's changes — each one audited
(access log) and kept with what the entry was before and after (the page's history)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from app.domain.identifiers import InvalidIdentifier, validate_uscc
from app.domain.text import N_
from app.extensions import db
from app.models.accounts import User
from app.models.key_projects import KeyProjectChange, KeyProjectEnterprise
from app.operations import NotFound, OperationError
from app.operations.audit import log_access
from app.registries import get_registries

log = logging.getLogger(__name__)
FIELDS = ("uscc", "name", "project", "listed")
PROJECT_MAX = 100


def is_listed(uscc: str) -> bool:
    return db.session.scalar(select(KeyProjectEnterprise.id).where(
        KeyProjectEnterprise.uscc == uscc, KeyProjectEnterprise.listed.is_(True))) is not None


def entries() -> list[KeyProjectEnterprise]:
    """Listed first, then those taken off, each in the order they were added."""
    rows = db.session.scalars(select(KeyProjectEnterprise).order_by(KeyProjectEnterprise.id)).all()
    return sorted(rows, key=lambda row: not row.listed)


def get(entry_id: int) -> KeyProjectEnterprise:
    row = db.session.get(KeyProjectEnterprise, entry_id) if 0 < entry_id <= 2**31 - 1 else None
    if row is None:
        raise NotFound(N_("未找到该重点项目单位。"))
    return row


def _snapshot(row: KeyProjectEnterprise) -> dict:
    return {name: getattr(row, name) for name in FIELDS}


def _audit(row: KeyProjectEnterprise, action: str, before: dict | None, *, by: User, now: datetime) -> None:
    change = KeyProjectChange(enterprise_id=row.id, action=action, changed_by_id=by.id, changed_at=now,
                              before=before, after=_snapshot(row))
    db.session.add(change)
    db.session.flush()
    log_access(actor=by, action=f"key_project.{action}", subject_kind="key_project_enterprise",
               subject_id=str(row.id), detail=f"change={change.id}")
    db.session.commit()
    log.info("key project %s id=%s change=%s", action, row.id, change.id)


def add(*, uscc: str, project: str, by: User | None, now: datetime) -> KeyProjectEnterprise:
    """List an enterprise of the enterprise registry (its name comes from there). `by` None: the
    demo data's own entry."""
    try:
        uscc = validate_uscc(uscc)
    except InvalidIdentifier as invalid:
        raise OperationError(invalid.code, invalid.message, field="uscc") from None
    project = (project or "").strip()
    if not project or len(project) > PROJECT_MAX:
        raise OperationError("key_project.project", N_("请填写重点工程、重大项目名称（不超过100字）。"), field="project")
    enterprise = get_registries().enterprise(uscc)
    if enterprise is None or enterprise.status != "active":
        raise OperationError("key_project.enterprise", N_("未在企业登记信息中查询到存续的该企业，请核对统一社会信用代码。"),
                             field="uscc")
    if db.session.scalar(select(KeyProjectEnterprise.id).where(KeyProjectEnterprise.uscc == uscc)) is not None:
        raise OperationError("key_project.duplicate", N_("该企业已在名单中（或曾被移出），请在名单中恢复。"),
                             field="uscc", status=409)
    row = KeyProjectEnterprise(uscc=uscc, name=enterprise.name, project=project, listed=True, created_at=now,
                               updated_at=now)
    db.session.add(row)
    db.session.flush()
    if by is None:
        db.session.add(KeyProjectChange(enterprise_id=row.id, action="add", changed_by_id=None, changed_at=now,
                                        before=None, after=_snapshot(row)))
        return row
    _audit(row, "add", None, by=by, now=now)
    return row


def set_listed(entry_id: int, listed: bool, *, by: User, now: datetime) -> KeyProjectEnterprise:
    """移出 (remove) or 恢复 (restore). Applications already filed keep the limit they were filed with."""
    row = get(entry_id)
    if row.listed == listed:
        return row
    before = _snapshot(row)
    row.listed, row.updated_at = listed, now
    _audit(row, "restore" if listed else "remove", before, by=by, now=now)
    return row


def history(limit: int = 200) -> list[KeyProjectChange]:
    """Every change, newest first."""
    return list(db.session.scalars(select(KeyProjectChange).order_by(KeyProjectChange.id.desc()).limit(limit)))
