"""The applicant's forms shared by every service: answering a correction, withdrawing."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REQUIRED = _l("此项为必填项。")


class ResubmitForm(FlaskForm):
    note = TextAreaField(_l("补正说明"), validators=[DataRequired(REQUIRED), Length(max=1000)],
                         description=_l("逐项说明已补正的内容；需补正的材料请在上方逐项上传，无需再到窗口送交纸质材料。"))
    submit = SubmitField(_l("提交补正"))


class SupplyForm(FlaskForm):
    submit = SubmitField(_l("提交容缺补齐材料"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("撤回原因（可不填）"), validators=[Optional(), Length(max=500)])
    confirm = BooleanField(_l("我已知悉：撤回后本件办理即终止，已提交的材料不再审查；如需办理须重新申请。"),
                           validators=[DataRequired(_l("请勾选确认后再撤回申请。"))])
    submit = SubmitField(_l("撤回申请"))
