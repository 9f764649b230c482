"""What a filing may contain: one pydantic model per service, declared beside the service in
its catalogue module (`FILING`), and the shared field types they are built from.

The model is the one description of a service's input. The API validates with it, the
OpenAPI document is generated from it, the web form is checked against it by a test, and the
service's handler receives the validated model. Rules that need a registry or the database
(is this the person's household, is the shop recorded) stay in the handler; everything that
can be said of the input alone — types, lengths, choices, patterns, which fields go together —
is said here, and every broken one is reported at once.

Text is normalised to NFC and refused when it holds unpaired surrogates or control
characters: such text cannot be stored faithfully, printed or shown, and a clerk's page that
renders it would fail for good.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from app.domain.catalogue.base import RuleViolation
from app.domain.identifiers import InvalidIdentifier, validate_mobile
from app.domain.text import N_, Message

# Controls allowed in free text: line breaks and tabs of a multi-line answer.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
# The most upload ids one material slot or one filing may name.
MAX_FILES_PER_SLOT = 20
# The largest row id: the tables' keys are 32-bit integers (PostgreSQL INTEGER); a larger id
# in a filing or a URL is refused or not found, never sent to the database.
MAX_ID = 2**31 - 1
# A correction notice lists every item at once (一次性告知): at most this many, each at most
# CORRECTION_ITEM_MAX characters — bounds that keep the longest notice within 2× the
# rendering time of a typical one (bench/bench_documents.py `bench_longest_text`).
MAX_ITEMS = 10
CORRECTION_ITEM_MAX = 100


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """"text_surrogate", "text_control" or None. Private-use and not-yet-assigned code points
    pass: rare characters of people's names live there."""
    for character in value:
        if 0xD800 <= ord(character) <= 0xDFFF:
            return "text_surrogate"
        if unicodedata.category(character) == "Cc" and not (multiline and character in _ALLOWED_CONTROLS):
            return "text_control"
    return None


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC, trimmed; refuses unpaired surrogates and control characters (line breaks only in
    multi-line text)."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise PydanticCustomError(problem, problem)
    return unicodedata.normalize("NFC", value).strip()


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def Text(max_length: int, *, multiline: bool = False, min_length: int = 1, pattern: str | None = None) -> Any:  # noqa: N802
    """A piece of text of at most `max_length` characters (counted after normalising)."""
    return Annotated[
        str,
        AfterValidator(lambda v: clean_text(v, multiline=multiline)),
        StringConstraints(min_length=min_length, max_length=max_length, pattern=pattern),
    ]


def Optional(kind: Any) -> Any:  # noqa: N802
    """An optional field: absent, null and blank text all mean "not given"."""
    return Annotated[kind | None, BeforeValidator(_blank_to_none)]


def rule(check: Callable[[Any], Any], *, normalises: bool = True) -> AfterValidator:
    """A catalogue rule function on one field: its refusal becomes that field's error, with the
    rule's own code and message. With `normalises`, what it returns replaces the value."""

    def run(value: Any) -> Any:
        try:
            result = check(value)
        except RuleViolation as violation:
            raise PydanticCustomError("rule", "{template}", {
                "code": violation.code, "template": violation.template, **violation.params}) from None
        except InvalidIdentifier as invalid:
            raise PydanticCustomError("rule", "{template}", {
                "code": invalid.code, "template": invalid.message}) from None
        return result if normalises and result is not None else value

    return AfterValidator(run)


# A material slot → the ids of uploaded files (POST /uploads) the filing hands in.
UploadIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=MAX_FILES_PER_SLOT)]
MaterialRefs = Annotated[dict[Annotated[str, StringConstraints(max_length=40)], UploadIds],
                         Field(max_length=40, description=(
                             "The files a filing hands in: material code → ids from POST /uploads. An agent hands "
                             "in `power_of_attorney`, a unit query `employment_proof`; every required upload slot of "
                             "the service (GET /services) needs a file unless it is promised under 容缺."))]


@dataclass(frozen=True)
class AskedWhen:
    """A conditional question (条件项): asked only when the answer to `field` is one of `values`
    (a tick box's answer is True). Also for an upload slot, under the key `materials.<code>`."""

    field: str
    values: frozenset

    def holds(self, data: Mapping[str, Any]) -> bool:
        answer = data.get(self.field)
        if isinstance(answer, bool) or True in self.values:
            return bool(answer) in self.values
        # An answer of the wrong type (a list for a choice) matches nothing; its own field says why.
        return isinstance(answer, str) and answer in self.values


def asked_when(field: str, *values: Any) -> AskedWhen:
    return AskedWhen(field, frozenset(values))


class FilingModel(BaseModel):
    """The base of every service's filing model: unknown fields refused (a field the schema
    does not know is a mistake or a claim, e.g. `channel`), strings not coerced from numbers.

    `asked`: the questions (and upload slots, `materials.<code>`) that apply only in some cases.
    The form reveals them when they apply; an answer to a question that does not apply is
    dropped before validation (a person applying for themselves who once typed an agent's name
    and then changed their mind has not named anyone)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_default=False,
                              hide_input_in_errors=True)

    materials: MaterialRefs = Field(default_factory=dict)

    # A service's own words for a field left out or empty (field → (code, template)), and for
    # any other error of a field path (`managers.*.experience_years`; %(row)s is the row number).
    missing_messages: ClassVar[dict[str, tuple[str, str]]] = {}
    invalid_messages: ClassVar[dict[str, tuple[str, str]]] = {
        "tolerance_requested": ("tolerance.not_offered", N_("该事项未开通容缺受理，请按一般程序申请。"))}

    asked: ClassVar[dict[str, AskedWhen]] = {}

    @classmethod
    def conditions(cls) -> dict[str, AskedWhen]:
        """Every conditional question of the model, its own declarations over its bases'."""
        merged: dict[str, AskedWhen] = {}
        for klass in reversed(cls.__mro__):
            merged.update(vars(klass).get("asked", {}))
        return merged

    @classmethod
    def unasked(cls, data: Mapping[str, Any]) -> set[str]:
        """The questions (and `materials.<code>` slots) that do not apply to `data`: their
        condition fails, or the question it depends on is itself not asked."""
        conditions = cls.conditions()
        unasked: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, condition in conditions.items():
                if name not in unasked and (condition.field in unasked or not condition.holds(data)):
                    unasked.add(name)
                    changed = True
        return unasked

    @classmethod
    def asked_only(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """`data` without the answers (and handed-in files) of the questions that do not apply."""
        unasked = cls.unasked(data)
        kept = {name: value for name, value in data.items() if name not in unasked}
        if isinstance(kept.get("materials"), Mapping):
            kept["materials"] = {slot: files for slot, files in kept["materials"].items()
                                 if f"materials.{slot}" not in unasked}
        return kept

    def cross_field_errors(self) -> list[FieldError]:
        """Rules between fields (e.g. an agent names the person applied for). All of them."""
        return []

    def given(self) -> dict[str, Any]:
        """The validated values, absent ones left out (what `application.data` starts from)."""
        return self.model_dump(mode="json", exclude_none=True)


class ToleranceFields(BaseModel):
    """容缺受理: the request and the commitment, for a service with `Step.TOLERANCE` (the rules
    in `app.domain.tolerance` decide what may follow and who may sign)."""

    materials_provided: list[Annotated[str, StringConstraints(max_length=40)]] | None = Field(
        default=None, max_length=40, description="optional: derived from the uploaded files")
    tolerance_requested: bool = False
    materials_to_follow: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=40)
    commitment_days: Optional(Annotated[int, Field(strict=True, ge=1, le=365)]) = Field(
        default=None, description="agreed working days, at most the catalogue's commitment limit")
    signatory: Optional(Text(20)) = None
    agent_name: Optional(Text(60)) = None
    agent_id_number: Optional(Text(18)) = None
    power_of_attorney: bool = False

    invalid_messages: ClassVar[dict[str, tuple[str, str]]] = {"commitment_days": ("tolerance.commitment_days", N_(
        "承诺补齐期限须为1个工作日以上的整数，且不得超过本事项的承诺办理时限。"))}
    # The commitment is asked of those who ask for 容缺; an agent's name of those an agent signs for.
    asked: ClassVar[dict[str, AskedWhen]] = {
        **{name: AskedWhen("tolerance_requested", frozenset({True}))
           for name in ("materials_to_follow", "commitment_days", "signatory")},
        **{name: AskedWhen("signatory", frozenset({"agent"}))
           for name in ("agent_name", "agent_id_number", "power_of_attorney")},
    }


def with_tolerance(model: type[FilingModel]) -> type[FilingModel]:
    """A service's schema with the 容缺 fields, for a service whose catalogue switches on
    `Step.TOLERANCE` (the switch is the one place that says a service has them)."""
    return type(model.__name__, (model, ToleranceFields), {"__doc__": model.__doc__, "__module__": model.__module__})


class DeliveryFields(BaseModel):
    """办件寄递: how the applicant receives the result of a service with `Step.ISSUE`, chosen at
    filing: at the window (`collect`) or by post (`post`) to the recipient and address given
    (personal data: shown in full only to the owner and the unit that posts it)."""

    delivery_method: Literal["collect", "post"] = "collect"
    recipient_name: Optional(Text(60)) = None
    recipient_phone: Optional(Annotated[Text(20), rule(validate_mobile)]) = None
    recipient_address: Optional(Text(200)) = None

    asked: ClassVar[dict[str, AskedWhen]] = {
        name: AskedWhen("delivery_method", frozenset({"post"}))
        for name in ("recipient_name", "recipient_phone", "recipient_address")}

    def delivery_errors(self) -> list[FieldError]:
        """By post, the recipient, phone and address are all needed."""
        if self.delivery_method != "post":
            return []
        return missing_fields(self, ("recipient_name", "recipient_phone", "recipient_address"))


DELIVERY_KEYS = tuple(DeliveryFields.model_fields)


def with_delivery(model: type[FilingModel]) -> type[FilingModel]:
    """A service's schema with the 寄递 choice, for a service whose catalogue switches on `Step.ISSUE`."""
    return type(model.__name__, (model, DeliveryFields), {"__doc__": model.__doc__, "__module__": model.__module__})


class ActionFields(BaseModel):
    """What a person may send with a lifecycle action (the clerk's reason, the correction items,
    a review opinion, a work order's call-back…): every field bounded, nothing else accepted.
    Which of them an action needs is the transition table's and the service's rules' to say."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    reason: Optional(Text(2000, multiline=True)) = None
    items: Optional(Annotated[list[Text(CORRECTION_ITEM_MAX)], Field(max_length=MAX_ITEMS)]) = None
    reason_code: Optional(Text(32)) = None
    decision_note: Optional(Text(2000, multiline=True)) = None
    opinion: Optional(Text(4000, multiline=True)) = None
    outcome: Optional(Text(32)) = None
    # 容缺 at acceptance (the clerk): the materials to follow and the agreed days.
    tolerance: bool | None = None
    missing_materials: Optional(Annotated[list[Text(40)], Field(max_length=40)]) = None
    commitment_days: Optional(Annotated[int, Field(ge=1, le=365)]) = None
    # 违诺认定 (the applicant): the kind of justified cause; its statement is `reason`.
    cause_kind: Optional(Text(32)) = None
    # 差评整改: the call-back and the measures.
    callback_date: Optional(date | Text(10)) = None
    callback_contact_made: Optional(bool | Text(8)) = None
    callback_summary: Optional(Text(2000, multiline=True)) = None
    measures: Optional(Text(2000, multiline=True)) = None
    # 转办 (public_request): the unit, by its code, the request goes to.
    to_unit: Optional(Text(32)) = None
    # 办件寄递: the courier and its waybill number, recorded by the clerk after posting.
    courier: Optional(Text(32)) = None
    tracking_number: Optional(Text(40, pattern=r"^[A-Za-z0-9-]+$")) = None

    def given(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def validate_action(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an action, bounded (InvalidFiling lists every error)."""
    try:
        return ActionFields.model_validate(dict(data)).given()
    except ValidationError as exc:
        raise InvalidFiling(errors_of(exc)) from None


@dataclass(frozen=True)
class FieldError:
    """One field's error: where, a stable code, a Chinese template marked for translation."""

    field: str
    code: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> Message:
        return Message(self.template, self.params)


def required(name: str) -> FieldError:
    return FieldError(name, "missing", N_("此项为必填项。"))


def missing_fields(model: BaseModel, names: tuple[str, ...]) -> list[FieldError]:
    return [required(name) for name in names if getattr(model, name) in (None, "", [])]


# pydantic's error types → (code, Chinese template); the params come from the error's context.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("missing", N_("此项为必填项。")),
    "extra_forbidden": ("unknown_field", N_("不接受该字段。")),
    "string_too_long": ("too_long", N_("最多填写%(max_length)s个字符。")),
    "string_too_short": ("missing", N_("此项为必填项。")),
    "too_long": ("too_many", N_("最多%(max_length)s项。")),
    "too_short": ("too_few", N_("至少%(min_length)s项。")),
    "literal_error": ("invalid_choice", N_("取值无效，可选值：%(expected)s。")),
    "enum": ("invalid_choice", N_("取值无效，可选值：%(expected)s。")),
    "string_pattern_mismatch": ("invalid_format", N_("格式不正确。")),
    "string_type": ("invalid_type", N_("应为文本。")),
    "int_type": ("invalid_type", N_("应为整数。")),
    "int_parsing": ("invalid_type", N_("应为整数。")),
    "int_from_float": ("invalid_type", N_("应为整数。")),
    "bool_type": ("invalid_type", N_("应为是或否（true/false）。")),
    "bool_parsing": ("invalid_type", N_("应为是或否（true/false）。")),
    "list_type": ("invalid_type", N_("应为列表。")),
    "dict_type": ("invalid_type", N_("应为对象。")),
    "model_type": ("invalid_type", N_("应为对象。")),
    "model_attributes_type": ("invalid_type", N_("应为对象。")),
    "date_type": ("invalid_date", N_("应为日期（格式：2026-11-16）。")),
    "date_parsing": ("invalid_date", N_("应为日期（格式：2026-11-16）。")),
    "date_from_datetime_parsing": ("invalid_date", N_("应为日期（格式：2026-11-16）。")),
    "date_from_datetime_inexact": ("invalid_date", N_("应为日期（格式：2026-11-16）。")),
    "greater_than_equal": ("too_small", N_("不能小于%(ge)s。")),
    "greater_than": ("too_small", N_("须大于%(gt)s。")),
    "less_than_equal": ("too_large", N_("不能大于%(le)s。")),
    "less_than": ("too_large", N_("须小于%(lt)s。")),
    "set_item_not_hashable": ("invalid_type", N_("取值无效。")),
    "list_unique": ("duplicate", N_("不能重复选择。")),
    "text_surrogate": ("invalid_text", N_("含有无法识别的字符（不成对的代理字符），请删除后重新填写。")),
    "text_control": ("invalid_text", N_("含有控制字符，请删除后重新填写。")),
    "recursion_loop": ("invalid_type", N_("取值无效。")),
}
_DEFAULT = ("invalid", N_("取值无效。"))


def _path(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "data"


def _params(kind: str, context: Mapping[str, Any] | None) -> dict[str, Any]:
    context = dict(context or {})
    if kind in ("literal_error", "enum"):
        expected = str(context.get("expected", ""))
        return {"expected": expected.replace("'", "").replace(" or ", ", ")}
    return {key: value for key, value in context.items() if isinstance(value, int | float | str)}


_EMPTY = ("missing", "string_too_short", "too_short")


def _messages(model: type, name: str) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for cls in reversed(model.__mro__):
        merged.update(cls.__dict__.get(name, {}))
    return merged


def _own_words(model: type[FilingModel], location: tuple, kind: str, context: Mapping | None) -> FieldError | None:
    path = _path(location)
    missing = _messages(model, "missing_messages")
    if kind in _EMPTY and path in missing:
        code, template = missing[path]
        return FieldError(path, code, template)
    pattern = ".".join("*" if isinstance(part, int) else str(part) for part in location)
    invalid = _messages(model, "invalid_messages")
    if pattern in invalid:
        code, template = invalid[pattern]
        rows = [part + 1 for part in location if isinstance(part, int)]
        params = {key: value for key, value in (context or {}).items() if f"%({key})" in template}
        if rows and "%(row)" in template:
            params["row"] = rows[0]
        return FieldError(path, code, template, params)
    return None


def errors_of(exc: ValidationError, model: type[FilingModel] = FilingModel) -> list[FieldError]:
    errors = []
    for error in exc.errors(include_url=False, include_input=True):
        kind = error["type"]
        if kind in ("too_long", "too_short") and isinstance(error.get("input"), str):
            kind = f"string_{kind}"
        own = _own_words(model, error["loc"], kind, error.get("ctx"))
        if own is not None:
            errors.append(own)
            continue
        if kind == "rule":
            context = dict(error["ctx"])
            code, template = context.pop("code"), context.pop("template")
            errors.append(FieldError(_path(error["loc"]), code, template, context))
            continue
        code, template = _MESSAGES.get(kind, _DEFAULT)
        params = _params(kind, error.get("ctx"))
        try:
            template % params if params else template
        except (KeyError, TypeError, ValueError):
            params, (code, template) = {}, _DEFAULT
        errors.append(FieldError(_path(error["loc"]), code, template, params))
    return errors


class InvalidFiling(ValueError):
    """Every field error of an input, at once."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


def validate(model: type[FilingModel], data: Mapping[str, Any]) -> FilingModel:
    """The validated filing, or InvalidFiling listing every error (types first, then the rules
    between fields once every field has its type)."""
    try:
        validated = model.model_validate(model.asked_only(data))
    except ValidationError as exc:
        raise InvalidFiling(errors_of(exc, model)) from None
    errors = validated.cross_field_errors()
    if isinstance(validated, DeliveryFields):
        errors = [*errors, *validated.delivery_errors()]
    if errors:
        raise InvalidFiling(errors)
    return validated


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model as a JSON Schema for the OpenAPI document (references under components)."""
    return model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")


def field_limits(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per field of a JSON Schema object: required, max_length, the allowed choices and the
    type (what the comparison test holds the web form to)."""
    limits = {}
    for name, prop in schema.get("properties", {}).items():
        options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
        first = options[0] if options else {}
        limits[name] = {
            "required": name in schema.get("required", []),
            "max_length": first.get("maxLength"),
            "choices": first.get("enum") or first.get("items", {}).get("enum"),
            "type": first.get("type"),
        }
    return limits
