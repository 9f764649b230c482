"""交通事故证据材料查询码: the officer's form for recording a written request at the window.

The service is filed by staff (`filed_by_staff=True`): this form is used on the officer's
pages (/officer/evidence/new); the handler's rules have the last word on every field.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.catalogue.accident_evidence import ID_TYPES, PERSON_TYPES
from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")


class AccidentEvidenceForm(FlaskForm):
    case_number = StringField(_l("事故案件编号"), validators=[DataRequired(REQUIRED), Length(max=32)],
                              description=_l("见事故认定书或事故证明，例如 WD-SG-0001。"),
                              render_kw={"autocomplete": "off"})
    person_type = RadioField(_l("人员类型"), choices=[(k, _l(v)) for k, v in PERSON_TYPES.items()], default="party",
                             validators=[DataRequired(REQUIRED)])
    name = StringField(_l("申请人姓名"), validators=[DataRequired(REQUIRED), Length(max=60)],
                       description=_l("与身份证件一致；代理人申请时填写代理人本人的姓名。"))
    id_type = SelectField(_l("身份证明类型"), choices=[(k, _l(v)) for k, v in ID_TYPES.items()], default="resident_id")
    id_number = StringField(_l("身份证明号码"), validators=[DataRequired(REQUIRED), Length(max=32)],
                            description=_l("查询码与此证件绑定，查阅时须输入号码后4位。"),
                            render_kw={"autocomplete": "off"})
    phone = StringField(_l("联系电话"), validators=[DataRequired(REQUIRED), Length(max=20)],
                        description=_l("申请人的11位手机号码。"), render_kw={"autocomplete": "off", "inputmode": "tel"})
    principal_id_number = StringField(_l("委托人证件号码"), validators=[Optional(), Length(max=32)],
                                      description=_l("代理人申请时填写：所代理的当事人或死者近亲属的证件号码。"),
                                      render_kw={"autocomplete": "off"})
    power_of_attorney = BooleanField(_l("已收取并核验委托人签署的授权委托书（代理人申请时）"))
    request_note = TextAreaField(_l("申请查阅的内容（可不填）"), validators=[Optional(), Length(max=500)],
                                 description=_l("按书面申请写明需查阅的材料；不填即为全部可公开的证据材料。"))
    identity_verified = BooleanField(_l("已收取书面申请，并当面核验申请人的身份证件原件"))
    submit = SubmitField(_l("核验并登记"))

    service_data = service_data


SERVICE_CODE = "accident_evidence"
FORM = AccidentEvidenceForm
