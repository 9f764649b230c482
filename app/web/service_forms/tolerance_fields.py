"""容缺受理 fields for the filing form of any service whose catalogue switches on
`Step.TOLERANCE`: the tolerance request, the materials to follow, the agreed days and who
signs the commitment letter (which materials are attached is what was uploaded). The rules (`app.domain.tolerance`) have the last word."""
from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.domain.catalogue.base import Service
from app.domain.text import Bilingual
from app.domain.tolerance import (
    ORGANISATION_SIGNATORIES,
    PERSON_SIGNATORIES,
    SIGNATORIES,
    declarable_materials,
    max_commitment_days,
)
from app.operations import localize_value


class MultiCheckboxField(SelectMultipleField):
    """One checkbox per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def tolerance_fields(service: Service, *, organisation: bool) -> type:
    """A mixin with the materials declaration and the tolerance request for `service`; put it
    after the service's own fields (`class Form(ServiceFields, tolerance_fields(...))`)."""
    non_core = [(m.code, LazyString(localize_value, Bilingual(m.name_zh, m.name_en)))
                for m in declarable_materials(service) if not m.core]
    signatories = ORGANISATION_SIGNATORIES if organisation else PERSON_SIGNATORIES
    longest = max_commitment_days(service)

    class ToleranceFields:
        tolerance_requested = BooleanField(
            _l("申请容缺受理：主审要件齐全，部分非主审要件暂缺或存在瑕疵，承诺在约定期限内补齐补正"))
        materials_to_follow = MultiCheckboxField(
            _l("承诺补齐补正的材料"), choices=non_core, validators=[Optional()],
            description=_l("申请容缺受理时勾选：未提交的非主审要件，以及已提交但存在瑕疵、需补正的材料。"))
        commitment_days = IntegerField(
            _l("承诺补齐期限（工作日）"), default=longest, validators=[Optional(), NumberRange(1, longest)],
            description=_l("自受理之日起计算，最长%(n)s个工作日，不超过本事项的承诺办理时限。", n=longest))
        signatory = RadioField(
            _l("承诺书签署人"), choices=[(s, _l(SIGNATORIES[s])) for s in signatories], default=signatories[0],
            validators=[Optional()])
        agent_name = StringField(_l("受托人姓名"), validators=[Optional(), Length(max=60)],
                                 description=_l("由受托人签署承诺书时填写。"))
        agent_id_number = StringField(_l("受托人公民身份号码"), validators=[Optional(), Length(max=18)],
                                      render_kw={"autocomplete": "off"})
        power_of_attorney = BooleanField(_l("受托人已取得委托书，将与承诺书一并提交"))

    return ToleranceFields
