"""Filing and acting on applications: load, ask the domain, write state + event in one
transaction (`app.operations.events.record`; what follows an event is its subscribers').
Timers (the sweep) record through the same function as people do."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.domain import workflow
from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.catalogue.base import Step
from app.domain.catalogue.schema import FieldError, InvalidFiling, validate, validate_action
from app.domain.clock import CLOCK_NAMES, Clocks
from app.domain.settings import RULES_KEY
from app.domain.text import N_
from app.domain.verification import RegistryCheck
from app.domain.workflow import Action, Actor, Decision, State, TransitionRefused
from app.extensions import db
from app.models.accounts import Unit, User
from app.models.applications import Application, ApplicationEvent, FilingRequest
from app.models.terminals import TerminalDevice
from app.models.types import UTCDateTime
from app.operations import (
    InvalidInput,
    NotFound,
    OperationError,
    cursors,
    delivery,
    materials,
    settings,
    tolerance,
)
from app.operations.access import (  # noqa: F401 (visibility_filter re-exported)
    actor_for,
    get_visible,
    visibility,
    visibility_condition,
    visibility_filter,
)
from app.operations.audit import log_access
from app.operations.events import clocks_for, event_records, record, service_of
from app.operations.services import handler_for
from app.timeutil import LOCAL_TZ

log = logging.getLogger(__name__)


# --- filing and acting --------------------------------------------------------------------


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def preview_filing(*, applicant: User, service_code: str, data: Mapping[str, Any], now: datetime) -> None:
    """Everything filing would check, without filing (the check-your-answers page): raises the
    refusal the applicant would get on submitting, so they meet it before confirming; writes
    nothing and releases what the rules locked."""
    try:
        _checked_filing(applicant, service_code, data, now)
    finally:
        db.session.rollback()


def _checked_filing(applicant: User, service_code: str, data: Mapping[str, Any], now: datetime):
    """The service, its handler, the files handed in, the 容缺 terms and the handler's routing of
    a filing that passed every check (else the OperationError of the first that failed)."""
    if service_code not in CATALOGUE:
        raise NotFound(N_("未找到该服务事项。"))
    # The settings in force now (steps switched on, 容缺 terms): what this filing is judged under.
    service = settings.service_at(service_code, now)
    if not service.workflow_built:
        raise OperationError("service.not_open", N_("该事项暂未开通网上申请。"), status=409)
    if service.filed_by_staff != applicant.is_staff:
        message = (N_("该事项由窗口工作人员核验身份后代为录入。") if service.filed_by_staff
                   else N_("工作人员账号不能以申请人身份提交申请。"))
        raise OperationError("forbidden", message, status=403)
    handler = handler_for(service_code)
    try:
        filing_data = validate(FILING_SCHEMAS[service.code], data)
    except InvalidFiling as invalid:
        raise InvalidInput(invalid.errors) from None
    data = filing_data.given()
    problems = handler.field_problems(applicant, data, now=now)
    if problems:
        raise InvalidInput(problems)
    # The files the filing hands in (staged uploads, by slot); a tolerance service's declaration
    # of attached materials is what was uploaded. A required file missing does not bar filing:
    # the office asks for everything missing at once (补正, 行政许可法第32条).
    handed_in = materials.check_filing(service, applicant, data)
    data = {**data, "materials": {slot: [f.id for f in rows] for slot, rows in handed_in.items()}}
    if service.has(Step.TOLERANCE) and (handed_in or "materials_provided" in data or data.get("tolerance_requested")):
        data["materials_provided"] = [m.code for m in service.upload_slots() if m.code in handed_in]
    # 容缺受理 (any service with Step.TOLERANCE): the materials declaration and the request first.
    tolerance_data = tolerance.check_filing(service, applicant, data, now=now)
    # 办件寄递 (any service with Step.ISSUE): the choice and recipient go with the application's data.
    tolerance_data |= delivery.filing_data(data)
    filing_data = filing_data.model_copy(update={"materials": data["materials"]})
    try:
        filing = handler.prepare(applicant, filing_data, now=now)
    except OperationError:
        # A refusal leaves nothing behind and releases what the rules locked (the yearly count).
        db.session.rollback()
        raise
    return service, handler, handed_in, tolerance_data, filing


def file_application(*, applicant: User, service_code: str, data: Mapping[str, Any], now: datetime,
                     terminal: TerminalDevice | None = None,
                     idempotency: tuple[str, str] | None = None) -> Application:
    """File (submit) an application: its schema first (every field error at once), then the
    service's rules check and route it. `terminal`: filed at a registered self-service
    terminal (the only way a filing's channel is "terminal"; an applicant cannot claim it).
    `idempotency`: (key, fingerprint) recorded in the filing's own transaction (`file_once`)."""
    service, handler, handed_in, tolerance_data, filing = _checked_filing(applicant, service_code, data, now)
    channel = {"channel": "terminal", "terminal_id": terminal.id} if terminal is not None else {}
    application = Application(
        number="pending-" + secrets.token_hex(8),
        tracking_token=new_tracking_token(),
        service_code=service.code,
        state=State.DRAFT.value,
        unit_id=filing.unit_id,
        applicant_user_id=applicant.id,
        organisation_id=applicant.organisation_id,
        subject_name=filing.subject_name,
        subject_id_number=filing.subject_id_number,
        data={**filing.data, **tolerance_data, **channel},
        created_at=now,
    )
    db.session.add(application)
    db.session.flush()
    application.number = f"{service.number_prefix}{now.astimezone(LOCAL_TZ).strftime('%Y%m%d')}{application.id:06d}"
    if idempotency is not None:
        key, fingerprint = idempotency
        db.session.add(FilingRequest(user_id=applicant.id, key=key, fingerprint=fingerprint,
                                     application_id=application.id, created_at=now))
    actor = actor_for(applicant, application)
    decision = workflow.decide(service, State.DRAFT, Action.SUBMIT, actor, materials.filing_payload(handed_in),
                               unit_id=filing.unit_id, history=[])
    # The rules in force now, kept in the (hash-chained) submit event for the application's whole
    # life: a setting changed later never moves its clocks (app.domain.settings.filed_rules).
    filed = handler.filed_rules(settings.rules_for_filing(service, filing.unit_id, now), filing, now=now)
    decision = replace(decision, payload={**decision.payload, RULES_KEY: filed.as_payload()})
    record(application, decision, actor, at=now, recorded_at=now)
    handler.after_submit(application, now=now)
    db.session.commit()
    log.info("application filed id=%s service=%s", application.id, service.code)
    return application


def filing_problems(service_code: str, data: Mapping[str, Any], *, applicant: User,
                    now: datetime) -> list[FieldError]:
    """What the service's schema finds wrong with `data` (types, lengths, the field rules) and
    what the registries say of the answers the schema lets through, without filing: a form
    shows them beside its own errors, so one submission shows them all."""
    try:
        validate(FILING_SCHEMAS[service_code], data)
    except InvalidFiling as invalid:
        schema_errors = invalid.errors
    else:
        schema_errors = []
    wrong = {error.field.split(".")[0] for error in schema_errors}
    registry_errors = [error for error in handler_for(service_code).field_problems(applicant, data, now=now)
                       if error.field.split(".")[0] not in wrong]
    return schema_errors + registry_errors


def file_once(*, applicant: User, service_code: str, data: Mapping[str, Any], now: datetime, key: str | None,
              terminal: TerminalDevice | None = None) -> tuple[Application, bool]:
    """File as `file_application` does, once per (account, `key`): the same request sent again
    returns the application filed the first time (True: a replay), even when the two arrive
    at once on different servers (the unique key decides; the loser's work is rolled back).
    The key again with different contents is refused rather than answered with the wrong matter.
    Without a key, every request is a filing of its own."""
    if key is None:
        return file_application(applicant=applicant, service_code=service_code, data=data, now=now,
                                terminal=terminal), False
    fingerprint = hashlib.sha256(json.dumps({"service": service_code, "data": data}, sort_keys=True,
                                            ensure_ascii=False, default=str).encode()).hexdigest()
    earlier = _filed_with(applicant, key)
    if earlier is None:
        try:
            return file_application(applicant=applicant, service_code=service_code, data=data, now=now,
                                    terminal=terminal, idempotency=(key, fingerprint)), False
        except IntegrityError:
            db.session.rollback()
            earlier = _filed_with(applicant, key)
            if earlier is None:
                raise
    if earlier.fingerprint != fingerprint:
        raise OperationError("idempotency.key_reused", N_(
            "该请求标识（Idempotency-Key）已用于另一份申请，请为新的申请使用新的标识。"), field="Idempotency-Key")
    log.info("filing replayed id=%s", earlier.application_id)
    return db.session.get(Application, earlier.application_id), True


def _filed_with(applicant: User, key: str) -> FilingRequest | None:
    return db.session.scalar(select(FilingRequest).where(FilingRequest.user_id == applicant.id,
                                                         FilingRequest.key == key))


def perform_action(*, application_id: int, action: str, user: User, fields: Mapping[str, Any],
                   now: datetime) -> Application:
    """A person's action on an application; a refusal changes nothing."""
    try:
        fields = validate_action(fields)
    except InvalidFiling as invalid:
        raise InvalidInput(invalid.errors) from None
    application = get_visible(user, application_id, for_update=True)
    actor = actor_for(user, application)
    try:
        apply_decision(application, action, actor, fields, now=now, handler=handler_for(application.service_code))
        db.session.commit()
    except TransitionRefused as exc:
        db.session.rollback()
        raise OperationError(exc.code, exc.template, status=exc.status, params=exc.params) from exc
    except OperationError:
        db.session.rollback()
        raise
    except IntegrityError as exc:
        db.session.rollback()
        raise OperationError("conflict", N_("该办件刚刚被他人处理，请刷新后重试。"), status=409) from exc
    log.info("application action id=%s action=%s actor=%s", application.id, action, actor.kind.value)
    return application


def apply_decision(application: Application, action: str, actor: Actor, fields: Mapping[str, Any], *,
                   now: datetime, handler, at: datetime | None = None) -> ApplicationEvent:
    service = service_of(application)
    refused = standing_refusal(application, action, actor, now=now, handler=handler)
    if refused is not None:
        raise refused
    extra = handler.check_action(application, action, dict(fields), now=now) or {}
    extra |= tolerance.check_action(service, application, action, fields, now=now,
                                    history=event_records(application))
    extra |= materials.check_action(service, application, action, fields, actor=actor,
                                    history=event_records(application))
    extra |= delivery.action_fields(application, action)
    if action == Action.FORWARD:
        extra |= {"from_unit_id": application.unit_id, "to_unit_id": _higher_unit(service, application).id}
    decision = workflow.decide(
        service, State(application.state), action, actor, {**fields, **extra},
        unit_id=application.unit_id, history=event_records(application),
        now=at or now, decision_due_at=clocks_for(application, explain=False).statutory_due_at,
    )
    if extra:
        decision = Decision(decision.action, decision.from_state, decision.to_state, decision.reason,
                            {**decision.payload, **{k: v for k, v in extra.items() if k != "reason"}},
                            decision.documents)
    if decision.action in UNIT_MOVES:
        application.unit_id = decision.payload["to_unit_id"]
        application.claimed_by_id = application.claimed_at = None
        db.session.flush()
        db.session.expire(application, ["unit"])
    event = record(application, decision, actor, at=at or now, recorded_at=now)
    handler.after_action(application, event, now=now)
    return event


# Actions that hand the matter to another unit (the handler's or the engine's `to_unit_id`):
# 报上级决定 (two-tier review) and 转办 (public_request, on the same clock).
UNIT_MOVES = frozenset({Action.FORWARD, Action.TRANSFER})


def _higher_unit(service, application: Application):
    """The nearest ancestor of the kind that decides (两级审查), else any unit of that kind."""
    for unit in application.unit.ancestors():
        if unit.kind == service.higher_unit_kind:
            return unit
    unit = db.session.scalar(select(Unit).where(Unit.kind == service.higher_unit_kind).order_by(Unit.id))
    if unit is None:
        raise OperationError("unit.no_higher", N_("未找到作出决定的上级机关。"), status=409)
    return unit


def submitted_answers(application: Application) -> list[tuple[str, str]]:
    """What the applicant answered (申请内容), readable: the filing's own questions only, not
    what the office derived from them (routing, yearly counts, registry checks)."""
    asked = set(FILING_SCHEMAS[application.service_code].model_fields) - {"materials", *delivery.DELIVERY_KEYS}
    return [(key, text) for key, text in handler_for(application.service_code).owner_display_data(application)
            if key in asked and text != ""]


def standing_refusal(application: Application, action: str, actor: Actor, *, now: datetime,
                     handler=None) -> OperationError | None:
    """Why the rules refuse `action` on the application as it stands now, whatever the form
    says: the service's own rule first, then the tolerance and materials rules every service
    shares. None: nothing stands in the way (the fields are checked when it is taken)."""
    service = service_of(application)
    handler = handler or handler_for(application.service_code)
    history = event_records(application)
    return (_extension_refusal(application, action, now=now)
            or handler.standing_refusal(application, action, actor=actor, now=now)
            or tolerance.standing_refusal(service, application, action, history=history, now=now)
            or materials.standing_refusal(service, application, action, actor=actor, history=history))


def _extension_refusal(application: Application, action: str, *, now: datetime) -> OperationError | None:
    """An extension, or its request, after the limit it would extend has passed (the domain's
    rule, asked here so the page says why instead of offering a button that would fail)."""
    if action not in workflow.EXTENSION_ACTIONS:
        return None
    refused = workflow.extension_refusal(
        Action(action), now=now, decision_due_at=clocks_for(application, explain=False).statutory_due_at)
    if refused is None:
        return None
    return OperationError(refused.code, refused.template, status=refused.status, params=refused.params)


def available_actions(user: User, application: Application, *,
                      now: datetime) -> tuple[list[Action], dict[Action, OperationError]]:
    """The actions to offer `user` now, and those the state machine would let them take but
    the rules refuse as things stand, each with its refusal (which says what to do instead):
    the page shows the reason in place of a button that would only fail."""
    service = service_of(application)
    actor = actor_for(user, application)
    candidates = workflow.allowed_actions(service, State(application.state), actor, unit_id=application.unit_id,
                                          history=event_records(application))
    handler = handler_for(application.service_code)
    refused = {}
    for action in candidates:
        refusal = standing_refusal(application, action, actor, now=now, handler=handler)
        if refusal is not None:
            refused[action] = refusal
    return [a for a in candidates if a not in refused], refused


def allowed_actions_for(user: User, application: Application, *, now: datetime) -> list[Action]:
    return available_actions(user, application, now=now)[0]


# --- reading ------------------------------------------------------------------------------

# Before the decision: what the registries say now is what the decision will rest on.
REGISTRY_CHECK_STATES = frozenset({State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED})


def registry_check_for(user: User, application: Application, *, now: datetime) -> RegistryCheck | None:
    """核查结果 for the unit's staff before they decide: what the service's decision rests on,
    read from the registries now. Never for the applicant (they see the decision and its
    reasons); each reading is audited, as the staff's reading of the application is."""
    if not user.is_staff or State(application.state) not in REGISTRY_CHECK_STATES:
        return None
    check = handler_for(application.service_code).registry_check(application, now=now)
    if check is not None:
        log_access(actor=user, action="application.registry_check", subject_kind="application",
                   subject_id=str(application.id))
        db.session.commit()
    return check



# What the API's list shows of each application (with what its cursor needs: id, created_at).
LIST_COLUMNS = (Application.id, Application.number, Application.service_code, Application.state,
                Application.statutory_due_at, Application.created_at)


def list_visible(user: User, *, per_page: int, after: str | None = None, columns: tuple = ()):
    """Newest first: one page, the total (counted up to a cap), and the cursor of the next page
    (None on the last). With `columns` (which must include `id` and `created_at`), the page is
    rows of those columns instead of applications: what a list shows, without building objects."""
    kind, params = visibility(user)
    position = cursors.decode(after)
    after_row = position is not None and position[0] is not None
    count, page = _list_statements(kind, columns, after_row, per_page)
    total = cursors.count_of(count, params)
    if after_row:
        params = {**params, "after_created_at": position[0], "after_id": position[1]}
    items = list(db.session.execute(page, params) if columns else db.session.scalars(page, params))
    more = len(items) > per_page
    items = items[:per_page]
    return items, total, cursors.encode(items[-1].created_at, items[-1].id) if more else None


# The list's two statements per kind of viewer and page, built once (values bound at each run).
_LIST_STATEMENTS: dict[tuple, tuple] = {}


def _list_statements(kind: str, columns: tuple, after_row: bool, per_page: int) -> tuple:
    shape = (kind, columns, after_row, per_page)
    if shape not in _LIST_STATEMENTS:
        condition = visibility_condition(kind)
        query = (select(*columns) if columns else select(Application)).where(condition)
        if after_row:
            query = query.where(tuple_(Application.created_at, Application.id) < tuple_(
                bindparam("after_created_at", type_=UTCDateTime), bindparam("after_id")))
        page = query.order_by(Application.created_at.desc(), Application.id.desc()).limit(per_page + 1)
        _LIST_STATEMENTS[shape] = cursors.capped_count_statement(Application.id, condition), page
    return _LIST_STATEMENTS[shape]


def log_staff_access(user: User, application: Application, action: str) -> None:
    """Staff reading someone's application is audited; the owner reading their own is not."""
    if application.applicant_user_id == user.id:
        return
    log_access(actor=user, action=f"application.{action}", subject_kind="application",
               subject_id=str(application.id))
    db.session.commit()


def by_tracking_token(token: str) -> Application | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Application).options(joinedload(Application.unit))
                             .where(Application.tracking_token == token))


# Built once: the statement is the same on every view of every tracking page.
_TRACKING_HEAD = (select(Application.id, Application.event_count, Application.state)
                  .where(Application.tracking_token == bindparam("token")))


def tracking_head(token: str):
    """What a tracking page's validator is made of (id, event_count, state), in one narrow query
    without building the application: enough for a 304 or for a page already rendered. Read on a
    connection of its own in autocommit, outside the request's session: one row needs no
    transaction, and on PostgreSQL its BEGIN and ROLLBACK were two of the page's four round trips."""
    if not token or len(token) > 64:
        return None
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_TRACKING_HEAD, {"token": token}).first()


def by_number_and_last_four(number: str, last_four: str) -> Application | None:
    """办件编号 plus the last four digits of the applicant's phone (an enterprise's: of its
    credit code too), as printed on the receipt and known to the applicant. None — the same for
    an unknown number and for wrong digits, so the lookup tells nobody which numbers exist.
    Audited either way (the number only: no personal data in the row)."""
    number, last_four = number.strip().upper()[:32], last_four.strip().upper()
    application = db.session.scalar(select(Application).options(
        joinedload(Application.applicant), joinedload(Application.organisation)).where(Application.number == number))
    known = []
    if application is not None:
        known.append((application.applicant.phone or "")[-4:])
        if application.organisation is not None:
            known.append(application.organisation.uscc[-4:].upper())
    found = len(last_four) == 4 and any(hmac.compare_digest(last_four, tail) for tail in known if len(tail) == 4)
    log_access(actor=None, action="tracking.lookup." + ("found" if found else "not_found"),
               subject_kind="application", subject_id=number)
    db.session.commit()
    return application if found else None


def stored_clocks(application: Application) -> Clocks:
    """The clocks as stored on the row (a cache of the event log), for list views."""
    return Clocks(**{name: getattr(application, name) for name in CLOCK_NAMES},
                  accepted_as_of=application.accepted_as_of, paused_since=application.paused_since,
                  yellow_from_at=application.yellow_from_at)
