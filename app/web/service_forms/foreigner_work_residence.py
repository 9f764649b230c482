"""外国人工作类居留许可 filing form: the passport's and work permit's validity, the employer and
the period asked for (the materials are the page's upload slots)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from app.domain.catalogue import foreigner_work_residence as rules
from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")
DATE_FORMAT = _l("请按格式填写日期（如：2027-11-16）。")


class WorkResidenceForm(FlaskForm):
    passport_expires_on = DateField(_l("护照有效期至"), validators=[DataRequired(DATE_FORMAT)],
                                    description=_l("护照号码按您的实名账号核验，无需填写。"))
    work_permit_number = StringField(
        _l("外国人工作许可证号"), validators=[DataRequired(REQUIRED), Length(max=20),
                                     Regexp(r"^\s*[0-9A-Za-z]{6,20}\s*$", message=_l("外国人工作许可证号为6至20位字母或数字。"))],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    work_permit_expires_on = DateField(_l("工作许可有效期至"), validators=[DataRequired(DATE_FORMAT)])
    employer_uscc = StringField(_l("聘用单位统一社会信用代码"), validators=[DataRequired(REQUIRED), Length(max=18)],
                                description=_l("聘用单位须在企业登记信息中存续；重点项目单位的外籍工作人员5个工作日内签发。"),
                                render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    position = StringField(_l("聘用职务"), validators=[DataRequired(REQUIRED), Length(max=60)])
    residence_until = DateField(
        _l("申请居留至"), validators=[DataRequired(DATE_FORMAT)],
        description=_l("工作类居留证件有效期最短%(min)s日、最长%(max)s年，且不超过护照和工作许可的有效期。",
                       min=rules.MIN_PERIOD_DAYS, max=rules.MAX_PERIOD_YEARS))
    submit = SubmitField(_l("提交申请"))

    service_data = service_data


SERVICE_CODE = "foreigner_work_residence"
FORM = WorkResidenceForm
