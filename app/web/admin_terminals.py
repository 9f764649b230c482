"""Administration of the self-service terminals (自助终端): issue a device credential bound to
a unit (shown once, to be entered into the device), see when each was last used, revoke one."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.extensions import db
from app.models.accounts import Unit
from app.operations import OperationError
from app.operations import terminals as terminal_ops
from app.web.guards import require_admin

bp = Blueprint("admin_terminals", __name__, url_prefix="/admin/terminals")
bp.before_request(require_admin)


class TerminalForm(FlaskForm):
    unit_id = SelectField(_l("所在单位"), coerce=int, validators=[DataRequired(_l("此项为必填项。"))])
    name = StringField(_l("终端名称"), validators=[DataRequired(_l("此项为必填项。")), Length(max=60)],
                       description=_l("如：一楼大厅1号机。"))
    submit = SubmitField(_l("登记终端并生成凭证"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("停用"))


@bp.route("/", methods=["GET", "POST"])
def index():
    form = TerminalForm()
    units = [(u.id, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.code))]
    form.unit_id.choices = units
    credential = None
    status = 200
    if form.validate_on_submit():
        try:
            device, credential = terminal_ops.issue(admin=current_user, unit_id=form.unit_id.data,
                                                    name=form.name.data, now=timeutil.now())
        except OperationError as exc:
            form.form_errors.append(exc.message)
            status = exc.status
        else:
            flash(_("已登记终端“%(name)s”。请将下方凭证录入该终端；凭证只显示这一次。", name=device.name), "success")
            form = TerminalForm(formdata=None)  # an empty form for the next one
            form.unit_id.choices = units
    elif form.is_submitted():
        status = 422
    response = render_template("admin/terminals.html", form=form, devices=terminal_ops.devices(),
                               credential=credential, revoke_form=RevokeForm(formdata=None)), status
    return response if credential is None else (response[0], status, {"Cache-Control": "no-store"})


@bp.route("/<int:device_id>/revoke", methods=["POST"])
def revoke(device_id: int):
    if RevokeForm().validate_on_submit():
        device = terminal_ops.revoke(admin=current_user, device_id=device_id, now=timeutil.now())
        flash(_("终端“%(name)s”已停用，其凭证不能再提交申请。", name=device.name), "success")
    return redirect(url_for("admin_terminals.index"))
