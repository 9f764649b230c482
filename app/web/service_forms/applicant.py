"""The applicant's forms shared by every service: answering a correction, withdrawing, stating
a justified cause for a missed 容缺 deadline."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.tolerance import CAUSE_KIND_NAMES

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


class UrgentForm(FlaskForm):
    """加急办: the applicant's urgent need, for the head of the unit to approve or refuse."""

    urgent_reason = TextAreaField(_l("加急理由"), validators=[DataRequired(_l("请写明加急的理由。")), Length(max=2000)],
                           description=_l("写明紧急需求（如出境、入职、投标的日期），负责人审批后书面告知结果。"))
    submit = SubmitField(_l("申请加急办"))


class CauseForm(FlaskForm):
    """陈述正当理由 (违诺认定): why the promised materials came late."""

    cause_kind = RadioField(_l("正当理由类别"), choices=[(k.value, _l(name)) for k, name in CAUSE_KIND_NAMES.items()],
                            validators=[DataRequired(_l("请选择正当理由的类别。"))])
    statement = TextAreaField(_l("具体情况说明"), validators=[DataRequired(_l("请说明逾期未补齐材料的具体原因。")),
                                                           Length(max=2000)],
                              description=_l("说明未能按期补齐的原因、经过和时间，例如出具证明的部门何时受理、何时办结；"
                                             "负责人将据此决定是否将您列入违诺名单。"))
    submit = SubmitField(_l("提交理由"))


class ReopenForm(FlaskForm):
    """重新办理 (public_request): an answered request, reopened once by the unsatisfied requester."""

    reason = TextAreaField(_l("不满意的原因"), validators=[DataRequired(_l("请说明对答复不满意的原因。")), Length(max=2000)])
    submit = SubmitField(_l("申请重新办理"))
