"""保安服务许可 filing form (with the 容缺受理 fields), and the city's review-opinion form for
forwarding to the province."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.domain.catalogue.security_licence import MAX_MANAGERS, MIN_MANAGER_EXPERIENCE_YEARS, SERVICE
from app.domain.workflow import Action
from app.web.service_forms.tolerance_fields import tolerance_fields

REQUIRED = _l("此项为必填项。")
MANAGER_ROWS = 3


class ManagerForm(Form):
    """One proposed manager. No validators here: the handler checks every row and says which
    row is wrong in plain Chinese (the generic page cannot show a sub-field's own error)."""

    name = StringField(_l("姓名"), render_kw={"maxlength": 60})
    id_number = StringField(_l("公民身份号码"), render_kw={"maxlength": 18, "autocomplete": "off"})
    position = StringField(_l("拟任职务"), render_kw={"maxlength": 40, "placeholder": "如：法定代表人、总经理"})
    experience_years = StringField(_l("相关工作年限"), render_kw={"inputmode": "numeric", "maxlength": 2})


class _LicenceFields(FlaskForm):
    premises_address = StringField(_l("住所和提供保安服务所需场所的地址"),
                                   validators=[DataRequired(REQUIRED), Length(max=200)])
    armed_escort = BooleanField(_l("经营范围包括武装守护押运业务（注册资本须不少于1000万元且国有控股）"))
    state_controlled = BooleanField(_l("国有独资或国有资本占注册资本总额51%以上"))
    managers = FieldList(
        FormField(ManagerForm), min_entries=MANAGER_ROWS, max_entries=MAX_MANAGERS,
        label=_l("拟任法定代表人和主要管理人员"),
        description=_l("须包括法定代表人；每人须具有%(n)s年以上相关工作经验，犯罪记录通过法院裁判信息共享核验。",
                       n=MIN_MANAGER_EXPERIENCE_YEARS))


class SecurityLicenceForm(_LicenceFields, tolerance_fields(SERVICE, organisation=True)):
    submit = SubmitField(_l("提交申请"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, entry in enumerate(self.managers, 1):
            entry.label.text = _l("第%(n)s位", n=number)


class ReviewOpinionForm(FlaskForm):
    """审查意见: what the city found, sent with all the materials to the province."""

    opinion = TextAreaField(_l("审查意见"), validators=[DataRequired(REQUIRED), Length(max=4000)],
                            description=_l("写明对注册资本、管理人员、场所、设施装备和管理制度的审查情况及是否同意设立的意见。"))
    submit = SubmitField(_l("报送上级机关决定"))


SERVICE_CODE = "security_licence"
FORM = SecurityLicenceForm
ACTION_FORMS = {Action.FORWARD: ReviewOpinionForm}
