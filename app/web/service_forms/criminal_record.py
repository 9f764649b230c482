"""无犯罪记录证明 filing form, and the applicant's correction and withdrawal forms."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.catalogue.criminal_record import JOB_MAX, SERVICE, applicant_types_for
from app.operations import provisions as provision_ops
from app.web.service_forms import service_data
from app.web.service_forms.tolerance_fields import tolerance_fields

REQUIRED = _l("此项为必填项。")


def _list_id(value):
    """A list entry's id as sent by the select, None for none chosen."""
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 10 else None


class _CriminalRecordFields(FlaskForm):
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
    relation = RadioField(_l("被查询人与本单位的关系"), choices=[("staff", _l("在职人员")), ("planned_hire", _l("拟招录人员"))],
                          validators=[Optional()])
    # Choices are the list's provisions in force; the rules refuse anything else, and a job the
    # chosen provision does not cover.
    legal_provision_id = SelectField(_l("法律依据"), choices=[], coerce=_list_id, validate_choice=False,
                                     validators=[Optional()],
                                     description=_l("从现行有效的法律、行政法规条款清单中选择规定有犯罪记录人员不得从事该职业的条款。"))
    job = SelectField(_l("从事或拟从事的职业（岗位）"), choices=[], validate_choice=False,
                      validators=[Optional(), Length(max=JOB_MAX)],
                      description=_l("须为所选条款适用的职业。"))
    query_reason = TextAreaField(_l("查询理由"), validators=[Optional(), Length(max=500)])
    purpose_detail = TextAreaField(_l("具体用途说明"), validators=[Optional(), Length(max=500)],
                                   description=_l("同一年度内申请超过3次的须填写，并在下方上传用途证明材料。"))


class CriminalRecordForm(_CriminalRecordFields, tolerance_fields(SERVICE, organisation=True)):
    """容缺 (tolerance) applies to unit queries: the sealed letter may follow, never the proof
    of employment (core)."""

    submit = SubmitField(_l("提交申请"))

    service_data = service_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provisions = provision_ops.entries(in_force_only=True)
        self.legal_provision_id.choices = [("", _("— 请选择 —"))] + [
            (provision.id, _("%(citation)s（适用：%(jobs)s）", citation=provision.citation,
                             jobs=_("、").join(provision.jobs)))
            for provision in provisions]
        jobs = list(dict.fromkeys(job for provision in provisions for job in provision.jobs))
        self.job.choices = [("", _("— 请选择 —"))] + [(job, job) for job in jobs]

    def fit_to(self, user) -> None:
        """Only what this account may apply as is offered (an enterprise queries as a unit)."""
        allowed = applicant_types_for(enterprise=user.role == "enterprise")
        self.applicant_type.choices = [c for c in self.applicant_type.choices if c[0] in allowed]
        if not self.is_submitted() and self.applicant_type.data not in allowed:
            self.applicant_type.data = allowed[0]


SERVICE_CODE = "criminal_record"
FORM = CriminalRecordForm
