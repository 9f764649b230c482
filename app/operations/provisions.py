"""The legal-provision list (法律、行政法规条款清单) a unit's criminal-record query is chosen from:
reading it for the filing, and the administrator's changes — each one audited (access log)
and kept with what the entry was before and after (the page's history)."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from app.domain.catalogue import criminal_record as rules
from app.domain.text import N_
from app.extensions import db
from app.models.accounts import User
from app.models.provisions import LegalProvision, LegalProvisionChange
from app.operations import NotFound, OperationError
from app.operations.audit import log_access

log = logging.getLogger(__name__)
FIELDS = ("law_name", "kind", "article", "bar_zh", "jobs", "in_force")


def as_rule(row: LegalProvision) -> rules.Provision:
    return rules.Provision(row.id, row.law_name, row.kind, row.article, row.bar_zh, tuple(row.jobs or ()),
                           row.in_force)


def entries(*, in_force_only: bool = False) -> list[rules.Provision]:
    """The list in a stable order: laws first, then administrative regulations."""
    query = select(LegalProvision)
    if in_force_only:
        query = query.where(LegalProvision.in_force.is_(True))
    rows = db.session.scalars(query.order_by(LegalProvision.id)).all()
    return sorted((as_rule(row) for row in rows), key=lambda entry: (entry.kind != "law", entry.id))


def in_force() -> dict[int, rules.Provision]:
    """The entries a unit query may choose now, by id."""
    return {entry.id: entry for entry in entries(in_force_only=True)}


def get(provision_id: int) -> LegalProvision:
    row = db.session.get(LegalProvision, provision_id) if 0 < provision_id <= 2**31 - 1 else None
    if row is None:
        raise NotFound(N_("未找到该法律依据条款。"))
    return row


def _snapshot(row: LegalProvision) -> dict:
    return {name: list(getattr(row, name)) if name == "jobs" else getattr(row, name) for name in FIELDS}


def _checked(*, law_name: str, kind: str, article: str, bar_zh: str, jobs: Sequence[str]) -> dict:
    try:
        law_name, kind, article, bar_zh, cleaned = rules.check_provision_entry(
            law_name=law_name, kind=kind, article=article, bar_zh=bar_zh, jobs=jobs)
    except rules.RuleViolation as violation:
        raise OperationError(violation.code, violation.template, field=violation.field,
                             params=violation.params) from None
    return {"law_name": law_name, "kind": kind, "article": article, "bar_zh": bar_zh, "jobs": list(cleaned)}


def _duplicate(values: dict, *, other_than: int | None = None) -> None:
    query = select(LegalProvision.id).where(LegalProvision.law_name == values["law_name"],
                                            LegalProvision.article == values["article"])
    if other_than is not None:
        query = query.where(LegalProvision.id != other_than)
    if db.session.scalar(query) is not None:
        raise OperationError("provision.duplicate", N_("清单中已有该法律、行政法规的同一条款，请编辑原条目。"),
                             field="article", status=409)


def _audit(row: LegalProvision, action: str, before: dict | None, *, by: User, now: datetime) -> LegalProvisionChange:
    change = LegalProvisionChange(provision_id=row.id, action=action, changed_by_id=by.id, changed_at=now,
                                  before=before, after=_snapshot(row))
    db.session.add(change)
    db.session.flush()
    log_access(actor=by, action=f"legal_provision.{action}", subject_kind="legal_provision",
               subject_id=str(row.id), detail=f"change={change.id}")
    db.session.commit()
    log.info("legal provision %s id=%s change=%s", action, row.id, change.id)
    return change


def add(*, law_name: str, kind: str, article: str, bar_zh: str, jobs: Sequence[str], by: User,
        now: datetime) -> LegalProvision:
    values = _checked(law_name=law_name, kind=kind, article=article, bar_zh=bar_zh, jobs=jobs)
    _duplicate(values)
    row = LegalProvision(**values, in_force=True, created_at=now, updated_at=now)
    db.session.add(row)
    db.session.flush()
    _audit(row, "add", None, by=by, now=now)
    return row


def edit(provision_id: int, *, law_name: str, kind: str, article: str, bar_zh: str, jobs: Sequence[str],
         by: User, now: datetime) -> LegalProvision:
    """A correction of an entry. Applications filed under it keep the wording they were filed
    with (their own data); only later filings quote the new one."""
    row = get(provision_id)
    values = _checked(law_name=law_name, kind=kind, article=article, bar_zh=bar_zh, jobs=jobs)
    _duplicate(values, other_than=row.id)
    before = _snapshot(row)
    if {k: before[k] for k in values} == values:
        return row  # nothing changed: nothing to record
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now
    _audit(row, "edit", before, by=by, now=now)
    return row


def set_in_force(provision_id: int, in_force: bool, *, by: User, now: datetime) -> LegalProvision:
    """废止 (retire) or 恢复 (reinstate): a retired entry stays on the list for its history and
    for the applications filed under it, but no new query may choose it."""
    row = get(provision_id)
    if row.in_force == in_force:
        return row
    before = _snapshot(row)
    row.in_force, row.updated_at = in_force, now
    _audit(row, "reinstate" if in_force else "retire", before, by=by, now=now)
    return row


def history(limit: int = 200) -> list[LegalProvisionChange]:
    """Every change, newest first."""
    return list(db.session.scalars(select(LegalProvisionChange).order_by(LegalProvisionChange.id.desc())
                                   .limit(limit)))
