"""Settings an administrator changes (可调整的系统设置): load the recorded changes, resolve what is
in force (`app.domain.settings`), record a change with its history (who, when, before, after).

The catalogue keeps the defaults and their legal sources; an application keeps the rules in
force when it was filed (`rules_for_filing`, recorded in its submit event; read back by
`app.operations.events.service_of`).
"""
from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.domain import settings as rules
from app.domain.calendar import OfficeHours
from app.domain.catalogue import CATALOGUE, defaults, get_service
from app.domain.catalogue import truck_permit as truck
from app.domain.catalogue.base import RuleViolation, Service
from app.domain.settings import FiledRules, Scope, SettingChange
from app.domain.text import N_
from app.extensions import db
from app.models.accounts import User
from app.models.settings import SettingChangeRow
from app.operations import OperationError

log = logging.getLogger(__name__)

# A time typed as "now" reaches the server a little later: that much before now means now.
PAST_SLACK = timedelta(minutes=5)

# The changes as read once per session (a request, a sweep batch): they change rarely.
_CACHE_KEY = "setting_changes"


def changes() -> list[SettingChange]:
    cached = db.session.info.get(_CACHE_KEY)
    if cached is None:
        rows = db.session.scalars(select(SettingChangeRow).order_by(SettingChangeRow.id))
        cached = [SettingChange(Scope(r.scope), r.target, r.key, r.after, r.effective_from, r.id) for r in rows]
        db.session.info[_CACHE_KEY] = cached
    return cached


def _forget() -> None:
    db.session.info.pop(_CACHE_KEY, None)
    _published.clear()


# What the public pages (the home page's service list) show may lag another server's change by
# this much: read at most once per interval per process instead of once per visitor. Filing,
# the clocks and the admin pages always read `changes()` afresh; a change made in this process
# is shown at once (`_forget`).
PUBLISHED_INTERVAL = 1.0
_published: dict[str, Any] = {}


def _published_changes() -> tuple[SettingChange, ...]:
    now = time.monotonic()
    stale = _published.get("read_at", -PUBLISHED_INTERVAL) + PUBLISHED_INTERVAL <= now
    if stale or _published.get("engine") is not db.engine:  # another app (a test's database)
        _published.update(read_at=now, engine=db.engine, changes=tuple(changes()), services={}, listed={})
    return _published["changes"]


def published_service_at(code: str, at: datetime) -> Service:
    """`service_at` for a public page: the same resolution, of the changes read at most a second
    ago, kept per process for as long as the same changes are in force."""
    known = _published_changes()
    key = (code, tuple(c.seq for c in known if c.effective_from <= at))
    services = _published["services"]
    if key not in services:
        services[key] = rules.service_in_force(get_service(code), known, at)
    return services[key]


def published_listed_at(at: datetime) -> tuple[tuple[Service, ...], str]:
    """The services the home page lists, as `published_service_at` gives them, and a key naming
    what they are made of (a digest of each one's limits and steps), so that a page or fragment
    kept under it is never shown with other settings, whichever database it came from. Resolved
    once per second per process and per set of changes in force, not once per visitor; the key is
    a short string because every visitor's lookup hashes it."""
    known = _published_changes()
    in_force = tuple(c.seq for c in known if c.effective_from <= at)
    listed = _published["listed"]
    if in_force not in listed:
        services = tuple(published_service_at(s.code, at) for s in CATALOGUE.values() if s.listed)
        made_of = repr(tuple((s.code, tuple(s.limits.items()), sorted(s.steps)) for s in services))
        listed[in_force] = services, hashlib.blake2b(made_of.encode(), digest_size=12).hexdigest()
    return listed[in_force]


def service_at(code: str, at: datetime) -> Service:
    """The service with the settings in force at `at` (what a filing then gets)."""
    return rules.service_in_force(get_service(code), changes(), at)


def office_hours(unit_id: int | None, at: datetime) -> OfficeHours:
    return rules.unit_office_hours(changes(), unit_id, at)


def weekend_days(unit_id: int | None, at: datetime) -> frozenset[int]:
    return rules.unit_weekend_days(changes(), unit_id, at)


def rules_for_filing(service: Service, unit_id: int | None, at: datetime) -> FiledRules:
    """What a filing at `at` keeps for its whole life: the service's settings and its unit's hours."""
    return rules.rules_in_force(get_service(service.code), changes(), at, office_hours=office_hours(unit_id, at))


def value_in_force(scope: Scope, target: str, key: str, at: datetime, default: Any) -> Any:
    return rules.value_in_force(changes(), scope, target, key, at, default)


def change(*, scope: Scope, target: str, values: dict[str, Any], effective_from: datetime | None, by: User,
           now: datetime, note: str = "") -> list[SettingChangeRow]:
    """Record the changed values of one scope (each checked by the domain's rules, with the value
    in force before it), all or none, in one transaction; values equal to those in force are not
    changes. A missing `effective_from` is now."""
    effective_from = effective_from or now
    if effective_from < now - PAST_SLACK:
        # The past is what applications were filed under: a change only ever looks forward.
        raise OperationError("settings.effective_past", N_("生效时间不得早于当前时间。"), field="effective_from")
    effective_from = max(effective_from, now)
    known = changes()
    try:
        recorded = _checked(scope, target, values, known, effective_from)
    except RuleViolation as refused:
        raise OperationError(refused.code, refused.template, field=refused.field, params=refused.params) from None
    rows = [SettingChangeRow(scope=scope.value, target=target, key=key, before=before, after=after,
                             effective_from=effective_from, changed_at=now, changed_by_id=by.id, note=note[:200])
            for key, before, after in recorded]
    db.session.add_all(rows)
    db.session.commit()
    _forget()
    for key, _before, _after in recorded:
        log.info("setting changed scope=%s target=%s key=%s by=%s", scope.value, target, key, by.id)
    return rows


def _checked(scope: Scope, target: str, values: dict[str, Any], known: list[SettingChange],
             effective_from: datetime) -> list[tuple[str, Any, Any]]:
    """(key, before, after) for every value that changes, checked as if each were recorded in
    turn. Lowering the promised and statutory limits together needs the promised one first;
    raising them, the statutory one: the other order is tried before refusing."""
    keys = list(values)
    first_refusal: RuleViolation | None = None
    for order in (keys, list(reversed(keys))):
        pending = list(known)
        recorded = []
        try:
            for key in order:
                before = _value_in_force(scope, target, key, pending, effective_from)
                after = _check_one(scope, target, key, values[key], pending, effective_from)
                if after == before:
                    continue
                recorded.append((key, before, after))
                pending.append(SettingChange(scope, target, key, after, effective_from, seq=len(pending) + 10**9))
        except RuleViolation as refused:
            first_refusal = first_refusal or refused
            continue
        return recorded
    assert first_refusal is not None
    raise first_refusal


def _check_one(scope: Scope, target: str, key: str, value: object, known: list[SettingChange],
               effective_from: datetime) -> Any:
    if scope is Scope.SERVICE:
        return rules.check_service_change(get_service(target), known, key, value, effective_from)
    if scope is Scope.UNIT:
        return rules.check_unit_change(key, value)
    if key.startswith(truck.ZONE_SETTING_PREFIX):
        return truck.check_zone_setting(key[len(truck.ZONE_SETTING_PREFIX):], value)  # type: ignore[arg-type]
    return defaults.check_global_change(key, value)


def _value_in_force(scope: Scope, target: str, key: str, known: list[SettingChange], at: datetime) -> Any:
    if scope is Scope.SERVICE:
        return _service_value(get_service(target), known, key, at)
    if scope is Scope.UNIT:
        return rules.value_in_force(known, scope, target, key, at, _unit_default(key))
    return rules.value_in_force(known, scope, target, key, at, _global_default(key))


def _global_default(key: str) -> Any:
    if key.startswith(truck.ZONE_SETTING_PREFIX):
        return truck.zone_value(truck.ZONES[key[len(truck.ZONE_SETTING_PREFIX):]])
    return defaults.GLOBAL_DEFAULTS[key].value


def truck_zones(at: datetime) -> dict[str, truck.Zone]:
    """The truck-permit zones with their restriction, peak hours and emission floor in force at `at`."""
    return {code: truck.zone_with(zone, rules.value_in_force(changes(), Scope.GLOBAL, "",
                                                             truck.ZONE_SETTING_PREFIX + code, at, None))
            for code, zone in truck.ZONES.items()}


def service_settings(code: str, at: datetime) -> dict[str, Any]:
    """Each setting of a service in force at `at` (the admin page's current values)."""
    service = get_service(code)
    keys = [rules.PROMISED, rules.STATUTORY]
    if service.limits.commitment is not None:
        keys.append(rules.COMMITMENT)
    if rules.default_urgent(service) is not None:
        keys.append(rules.URGENT)
    keys += [rules.STEP_PREFIX + step.value for step in rules.switchable_steps(service)]
    return {key: _service_value(service, changes(), key, at) for key in keys}


def unit_settings(unit_id: int, at: datetime) -> dict[str, Any]:
    return {key: rules.value_in_force(changes(), Scope.UNIT, str(unit_id), key, at, _unit_default(key))
            for key in (rules.OFFICE_HOURS, rules.WEEKEND_DAYS)}


def global_value(key: str, at: datetime) -> Any:
    """A system-wide value in force at `at` (its catalogue default unless changed)."""
    return rules.value_in_force(changes(), Scope.GLOBAL, "", key, at, _global_default(key))


def _service_value(service: Service, known: list[SettingChange], key: str, at: datetime) -> Any:
    in_force = rules.rules_in_force(service, known, at)
    if key == rules.PROMISED:
        return rules.limit_value(in_force.promised)
    if key == rules.STATUTORY:
        return rules.limit_value(in_force.statutory)
    if key == rules.COMMITMENT:
        return rules.limit_value(in_force.commitment)
    if key == rules.URGENT:
        return rules.limit_value(in_force.urgent)
    return rules.step_value(in_force, key)


def _unit_default(key: str) -> Any:
    return rules.office_hours_value(rules.DEFAULT_OFFICE_HOURS) if key == rules.OFFICE_HOURS else []


def history_rows(scope: Scope, target: str) -> list[SettingChangeRow]:
    """Every change of one scope, latest effective first (the history the admin page shows)."""
    return list(db.session.scalars(
        select(SettingChangeRow).where(SettingChangeRow.scope == scope.value, SettingChangeRow.target == target)
        .order_by(SettingChangeRow.effective_from.desc(), SettingChangeRow.id.desc())))
