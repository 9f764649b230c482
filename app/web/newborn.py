"""新生儿落户条件自查: a parent checks the five "全省通办" conditions against the registries
before filing. Logged-in citizens only (it reads the family's registry data); the
certificate number travels in the POST body, never in the URL."""
from __future__ import annotations

from flask import Blueprint, render_template, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.domain.catalogue import newborn_registration as rules
from app.extensions import limiter
from app.operations import OperationError
from app.operations.services import newborn_registration as newborn_ops
from app.web.guards import require_applicant
from app.web.service_forms.newborn_registration import SESSION_KEY

bp = Blueprint("newborn", __name__, url_prefix="/newborn")
bp.before_request(require_applicant)


class CheckForm(FlaskForm):
    birth_certificate_number = StringField(
        _l("出生医学证明编号"), validators=[DataRequired(_l("请填写出生医学证明编号。")), Length(max=20)],
        description=_l("《出生医学证明》右上角的编号，例如 Q411000101。"), render_kw={"autocomplete": "off"})
    receiving_parent = RadioField(_l("落户方式"), choices=[("father", _l("随父落户（落入父亲的家庭户）")),
                                                       ("mother", _l("随母落户（落入母亲的家庭户）"))],
                                  default="father", validators=[DataRequired(_l("请选择随父落户或随母落户。"))])
    submit = SubmitField(_l("查询是否符合条件"))


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def check():
    form = CheckForm()
    result, status = None, 200
    if form.validate_on_submit():
        try:
            result = newborn_ops.check(current_user, form.birth_certificate_number.data, form.receiving_parent.data,
                                       now=timeutil.now())
        except OperationError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            (field.errors if field is not None else form.form_errors).append(exc.message)
            status = exc.status if exc.status in (403, 409, 422) else 422
            session.pop(SESSION_KEY, None)
        else:
            if result.may_file:
                session[SESSION_KEY] = {"certificate": result.certificate_number, "receiving": result.receiving}
            else:
                session.pop(SESSION_KEY, None)
    elif form.is_submitted():
        status = 422
    return render_template("newborn/check.html", form=form, result=result, service=rules.SERVICE,
                           titles=rules.CONDITION_TITLES, receiving_names=rules.RECEIVING_PARENTS,
                           sex_names=newborn_ops.SEX_NAMES), status
