"""Filing forms, one module per service (each defines SERVICE_CODE and FORM). The service's
rules (in its handler) have the last word; a form only shapes the input and gives the first,
field-by-field messages."""
from __future__ import annotations

import importlib
import pkgutil

from app.operations import InvalidInput, localize


def service_data(form) -> dict:
    """The form's fields as the service's `data` (CSRF token and buttons left out)."""
    return {name: field.data for name, field in form._fields.items()
            if name != "csrf_token" and field.type != "SubmitField"}


def show_refusal(form, exc, *, slots=()) -> dict[str, list[str]]:
    """A filing's refusal on the form: each field's error under its field (all of them, for a
    schema refusal), the rest above the form; errors of upload slots returned by slot."""
    errors = exc.localized_errors() if isinstance(exc, InvalidInput) else [
        {"field": exc.field or "", "message": exc.message}]
    slot_errors: dict[str, list[str]] = {}
    for error in errors:
        name = error["field"].split(".")[0]
        if name in slots:
            slot_errors.setdefault(name, []).append(error["message"])
        field = form._fields.get(name)
        (field.errors if field is not None else form.form_errors).append(error["message"])
    return slot_errors


def show_schema_problems(form, problems) -> None:
    """The schema's errors under the fields that have none of their own yet (their own — a
    required field left empty — say the same or more)."""
    for error in problems:
        field = form._fields.get(error.field.split(".")[0])
        if field is not None and not field.errors:
            field.errors = [localize(error.template, error.params)]


def service_forms() -> dict:
    forms = {}
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(loaded, "FORM"):
            forms[loaded.SERVICE_CODE] = loaded.FORM
    return forms


def action_forms(service_code: str) -> dict:
    """A service's own forms for staff actions (e.g. the review opinion), by action."""
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if getattr(loaded, "SERVICE_CODE", None) == service_code:
            return getattr(loaded, "ACTION_FORMS", {})
    return {}
