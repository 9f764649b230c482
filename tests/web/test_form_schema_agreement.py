"""Each service's input is described once, by its schema (the catalogue's FILING): the web form
and the OpenAPI document must say the same — the same fields, which are required, the same
lengths and the same choices. Any disagreement fails here (it is how the API once lost the
form's limits)."""
from __future__ import annotations

import inspect

import pytest
from wtforms import FieldList, FormField, SubmitField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length

from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.catalogue.schema import field_limits, json_schema
from app.web.openapi import openapi_document
from app.web.service_forms import service_forms

# Fields of a schema the form does not show as inputs: the files (uploaded in the slots beside
# the form) and the materials declaration (derived from those uploads).
NOT_FORM_INPUTS = {"materials", "materials_provided"}


def unbound_fields(form_class) -> dict[str, UnboundField]:
    return {name: value for name, value in inspect.getmembers(form_class)
            if isinstance(value, UnboundField) and value.field_class is not SubmitField}


def form_limits(field: UnboundField) -> dict:
    validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
    lengths = [v.max for v in validators if isinstance(v, Length) and v.max != -1]
    render_max = (field.kwargs.get("render_kw") or {}).get("maxlength")
    choices = field.kwargs.get("choices")
    static_choices = sorted(str(c[0]) for c in choices) if isinstance(choices, list) and choices else None
    return {
        "required": any(isinstance(v, DataRequired | InputRequired) for v in validators),
        "max_length": lengths[0] if lengths else render_max,
        "choices": static_choices,
    }


def nested(field: UnboundField):
    """FieldList(FormField(RowForm)) → RowForm (rows of a list of objects)."""
    if field.field_class is FieldList and field.args and isinstance(field.args[0], UnboundField):
        inner = field.args[0]
        if inner.field_class is FormField:
            return inner.args[0]
    return None


def compare(form_class, model_schema: dict, definitions: dict, where: str) -> list[str]:
    problems = []
    fields = unbound_fields(form_class)
    properties = model_schema.get("properties", {})
    limits = field_limits(model_schema)
    for name in sorted(set(properties) - NOT_FORM_INPUTS - set(fields)):
        problems.append(f"{where}.{name}: in the schema, not on the form")
    for name, field in fields.items():
        if name not in properties:
            problems.append(f"{where}.{name}: on the form, not in the schema")
            continue
        row_form = nested(field)
        if row_form is not None:
            reference = properties[name].get("items", {}).get("$ref", "")
            row_schema = definitions.get(reference.rsplit("/", 1)[-1], {})
            problems += compare(row_form, row_schema, definitions, f"{where}.{name}[]")
            continue
        on_form, in_schema = form_limits(field), limits[name]
        # A choice's length is bounded by its choices, a number's by its range.
        bounded = on_form["choices"] is not None or in_schema["type"] == "integer"
        for key in ("required",) if bounded else ("required", "max_length"):
            if on_form[key] != in_schema[key]:
                problems.append(f"{where}.{name}: {key} is {on_form[key]!r} on the form, {in_schema[key]!r} in the schema")
        if on_form["choices"] is not None and in_schema["choices"] is not None \
                and on_form["choices"] != sorted(map(str, in_schema["choices"])):
            problems.append(f"{where}.{name}: choices {on_form['choices']} on the form, "
                            f"{sorted(in_schema['choices'])} in the schema")
    return problems


FORMS = service_forms()


@pytest.mark.parametrize("code", sorted(FORMS))
def test_the_form_says_what_the_schema_says(code):
    schema = json_schema(FILING_SCHEMAS[code])
    assert compare(FORMS[code], schema, schema.get("$defs", {}), code) == []


@pytest.mark.parametrize("code", sorted(FILING_SCHEMAS))
def test_the_openapi_document_says_what_the_schema_says(code):
    model = FILING_SCHEMAS[code]
    document = openapi_document()["components"]["schemas"]
    described = dict(document[model.__name__])
    expected = json_schema(model)
    for name, definition in expected.pop("$defs", {}).items():
        assert document[name] == definition
    described.pop("description")
    expected.pop("description", None)
    assert described == expected
    body = openapi_document()["paths"]["/applications"]["post"]["requestBody"]["content"]["application/json"]
    assert {"$ref": f"#/components/schemas/{model.__name__}"} in body["schema"]["properties"]["data"]["oneOf"]


def test_every_open_service_has_a_form_and_a_schema():
    open_services = {code for code, service in CATALOGUE.items() if service.workflow_built}
    assert open_services <= set(FILING_SCHEMAS)
    assert set(FORMS) <= set(FILING_SCHEMAS)


def test_the_comparison_notices_a_difference():
    """The check itself: a form with a longer limit, an extra field or a missing one is caught."""
    from flask_wtf import FlaskForm
    from wtforms import StringField

    schema = json_schema(FILING_SCHEMAS["criminal_record_objection"])

    class Looser(FlaskForm):
        original_number = StringField(validators=[DataRequired(), Length(max=32)])
        reason = StringField(validators=[DataRequired(), Length(max=5000)])
        channel = StringField()

    problems = compare(Looser, schema, {}, "objection")
    assert any("reason: max_length is 5000" in p for p in problems)
    assert any("channel: on the form, not in the schema" in p for p in problems)
