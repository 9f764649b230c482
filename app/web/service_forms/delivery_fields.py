"""办件寄递 fields for the filing form of any service whose catalogue switches on `Step.ISSUE`:
collect the result at the window, or have it posted to the recipient and address given. The
schema (`app.domain.catalogue.schema.DeliveryFields`) has the last word."""
from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import Length, Optional

DELIVERY_METHODS = {"collect": _l("到窗口领取"), "post": _l("邮寄送达（寄递到指定地址）")}


def _delivery_fields() -> dict:
    """Made afresh for each form: WTForms orders fields by when they were made, and these come
    after the service's own questions."""
    return {
        "delivery_method": RadioField(_l("办理结果领取方式"), choices=list(DELIVERY_METHODS.items()),
                                      default="collect", validators=[Optional()]),
        "recipient_name": StringField(_l("收件人"), validators=[Optional(), Length(max=60)],
                                      description=_l("选择邮寄送达时填写。")),
        "recipient_phone": StringField(_l("收件人手机号码"), validators=[Optional(), Length(max=20)],
                                       render_kw={"autocomplete": "off", "inputmode": "tel"}),
        "recipient_address": StringField(_l("收件地址"), validators=[Optional(), Length(max=200)],
                                         description=_l("写明省、市、区县、街道和门牌号。")),
    }


@cache
def with_delivery_fields(form: type) -> type:
    """The service's filing form with the 寄递 choice after its own fields."""
    return type(form.__name__, (form,), {**_delivery_fields(), "__doc__": form.__doc__, "__module__": form.__module__})
