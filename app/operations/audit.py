"""Audit: verifying the hash-chained event log and its signed checkpoints, and logging access
to personal data.

The chain links each event to the one before, so an edited or removed event breaks it — but a
removed *last* event leaves a shorter chain that is still sound. Two things catch that: each
application keeps the hash of its last event (`Application.last_event_hash`, written by
`record`), and a periodic signed checkpoint (`AuditCheckpoint`) sums up every chain's head, so
that events removed together with a rewritten application row still no longer add up.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import func, select, text

from app import timeutil
from app.extensions import db
from app.jobs import periodic
from app.models.accounts import AccessLog, User
from app.models.applications import Application, ApplicationEvent, AuditCheckpoint
from app.operations.events import GENESIS_HASH, row_hash
from app.operations.signatures import signing_keys

log = logging.getLogger(__name__)
TAIL_DELETED = "events missing at the end of the chain (tail deleted)"
# The signing keys are the certificates'; this kind keeps a checkpoint's MAC from ever passing
# for a certificate's, or the reverse.
CHECKPOINT_KIND = "audit-checkpoint"
_STREAM = 2000  # rows fetched at a time when walking the whole log


@dataclass(frozen=True)
class BrokenLink:
    application_id: int
    seq: int
    event_id: int | None  # None: the event that should be there is missing
    problem: str


@dataclass(frozen=True)
class ChainCheck:
    checked: int  # events whose link verified
    problems: list[BrokenLink]  # at most one per application: the first thing wrong with its chain


def check_event_chain() -> ChainCheck:
    """Walk every application's chain in order, and check that it reaches the event the
    application itself recorded last (its `event_count` and `last_event_hash`)."""
    # The heads are read before the chains: an event appended meanwhile only makes a chain
    # longer than its head, which is no problem; read the other way round, it would look deleted.
    heads = {application_id: (count, last_hash) for application_id, count, last_hash in db.session.execute(
        select(Application.id, Application.event_count, Application.last_event_hash))}
    checked = 0
    problems: list[BrokenLink] = []
    reached: dict[int, tuple[int, str]] = {}  # application → the last verified event's (seq, hash)
    hash_at_head: dict[int, str] = {}  # application → the hash of its event #event_count
    broken: set[int] = set()
    events = db.session.scalars(
        select(ApplicationEvent).order_by(ApplicationEvent.application_id, ApplicationEvent.seq)
        .execution_options(yield_per=_STREAM))
    for event in events:
        if event.application_id in broken:
            continue
        last_seq, last_hash = reached.get(event.application_id, (0, GENESIS_HASH))
        problem = _link_problem(event, last_seq, last_hash)
        if problem:
            problems.append(BrokenLink(event.application_id, event.seq, event.id, problem))
            broken.add(event.application_id)
            continue
        reached[event.application_id] = (event.seq, event.hash)
        head = heads.get(event.application_id)
        if head is not None and event.seq == head[0]:
            hash_at_head[event.application_id] = event.hash
        checked += 1
    for application_id, (count, last_hash) in heads.items():
        if application_id in broken or count == 0:
            continue
        if application_id not in hash_at_head:
            ends_at = reached.get(application_id, (0, ""))[0]
            problems.append(BrokenLink(application_id, ends_at + 1, None,
                                       f"{TAIL_DELETED}: the chain ends at #{ends_at}, "
                                       f"the application recorded {count} events"))
        elif hash_at_head[application_id] != last_hash:
            problems.append(BrokenLink(application_id, count, None,
                                       "last event differs from the one the application recorded "
                                       "(the chain was rewritten)"))
    return ChainCheck(checked, sorted(problems, key=lambda p: (p.application_id, p.seq)))


def _link_problem(event: ApplicationEvent, last_seq: int, last_hash: str) -> str | None:
    if event.seq != last_seq + 1:
        return "missing or reordered event"
    if event.prev_hash != last_hash:
        return "previous hash does not match"
    if row_hash(event) != event.hash:
        return "content changed"
    return None


def verify_event_chain() -> tuple[int, BrokenLink | None]:
    """(events verified, the first problem or None when the log is intact)."""
    chain = check_event_chain()
    return chain.checked, chain.problems[0] if chain.problems else None


# --- checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainHeads:
    events: int
    applications: int
    digest: str


def chain_heads(max_event_id: int) -> ChainHeads:
    """One SHA-256 over every application's (id, number of events, last event's hash), in
    application order, counting only the events with an id up to `max_event_id`."""
    digest = hashlib.sha256()
    events = applications = 0
    current: tuple[int, int, str] | None = None  # (application, events so far, last hash)
    rows = db.session.execute(
        select(ApplicationEvent.application_id, ApplicationEvent.hash)
        .where(ApplicationEvent.id <= max_event_id)
        .order_by(ApplicationEvent.application_id, ApplicationEvent.seq)
        .execution_options(yield_per=_STREAM))
    for application_id, event_hash in rows:
        events += 1
        if current is not None and current[0] == application_id:
            current = (application_id, current[1] + 1, event_hash)
            continue
        if current is not None:
            digest.update(_head_line(*current))
        applications += 1
        current = (application_id, 1, event_hash)
    if current is not None:
        digest.update(_head_line(*current))
    return ChainHeads(events, applications, digest.hexdigest())


def _head_line(application_id: int, count: int, last_hash: str) -> bytes:
    return f"{application_id}:{count}:{last_hash}\n".encode()


def _signed_facts(checkpoint: AuditCheckpoint) -> str:
    return "|".join((checkpoint.taken_at.astimezone(UTC).isoformat(), str(checkpoint.max_event_id),
                     str(checkpoint.event_count), str(checkpoint.application_count)))


def _settled_max_event_id() -> int:
    """The highest event id below which no event can still appear, in a transaction of its own."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Ids are drawn before their transactions commit: a lower one may still be in flight
        # when a higher one is visible. SHARE waits for every transaction writing events to end
        # and lets no new one start until this tiny transaction commits.
        db.session.execute(text("LOCK TABLE application_events IN SHARE MODE"))
    # (SQLite has one writer at a time: ids are visible in the order they were drawn.)
    highest = db.session.scalar(select(func.max(ApplicationEvent.id))) or 0
    db.session.commit()
    return highest


def take_checkpoint(*, now: datetime) -> AuditCheckpoint:
    """Sign and store the head of every application's chain; the log line keeps a copy outside
    the database (counts and digest only, no personal data)."""
    max_event_id = _settled_max_event_id()
    heads = chain_heads(max_event_id)
    checkpoint = AuditCheckpoint(taken_at=now, max_event_id=max_event_id, event_count=heads.events,
                                 application_count=heads.applications, digest=heads.digest)
    checkpoint.signature = signing_keys().sign(CHECKPOINT_KIND, _signed_facts(checkpoint), checkpoint.digest)
    db.session.add(checkpoint)
    db.session.commit()
    log.info("audit checkpoint id=%s max_event_id=%s events=%s applications=%s digest=%s signature=%s",
             checkpoint.id, max_event_id, heads.events, heads.applications, heads.digest, checkpoint.signature)
    return checkpoint


@periodic("audit_checkpoint", interval_setting="AUDIT_CHECKPOINT_SECONDS")
def checkpoint_periodically() -> None:
    take_checkpoint(now=timeutil.now())


@dataclass(frozen=True)
class CheckpointProblem:
    checkpoint_id: int
    taken_at: datetime
    problem: str


@dataclass(frozen=True)
class CheckpointCheck:
    checked: int
    latest: AuditCheckpoint | None  # the latest genuine checkpoint
    problems: list[CheckpointProblem]


def verify_checkpoints() -> CheckpointCheck:
    """Every checkpoint's signature is genuine and its events are all still there; the latest
    genuine one's chain heads are recomputed from the log as it is now."""
    checkpoints = list(db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))
    keys = signing_keys()
    problems: list[CheckpointProblem] = []
    genuine: list[AuditCheckpoint] = []
    for checkpoint in checkpoints:
        if keys.verify(CHECKPOINT_KIND, _signed_facts(checkpoint), checkpoint.digest, checkpoint.signature):
            genuine.append(checkpoint)
        else:
            problems.append(CheckpointProblem(checkpoint.id, checkpoint.taken_at,
                                              "signature is not genuine (the checkpoint was altered or forged)"))
    present = _events_up_to([checkpoint.max_event_id for checkpoint in genuine])
    for checkpoint in genuine:
        now_present = present[checkpoint.max_event_id]
        if now_present < checkpoint.event_count:
            problems.append(CheckpointProblem(
                checkpoint.id, checkpoint.taken_at,
                f"{checkpoint.event_count - now_present} of its {checkpoint.event_count} events are gone "
                f"(event ids up to {checkpoint.max_event_id})"))
        elif now_present > checkpoint.event_count:
            problems.append(CheckpointProblem(
                checkpoint.id, checkpoint.taken_at,
                f"{now_present - checkpoint.event_count} events appeared below it "
                f"(event ids up to {checkpoint.max_event_id})"))
    latest = genuine[-1] if genuine else None
    if latest is not None:
        heads = chain_heads(latest.max_event_id)
        if heads.digest != latest.digest:
            problems.append(CheckpointProblem(
                latest.id, latest.taken_at,
                f"the chains up to event id {latest.max_event_id} no longer match it: now {heads.events} events "
                f"of {heads.applications} applications, then {latest.event_count} of {latest.application_count}"))
    return CheckpointCheck(len(checkpoints), latest, sorted(problems, key=lambda p: p.checkpoint_id))


def _events_up_to(bounds: list[int]) -> dict[int, int]:
    """How many events there are now with an id up to each bound (one pass over the ids)."""
    ordered = sorted(set(bounds))
    if not ordered:
        return {}
    counts: dict[int, int] = {}
    seen = passed = 0
    ids = db.session.scalars(select(ApplicationEvent.id).where(ApplicationEvent.id <= ordered[-1])
                             .order_by(ApplicationEvent.id).execution_options(yield_per=_STREAM * 5))
    for event_id in ids:
        while event_id > ordered[passed]:
            counts[ordered[passed]] = seen
            passed += 1
        seen += 1
    counts.update(dict.fromkeys(ordered[passed:], seen))
    return counts


# --- access to personal data ------------------------------------------------------------------


def log_access(*, actor: User | None, action: str, subject_kind: str, subject_id: str, detail: str = "") -> None:
    """Record an access to someone else's data (no personal data in the row itself)."""
    label = actor.username if actor is not None else (
        f"anonymous@{request.remote_addr}" if has_request_context() else "system")
    db.session.add(AccessLog(actor_user_id=actor.id if actor else None, actor_label=label[:64], action=action,
                             subject_kind=subject_kind, subject_id=str(subject_id), detail=detail[:200]))
