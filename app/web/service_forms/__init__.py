"""Filing forms, one module per service (each defines SERVICE_CODE and FORM). The service's
rules (in its handler) have the last word; a form only shapes the input and gives the first,
field-by-field messages."""
from __future__ import annotations

import importlib
import pkgutil

from flask_babel import gettext as _

from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import Step
from app.operations import InvalidInput, localize
from app.web.service_forms.delivery_fields import with_delivery_fields

HIDDEN_TYPES = ("CSRFTokenField", "SubmitField", "HiddenField")


def service_data(form) -> dict:
    """The form's fields as the service's `data` (CSRF token and buttons left out)."""
    return {name: field.data for name, field in form._fields.items()
            if name != "csrf_token" and field.type != "SubmitField"}


def answer_rows(form, unasked=frozenset()) -> list[tuple[str, str, str]]:
    """The answers as the applicant gave them, for check-your-answers: (field id, question,
    answer in words) for every question that applies; a choice by its label, not its code."""
    return [(f.id, f.label.text, answer_text(f)) for f in form if f.type not in HIDDEN_TYPES and f.name not in unasked]


def answer_text(f) -> str:
    if f.type == "BooleanField":
        return _("是") if f.data else _("否")
    if f.type == "FieldList":
        rows = [answer_text(entry) for entry in f.entries]
        return "\n".join(row for row in rows if row)
    if f.type == "FormField":
        parts = [(sub.label.text, answer_text(sub)) for sub in f.form if sub.type not in HIDDEN_TYPES]
        if not any(sub.data for sub in f.form if sub.type not in HIDDEN_TYPES + ("BooleanField",)):
            return ""  # a row left empty
        return _("；").join(_("%(label)s：%(message)s", label=label, message=text) for label, text in parts if text)
    choices = getattr(f, "choices", None)
    if choices:
        labels = {str(choice[0]): str(choice[1]) for choice in choices}
        if isinstance(f.data, list | tuple):
            return _("、").join(labels.get(str(value), str(value)) for value in f.data)
        if f.data not in (None, ""):
            return labels.get(str(f.data), str(f.data))
        return ""
    if f.data in (None, ""):
        return ""
    return f.data.isoformat() if hasattr(f.data, "isoformat") else str(f.data)


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
    """The schema's and the registries' errors under the fields that have none of their own
    (their own — a required field left empty — say the same or more); all of a field's."""
    own = {name for name, field in form._fields.items() if field.errors}
    for error in problems:
        name = error.field.split(".")[0]
        field = form._fields.get(name)
        if field is not None and name not in own:
            field.errors = [*field.errors, localize(error.template, error.params)]


def fit_to(form, user) -> None:
    """A form that offers different choices to different accounts narrows them (`fit_to`)."""
    narrow = getattr(form, "fit_to", None)
    if narrow is not None:
        narrow(user)


def service_forms() -> dict:
    forms = {}
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(loaded, "FORM"):
            service = CATALOGUE.get(loaded.SERVICE_CODE)
            # 办件寄递 for every service that issues, as the schema adds it (FILING_SCHEMAS).
            issues = service is not None and service.has(Step.ISSUE)
            forms[loaded.SERVICE_CODE] = with_delivery_fields(loaded.FORM) if issues else loaded.FORM
    return forms


def action_forms(service_code: str) -> dict:
    """A service's own forms for staff actions (e.g. the review opinion), by action."""
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if getattr(loaded, "SERVICE_CODE", None) == service_code:
            return getattr(loaded, "ACTION_FORMS", {})
    return {}
