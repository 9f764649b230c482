"""新办企业公章刻制 filing form: the legal representative's ID number and phone, a recorded
engraving shop of the enterprise's area, and the seals. Everything else comes from the
enterprise registry; the rules (in the handler) give the refusals, field by field."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, html_params

from app.domain.catalogue import seal_engraving as rules
from app.domain.catalogue.seal_engraving import SEAL_KINDS
from app.operations import seals as seal_ops
from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")


class CheckboxGroup:
    """The options as one group of checkboxes, each with its name beside it."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        label = Markup('<label for="{}">{} {}</label>')
        options = Markup("").join(label.format(option.id, option(), option.label.text) for option in field)
        attributes = Markup(html_params(role="group", **kwargs))  # noqa: S704 - html_params escapes every value
        return Markup("<div {}>{}</div>").format(attributes, options)


class CheckboxesField(SelectMultipleField):
    widget = CheckboxGroup()
    option_widget = CheckboxInput()


class SealEngravingForm(FlaskForm):
    legal_rep_id_number = StringField(
        _l("法定代表人公民身份号码"), validators=[DataRequired(REQUIRED), Length(max=18)],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    legal_rep_phone = StringField(
        _l("法定代表人手机号码"), validators=[DataRequired(REQUIRED), Length(max=20)],
        render_kw={"autocomplete": "off", "inputmode": "tel"})
    # Choices are the recorded shops of the enterprise's area; the rules refuse anything else.
    shop_id = RadioField(_l("刻章单位"), choices=[], validate_choice=False,
                         validators=[DataRequired(_l(rules.SealEngravingFiling.missing_messages["shop_id"][1]))],
                         description=_l("列出本企业所在地已向公安机关备案的刻章单位；备案暂停的单位不能选择。"))
    seals = CheckboxesField(_l("需要刻制的印章（可多选）"), choices=[(k, _l(v)) for k, v in SEAL_KINDS.items()], validate_choice=False,
                            validators=[DataRequired(_l(rules.SealEngravingFiling.missing_messages["seals"][1]))],
                            description=_l("本企业已持有且未挂失注销的印章不能重复刻制。"))
    submit = SubmitField(_l("提交申请"))

    service_data = service_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seals.choices = [(kind, _(name)) for kind, name in SEAL_KINDS.items()]
        self.shop_id.choices = [
            (str(shop.id), _("%(name)s（%(address)s；备案编号%(number)s）", name=shop.name, address=shop.address,
                             number=shop.record_number))
            for shop in seal_ops.shops_for(current_user)
        ]
        enterprise = seal_ops.enterprise_of(current_user)
        if enterprise is not None:
            self.legal_rep_id_number.description = _(
                "本企业：%(name)s（统一社会信用代码 %(uscc)s）。企业名称、统一社会信用代码、住所等信息"
                "从市场主体登记信息中自动获取，无需填写，也无需上传营业执照。",
                name=enterprise.name, uscc=enterprise.uscc)


SERVICE_CODE = "seal_engraving"
FORM = SealEngravingForm
