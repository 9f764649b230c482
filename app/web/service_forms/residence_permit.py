"""居住证 filing form: first application (the condition relied on, the address, the 承诺制
commitment) or the yearly endorsement. The proofs are the service's upload slots; the
registration and the registries' records are looked up, never typed in."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")


class ResidencePermitForm(FlaskForm):
    kind = RadioField(_l("申请类别"), choices=[("first", _l("首次申领居住证")),
                                           ("endorsement", _l("居住证签注（居住每满一年之日前一个月内办理）"))],
                      default="first", validators=[DataRequired(_l("请选择首次申领或签注。"))])
    basis = RadioField(_l("申领条件"), choices=[("employment", _l("连续就业")), ("study", _l("连续就读")),
                                            ("residence", _l("合法稳定住所"))],
                       validators=[Optional()],
                       description=_l("社会保险、学籍、不动产登记信息能核验的，无需上传证明材料。"))
    residence_address = StringField(_l("居住地址"), validators=[Optional(), Length(max=200)],
                                    description=_l("不填写的，以居住登记的地址为准。"))
    commitment = BooleanField(_l("承诺制：本人已在本市居住满六个月，承诺所依据的申领条件真实，接受公安机关事后核查；"
                                 "如有不实，自愿承担由此产生的法律责任"),
                              description=_l("签署承诺书的，可不上传所选条件的证明材料。"))
    submit = SubmitField(_l("提交申请"))

    service_data = service_data


SERVICE_CODE = "residence_permit"
FORM = ResidencePermitForm
