"""企业信用修复 filing form: the penalty whose credit mark is to be repaired (from the police's
penalty records of the enterprise) and the correction of the conduct. The proof of performance
and the credit commitment are the service's upload slots; the rules (in the handler) decide."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.domain.catalogue import credit_repair as rules
from app.operations.services.credit_repair import repairable_penalties
from app.web.service_forms import service_data

REQUIRED = _l("此项为必填项。")


class CreditRepairForm(FlaskForm):
    # Choices are the enterprise's penalties whose credit mark still stands; the rules refuse
    # any other (and say why a penalty not yet carried out cannot be repaired).
    penalty_decision_number = RadioField(
        _l("申请修复的行政处罚决定"), choices=[], validate_choice=False,
        validators=[DataRequired(_l(rules.CreditRepairFiling.missing_messages["penalty_decision_number"][1])),
                    Length(max=60)],
        description=_l("列出公安机关行政处罚信息中导致本企业信用等级降低、尚未修复的处罚决定。"))
    conduct_corrected = BooleanField(_l("本企业已纠正上述违法行为"))
    correction_measures = TextAreaField(
        _l("整改情况"), validators=[DataRequired(REQUIRED), Length(max=1000)],
        description=_l("说明纠正违法行为采取的措施，如建立查验登记制度、开展员工培训等。"))
    submit = SubmitField(_l("提交申请"))

    service_data = service_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.penalty_decision_number.choices = [
            (p.decision_number, _("%(number)s（%(authority)s，%(sanction)s；%(state)s）", number=p.decision_number,
                                  authority=p.authority, sanction=p.sanction,
                                  state=_("已于%(day)s履行完毕", day=p.carried_out_on.isoformat()) if p.carried_out_on
                                  else _("尚未履行完毕")))
            for p in repairable_penalties(current_user)
        ]


SERVICE_CODE = rules.CODE
FORM = CreditRepairForm
