"""Administration: staff accounts, units, the credit-code whitelist, the calendar, background work."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.jobs import runner
from app.models.accounts import STAFF_ROLES, Unit, UsccWhitelist, User
from app.operations import OperationError
from app.operations import accounts as account_ops
from app.operations import notifications as notification_ops
from app.web.forms import (
    AccountActiveForm,
    CalendarOverrideForm,
    CalendarYearForm,
    SignOutEverywhereForm,
    StaffAccountForm,
    UnlockForm,
    WhitelistForm,
)
from app.web.guards import require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")


class ConfirmDeleteForm(FlaskForm):
    """A bare form: only its CSRF token matters."""
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
    locked = account_ops.locked_usernames([u.username for u in users], now=timeutil.now())
    return render_template("admin/staff.html", form=form, users=users, locked=locked,
                           unlock_form=UnlockForm(formdata=None),
                           sign_out_form=SignOutEverywhereForm(formdata=None, prefix="signout"),
                           active_form=AccountActiveForm(formdata=None, prefix="active")), status


@bp.route("/unlock", methods=["POST"])
def unlock():
    """解除锁定: any account's login locks (citizens are not listed: their username is typed)."""
    form = UnlockForm()
    if not form.validate_on_submit():
        flash(_("请填写要解除锁定的用户名。"), "error")
    elif account_ops.unlock(form.username.data.strip(), by=current_user, now=timeutil.now()):
        flash(_("已解除该账号的登录锁定。"), "success")
    else:
        flash(_("该账号当前未被锁定，失败计数已清零。"), "info")
    return redirect(url_for("admin.staff"))


@bp.route("/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere():
    """Every session and API token of an account ends at once (audited)."""
    form = SignOutEverywhereForm(prefix="signout")
    if not form.validate_on_submit():
        flash(_("请填写要退出登录的用户名。"), "error")
    elif account_ops.sign_out_everywhere(form.username.data, by=current_user):
        flash(_("该账号的所有登录和访问令牌已失效，须重新登录。"), "success")
    else:
        flash(_("未找到该用户名。"), "error")
    return redirect(url_for("admin.staff"))


@bp.route("/account-status", methods=["POST"])
def account_status():
    """停用 / 启用: a disabled account is signed out everywhere and cannot log in (audited)."""
    form = AccountActiveForm(prefix="active")
    if not form.validate_on_submit():
        flash(_("请填写要停用或启用的用户名。"), "error")
        return redirect(url_for("admin.staff"))
    try:
        user = account_ops.set_active(form.username.data, bool(form.enable.data), by=current_user)
    except OperationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.staff"))
    if user is None:
        flash(_("未找到该用户名。"), "error")
    elif user.active:
        flash(_("该账号已重新启用，可以登录。"), "success")
    else:
        flash(_("该账号已停用：所有登录和访问令牌已失效，启用前不能登录。"), "success")
    return redirect(url_for("admin.staff"))


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


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """Local overrides (extra holidays / working days), loading a year's schedule, recomputing."""
    from app import timeutil
    from app.domain.calendar import official_schedule_years
    from app.models.applications import Application, CalendarOverrideRow
    from app.operations import calendar as calendar_ops

    form, year_form = CalendarOverrideForm(prefix="o"), CalendarYearForm(prefix="y")
    status = 200
    if form.submit.data and form.validate_on_submit():
        try:
            calendar_ops.add_override(day=form.day.data, is_working_day=form.is_working_day.data == "1",
                                      reason=form.reason.data, region=form.region.data or None,
                                      user_id=current_user.id)
        except OperationError as exc:
            getattr(form, exc.field or "day").errors.append(exc.message)
            status = 422
        else:
            flash(_("已保存，在办件期限正在后台重新计算，几分钟内完成。"), "success")
            return redirect(url_for("admin.calendar"))
    elif year_form.submit.data and year_form.validate_on_submit():
        count = calendar_ops.mark_year_loaded(year=year_form.year.data, note=year_form.note.data,
                                              user_id=current_user.id)
        flash(_("%(year)s年度安排已确认，%(count)s件在办件的期限正在后台重新计算。", year=year_form.year.data,
                count=count),
              "success")
        return redirect(url_for("admin.calendar"))
    elif form.is_submitted():
        status = 422
    this_year = timeutil.today().year
    calendar_now = calendar_ops.load_calendar()
    package_years = sorted(official_schedule_years())
    provisional_open = db.session.scalar(
        select(db.func.count(Application.id)).where(Application.provisional_calendar.is_(True))) or 0
    overrides = db.session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day.desc())).all()
    return render_template(
        "admin/calendar.html", form=form, year_form=year_form, overrides=overrides,
        package_range=(package_years[0], package_years[-1]) if package_years else None,
        loaded_years=sorted(calendar_ops.loaded_years()),
        provisional=calendar_now.provisional_years(this_year, this_year + 1),
        provisional_open=provisional_open, delete_form=ConfirmDeleteForm(),
    ), status


@bp.route("/calendar/<int:override_id>/delete", methods=["POST"])
def delete_override(override_id: int):
    from app.operations import calendar as calendar_ops

    if not ConfirmDeleteForm().validate_on_submit():
        abort(400)
    calendar_ops.remove_override(override_id)
    flash(_("已删除，在办件期限正在后台重新计算，几分钟内完成。"), "success")
    return redirect(url_for("admin.calendar"))


@bp.route("/jobs")
def jobs():
    """Background work: how much is waiting, and the dead letters (jobs and messages that gave up)."""
    return render_template("admin/jobs.html", counts=runner.counts(), failed_jobs=runner.failed_jobs(),
                           failed_messages=notification_ops.failed_messages(), form=ConfirmDeleteForm(),
                           mode=current_app.config["JOBS_MODE"])


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
def retry_job(job_id: int):
    if not ConfirmDeleteForm().validate_on_submit():
        abort(400)
    try:
        runner.retry(job_id)
    except runner.JobNotFound:
        abort(404)
    flash(_("已重新排队，稍后刷新查看结果。"), "success")
    return redirect(url_for("admin.jobs"))


@bp.route("/messages/<int:notification_id>/retry", methods=["POST"])
def retry_message(notification_id: int):
    if not ConfirmDeleteForm().validate_on_submit():
        abort(400)
    if not notification_ops.retry_failed(notification_id, now=timeutil.now()):
        abort(404)
    flash(_("消息已重新排队发送。"), "success")
    return redirect(url_for("admin.jobs"))
