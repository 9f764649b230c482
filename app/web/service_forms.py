"""Filing forms, one per service. The service's rules (in the handler) have the last word;
these only shape the input and give the first, field-by-field messages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REQUIRED = _l("此项为必填项。")


class CriminalRecordForm(FlaskForm):
    applicant_type = RadioField(_l("申请类型"), choices=[
        ("individual", _l("本人申请")), ("agent", _l("委托他人代为申请（代理人填写）")),
        ("unit", _l("单位查询（在职或拟招录人员）")), ("foreigner", _l("外国人申请")),
    ], default="individual", validators=[DataRequired(REQUIRED)])
    purpose = StringField(_l("证明用途"), validators=[DataRequired(REQUIRED), Length(max=100)],
                          description=_l("例如：入职、出国留学、申领驾驶证等。"))
    route = RadioField(_l("受理地"), choices=[("hukou", _l("户籍地派出所")), ("residence", _l("居住地派出所（持居住证）"))],
                       default="hukou", validators=[Optional()])
    subject_name = StringField(_l("被查询人姓名"), validators=[Optional(), Length(max=60)],
                               description=_l("代理人申请或单位查询时填写。"))
    subject_id_number = StringField(_l("被查询人公民身份号码"), validators=[Optional(), Length(max=18)],
                                    render_kw={"autocomplete": "off"})
    power_of_attorney = BooleanField(_l("我已取得申请人签署的授权委托书，并将在窗口核验时出示"))
    relation = RadioField(_l("被查询人与本单位的关系"), choices=[("staff", _l("在职人员")), ("planned_hire", _l("拟招录人员"))],
                          validators=[Optional()])
    legal_provision = TextAreaField(_l("法律依据"), validators=[Optional(), Length(max=500)],
                                    description=_l("写明法律、行政法规中有犯罪记录人员不得从事该职业的具体条款。"))
    query_reason = TextAreaField(_l("查询理由"), validators=[Optional(), Length(max=500)])
    purpose_detail = TextAreaField(_l("具体用途说明"), validators=[Optional(), Length(max=500)],
                                   description=_l("同一年度内申请超过3次的须填写，并在窗口核验时提供用途证明。"))
    submit = SubmitField(_l("提交申请"))

    def service_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "submit")}


class ResubmitForm(FlaskForm):
    note = TextAreaField(_l("补正说明"), validators=[DataRequired(REQUIRED), Length(max=1000)],
                         description=_l("逐项说明已补正的内容；需提交纸质材料的，请同时送交窗口。"))
    submit = SubmitField(_l("提交补正"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("撤回原因（可不填）"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("撤回申请"))


SERVICE_FORMS = {"criminal_record": CriminalRecordForm}
