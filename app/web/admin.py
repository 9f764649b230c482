"""Administration: staff accounts, units, the credit-code whitelist (the calendar comes later)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import STAFF_ROLES, Unit, UsccWhitelist, User
from app.operations import OperationError
from app.operations import accounts as account_ops
from app.web.forms import StaffAccountForm, WhitelistForm
from app.web.guards import require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_admin)


@bp.route("/")
def index():
    return render_template("admin/index.html")


def _unit_choices():
    return [(u.id, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.code))]


@bp.route("/staff", methods=["GET", "POST"])
def staff():
    form = StaffAccountForm()
    form.unit_id.choices = _unit_choices()
    status = 200
    if form.validate_on_submit():
        try:
            account_ops.create_staff_account(
                username=form.username.data, password=form.password.data,
                real_name=form.real_name.data, role=form.role.data, unit_id=form.unit_id.data,
                phone=form.phone.data, created_by=current_user,
            )
        except OperationError as exc:
            getattr(form, exc.field or "username").errors.append(exc.message)
            status = 422
        else:
            flash(_("工作人员账号已创建。"), "success")
            return redirect(url_for("admin.staff"))
    elif form.is_submitted():
        status = 422
    users = db.session.scalars(
        select(User).where(User.role.in_([r.value for r in STAFF_ROLES])).order_by(User.username)
    ).all()
    return render_template("admin/staff.html", form=form, users=users), status


@bp.route("/units")
def units():
    roots = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code)).all()
    return render_template("admin/units.html", roots=roots)


@bp.route("/uscc-whitelist", methods=["GET", "POST"])
def uscc_whitelist():
    form = WhitelistForm()
    status = 200
    if form.validate_on_submit():
        try:
            account_ops.add_uscc_whitelist(code=form.code.data, note=form.note.data)
        except OperationError as exc:
            form.code.errors.append(exc.message)
            status = 422
        else:
            flash(_("已加入白名单。"), "success")
            return redirect(url_for("admin.uscc_whitelist"))
    elif form.is_submitted():
        status = 422
    entries = db.session.scalars(select(UsccWhitelist).order_by(UsccWhitelist.code)).all()
    return render_template("admin/whitelist.html", form=form, entries=entries), status
