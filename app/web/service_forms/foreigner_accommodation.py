"""境外人员住宿登记网上自助申报 filing form: who files (the host or the foreigner), the
foreigner and their travel document, the stay. The arrival is typed in local time (Asia/Shanghai)
and handed to the schema with its offset; the rules (catalogue and handler) give the refusals."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.domain.catalogue import foreigner_accommodation as rules

SERVICE_CODE = rules.CODE
REQUIRED = _l("此项为必填项。")


class AccommodationForm(FlaskForm):
    filer_role = RadioField(_l("申报人身份"), choices=[(k, _l(v)) for k, v in rules.FILER_ROLES.items()],
                            validators=[DataRequired(REQUIRED)])
    foreigner_name = StringField(_l("境外人员姓名（与证件一致）"), validators=[DataRequired(REQUIRED), Length(max=80)],
                                 render_kw={"autocomplete": "off"})
    nationality = StringField(_l("国籍（地区）代码"), validators=[DataRequired(REQUIRED), Length(max=3)],
                              description=_l("证件上的三位字母代码，如USA、KOR、JPN。"),
                              render_kw={"autocomplete": "off", "spellcheck": "false"})
    passport_number = StringField(_l("护照或者国际旅行证件号码"), validators=[DataRequired(REQUIRED), Length(max=20)],
                                  render_kw={"autocomplete": "off", "spellcheck": "false"})
    visa_type = SelectField(_l("签证或者居留证件种类"), choices=[(k, _l(v)) for k, v in rules.VISA_TYPES.items()],
                            validators=[DataRequired(REQUIRED)])
    arrived_at = DateTimeLocalField(_l("入住时间"), validators=[DataRequired(_l("请填写入住时间。"))],
                                    description=_l("应在入住后24小时内申报；超过24小时的，仍予登记并标注逾期申报。"))
    region_code = SelectField(_l("住宿地所在县（市、区）"), choices=[(k, _l(v)) for k, v in rules.REGIONS.items()],
                              validators=[DataRequired(_l("请选择住宿地所在县（市、区）。"))],
                              description=_l("申报由住宿地的公安派出所登记。"))
    address = StringField(_l("住宿地址（街道、门牌号、房号）"), validators=[DataRequired(REQUIRED), Length(max=200)])
    expected_departure = DateField(_l("预计离开日期"),
                                   validators=[DataRequired(_l("请填写预计离开日期（格式：2026-11-16）。"))])
    host_name = StringField(_l("留宿人姓名"), validators=[DataRequired(REQUIRED), Length(max=40)])
    host_relation = SelectField(_l("留宿人与境外人员关系"),
                                choices=[(k, _l(v)) for k, v in rules.HOST_RELATIONS.items()],
                                validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("提交申请"))


FORM = AccommodationForm
