"""The enterprise's seals (/my-seals): kind, anti-counterfeit code, shop, date and status of
each recorded seal, and reporting one lost (挂失), which cancels it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.domain.catalogue.seal_engraving import SEAL_ACTIVE
from app.domain.catalogue.seal_engraving import SERVICE as SEAL_SERVICE
from app.models.accounts import Role
from app.operations import OperationError
from app.operations import seals as seal_ops
from app.web.guards import require_applicant

bp = Blueprint("seals", __name__, url_prefix="/my-seals")
bp.before_request(require_applicant)
REQUIRED = _l("此项为必填项。")


class ReportLostForm(FlaskForm):
    reason = TextAreaField(_l("挂失原因"), validators=[DataRequired(REQUIRED), Length(max=seal_ops.MAX_REASON)],
                           description=_l("例如：印章于某日在某地遗失；被盗的，请同时向公安机关报案。"))
    confirm = BooleanField(_l("我确认挂失该印章。挂失后该印章即注销，不能再使用，如需使用须重新申请刻制。"),
                           validators=[DataRequired(_l("请勾选确认挂失。"))])
    submit = SubmitField(_l("确认挂失"))


@bp.route("/")
def index():
    seals = [seal_ops.seal_view(s) for s in seal_ops.seals_of(current_user)]
    return render_template("seals/index.html", seals=seals, service=SEAL_SERVICE,
                           is_enterprise=current_user.role_enum == Role.ENTERPRISE)


@bp.route("/<int:seal_id>/report-lost", methods=["GET", "POST"])
def report_lost(seal_id: int):
    seal = seal_ops.seal_of(current_user, seal_id)
    view = seal_ops.seal_view(seal)
    if seal.status != SEAL_ACTIVE:
        flash(_("该印章已挂失注销。"), "info")
        return redirect(url_for("seals.index"))
    form = ReportLostForm()
    status = 200
    if form.validate_on_submit():
        try:
            seal_ops.report_lost(current_user, seal_id, form.reason.data, now=timeutil.now())
        except OperationError as exc:
            if exc.status == 404:
                raise
            (form.reason.errors if exc.field == "reason" else form.form_errors).append(exc.message)
            status = exc.status
        else:
            flash(_("%(kind)s已挂失注销。如需重新刻制，可再次申请。", kind=_(view["kind_name"])), "success")
            return redirect(url_for("seals.index"))
    elif form.is_submitted():
        status = 422
    return render_template("seals/report_lost.html", seal=view, form=form), status
