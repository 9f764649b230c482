"""差评整改: the supervisor's call-back and rectification form (the work order's `approve`).

The work order is filed by the system when an applicant gives a bad rating (/ratings); the
filing form below exists only because every open service has one: it lists the applicant's bad
ratings that have no work order (normally none) and the handler explains the rest.
"""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.domain.ratings import BAD_LEVELS, CALLBACK_SUMMARY_MAX, MEASURES_MAX
from app.domain.workflow import Action

REQUIRED = _l("此项为必填项。")


class WorkOrderRequestForm(FlaskForm):
    rating_id = SelectField(_l("需要整改的评价"), validate_choice=False, validators=[DataRequired(REQUIRED)],
                            description=_l("作出“不满意”或“非常不满意”评价时，系统自动生成差评整改工单，无需单独申请。"))
    submit = SubmitField(_l("生成差评整改工单"))

    def __init__(self, *args, **kwargs):
        from app.extensions import db
        from app.models.ratings import Rating

        super().__init__(*args, **kwargs)
        ratings = db.session.scalars(select(Rating).where(
            Rating.rater_user_id == current_user.id, Rating.work_order_id.is_(None),
            Rating.level.in_([level.value for level in BAD_LEVELS])))
        self.rating_id.choices = [(str(r.id), str(r.id)) for r in ratings]


class CallbackForm(FlaskForm):
    """回访 and 整改: a work order closes only with both."""

    callback_date = DateField(_l("回访日期"), validators=[DataRequired(_l("请填写回访日期（格式：年-月-日）。"))])
    callback_contact_made = RadioField(_l("是否联系到评价人"), choices=[
        ("yes", _l("已联系到评价人")), ("no", _l("多次联系未能联系到"))], validators=[InputRequired(REQUIRED)])
    callback_summary = TextAreaField(_l("回访情况"), validators=[DataRequired(REQUIRED), Length(max=CALLBACK_SUMMARY_MAX)],
                                     description=_l("评价人反映的问题、核实的情况、评价人的意见。"))
    measures = TextAreaField(_l("整改措施"), validators=[DataRequired(REQUIRED), Length(max=MEASURES_MAX)],
                             description=_l("已经采取的整改措施；经核实无需整改的，写明核实情况和理由。"))
    submit = SubmitField(_l("登记回访并办结工单"))


SERVICE_CODE = "rating_rectification"
FORM = WorkOrderRequestForm
ACTION_FORMS = {Action.APPROVE: CallbackForm}
