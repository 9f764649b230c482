"""好差评 for applicants: rate an ended matter once; a bad rating's work order is then tracked
like any application (/my/applications/<id>)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app import timeutil
from app.domain.catalogue import get_service
from app.domain.ratings import COMMENT_MAX, LEVEL_NAMES, LEVELS, is_bad, ratable
from app.operations import OperationError
from app.operations import applications as application_ops
from app.operations import ratings as rating_ops
from app.web.guards import require_applicant

bp = Blueprint("ratings", __name__, url_prefix="/ratings")
bp.before_request(require_applicant)


class RatingForm(FlaskForm):
    level = RadioField(_l("评价等级"), choices=[(level.value, _l(LEVEL_NAMES[level])) for level in LEVELS],
                       validators=[InputRequired(_l("请选择评价等级。"))])
    comment = TextAreaField(_l("评价内容（选填）"), validators=[Optional(), Length(max=COMMENT_MAX, message=_l(
        "评价内容不能超过500字。"))], description=_l("可写明满意或不满意的具体方面，最多500字。"))
    submit = SubmitField(_l("提交评价"))


@bp.route("/")
def index():
    return render_template("ratings/index.html", items=rating_ops.my_ratable(current_user), level_names=LEVEL_NAMES)


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
def rate(application_id: int):
    application = application_ops.get_visible(current_user, application_id)
    service = get_service(application.service_code)
    rating = rating_ops.rating_for(application.id)
    form = RatingForm()
    status = 200
    if rating is None and form.validate_on_submit():
        try:
            rating = rating_ops.rate(user=current_user, application_id=application.id, level=form.level.data,
                                     comment=form.comment.data or "", now=timeutil.now())
        except OperationError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            (field.errors if field is not None else form.form_errors).append(exc.message)
            status = exc.status if exc.status in (409, 422) else 422
            rating = rating_ops.rating_for(application.id)
        else:
            if is_bad(rating.level):
                flash(_("感谢您的评价。已生成差评整改工单，承办单位将在15个工作日内回访并反馈整改情况。"), "success")
            else:
                flash(_("感谢您的评价。"), "success")
            return redirect(url_for("ratings.rate", application_id=application.id))
    elif form.is_submitted():
        if rating is not None:
            form.form_errors.append(_("该办件已经评价过，每件事项只能评价一次。"))
            status = 409
        else:
            status = 422
    return render_template("ratings/rate.html", application=application, service=service, rating=rating,
                           form=form, ratable=ratable(service, application.state),
                           level_names=LEVEL_NAMES), status
