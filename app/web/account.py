"""The logged-in user's own profile. The ID number and phone are masked here too, as the footer
promises (a screen is read over shoulders); the owner sees them in full after typing the
password again, on that one response only."""
import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import timeutil
from app.operations import InvalidInput, OperationError
from app.operations import accounts as account_ops
from app.web.forms import ChangePasswordForm, RevealForm
from app.web.guards import require_login
from app.web.security import start_session

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_request(require_login)
log = logging.getLogger(__name__)


def _profile(form: RevealForm, *, revealed: bool = False, status: int = 200):
    response = current_app.make_response(
        (render_template("account/profile.html", user=current_user, form=form, revealed=revealed), status))
    # Every page is no-store already (app/web/security.py); said here as well, because this one
    # is the page that holds the numbers in full.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
def profile():
    return _profile(RevealForm(formdata=None))


@bp.route("/reveal", methods=["POST"])
def reveal():
    """显示: the password again, then the full numbers in this response (a POST: never in a URL,
    a history entry or a cache). A wrong password is a failed login of the account."""
    form = RevealForm()
    if not form.validate_on_submit():
        return _profile(form, status=422)
    try:
        account_ops.confirm_password(
            current_user, form.password.data, now=timeutil.now(),
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"], ip=request.remote_addr)
    except OperationError as exc:
        form.password.errors.append(exc.message)
        return _profile(form, status=429 if exc.status == 429 else 422)
    log.info("own personal data shown in full user_id=%s", current_user.id)
    return _profile(RevealForm(formdata=None), revealed=True)


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """修改密码: afterwards every other session and API token of the account has ended. Every
    problem is shown at once (the form's and the password rules')."""
    form = ChangePasswordForm()
    if not form.is_submitted():
        return render_template("account/password.html", form=form)
    settings = {"now": timeutil.now(), "max_failures": current_app.config["LOGIN_MAX_FAILURES"],
                "lock_minutes": current_app.config["LOGIN_LOCK_MINUTES"], "ip": request.remote_addr}
    form_ok = form.validate_on_submit()
    try:
        if form_ok:
            account_ops.change_password(current_user, form.current_password.data, form.password.data, **settings)
        elif form.current_password.data and form.password.data:
            problems = account_ops.password_change_problems(
                current_user, form.current_password.data, form.password.data, **settings)
            if problems:
                raise InvalidInput(problems)
    except InvalidInput as refused:
        for error in refused.localized_errors():
            field = getattr(form, error["field"])
            field.errors = [*field.errors, error["message"]]
        return render_template("account/password.html", form=form), 422
    except OperationError as locked:
        form.current_password.errors = [*form.current_password.errors, locked.message]
        return render_template("account/password.html", form=form), locked.status
    if not form_ok:
        return render_template("account/password.html", form=form), 422
    start_session(current_user._get_current_object())
    flash(_("密码已修改。您在其他设备上的登录和接口访问令牌已全部失效。"), "success")
    return redirect(url_for("account.profile"))
