"""城市配送货车电子通行证: the request checked against the vehicle, driver, violation and
accident registries at once; approved by the system (any day, any hour), refused by the
system with every reason, or left for a clerk of the traffic brigade when a rule says so;
the electronic permit with its signed roadside-check QR code; revocation by the sweep."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app import timeutil
from app.domain.catalogue import truck_permit as rules
from app.domain.identifiers import InvalidIdentifier, mask_id_number, parse_citizen_id
from app.domain.text import N_
from app.domain.verification import Finding as CheckFinding
from app.domain.verification import RegistryCheck, Tone
from app.domain.workflow import Action, Actor, ActorKind, State
from app.extensions import db
from app.models.accounts import Role, Unit, User
from app.models.applications import Application, ApplicationEvent, Certificate
from app.models.permits import PermitState, TruckPermit
from app.operations import OperationError, settings
from app.operations import permits as permit_ops
from app.operations.applications import apply_decision
from app.operations.services import Filing, OutcomeDocument, ServiceHandler, register, unit_for_region
from app.registries import get_registries

SYSTEM = Actor(ActorKind.SYSTEM)
APPLICANT_KINDS = {"enterprise": N_("企业"), "individual": N_("个人")}
OUTCOME_NAMES = {
    rules.Outcome.APPROVE.value: N_("全部符合核发条件，系统即时核发"),
    rules.Outcome.REFUSE.value: N_("不符合核发条件，系统作出不予许可决定"),
    rules.Outcome.REVIEW.value: N_("转交警大队人工审核"),
}
NOT_ISSUED_ACTIONS = {Action.REJECT.value, Action.NOT_ACCEPT.value, Action.WITHDRAW.value,
                      Action.CLOSE_UNANSWERED.value}
HIDDEN_KEYS = {"permit_request"}


def parse_request(data: rules.TruckPermitFiling, *, today: date,
                  zones: dict[str, rules.Zone] | None = None) -> rules.PermitRequest:
    """The request as the rules need it (the schema has checked each field's form): the
    driver's ID number and the validity, which depend on today, every problem at once.
    `zones`: the zone settings in force (restriction, peak hours, emission floor)."""
    problems: list[rules.RuleViolation] = []
    try:
        driver_id = parse_citizen_id(data.driver_id_number, today=today).number
    except InvalidIdentifier as invalid:
        problems.append(rules.RuleViolation(invalid.code, invalid.message, "driver_id_number"))
    try:
        validity = rules.parse_validity(data.valid_from, data.valid_until, today=today)
    except rules.RuleViolation as violation:
        problems.append(violation)
    if len(problems) == 1:
        first = problems[0]
        raise OperationError(first.code, first.template, field=first.field, params=first.params)
    if problems:  # every problem at once, the first field named
        raise OperationError(problems[0].code, "；".join(p.message.rstrip("。") for p in problems) + "。",
                             field=problems[0].field)
    return rules.PermitRequest(data.plate, data.driver_name, driver_id, rules.parse_zones(data.zones, zones),
                               rules.parse_windows(data.windows), *validity)


def request_of(permit: TruckPermit) -> rules.PermitRequest:
    return rules.PermitRequest(permit.plate, permit.driver_name, permit.driver_id_number,
                               tuple(permit_ops.zones_of(permit)), tuple(permit_ops.windows_of(permit)),
                               permit.valid_from, permit.valid_until)


def _applicant(user: User) -> tuple[str, str, frozenset[str], str | None]:
    """(kind, name, the owner ids a vehicle of theirs is registered to, the subject's number:
    the person's ID number or the enterprise's credit code, shown masked)."""
    if user.role_enum == Role.ENTERPRISE and user.organisation is not None:
        uscc = user.organisation.uscc
        return "enterprise", user.organisation.name, frozenset({uscc}), uscc
    if user.role_enum == Role.CITIZEN and user.id_number:
        return "individual", user.real_name, frozenset({user.id_number}), user.id_number
    raise OperationError("applicant.account", N_("请使用企业账号或个人实名账号申请货车通行证。"), status=403)


def check_registries(request: rules.PermitRequest, owner_ids: frozenset[str]):
    """Ask the registries, then the rules: (vehicle, evaluation)."""
    registries = get_registries()
    vehicle = registries.vehicle(request.plate)
    if vehicle is None:
        raise OperationError("plate.unknown", N_("未查询到号牌%(plate)s的机动车登记信息，请核对号牌号码。"),
                             field="plate", params={"plate": request.plate})
    driver = registries.driver(request.driver_id_number)
    if driver is None or driver.name != request.driver_name:
        raise OperationError("driver.unknown", N_("未能核验驾驶人：姓名与公民身份号码不一致，或没有机动车驾驶证信息。"),
                             field="driver_id_number")
    pending_accidents = sum(1 for case in registries.accident_cases_of_person(request.driver_id_number)
                            if case.determination_served_at is None)
    evaluation = rules.evaluate(
        request, vehicle=vehicle, driver=driver, applicant_ids=owner_ids,
        vehicle_violations=registries.violations(plate=request.plate),
        driver_violations=registries.violations(driver_id_number=request.driver_id_number),
        driver_pending_accidents=pending_accidents,
    )
    return vehicle, evaluation


def check_not_held(request: rules.PermitRequest, *, today: date) -> None:
    """Refused at filing when the plate already has a permit in force for any of the days asked:
    the permits issued and not revoked whose validity has not ended (rules.check_no_overlap)."""
    held = db.session.execute(
        select(TruckPermit.number, TruckPermit.valid_from, TruckPermit.valid_until)
        .where(TruckPermit.plate == request.plate, TruckPermit.status == PermitState.ISSUED,
               TruckPermit.valid_until >= today, TruckPermit.number.is_not(None))).all()
    try:
        rules.check_no_overlap(request.plate, request.valid_from, request.valid_until,
                               [rules.HeldPermit(*row) for row in held])
    except rules.RuleViolation as overlap:
        raise OperationError(overlap.code, overlap.template, field=overlap.field, params=overlap.params) from None


def _unit(zones: tuple[rules.Zone, ...]) -> Unit:
    for zone in sorted(zones, key=lambda z: not z.restricted):
        unit = unit_for_region("traffic_brigade", zone.region_code)
        if unit is not None:
            return unit
    raise OperationError("unit.none", N_("未找到受理货车通行证的交警大队，请联系交警大队窗口。"), status=409)


def _permit_of(application: Application) -> TruckPermit | None:
    return db.session.scalar(select(TruckPermit).where(TruckPermit.application_id == application.id))


class TruckPermitHandler(ServiceHandler):
    code = "truck_permit"
    value_labels = {
        "applicant_kind": APPLICANT_KINDS,
        "zones": {code: zone.name_zh for code, zone in rules.ZONES.items()},
        "check_outcome": OUTCOME_NAMES,
    }

    def prepare(self, applicant: User, data: rules.TruckPermitFiling, *, now: datetime) -> Filing:
        kind, name, owner_ids, subject_id = _applicant(applicant)
        today = timeutil.local(now).date()
        request = parse_request(data, today=today, zones=settings.truck_zones(now))
        check_not_held(request, today=today)
        vehicle, evaluation = check_registries(request, owner_ids)
        unit = _unit(request.zones)
        owned = vehicle.owner_id in owner_ids
        permit = TruckPermit(
            plate=request.plate, vehicle_type=vehicle.vehicle_type if owned else "",
            vehicle_class=rules.vehicle_class(vehicle) if owned else "",
            driver_name=request.driver_name, driver_id_number=request.driver_id_number,
            zones=[zone.code for zone in request.zones], windows=[w.text for w in request.windows],
            valid_from=request.valid_from, valid_until=request.valid_until, status=PermitState.PENDING,
            check_result=evaluation.as_dict(), checked_at=now, created_at=now,
        )
        db.session.add(permit)
        db.session.flush()
        clean: dict[str, Any] = {
            "applicant_kind": kind,
            "plate": request.plate,
            "vehicle_type": permit.vehicle_type,
            "driver_name": request.driver_name,
            "driver_id_number": mask_id_number(request.driver_id_number),
            "zones": permit.zones,
            "windows": permit.windows,
            "daily_hours": rules.duration_text(rules.daily_minutes(request.windows)),
            "valid_from": request.valid_from.isoformat(),
            "valid_until": request.valid_until.isoformat(),
            "validity_days": request.days,
            "check_outcome": evaluation.outcome.value,
            "check_reasons": [f.message for f in evaluation.reasons],
            "review_reasons": [f.message for f in evaluation.review],
            "permit_request": permit.id,
        }
        return Filing(unit_id=unit.id, data=clean, subject_name=name, subject_id_number=subject_id)

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """All checks pass → accepted and approved by the system at once (then issued);
        any fails → accepted and refused by the system with every reason and remedy;
        routed → stays submitted for a clerk of the traffic brigade."""

        permit = db.session.get(TruckPermit, application.data["permit_request"])
        permit.application_id = application.id
        outcome = permit.check_result["outcome"]
        if outcome == rules.Outcome.REVIEW.value:
            return
        apply_decision(application, Action.ACCEPT, SYSTEM, {"decision_note": "系统自动核验"}, now=now, handler=self)
        if outcome == rules.Outcome.APPROVE.value:
            apply_decision(application, Action.APPROVE, SYSTEM, {"decision_note": "系统自动核验：全部符合核发条件"},
                           now=now, handler=self)
            return
        findings = [rules.Finding.from_dict(item) for item in permit.check_result["reasons"]]
        apply_decision(application, Action.REJECT, SYSTEM,
                       {"reason": rules.refusal_text(findings), "outcome": permit.check_result},
                       now=now, handler=self)

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        if action != Action.APPROVE:
            return None
        return self._recheck(application, now=now)[0]

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        """A clerk grants a routed request on the registries as asked again now."""
        if action != Action.APPROVE:
            return None
        refused, evaluation = self._recheck(application, now=now)
        if refused is not None:
            raise refused
        return {"outcome": evaluation.as_dict()}

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        refused, evaluation = self._recheck(application, now=now)
        if evaluation is None:
            return RegistryCheck(rules.REGISTRY_SOURCES, (CheckFinding(N_("复核"), refused.template, Tone.BAD,
                                                                       refused.params),),
                                 N_("不能核发：请作出不予许可决定。"), Tone.BAD)
        permit = _permit_of(application)
        return rules.registry_check(evaluation, plate=permit.plate, driver=mask_id_number(permit.driver_id_number))

    def _recheck(self, application: Application, *, now: datetime):
        """Before a clerk grants a routed request, the registries are asked again: (the
        refusal or None, the evaluation when the registries could be asked)."""
        permit = _permit_of(application)
        if permit is None:
            return OperationError("permit.missing", N_("未找到该申请的通行证信息。"), status=409), None
        if permit.valid_until < timeutil.local(now).date():
            return OperationError("permit.period_passed",
                                  N_("申请的通行证有效期已经届满，不能核发；请作出不予许可决定。"), status=409), None
        try:
            _kind, _name, owner_ids, _subject = _applicant(application.applicant)
            _vehicle, evaluation = check_registries(request_of(permit), owner_ids)
        except OperationError as refused:
            return refused, None
        if evaluation.reasons:
            return OperationError(
                "truck_permit.checks_failed",
                N_("复核发现不符合核发条件：%(reasons)s请作出不予许可决定，并写明上述理由。"),
                status=409, params={"reasons": rules.numbered(evaluation.reasons)}), evaluation
        return None, evaluation

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:

        permit = _permit_of(application)
        if permit is None:
            return
        if event.action == Action.APPROVE.value:
            certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application.id,
                                                                      Certificate.kind == permit_ops.CERTIFICATE_KIND))
            permit.number = certificate.number
            permit.status = PermitState.ISSUED
            permit.issued_at = event.occurred_at
            certificate.valid_until = datetime.combine(permit.valid_until, datetime.max.time(),
                                                       tzinfo=timeutil.LOCAL_TZ).replace(microsecond=0)
            if application.state == State.APPROVED.value:
                apply_decision(application, Action.ISSUE, SYSTEM, {"channel": "electronic",
                                                                   "decision_note": "电子通行证即时送达"},
                               now=now, handler=self)
        elif event.action in NOT_ISSUED_ACTIONS:
            permit.status = PermitState.NOT_ISSUED
        elif event.action == Action.REVOKE.value:
            permit_ops.mark_revoked(permit, reason=event.reason, by=event.actor_kind, at=event.occurred_at,
                                    user_id=event.actor_user_id)

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        permit = _permit_of(application)
        zones = permit_ops.zones_of(permit)
        windows = permit_ops.windows_of(permit)
        return [OutcomeDocument(
            rules.SERVICE.document("truck_permit"),
            {"plate": permit.plate, "vehicle_type": permit.vehicle_type,
             "vehicle_class": {"new_energy": N_("新能源货车"), "refrigerated": N_("冷藏车")}.get(permit.vehicle_class, ""),
             "holder": application.subject_name, "driver_name": permit.driver_name,
             "driver_id_number": mask_id_number(permit.driver_id_number),
             "zones": [(zone.name_zh, zone.rule_text) for zone in zones],
             "restricted": any(zone.restricted for zone in zones),
             "windows": rules.windows_text(windows),
             "daily_hours": rules.duration_text(rules.daily_minutes(windows)),
             "valid_from": permit.valid_from, "valid_until": permit.valid_until},
            certificate_kind=permit_ops.CERTIFICATE_KIND,
            holder_name=application.subject_name,
        )]


    def periodic_sweep(self, *, as_of: datetime, now: datetime) -> list[tuple[int, str]]:
        return permit_ops.sweep_revocations(as_of=as_of, now=now)

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        rows = []
        for key, value in super().display_data(application):
            if key in HIDDEN_KEYS or value in ("", None):
                continue
            if key in ("check_reasons", "review_reasons"):
                messages = application.data.get(key) or []
                value = "；".join(f"{i}. {m.rstrip('。')}" for i, m in enumerate(messages, 1)) + "。"
            elif key == "windows":
                value = f"{value}（每日合计{application.data.get('daily_hours', '')}）"
            elif key in ("daily_hours",):
                continue
            rows.append((key, value))
        return rows


register(TruckPermitHandler())
