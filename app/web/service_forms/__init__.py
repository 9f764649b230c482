"""Filing forms, one module per service (each defines SERVICE_CODE and FORM). The service's
rules (in its handler) have the last word; a form only shapes the input and gives the first,
field-by-field messages."""
from __future__ import annotations

import importlib
import pkgutil


def service_data(form) -> dict:
    """The form's fields as the service's `data` (CSRF token and buttons left out)."""
    return {name: field.data for name, field in form._fields.items()
            if name != "csrf_token" and field.type != "SubmitField"}


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
