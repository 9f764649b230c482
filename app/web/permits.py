"""Truck permits on the web.

- `/permit/<number>?s=<signature>` (public, rate limited): the roadside check a traffic
  officer opens from the permit's QR code — valid / not yet valid / expired / revoked for
  that plate now, the zones and windows, and whether now is inside a window.
- `/my/permits` (the applicant): my permits and requests with what the checks found, and
  each permit's page with its QR code for showing on a phone.
- `/desk/permits` (the traffic brigade's staff): the unit's permits and revocation.

One module, three blueprints, each with exactly one access guard: the public parent and
two nested children (a child's guard runs after the parent's no-op public guard).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.documents.qr import qr_svg
from app.domain.catalogue import truck_permit as rules
from app.domain.catalogue.truck_permit import SERVICE
from app.extensions import limiter
from app.models.accounts import Role
from app.models.permits import PermitState
from app.operations import OperationError
from app.operations import permits as permit_ops
from app.web.guards import allow_public, require_applicant, require_staff

bp = Blueprint("permits", __name__)
bp.before_request(allow_public)
holder_bp = Blueprint("holder", __name__, url_prefix="/my/permits")
holder_bp.before_request(require_applicant)
desk_bp = Blueprint("desk", __name__, url_prefix="/desk/permits")
desk_bp.before_request(require_staff)


# --- public: the roadside check -----------------------------------------------------------------


@bp.route("/permit/<number>")
@limiter.limit("60 per minute")
def roadside(number: str):
    view = permit_ops.roadside_check(number, request.args.get("s", ""), now=timeutil.now())
    response = render_template("permits/roadside.html", v=view)
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


# --- the holder ---------------------------------------------------------------------------------


def _summary(permit, now):
    """What a list row or a page shows of a permit or a request."""
    check = permit.check_result or {}
    status = permit_ops.status_of(permit, now) if permit.status in (PermitState.ISSUED, PermitState.REVOKED) else None
    return {
        "permit": permit,
        "zones": [rules.ZONES[c] for c in permit.zones if c in rules.ZONES],
        "windows": "、".join(permit.windows),
        "daily_hours": rules.duration_text(rules.daily_minutes(permit_ops.windows_of(permit))),
        "status": status.value if status else permit.status,
        "status_name": _(rules.PERMIT_STATUS_NAMES[status]) if status else {
            PermitState.PENDING: _("待交警大队审核"), PermitState.NOT_ISSUED: _("未核发")}.get(permit.status, ""),
        "reasons": [rules.Finding.from_dict(item) for item in check.get("reasons", [])],
        "review": [rules.Finding.from_dict(item) for item in check.get("review", [])],
        "application": permit.application,
    }


@holder_bp.route("/")
def mine():
    now = timeutil.now()
    rows = [_summary(p, now) for p in permit_ops.permits_of(current_user)]
    return render_template("permits/mine.html", rows=rows, service=SERVICE)


@holder_bp.route("/<int:permit_id>")
def holder_page(permit_id: int):
    permit = permit_ops.permit_for_holder(current_user, permit_id)
    view = _summary(permit, timeutil.now())
    certificate = permit_ops.certificate_of(permit)
    url = permit_ops.roadside_url(certificate) if certificate else None
    return render_template("permits/holder.html", v=view, qr=qr_svg(url) if url else None, url=url,
                           document_id=certificate.document_id if certificate else None)


# --- the traffic brigade ---------------------------------------------------------------------------


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("撤销理由"), validators=[DataRequired(_l("请填写撤销理由。")), Length(max=300)],
                           description=_l("撤销理由将告知通行证持有人；路面核查页面只显示“已撤销”。"))
    submit = SubmitField(_l("撤销通行证"))


@desk_bp.route("/")
def unit_list():
    plate = (request.args.get("plate") or "").strip() or None
    now = timeutil.now()
    rows = [_summary(p, now) for p in permit_ops.unit_permits(current_user, plate=plate)]
    return render_template("permits/desk_list.html", rows=rows, plate=plate or "")


@desk_bp.route("/<int:permit_id>", methods=["GET", "POST"])
def desk_page(permit_id: int):
    permit = permit_ops.permit_for_staff(current_user, permit_id)
    form = RevokeForm()
    status = 200
    if form.validate_on_submit():
        try:
            permit_ops.revoke_by_staff(current_user, permit_id, form.reason.data, now=timeutil.now())
        except OperationError as exc:
            form.form_errors.append(exc.message)
            status = exc.status
        else:
            flash(_("通行证已撤销。"), "success")
            return redirect(url_for("permits.desk.desk_page", permit_id=permit_id))
    elif form.is_submitted():
        status = 422
    view = _summary(permit, timeutil.now())
    certificate = permit_ops.certificate_of(permit)
    return render_template("permits/desk_page.html", v=view, form=form,
                           url=permit_ops.roadside_url(certificate) if certificate else None,
                           is_supervisor=current_user.role_enum == Role.SUPERVISOR), status


bp.register_blueprint(holder_bp)
bp.register_blueprint(desk_bp)
