"""异议复核: the applicant's objection form and the clerk's review-opinion form."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.domain.catalogue.criminal_record_objection import REVIEW_OUTCOMES
from app.domain.workflow import Action
from app.operations.services.criminal_record_objection import objectable_applications

REQUIRED = _l("此项为必填项。")


class ObjectionForm(FlaskForm):
    original_number = SelectField(_l("提出异议的办件"), validators=[DataRequired(REQUIRED), Length(max=32)])
    reason = TextAreaField(_l("异议事项和理由"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("提交异议申请"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_number.choices = [(a.number, f"{a.number}") for a in objectable_applications(current_user)]


class ReviewOpinionForm(FlaskForm):
    outcome = SelectField(_l("复核结论"), choices=[(k, _l(v)) for k, v in REVIEW_OUTCOMES.items()])
    opinion = TextAreaField(_l("复核意见及理由"), validators=[DataRequired(REQUIRED), Length(max=4000)])
    submit = SubmitField(_l("出具复核意见书"))


SERVICE_CODE = "criminal_record_objection"
FORM = ObjectionForm
ACTION_FORMS = {Action.APPROVE: ReviewOpinionForm}
