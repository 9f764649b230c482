"""12345热线转办工单: recorded by staff through the API (a staff token) under the hotline's order
number; the unit answers and transfers it with the 警民直通车 forms."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.domain.catalogue.public_request_hotline import CODE
from app.web.service_forms.public_request import ACTION_FORMS as DIRECT_LINE_ACTION_FORMS
from app.web.service_forms.public_request import REQUIRED, PublicRequestForm


class HotlineOrderForm(PublicRequestForm):
    """The 警民直通车 request plus the hotline's order number and the requester's name."""

    hotline_order_number = StringField(_l("12345工单编号"), validators=[DataRequired(REQUIRED), Length(max=32)],
                                       render_kw={"autocomplete": "off"})
    requester_name = StringField(_l("诉求人姓名"), validators=[DataRequired(REQUIRED), Length(max=60)])
    submit = SubmitField(_l("录入工单"))


SERVICE_CODE = CODE
FORM = HotlineOrderForm
ACTION_FORMS = DIRECT_LINE_ACTION_FORMS
