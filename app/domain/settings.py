"""Settings an administrator can change (可调整的系统设置), effective-dated, over the catalogue's defaults.

A change names its scope (a service, a unit, or the whole system), a key and a value, and the
moment from which it is in force (生效时间). The value in force at a moment T is the latest change
whose `effective_from` ≤ T, else the catalogue's default: nothing here reads the clock.

An application keeps the rules in force when it was filed (`FiledRules`, recorded in its
submit event): `effective_service` rebuilds the service it was filed under, so its clocks never
move because a setting changed later.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from app.domain.calendar import DEFAULT_OFFICE_HOURS, Limit, LimitUnit, OfficeHours
from app.domain.catalogue.base import RuleViolation, Service, Step
from app.domain.text import N_
from app.domain.workflow import Action, EventRecord


class Scope(StrEnum):
    """What a setting applies to (设置范围)."""

    GLOBAL = "global"  # 全局
    SERVICE = "service"  # 按事项（target: the service code）
    UNIT = "unit"  # 按单位（target: the unit id）


# Per-service keys (按事项).
PROMISED = "promised"  # 承诺时限
STATUTORY = "statutory"  # 法定时限（不得超过法律规定）
COMMITMENT = "commitment"  # 容缺补齐期限（不得超过承诺时限）
URGENT = "urgent"  # 加急办时限（不得超过承诺时限；发证事项）
STEP_PREFIX = "step."  # 可选环节开关, e.g. "step.tolerance"
# Per-unit keys (按单位).
OFFICE_HOURS = "office_hours"  # 办公时间（含午休）
WEEKEND_DAYS = "weekend_days"  # 周末开放日（ISO weekday: 6 = Saturday, 7 = Sunday）

# The declared steps an administrator may switch off (and on again). The others are the shape of
# the matter (two-tier review, automatic approval, issue) or the law's (the one-time correction
# notice, 行政许可法第32条): switching them off would not be a setting but another service.
SWITCHABLE_STEPS = (Step.TOLERANCE, Step.SUSPENSION, Step.EXTENSION)

STEP_NAMES = {
    Step.TOLERANCE: N_("容缺受理"),
    Step.SUSPENSION: N_("中止办理"),
    Step.EXTENSION: N_("延长办理时限"),
}


class SettingRefused(RuleViolation):
    """A change the rules refuse (e.g. a limit above the law's)."""


@dataclass(frozen=True)
class SettingChange:
    """One recorded change (设置变更): what it sets, from when, and the order it was made in."""

    scope: Scope
    target: str
    key: str
    value: Any
    effective_from: datetime
    seq: int = 0  # the order changes were recorded in: the later of two at one moment wins


def value_in_force(changes: Iterable[SettingChange], scope: Scope, target: str, key: str, at: datetime,
                   default: Any) -> Any:
    """The value in force at `at`: the latest change effective by then, else `default`."""
    latest: SettingChange | None = None
    for change in changes:
        if (change.scope, change.target, change.key) != (scope, target, key) or change.effective_from > at:
            continue
        if latest is None or (change.effective_from, change.seq) > (latest.effective_from, latest.seq):
            latest = change
    return default if latest is None else latest.value


def history(changes: Iterable[SettingChange], scope: Scope, target: str) -> list[SettingChange]:
    return sorted((c for c in changes if (c.scope, c.target) == (scope, target)),
                  key=lambda c: (c.effective_from, c.seq), reverse=True)


# --- values as stored -----------------------------------------------------------------------


def amount_text(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def limit_value(limit: Limit | None) -> str | None:
    """A limit as a setting stores it: its amount (the unit is the catalogue's, never changed)."""
    return None if limit is None else amount_text(limit.amount)


def office_hours_value(hours: OfficeHours) -> list[list[str]]:
    return [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in hours.sessions]


def office_hours_of(value: Sequence[Sequence[str]] | None) -> OfficeHours:
    if not value:
        return DEFAULT_OFFICE_HOURS
    return OfficeHours(tuple((time.fromisoformat(start), time.fromisoformat(end)) for start, end in value))


# --- an application's rules ----------------------------------------------------------------


@dataclass(frozen=True)
class FiledRules:
    """The rules in force when an application was filed (受理时适用的规则): its limits, the steps
    switched on, and its unit's office hours."""

    promised: Limit
    statutory: Limit
    commitment: Limit | None
    steps: frozenset[Step]
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    urgent: Limit | None = None  # 加急办时限 (None: no urgent handling for this filing)

    def as_payload(self) -> dict[str, Any]:
        return {
            "promised": _limit_payload(self.promised),
            "statutory": _limit_payload(self.statutory),
            "commitment": _limit_payload(self.commitment) if self.commitment is not None else None,
            "steps": sorted(step.value for step in self.steps),
            "office_hours": office_hours_value(self.office_hours),
            **({"urgent": _limit_payload(self.urgent)} if self.urgent is not None else {}),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FiledRules:
        commitment = payload.get("commitment")
        return cls(
            promised=_limit_of(payload["promised"]),
            statutory=_limit_of(payload["statutory"]),
            commitment=_limit_of(commitment) if commitment else None,
            steps=frozenset(Step(step) for step in payload["steps"]),
            office_hours=office_hours_of(payload.get("office_hours")),
            urgent=_limit_of(payload["urgent"]) if payload.get("urgent") else None,
        )


def _limit_payload(limit: Limit) -> dict[str, str]:
    return {"amount": amount_text(limit.amount), "unit": limit.unit.value}


def _limit_of(payload: Mapping[str, str]) -> Limit:
    return Limit(Decimal(payload["amount"]), LimitUnit(payload["unit"]))


RULES_KEY = "rules"  # the submit event's payload key holding the filed rules


def filed_rules(events: Sequence[EventRecord]) -> FiledRules | None:
    """The rules recorded when the application was filed; None for one filed before settings
    existed (it keeps the catalogue's defaults)."""
    for event in events:
        if event.action == Action.SUBMIT:
            payload = event.payload.get(RULES_KEY)
            return FiledRules.from_payload(payload) if payload else None
    return None


def effective_service(service: Service, rules: FiledRules | None) -> Service:
    """The service as an application filed under `rules` sees it (unchanged without rules)."""
    if rules is None:
        return service
    limits = replace(service.limits, promised=rules.promised, statutory=rules.statutory, commitment=rules.commitment,
                     urgent=rules.urgent)
    return replace(service, limits=limits, steps=rules.steps)


URGENT_SOURCE = N_("本系统设置：默认为承诺时限的一半（以0.5为单位向下取整），不超过承诺时限和法定时限")


def default_urgent(service: Service) -> Limit | None:
    """加急办 (seed 002: "对企业…有紧急需求的，提供加急办"; the seed gives no number): the
    service's declared urgent limit, else half its promised limit rounded down to 0.5 of its
    unit. None where the service issues nothing or half is less than 0.5 (nothing to shorten)."""
    if not service.has(Step.ISSUE):
        return None
    if service.limits.urgent is not None:
        return service.limits.urgent
    half = (service.limits.promised.amount / 2 / Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR") * Decimal("0.5")
    return Limit(half, service.limits.promised.unit) if half >= Decimal("0.5") else None


def rules_in_force(service: Service, changes: Iterable[SettingChange], at: datetime, *,
                   office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> FiledRules:
    """The rules a filing at `at` gets: each service setting in force then, else the default."""
    changes = list(changes)
    limits = service.limits

    def limit(key: str, default: Limit | None) -> Limit | None:
        if default is None:
            return None
        value = value_in_force(changes, Scope.SERVICE, service.code, key, at, None)
        return default if value is None else Limit(Decimal(str(value)), default.unit)

    steps = set(service.steps)
    for step in switchable_steps(service):
        if not value_in_force(changes, Scope.SERVICE, service.code, STEP_PREFIX + step.value, at, True):
            steps.discard(step)
    return FiledRules(promised=limit(PROMISED, limits.promised), statutory=limit(STATUTORY, limits.statutory),
                      commitment=limit(COMMITMENT, limits.commitment), steps=frozenset(steps),
                      office_hours=office_hours, urgent=limit(URGENT, default_urgent(service)))


def service_in_force(service: Service, changes: Iterable[SettingChange], at: datetime) -> Service:
    return effective_service(service, rules_in_force(service, changes, at))


def step_value(rules: FiledRules, key: str) -> bool:
    return Step(key[len(STEP_PREFIX):]) in rules.steps


def switchable_steps(service: Service) -> list[Step]:
    """The service's own optional steps (an administrator switches these, never invents one)."""
    return [step for step in SWITCHABLE_STEPS if step in service.steps]


def unit_office_hours(changes: Iterable[SettingChange], unit_id: int | None, at: datetime) -> OfficeHours:
    if unit_id is None:
        return DEFAULT_OFFICE_HOURS
    return office_hours_of(value_in_force(changes, Scope.UNIT, str(unit_id), OFFICE_HOURS, at, None))


def unit_weekend_days(changes: Iterable[SettingChange], unit_id: int | None, at: datetime) -> frozenset[int]:
    """The weekend days (6 Saturday, 7 Sunday) the unit's hall opens (default: none)."""
    if unit_id is None:
        return frozenset()
    return frozenset(int(d) for d in value_in_force(changes, Scope.UNIT, str(unit_id), WEEKEND_DAYS, at, ()))


# --- checking a change ------------------------------------------------------------------------


def _at_most(limit: Limit, ceiling: Limit, *, hours_per_day: Decimal = DEFAULT_OFFICE_HOURS.hours_per_day) -> bool:
    """Whether `limit` can never run longer than `ceiling`. Limits in different units compare
    conservatively: a working day holds at least `hours_per_day` working hours and 24 hours."""
    if limit.unit == ceiling.unit:
        return limit.amount <= ceiling.amount
    if ceiling.unit is LimitUnit.WORKDAYS and limit.unit is LimitUnit.WORKHOURS:
        return limit.amount <= ceiling.amount * hours_per_day
    if ceiling.unit is LimitUnit.WORKDAYS and limit.unit is LimitUnit.HOURS:
        return limit.amount <= ceiling.amount * 24
    if ceiling.unit is LimitUnit.DAYS and limit.unit is LimitUnit.HOURS:
        return limit.amount <= ceiling.amount * 24
    return limit.amount <= ceiling.amount and limit.unit is not LimitUnit.DAYS


def _amount(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.5")):
        raise SettingRefused("settings.amount", N_("时限须为大于0的数，以0.5为单位。"), field)
    return amount


def check_service_change(service: Service, changes: Iterable[SettingChange], key: str, value: object,
                         effective_from: datetime) -> object:
    """The value to record for a change of `service`'s `key` from `effective_from`, or a refusal.
    The catalogue's statutory limit is the ceiling (法定时限不得超过法律规定); the promised limit
    never exceeds the statutory one, nor the 容缺 supplement time the promised one."""
    changes = list(changes)
    in_force = rules_in_force(service, changes, effective_from)
    limits = service.limits
    if key == PROMISED:
        limit = Limit(_amount(value, key), limits.promised.unit)
        if not _at_most(limit, in_force.statutory):
            raise SettingRefused("settings.promised_above_statutory", N_(
                "承诺时限%(limit)s不得超过法定时限%(statutory)s。"), key,
                {"limit": limit.describe_zh(), "statutory": in_force.statutory.describe_zh()})
        if in_force.commitment is not None and not _at_most(in_force.commitment, limit):
            raise SettingRefused("settings.promised_below_commitment", N_(
                "承诺时限%(limit)s短于现行容缺补齐期限%(commitment)s，请先缩短容缺补齐期限。"), key,
                {"limit": limit.describe_zh(), "commitment": in_force.commitment.describe_zh()})
        return limit_value(limit)
    if key == STATUTORY:
        limit = Limit(_amount(value, key), limits.statutory.unit)
        if not _at_most(limit, limits.statutory):
            raise SettingRefused("settings.statutory_above_law", N_(
                "法定时限不得超过法律规定的%(law)s（%(source)s）。"), key,
                {"law": limits.statutory.describe_zh(), "source": limits.sources.get(STATUTORY, "")})
        if not _at_most(in_force.promised, limit):
            raise SettingRefused("settings.statutory_below_promised", N_(
                "法定时限%(limit)s短于现行承诺时限%(promised)s，请先缩短承诺时限。"), key,
                {"limit": limit.describe_zh(), "promised": in_force.promised.describe_zh()})
        return limit_value(limit)
    if key == COMMITMENT:
        if limits.commitment is None:
            raise SettingRefused("settings.unknown", N_("该事项没有此项设置。"), key)
        limit = Limit(_amount(value, key), LimitUnit.WORKDAYS)
        if limit.amount != limit.amount.to_integral_value():
            raise SettingRefused("settings.whole_days", N_("容缺补齐期限须为整数个工作日。"), key)
        if not _at_most(limit, in_force.promised):
            raise SettingRefused("settings.commitment_above_promised", N_(
                "容缺补齐期限%(limit)s不得超过承诺时限%(promised)s。"), key,
                {"limit": limit.describe_zh(), "promised": in_force.promised.describe_zh()})
        return limit_value(limit)
    if key == URGENT:
        if default_urgent(service) is None:
            raise SettingRefused("settings.unknown", N_("该事项没有此项设置。"), key)
        limit = Limit(_amount(value, key), limits.promised.unit)
        if not _at_most(limit, in_force.promised):
            raise SettingRefused("settings.urgent_above_promised", N_(
                "加急办时限%(limit)s不得超过承诺时限%(promised)s。"), key,
                {"limit": limit.describe_zh(), "promised": in_force.promised.describe_zh()})
        return limit_value(limit)
    if key.startswith(STEP_PREFIX):
        try:
            step = Step(key[len(STEP_PREFIX):])
        except ValueError:
            step = None
        if step not in switchable_steps(service):
            raise SettingRefused("settings.step_not_declared", N_(
                "只能开启或关闭该事项已规定的可选环节，不能新增环节。"), key)
        return bool(value)
    raise SettingRefused("settings.unknown", N_("该事项没有此项设置。"), key)


def check_unit_change(key: str, value: object) -> object:
    """Office hours as sessions ("09:00"–"12:00", "13:00"–"17:00": the gap is the lunch break);
    weekend days as ISO weekdays 6 and 7."""
    if key == OFFICE_HOURS:
        try:
            sessions = [[str(start).strip(), str(end).strip()] for start, end in value]  # type: ignore[union-attr]
            sessions = [s for s in sessions if s[0] or s[1]]
            if not sessions:
                raise ValueError("no session")
            hours = office_hours_of(sessions)
        except (TypeError, ValueError):
            raise SettingRefused("settings.office_hours", N_(
                "办公时间须为按先后顺序、互不重叠的时段（如 09:00–12:00、13:00–17:00）。"), key) from None
        return office_hours_value(hours)
    if key == WEEKEND_DAYS:
        try:
            days = sorted({int(day) for day in value})  # type: ignore[union-attr]
        except (TypeError, ValueError):
            days = [0]
        if not set(days) <= {6, 7}:
            raise SettingRefused("settings.weekend_days", N_("周末开放日只能是星期六、星期日。"), key)
        return days
    raise SettingRefused("settings.unknown", N_("该单位没有此项设置。"), key)
