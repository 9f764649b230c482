"""城市配送货车电子通行证 filing form: plate, driver, zones, daily windows, validity. Each field
is checked by the same rule functions the handler uses, so every wrong field gets its own
message at once; the registry checks (vehicle, driver, violations) run when it is filed."""
from datetime import timedelta

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, html_params

from app import timeutil
from app.domain.catalogue import truck_permit as rules
from app.domain.identifiers import InvalidIdentifier, parse_citizen_id, validate_plate
from app.operations import localize, localize_value
from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")


class CheckboxList:
    """Each checkbox inside its own label, one per line: the label is the click target on a
    phone, and the page's block, bold labels keep box and text together."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.pop("aria-invalid", None)
        rows = "".join(f"<div><label>{option()} {escape(option.label.text)}</label></div>" for option in field)
        return Markup(f"<div {html_params(**kwargs)}>{rows}</div>")  # noqa: S704 — parts escaped above


class CheckboxesField(SelectMultipleField):
    widget = CheckboxList()
    option_widget = CheckboxInput()


def _zone_choices():
    return [(zone.code, LazyString(_zone_label, zone)) for zone in rules.ZONES.values()]


def _zone_label(zone) -> str:
    return _("%(zone)s（%(rule)s）", zone=localize_value(zone.name), rule=localize_value(zone.rule))


def _today():
    return timeutil.local(timeutil.now()).date()


class TruckPermitForm(FlaskForm):
    plate = StringField(_l("号牌号码"), validators=[DataRequired(REQUIRED), Length(max=12)],
                        description=_l("例如：豫K8A001。车辆须登记在申请人（本单位或本人）名下。"),
                        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    driver_name = StringField(_l("驾驶人姓名"), validators=[DataRequired(REQUIRED), Length(max=60)],
                              render_kw={"autocomplete": "off"})
    driver_id_number = StringField(_l("驾驶人公民身份号码"), validators=[DataRequired(REQUIRED), Length(max=18)],
                                   description=_l("用于核验驾驶证状态和交通违法记录，页面和文书中均脱敏显示。"),
                                   render_kw={"autocomplete": "off", "spellcheck": "false"})
    zones = CheckboxesField(_l("通行区域（可多选）"), choices=_zone_choices(), validate_choice=False,
                            validators=[DataRequired(_l(rules.TruckPermitFiling.missing_messages["zones"][1]))],
                            description=_l("车辆排放标准须符合所选每个区域的要求；新能源货车不受排放标准限制。"))
    windows = StringField(
        _l("每日通行时段"), validators=[DataRequired(REQUIRED), Length(max=100)], default="09:00-17:00",
        description=_l("例如：09:00-17:00，多个时段用逗号分隔，每日合计不少于%(hours)s小时。普通燃油货车须避开"
                       "高峰禁行时段；新能源货车可在高峰时段通行；冷藏车申请高峰时段的由交警大队人工审核。",
                       hours=rules.MIN_DAILY_WINDOW_HOURS),
        render_kw={"autocomplete": "off"})
    valid_from = DateField(_l("有效期起始日"), validators=[DataRequired(_l("请填写有效期起始日（格式：2026-11-16）。"))],
                           default=_today)
    valid_until = DateField(
        _l("有效期截止日"), validators=[DataRequired(_l("请填写有效期截止日（格式：2026-11-16）。"))],
        default=lambda: _today() + timedelta(days=29),
        description=_l("有效期1日至%(max)s日；超过%(review)s日的由交警大队人工审核。",
                       max=rules.MAX_VALIDITY_DAYS, review=rules.CLERK_REVIEW_OVER_DAYS))
    submit = SubmitField(_l("提交申请"))

    service_data = service_data

    def validate_plate(self, field):
        try:
            field.data = validate_plate(field.data or "")
        except InvalidIdentifier as invalid:
            raise ValidationError(localize(str(invalid))) from None

    def validate_driver_id_number(self, field):
        try:
            field.data = parse_citizen_id(field.data or "", today=_today()).number
        except InvalidIdentifier as invalid:
            raise ValidationError(localize(str(invalid))) from None

    def validate_zones(self, field):
        _rule(lambda: rules.parse_zones(field.data))

    def validate_windows(self, field):
        _rule(lambda: rules.parse_windows(field.data))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.valid_from.data and self.valid_until.data and not (self.valid_from.errors or self.valid_until.errors):
            try:
                rules.parse_validity(self.valid_from.data, self.valid_until.data, today=_today())
            except rules.RuleViolation as violation:
                target = self.valid_from if violation.field == "valid_from" else self.valid_until
                target.errors = [*target.errors, localize(violation.template, violation.params)]
                return False
        return valid


def _rule(check):
    try:
        check()
    except rules.RuleViolation as violation:
        raise ValidationError(localize(violation.template, violation.params)) from None


SERVICE_CODE = "truck_permit"
FORM = TruckPermitForm
