"""Per-service handlers: gather the facts a service's rules need from the registries, call
the rule functions in `app.domain.catalogue.<service>`, and say which documents an outcome
produces. They never copy the lifecycle: that is `app.domain.workflow` alone."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.domain.catalogue import get_service
from app.domain.catalogue.documents import DocumentAct
from app.domain.catalogue.schema import FieldError, FilingModel
from app.domain.settings import FiledRules
from app.domain.text import N_, Message
from app.domain.verification import RegistryCheck
from app.domain.workflow import Actor
from app.extensions import db
from app.models.accounts import Unit, User
from app.models.applications import Application, ApplicationEvent
from app.operations import OperationError


@dataclass
class Filing:
    """What a service's rules decided about a new application before it is recorded."""

    unit_id: int
    data: dict[str, Any]
    subject_name: str = ""
    subject_id_number: str | None = None


@dataclass
class OutcomeDocument:
    """One of the service's declared outcome documents (`Service.documents`) with what it says."""

    act: DocumentAct
    context: dict[str, Any] = field(default_factory=dict)
    certificate_kind: str | None = None  # set: a signed, verifiable certificate
    holder_name: str = ""


class ServiceHandler:
    """Defaults shared by every service; a service overrides only what it needs."""

    code: str = ""

    def prepare(self, applicant: User, data: FilingModel, *, now: datetime) -> Filing:
        """The service's rules on a filing its schema (the catalogue's FILING) has validated."""
        raise NotImplementedError

    def field_problems(self, applicant: User, data: Mapping[str, Any], *, now: datetime) -> list[FieldError]:
        """The registries' word on each answer that is well-formed by itself (is this the
        legal representative, is the shop recorded), every one at once: checked beside the
        schema's errors, so a wrong ID number comes with a wrong choice, not a round later.
        `data` may hold answers the schema refuses; such answers are left to the schema."""
        return []

    def standing_refusal(self, application: Application, action: str, *, actor: Actor,
                         now: datetime) -> OperationError | None:
        """The service's rule that refuses `action` on the application as it stands now,
        whatever is typed into the form (e.g. the province decides; the court registry shows a
        record), or None. `apply_decision` raises it before `check_action`; the clerk's page
        leaves the action out and says why instead (`applications.available_actions`)."""
        return None

    def check_action(self, application: Application, action: str, fields: dict[str, Any], *,
                     now: datetime) -> dict[str, Any] | None:
        """Service rules on an action's fields, after `standing_refusal` found nothing. Returns
        extra payload to record, or raises OperationError."""
        return None

    def registry_check(self, application: Application, *, now: datetime) -> RegistryCheck | None:
        """What the registries say now about what the decision rests on (核查结果, shown to
        the staff before they decide), or None for a service whose decision asks none."""
        return None

    def filed_rules(self, filed: FiledRules, filing: Filing, *, now: datetime) -> FiledRules:
        """The rules the application keeps for its life (recorded in its submit event), where the
        service's own facts change them: e.g. a shorter promised limit for a key-project
        employer's staff (foreigner_work_residence), or the limit of the kind of request
        (public_request). Default: the settings in force."""
        return filed

    def tracking_notes(self, application: Application) -> list[tuple[str, Message]]:
        """What the public tracking page says besides the lifecycle (label, message), e.g. when to
        collect a permit. Nothing personal: the page is open to whoever holds the QR code."""
        return []

    def after_submit(self, application: Application, *, now: datetime) -> None:
        """Immediate (即办) or automatic services continue here."""

    def after_action(self, application: Application, event: ApplicationEvent, *, now: datetime) -> None:
        """Effects outside the application (e.g. a newborn entered into a household)."""

    def outcome_documents(self, application: Application, event: ApplicationEvent) -> list[OutcomeDocument]:
        return []

    def refusal_context(self, application: Application, event: ApplicationEvent) -> dict[str, Any]:
        """What the service's own refusal says besides the reasons (its declared template's keys)."""
        return {}

    def periodic_sweep(self, *, as_of: datetime, now: datetime) -> list[tuple[int, str]]:
        """Checks a service runs with every `flask sla sweep` besides the lifecycle timers
        (e.g. revoking a truck permit when a new violation appears). Must be idempotent and
        commit its own work. Returns (application id, what was done) pairs."""
        return []

    # Readable names for coded values in an application's data, by key (e.g. route: hukou → 户籍地).
    value_labels: dict[str, dict[str, str]] = {}

    def display_data(self, application: Application) -> list[tuple[str, str]]:
        """The application's data as (key, readable value) pairs for the clerk's page."""
        names = {m.code: m.name_zh for m in get_service(application.service_code).materials}
        labels = {"materials_provided": names, "materials_missing": names, **self.value_labels}
        rows = []
        for key, value in (application.data or {}).items():
            if isinstance(value, bool):
                text = "是" if value else "否"
            elif isinstance(value, list | tuple):
                text = "、".join(labels.get(key, {}).get(str(v), str(v)) for v in value)
            else:
                text = labels.get(key, {}).get(str(value), "" if value is None else str(value))
            rows.append((key, text))
        return rows

    # foreigner_accommodation: personal data a service masks for staff is shown whole to its owner.
    def owner_display_data(self, application: Application) -> list[tuple[str, str]]:
        """The data as the applicant's own page shows it (by default as the staff see it)."""
        return self.display_data(application)


def refusal(violation, *, status: int = 422) -> OperationError:
    """A service rule's refusal (app.domain.catalogue.base.RuleViolation) as the error shown to
    the user: its code, its translatable template and params, and the field to correct."""
    return OperationError(violation.code, violation.template, field=violation.field, status=status,
                          params=violation.params)


def unit_by_code(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise OperationError("unit.unknown", N_("未找到承办单位，请联系窗口工作人员。"), status=409)
    return unit


def unit_for_region(kind: str, region_code: str) -> Unit | None:
    """The unit of `kind` for a region: same county first, then same city."""
    units = db.session.scalars(select(Unit).where(Unit.kind == kind).order_by(Unit.code)).all()
    for prefix_length in (6, 4):
        for unit in units:
            if unit.region_code[:prefix_length] == region_code[:prefix_length]:
                return unit
    return None


_HANDLERS: dict[str, ServiceHandler] = {}


def register(handler: ServiceHandler) -> ServiceHandler:
    _HANDLERS[handler.code] = handler
    return handler


_loaded = False


def _load_all() -> None:
    """Each module of this package registers its handler when imported (a module imported
    on its own earlier registers only itself, so load them all once, explicitly)."""
    global _loaded
    if _loaded:
        return

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True


def all_handlers() -> list[ServiceHandler]:
    _load_all()
    return list(_HANDLERS.values())


def handler_for(code: str) -> ServiceHandler:
    _load_all()
    return _HANDLERS[code]
