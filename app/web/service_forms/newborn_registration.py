"""新生儿出生登记（全省通办） filing form. Pre-filled from the family's last eligibility check
(kept in the session, never in the URL); the station list is every hukou police station in
the province, defaulting to the receiving household's own."""
from flask import session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")
SESSION_KEY = "newborn_check"  # {"certificate": …, "receiving": …} from /newborn/check


class NewbornRegistrationForm(FlaskForm):
    birth_certificate_number = StringField(
        _l("出生医学证明编号"), validators=[DataRequired(REQUIRED), Length(max=20)],
        description=_l("《出生医学证明》右上角的编号，例如 Q411000101。"), render_kw={"autocomplete": "off"})
    receiving_parent = RadioField(_l("落户方式"), choices=[("father", _l("随父落户（落入父亲的家庭户）")),
                                                       ("mother", _l("随母落户（落入母亲的家庭户）"))],
                                  validators=[DataRequired(_l("请选择随父落户或随母落户。"))])
    child_name = StringField(
        _l("新生儿姓名"),
        validators=[DataRequired(REQUIRED), Length(max=8), Regexp(r"^\s*[\u3400-\u4dbf\u4e00-\u9fff]{2,4}\s*$",
                                                   message=_l("新生儿姓名须为2至4个汉字，请核对后重新填写。"))],
        description=_l("2至4个汉字，应与《出生医学证明》上的姓名一致。"))
    station = SelectField(_l("受理派出所"), validators=[Optional(), Length(max=40)],
                          description=_l("“全省通办”：可选择省内任一公安户籍派出所，默认为落户方户籍派出所。"))
    submit = SubmitField(_l("提交申报"))

    service_data = service_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from app.operations.services import newborn_registration as newborn_ops

        self.station.choices = newborn_ops.station_choices()
        if self.is_submitted():
            return
        checked = session.get(SESSION_KEY) or {}
        defaults = {}
        if checked.get("certificate"):
            defaults = newborn_ops.filing_defaults(current_user, checked["certificate"], checked.get("receiving", ""))
        if not defaults.get("station"):
            defaults["station"] = newborn_ops.own_household_station(current_user) or ""
        for name, value in defaults.items():
            if value and not getattr(self, name).data:
                getattr(self, name).data = value


SERVICE_CODE = "newborn_registration"
FORM = NewbornRegistrationForm
