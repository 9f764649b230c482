"""警民直通车 / 服务企业直通车: the requester's form (kind, topic, what is asked; a complaint about
police conduct names the unit complained about), the unit's answer and its transfer (转办)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.catalogue import public_request as rules
from app.domain.workflow import Action
from app.extensions import db
from app.models.accounts import Unit
from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")


def _units(kinds) -> list[tuple[str, str]]:
    return [(unit.code, unit.name) for unit in db.session.scalars(
        select(Unit).where(Unit.kind.in_(kinds)).order_by(Unit.code))]


class PublicRequestForm(FlaskForm):
    kind = SelectField(_l("诉求类型"), choices=[], validators=[DataRequired(REQUIRED)],
                       description=_l("咨询2个工作日内答复；求助、建议10个工作日内；投诉、举报15个工作日内。"))
    topic = SelectField(_l("业务类别"), choices=[], validators=[DataRequired(REQUIRED)],
                        description=_l("按业务类别转交责任单位（户籍、治安：派出所；交通管理：交警大队；出入境：出入境管理部门）。"))
    subject = StringField(_l("诉求标题"), validators=[DataRequired(REQUIRED), Length(max=60)])
    content = TextAreaField(_l("诉求内容"), validators=[DataRequired(REQUIRED), Length(max=2000)],
                            description=_l("写明遇到的问题、经过和希望如何解决。"))
    police_conduct = BooleanField(_l("反映民警执法服务问题（12389，由督察部门受理，投诉人身份仅督察部门可见）"))
    complained_unit = SelectField(_l("被反映单位"), choices=[], validate_choice=False, validators=[Optional(), Length(max=32)])
    submit = SubmitField(_l("提交诉求"))

    service_data = service_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(code, _(name)) for code, name in rules.KINDS.items()]
        self.topic.choices = [(code, _(name)) for code, name in rules.TOPICS.items()]
        self.complained_unit.choices = [("", _("请选择"))] + _units(rules.TRANSFER_KINDS)


class AnswerForm(FlaskForm):
    """答复: the written answer (its PDF goes to the requester)."""

    opinion = TextAreaField(_l("答复意见"), validators=[DataRequired(REQUIRED), Length(max=4000)],
                            description=_l("答复将生成《诉求答复意见书》送达诉求人。"))
    submit = SubmitField(_l("出具答复意见书"))


class TransferForm(FlaskForm):
    """转办: to the unit that answers the matter; the answer limit keeps running."""

    to_unit = SelectField(_l("转办至"), choices=[], validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(_l("转办理由"), validators=[DataRequired(REQUIRED), Length(max=2000)],
                           description=_l("转办不重新计算答复时限，时限自原受理时起连续计算。"))
    submit = SubmitField(_l("转办"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_unit.choices = _units(rules.TRANSFER_KINDS)


SERVICE_CODE = rules.CODE
FORM = PublicRequestForm
ACTION_FORMS = {Action.APPROVE: AnswerForm, Action.TRANSFER: TransferForm}
