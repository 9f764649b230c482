"""Audit: verifying the hash-chained event log, and logging access to personal data."""
from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import AccessLog, User
from app.models.applications import ApplicationEvent
from app.operations.events import GENESIS_HASH, row_hash


@dataclass(frozen=True)
class BrokenLink:
    application_id: int
    seq: int
    event_id: int
    problem: str


def verify_event_chain() -> tuple[int, BrokenLink | None]:
    """Walk every application's chain in order; return (events checked, first broken link)."""
    checked = 0
    previous: dict[int, tuple[int, str]] = {}
    rows = db.session.execute(
        select(ApplicationEvent).order_by(ApplicationEvent.application_id, ApplicationEvent.seq)
    ).scalars()
    for event in rows:
        last_seq, last_hash = previous.get(event.application_id, (0, GENESIS_HASH))
        if event.seq != last_seq + 1:
            return checked, BrokenLink(event.application_id, event.seq, event.id, "missing or reordered event")
        if event.prev_hash != last_hash:
            return checked, BrokenLink(event.application_id, event.seq, event.id, "previous hash does not match")
        if row_hash(event) != event.hash:
            return checked, BrokenLink(event.application_id, event.seq, event.id, "content changed")
        previous[event.application_id] = (event.seq, event.hash)
        checked += 1
    return checked, None


def log_access(*, actor: User | None, action: str, subject_kind: str, subject_id: str, detail: str = "") -> None:
    """Record an access to someone else's data (no personal data in the row itself)."""
    label = actor.username if actor is not None else (
        f"anonymous@{request.remote_addr}" if has_request_context() else "system")
    db.session.add(AccessLog(actor_user_id=actor.id if actor else None, actor_label=label[:64], action=action,
                             subject_kind=subject_kind, subject_id=str(subject_id), detail=detail[:200]))
