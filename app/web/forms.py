"""WTForms forms. Messages are Chinese first (lazy, translated to English on request)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

REQUIRED = _l("此项为必填项。")
USERNAME = [DataRequired(REQUIRED), Length(3, 32, _l("用户名长度为3至32位。")),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、下划线、点和短横线。"))]


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("密码"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("登录"))


class _PasswordMixin:
    password = PasswordField(_l("设置密码"), validators=[DataRequired(REQUIRED)],
                             description=_l("至少10位，须同时包含字母和数字。"))
    password_confirm = PasswordField(
        _l("确认密码"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))],
    )


class CitizenRegistrationForm(_PasswordMixin, FlaskForm):
    real_name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), Length(max=60)],
                            render_kw={"autocomplete": "name"})
    id_number = StringField(_l("公民身份号码"), validators=[DataRequired(REQUIRED)],
                            description=_l("18位，末位可能为X。"), render_kw={"autocomplete": "off", "inputmode": "text"})
    phone = StringField(_l("手机号码"), validators=[DataRequired(REQUIRED)],
                        render_kw={"autocomplete": "tel", "inputmode": "numeric"})
    username = StringField(_l("用户名"), validators=USERNAME, render_kw={"autocomplete": "username"})
    submit = SubmitField(_l("注册"))


class EnterpriseRegistrationForm(_PasswordMixin, FlaskForm):
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(REQUIRED)],
                       description=_l("18位，见营业执照。"))
    legal_rep_name = StringField(_l("法定代表人姓名"), validators=[DataRequired(REQUIRED), Length(max=60)])
    legal_rep_id_number = StringField(_l("法定代表人公民身份号码"), validators=[DataRequired(REQUIRED)],
                                      render_kw={"autocomplete": "off"})
    contact_name = StringField(_l("经办人姓名"), validators=[DataRequired(REQUIRED), Length(max=60)])
    phone = StringField(_l("经办人手机号码"), validators=[DataRequired(REQUIRED)],
                        render_kw={"autocomplete": "tel", "inputmode": "numeric"})
    username = StringField(_l("用户名"), validators=USERNAME, render_kw={"autocomplete": "username"})
    submit = SubmitField(_l("注册"))


class StaffAccountForm(FlaskForm):
    username = StringField(_l("用户名"), validators=USERNAME)
    real_name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), Length(max=60)])
    role = SelectField(_l("角色"), choices=[
        ("clerk", _l("窗口民警")), ("supervisor", _l("负责人")), ("officer", _l("办案民警")),
        ("admin", _l("系统管理员")),
    ])
    unit_id = SelectField(_l("所属单位"), coerce=int)
    phone = StringField(_l("手机号码"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(REQUIRED)],
                             description=_l("至少10位，须同时包含字母和数字。"))
    submit = SubmitField(_l("创建账号"))


class RevealForm(FlaskForm):
    password = PasswordField(_l("登录密码"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("显示完整号码"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("新密码"), validators=[DataRequired(REQUIRED)],
                             description=_l("至少10位，须同时包含字母和数字。"), render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(
        _l("再次输入新密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("修改密码"))


class TrackingLookupForm(FlaskForm):
    number = StringField(_l("办件编号"), validators=[DataRequired(REQUIRED), Length(max=32)],
                         description=_l("印在收件回执上，例如 FZ20261201000001。"),
                         render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    last_four = StringField(_l("手机号码后四位"), validators=[
        DataRequired(REQUIRED), Regexp(r"^\s*[0-9A-Za-z]{4}\s*$", message=_l("请填写4位数字或字母。"))],
        description=_l("申请时登记的手机号码的后四位；企业申请也可填统一社会信用代码的后四位。"),
        render_kw={"autocomplete": "off", "inputmode": "text", "maxlength": "4"})
    submit = SubmitField(_l("查询"))


class _AnAccountForm(FlaskForm):
    """An admin's action on an account, named by its username (typed: citizens and enterprises
    are not in the staff list)."""
    username = StringField(_l("用户名"), validators=[DataRequired(REQUIRED), Length(max=64)])


class UnlockForm(_AnAccountForm):
    submit = SubmitField(_l("解除锁定"))


class SignOutEverywhereForm(_AnAccountForm):
    submit = SubmitField(_l("退出该账号的所有登录"))


class AccountActiveForm(_AnAccountForm):
    disable = SubmitField(_l("停用账号"))
    enable = SubmitField(_l("重新启用"))


class WhitelistForm(FlaskForm):
    code = StringField(_l("统一社会信用代码"), validators=[DataRequired(REQUIRED), Length(18, 18, _l("统一社会信用代码为18位。"))])
    note = StringField(_l("说明"), validators=[DataRequired(REQUIRED), Length(max=200)],
                       description=_l("例如：早期试点赋码，经核实合法有效。"))
    submit = SubmitField(_l("加入白名单"))


class CalendarOverrideForm(FlaskForm):
    day = DateField(_l("日期"), validators=[DataRequired(REQUIRED)])
    is_working_day = SelectField(_l("调整为"), choices=[("0", _l("休息日（增加假日）")), ("1", _l("工作日（调休上班）"))])
    region = StringField(_l("适用地区（6位行政区划代码，留空为全部地区）"),
                         validators=[Optional(), Regexp(r"^\d{6}$", message=_l("行政区划代码为6位数字。"))])
    reason = StringField(_l("调整原因"), validators=[DataRequired(REQUIRED), Length(max=200)])
    submit = SubmitField(_l("保存并重算在办件期限"))


class CalendarYearForm(FlaskForm):
    year = IntegerField(_l("年份"), validators=[DataRequired(REQUIRED), NumberRange(2000, 2100)])
    note = StringField(_l("依据（如国务院办公厅通知文号）"), validators=[DataRequired(REQUIRED), Length(max=200)])
    submit = SubmitField(_l("确认该年度安排已录入"))
