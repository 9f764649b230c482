"""Login, logout and registration (real-name citizens, enterprises by credit code)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app import timeutil
from app.extensions import limiter
from app.operations import OperationError
from app.operations import accounts as account_ops
from app.web.forms import CitizenRegistrationForm, EnterpriseRegistrationForm, LoginForm
from app.web.guards import allow_public
from app.web.navigation import home_url
from app.web.security import start_session

bp = Blueprint("auth", __name__, url_prefix="/auth")
bp.before_request(allow_public)


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user) -> str:
    return home_url(user)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_IP"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = account_ops.authenticate(
                form.username.data,
                form.password.data,
                now=timeutil.now(),
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
                ip=request.remote_addr,
            )
        except OperationError as exc:
            form.password.errors.append(exc.message)
            return render_template("auth/login.html", form=form), exc.status
        start_session(user)
        return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends this and every other session of the account, and its API tokens."""
    if current_user.is_authenticated:
        account_ops.end_all_sessions(current_user)
        logout_user()
        session.clear()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("public.home"))


def _register(form, operation, page: dict, fields: tuple[str, ...]):
    template = "auth/register.html"
    if form.validate_on_submit():
        try:
            user = operation(
                **{name: getattr(form, name).data for name in fields},
                password=form.password.data,
                today=timeutil.today(),
            )
        except OperationError as exc:
            target = getattr(form, exc.field, None) if exc.field else None
            (target.errors if target is not None else form.form_errors).append(exc.message)
            return render_template(template, form=form, **page), 422
        start_session(user)
        flash(_("注册成功，欢迎使用警务通办。"), "success")
        return redirect(home_for(user))
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **page), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def register_citizen():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return _register(
        CitizenRegistrationForm(),
        account_ops.register_citizen,
        {"title": _("个人实名注册"), "lead": _("请填写本人真实姓名和公民身份号码，系统将与户籍信息核验。")},
        ("username", "real_name", "id_number", "phone"),
    )


@bp.route("/register/enterprise", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def register_enterprise():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return _register(
        EnterpriseRegistrationForm(),
        account_ops.register_enterprise,
        {"title": _("企业注册"), "lead": _("企业账号与统一社会信用代码绑定，系统将与企业登记信息核验。")},
        ("username", "uscc", "legal_rep_name", "legal_rep_id_number", "contact_name", "phone"),
    )
