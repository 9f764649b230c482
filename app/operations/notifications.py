"""Telling applicants what happened: the outbox and its delivery.

`on_event_recorded` subscribes to every recorded event of every application, so a message is
written in the same transaction as the change it reports (the outbox pattern): a rolled-back
action leaves no message, a committed one always has its message, and a `deliver_notifications`
job sends it once the transaction has committed. `remind_commitments` is the periodic check for
容缺 supplements falling due; it runs with every SLA sweep. `deliver_pending` (`flask notify
send`, and the scheduled `deliver_notifications` task) hands every due message to the sender.

No gateway is ever called while a database lock or transaction is held: a message is claimed
by a conditional UPDATE (pending → sending, with a lease) and committed, sent, then marked
sent, or given back with a longer wait; after `NOTIFY_MAX_ATTEMPTS` it is `failed` — the dead
letters an admin sees on /admin/jobs and can send again.

Messages go to the applicant's own account, in the account's language, from templates/notify/:
always into the message centre (`Message`, /my/messages, one row per message), and to each
address the account has (phone: SMS; e-mail if given; `Notification`, one row per channel). An
account without either still has the message in the centre. A full ID number never appears in
one: no template uses one, every text typed by staff (reasons, correction items, measures) is
scrubbed of ID, phone and bank-card numbers (`app.domain.scrub`) before it is placed in a
message, and the whole text is passed through `redact_id_numbers` as well. Application logs carry message ids only.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import timeutil
from app.domain.catalogue import get_service
from app.domain.catalogue.base import Step
from app.domain.ratings import LEVEL_NAMES, LEVEL_NAMES_EN, Level, ratable
from app.domain.scrub import scrub
from app.domain.tolerance import listing_expires_at
from app.domain.workflow import SUSPENSION_REASON_NAMES, State, SuspensionReason
from app.extensions import db
from app.jobs import enqueue, periodic, task
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent
from app.models.notifications import Channel, DeliveryStatus, Message, Notification
from app.notify import OutgoingMessage, Sender, rules, sender_from_config
from app.notify.rules import Kind
from app.operations import public_base_url
from app.operations.events import calendar_for
from app.operations.tolerance import bar_years

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")
DEFAULT_MAX_ATTEMPTS = 5
SMS_SIGN = {"zh": "警务通办", "en": "Police e-Services"}
EMAIL_FOOTER = {"zh": "此邮件由警务通办系统自动发送，请勿直接回复。",
                "en": "This message was sent automatically by the police e-services portal; please do not reply."}
SUSPENSION_REASONS_EN = {
    SuspensionReason.INVESTIGATION: "investigation", SuspensionReason.HEARING: "a hearing",
    SuspensionReason.TESTING: "testing", SuspensionReason.INSPECTION: "an inspection",
    SuspensionReason.APPRAISAL: "an expert appraisal", SuspensionReason.EXPERT_REVIEW: "an expert review",
}
COMMITMENT_STATES = (State.ACCEPTED, State.SUSPENDED, State.APPROVED, State.ISSUED)


# --- composing ---------------------------------------------------------------------------------


def _language(user: User) -> str:
    return user.language if user.language in LANGUAGES else "zh"


def _due_text(moment: datetime | None, lang: str) -> str:
    """A whole-day deadline (23:59:59) reads as a date; a working-hours one keeps its time."""
    if moment is None:
        return ""
    local = timeutil.local(moment)
    end_of_day = (local.hour, local.minute) == (23, 59)
    if lang == "en":
        return local.strftime("%Y-%m-%d") + ("" if end_of_day else local.strftime(" %H:%M"))
    return f"{local.year}年{local.month}月{local.day}日" + ("24时" if end_of_day else local.strftime(" %H:%M"))


def _date_text(moment: datetime | None, lang: str) -> str:
    if moment is None:
        return ""
    local = timeutil.local(moment)
    return local.strftime("%Y-%m-%d") if lang == "en" else f"{local.year}年{local.month}月{local.day}日"


def _base_url() -> str:
    return public_base_url()


def _common(application: Application, lang: str) -> dict[str, Any]:
    service = get_service(application.service_code)
    unit = application.unit
    parent = unit.parent
    return {
        "number": application.number,
        "service": service.name_en if lang == "en" else service.name_zh,
        "unit": (unit.name_en or unit.name) if lang == "en" else unit.name,
        "review_organ": ((parent.name_en or parent.name) if lang == "en" else parent.name) if parent is not None
        else ("the police authority one level up" if lang == "en" else "上一级公安机关"),
        "url": f"{_base_url()}/t/{application.tracking_token}",
        "my_url": f"{_base_url()}/my/applications/{application.id}",
        "promised_due": _due_text(application.promised_due_at, lang),
        "statutory_due": _due_text(application.statutory_due_at, lang),
        "accepted_date": _date_text(application.accepted_as_of, lang),
        "rating_url": None,
    }


def _materials(application: Application, lang: str) -> list[str]:
    service = get_service(application.service_code)
    codes: list[str] = []
    for event in application.events:
        if event.payload.get("tolerance"):
            codes = list(event.payload.get("missing_materials") or [])
    names = []
    for code in codes:
        try:
            material = service.material(code)
        except KeyError:
            names.append(str(code))
            continue
        names.append(material.name_en if lang == "en" else material.name_zh)
    return names


def _event_context(application: Application, event: ApplicationEvent, kind: Kind, lang: str) -> dict[str, Any]:
    context = _common(application, lang)
    service = get_service(application.service_code)
    context["reason"] = scrub(_sentence(event.reason))
    if kind == Kind.CORRECTION:
        context["items"] = [scrub(item) for item in event.payload.get("items") or []]
        context["reply_due"] = _due_text(application.correction_reply_due_at, lang)
    elif kind == Kind.SUSPENDED:
        code = SuspensionReason(event.payload["reason_code"])
        context["procedure"] = SUSPENSION_REASONS_EN[code] if lang == "en" else SUSPENSION_REASON_NAMES[code]
    elif kind == Kind.APPROVED:
        context["issue_follows"] = service.has(Step.ISSUE)
        context["delivery_due"] = _due_text(application.delivery_due_at, lang)
    elif kind == Kind.COMMITMENT_BREACHED:
        context["revoked"] = event.to_state == State.REVOKED.value
        context["cause_due"] = _due_text(datetime.fromisoformat(event.payload["cause_due"]), lang)
    elif kind == Kind.UNTRUE_LISTED:
        context["bar_until"] = _date_text(listing_expires_at(event.occurred_at, bar_years()), lang)
    if ratable(service, event.to_state) and event.from_state != event.to_state:
        context["rating_url"] = f"{_base_url()}/ratings/applications/{application.id}"
    if application.service_code == "rating_rectification":
        context.update(_work_order_context(application, event, lang))
    return context


def _work_order_context(application: Application, event: ApplicationEvent, lang: str) -> dict[str, Any]:

    data = application.data or {}
    rated = get_service(data["rated_service"]) if data.get("rated_service") else None
    level = Level(data["level"]) if data.get("level") else None
    return {
        "rated_number": data.get("rated_number", ""),
        "rated_service": (rated.name_en if lang == "en" else rated.name_zh) if rated else "",
        "level": (LEVEL_NAMES_EN[level] if lang == "en" else LEVEL_NAMES[level]) if level else "",
        "measures": scrub(_sentence(event.payload.get("measures", ""))),
    }


def _sentence(text: str) -> str:
    """Typed text placed inside a template's sentence: its own closing stop is dropped."""
    return (text or "").strip().rstrip("。.；;，, ")


_BLANK_LINES = re.compile(r"\n\s*\n+")


def render_message(kind: str, service_code: str, lang: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) from templates/notify/[<service>.]<kind>.<lang>.txt; the first line is
    the subject. Every ID number is masked."""
    env = current_app.jinja_env
    try:
        template = env.select_template([f"notify/{service_code}.{kind}.{lang}.txt", f"notify/{kind}.{lang}.txt"])
    except TemplateNotFound:
        template = env.get_template(f"notify/{kind}.zh.txt")
    text = template.render(**context).strip()
    subject, _, body = text.partition("\n")
    body = _BLANK_LINES.sub("\n", body.strip())
    return rules.redact_id_numbers(subject.strip()), rules.redact_id_numbers(body)


def _channels(user: User) -> list[tuple[Channel, str]]:
    channels = []
    if user.phone:
        channels.append((Channel.SMS, user.phone))
    if user.email:
        channels.append((Channel.EMAIL, user.email))
    return channels


def _recipient(application: Application) -> User | None:
    """The applicant's own account. Matters filed by staff at the window (the applicant has no
    account here) are told in writing at the window instead."""
    user = application.applicant
    if user is None or not user.role_enum.is_applicant or not user.active:
        return None
    return user


def _messages(application: Application, user: User, kind: Kind, context: dict[str, Any], *, key: str,
              event: ApplicationEvent | None, at: datetime) -> tuple[Message, list[Notification]]:
    """The message for the centre, and its delivery on each of the account's channels."""
    lang = _language(user)
    subject, body = render_message(kind.value, application.service_code, lang, context)
    message = Message(application_id=application.id, event=event, user_id=user.id, kind=kind.value, language=lang,
                      subject=subject, body=body, key=key, created_at=at)
    rows = []
    for channel, address in _channels(user):
        text = rules.sms_text(body, sign=SMS_SIGN[lang]) if channel == Channel.SMS else f"{body}\n\n{EMAIL_FOOTER[lang]}"
        rows.append(Notification(
            application_id=application.id, event=event, user_id=user.id, kind=kind.value,
            channel=channel.value, recipient=address, language=lang, subject=subject, body=text,
            dedupe_key=f"{key}:{channel.value}", status=DeliveryStatus.PENDING.value, attempts=0,
            created_at=at, next_attempt_at=at,
        ))
    return message, rows


# --- queuing -----------------------------------------------------------------------------------


def on_event_recorded(application: Application, *, event: ApplicationEvent, decision=None) -> None:
    """Subscriber: the message an event calls for, and the job that sends it."""
    rows = notify_event(application, event)
    if rows:
        enqueue("deliver_notifications", {"keys": [row.dedupe_key for row in rows]},
                key=f"notify:{application.id}:{event.seq}", application_id=application.id)


def notify_event(application: Application, event: ApplicationEvent) -> list[Notification]:
    """Write the message an event calls for, inside the event's transaction."""
    kind = rules.kind_for_event(event.action, event.from_state, event.to_state)
    if kind is None:
        return []
    user = _recipient(application)
    if user is None:
        return []
    _supersede_interim(application, event.recorded_at)
    context = _event_context(application, event, kind, _language(user))
    message, rows = _messages(application, user, kind, context, key=f"event:{application.id}:{event.seq}",
                              event=event, at=event.recorded_at)
    db.session.add(message)
    db.session.info.setdefault(_WRITTEN, []).append(message)
    db.session.add_all(rows)
    return rows


def _supersede_interim(application: Application, at: datetime) -> None:
    """A progress message still waiting from this same moment (this transaction: a 即办 chain of
    accept → approve → issue) says less than the new one."""
    told = db.session.info.setdefault(_TOLD, set())
    if application.id not in told:
        told.add(application.id)
        return  # nothing was queued for it yet in this transaction
    interim = [k.value for k in rules.INTERIM]
    # The centre keeps only what the applicant is told: the interim message goes.
    written = db.session.info.setdefault(_WRITTEN, [])
    for message in [m for m in written if m.application_id == application.id and m.created_at == at
                    and m.kind in interim]:
        written.remove(message)
        if message in db.session.new:
            db.session.expunge(message)
        else:
            db.session.delete(message)
    with db.session.no_autoflush:  # the unflushed ones are in `session.new`; a flush per event costs
        waiting = list(db.session.scalars(select(Notification).where(
            Notification.application_id == application.id,
            Notification.status == DeliveryStatus.PENDING.value,
            Notification.created_at == at,
            Notification.kind.in_(interim),
        )))
    waiting += [row for row in db.session.new if isinstance(row, Notification)
                and row.application_id == application.id and row.status == DeliveryStatus.PENDING.value
                and row.created_at == at and row.kind in interim]
    for row in waiting:
        row.status = DeliveryStatus.SUPERSEDED.value


_TOLD = "notified_applications"  # ids told something in this transaction (session.info)
_WRITTEN = "messages_written"  # the centre's messages written in this transaction (session.info)


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _forget_told(session, *args) -> None:
    session.info.pop(_TOLD, None)
    session.info.pop(_WRITTEN, None)


def remind_commitments(*, as_of: datetime, now: datetime) -> list[tuple[int, str]]:
    """Remind applicants whose 容缺 supplement falls due within a working day. Once per
    commitment deadline and channel, however often and from however many servers it runs."""
    candidates = list(db.session.scalars(
        select(Application.id).where(
            Application.commitment_due_at.is_not(None),
            Application.commitment_due_at > as_of,
            Application.commitment_due_at <= as_of + rules.REMINDER_SCAN,
            Application.state.in_([s.value for s in COMMITMENT_STATES]),
        ).order_by(Application.commitment_due_at)
    ))
    db.session.rollback()
    done = []
    for application_id in candidates:
        application = db.session.get(Application, application_id)
        due = application.commitment_due_at
        user = _recipient(application)
        if user is None or not rules.commitment_reminder_due(as_of, due, calendar_for(application)):
            continue
        key = f"commitment:{application.id}:{due.astimezone(timeutil.UTC).isoformat()}"
        lang = _language(user)
        context = _common(application, lang) | {
            "commitment_due": _due_text(due, lang), "materials": _materials(application, lang)}
        message, rows = _messages(application, user, Kind.COMMITMENT_DUE, context, key=key, event=None, at=now)
        if not db.session.scalar(select(Message.id).where(Message.key == key)):
            try:
                with db.session.begin_nested():
                    db.session.add(message)
            except IntegrityError:
                pass  # another sweep wrote it a moment ago
        queued = []
        for row in rows:
            if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == row.dedupe_key)):
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(row)
                queued.append(row.dedupe_key)
            except IntegrityError:
                pass  # another sweep queued it a moment ago
        if queued:
            enqueue("deliver_notifications", {"keys": queued}, key=f"notify:{key}", application_id=application.id)
        db.session.commit()
        if queued:
            done.append((application.id, "notify_commitment_due"))
    return done


# --- delivering --------------------------------------------------------------------------------


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped_locked: int = 0


def configured_sender() -> Sender:
    return sender_from_config(current_app.config, instance_path=current_app.instance_path)


def _backoff(attempts: int) -> timedelta:
    first = timedelta(seconds=int(current_app.config.get("NOTIFY_RETRY_SECONDS", 300)))
    return min(first * 2 ** max(attempts - 1, 0), timedelta(hours=6))


def deliver_pending(*, now: datetime, sender: Sender | None = None, max_attempts: int | None = None,
                    batch_size: int = 200) -> DeliveryResult:
    """Send every message that is due (pending, or held by a sender that died, whose lease has
    passed). Each is sent at most once per run and never again once marked sent; several
    senders share the work, each claiming a message before sending it."""
    sender = sender or configured_sender()
    limit = max_attempts or _max_attempts()
    result = DeliveryResult()
    seen: set[int] = set()
    while True:
        query = select(Notification.id).where(_due(now)).order_by(Notification.id).limit(batch_size)
        if seen:
            query = query.where(Notification.id.not_in(seen))
        ids = list(db.session.scalars(query))
        db.session.rollback()
        if not ids:
            return result
        for notification_id in ids:
            seen.add(notification_id)
            _deliver_one(notification_id, sender, now=now, limit=limit, result=result)


def _max_attempts() -> int:
    return int(current_app.config.get("NOTIFY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def _due(now: datetime):
    return (Notification.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value])
            & (Notification.next_attempt_at <= now))


@task("deliver_notifications")
def deliver_notifications(payload: dict[str, Any]) -> None:
    """The messages of one event, sent as soon as it has committed (the schedule is the backstop)."""
    sender, now, result = configured_sender(), timeutil.now(), DeliveryResult()
    ids = list(db.session.scalars(select(Notification.id).where(Notification.dedupe_key.in_(payload["keys"]))
                                  .order_by(Notification.id)))
    db.session.rollback()
    for notification_id in ids:
        _deliver_one(int(notification_id), sender, now=now, limit=_max_attempts(), result=result)


@periodic("deliver_notifications", interval_setting="NOTIFY_INTERVAL_SECONDS")
def deliver_due() -> DeliveryResult:
    return deliver_pending(now=timeutil.now())


def _deliver_one(notification_id: int, sender: Sender, *, now: datetime, limit: int,
                 result: DeliveryResult) -> None:
    claimed = db.session.execute(
        update(Notification).where(Notification.id == notification_id, _due(now))
        .values(status=DeliveryStatus.SENDING.value, attempts=Notification.attempts + 1,
                next_attempt_at=now + SENDING_LEASE)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        result.skipped_locked += 1
        return
    row = db.session.get(Notification, notification_id)
    message = OutgoingMessage(id=row.id, channel=row.channel, recipient=row.recipient, subject=row.subject,
                              body=row.body, language=row.language)
    attempts, kind = row.attempts, row.kind
    db.session.commit()  # no transaction is open while the gateway is called
    try:
        sender.send(message)
    except Exception as exc:  # any gateway failure is an attempt; the name only (no PII in logs)
        error = type(exc).__name__[:200]
        if attempts >= limit:
            values = {"status": DeliveryStatus.FAILED.value}
            result.failed += 1
        else:
            values = {"status": DeliveryStatus.PENDING.value, "next_attempt_at": now + _backoff(attempts)}
            result.retrying += 1
        _mark(notification_id, last_error=error, **values)
        log.warning("notification not sent id=%s channel=%s attempt=%s error=%s",
                    notification_id, message.channel, attempts, error)
    else:
        _mark(notification_id, status=DeliveryStatus.SENT.value, sent_at=now, last_error="")
        result.sent += 1
        log.info("notification sent id=%s channel=%s kind=%s", notification_id, message.channel, kind)


def _mark(notification_id: int, **values) -> None:
    db.session.execute(update(Notification).where(Notification.id == notification_id,
                                                  Notification.status == DeliveryStatus.SENDING.value)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


# A sender that died mid-send gives its message back after this long (then it is sent again:
# delivery is at least once, and gateways receive the message id to recognise a repeat).
SENDING_LEASE = timedelta(minutes=5)


def failed_messages(limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.status == DeliveryStatus.FAILED.value)
                                   .order_by(Notification.id.desc()).limit(limit)))


def retry_failed(notification_id: int, *, now: datetime) -> bool:
    """An admin sends a dead letter again: a fresh set of attempts, delivered by a job."""
    changed = db.session.execute(
        update(Notification).where(Notification.id == notification_id,
                                   Notification.status == DeliveryStatus.FAILED.value)
        .values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now, last_error="")
        .execution_options(synchronize_session=False)).rowcount
    if changed:
        row = db.session.get(Notification, notification_id)
        enqueue("deliver_notifications", {"keys": [row.dedupe_key]},
                key=f"notify:retry:{notification_id}:{now.isoformat()}", application_id=row.application_id)
    db.session.commit()
    return bool(changed)


def outbox_for(application: Application) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.application_id == application.id)
                                   .order_by(Notification.id)))
