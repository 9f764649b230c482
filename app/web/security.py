"""Security headers, login loading and the 401 behaviour.

A dozen lines of headers do not earn a dependency: the policy is ours and tested exactly.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app import timeutil
from app.extensions import db, login_manager
from app.models.accounts import User

# No page has an inline script (every script is a file under /static/), so the policy is one
# string: no per-request nonce that nothing would carry.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # same-origin: other sites learn nothing (no tracking token leaves in a Referer), while our
    # own HTTPS forms keep the Referer that CSRF's strict check compares with the host.
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def set_security_headers(response):
    """The portal's headers on every response, except where the view chose a stricter one itself
    (the roadside permit check sends no Referer at all: its URL carries a signature)."""
    headers = response.headers
    present = {key.lower() for key, _ in headers}
    for key, value in SECURITY_HEADERS:
        if key.lower() not in present:
            headers.add(key, value)
    if request.is_secure:
        headers.add(*HSTS)
    # Pages carry personal data: never keep them in shared caches.
    if "cache-control" not in present and not request.path.startswith("/static/"):
        headers.add("Cache-Control", "no-store")
    return response


def refuse_cross_site() -> None:
    """For forms that change only this browser's own preference cookie (language, text size),
    in place of a CSRF token: a token would give every anonymous visitor a session, and every
    public page a Set-Cookie, for nothing of theirs to protect. What the token is for — another
    site making the browser post — is refused by what the browser says of the request's origin:
    Sec-Fetch-Site (every current browser), else Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site not in ("same-origin", "none"):
            abort(403)
        return
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        abort(403)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a request without the cookie (every anonymous
    visitor of a public page) gets its empty session without a signer being built for nothing."""

    def open_session(self, app, request):
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def signed_in() -> bool:
    """Whether someone is signed in, without building Flask-Login's anonymous user (its session
    protection hashes the address and agent) for a visitor whose session holds no login: the
    portal signs in only through the session (no remember cookie, no request loader)."""
    return "_user_id" in session and current_user.is_authenticated


def start_session(user) -> None:
    """A new session for a login: the old contents dropped (the cookie changes), the login
    and last-seen times kept for the timeouts."""
    session.clear()
    login_user(user)
    stamp = timeutil.now().timestamp()
    session["login_at"] = session["seen_at"] = stamp


def enforce_session_timeouts():
    """Idle (SESSION_IDLE_MINUTES) and absolute (SESSION_ABSOLUTE_HOURS) limits of a login;
    the last-seen time is written at most once a minute (not a new cookie on every page)."""
    if "_user_id" not in session:
        return None
    now = timeutil.now().timestamp()
    login_at, seen_at = session.get("login_at", 0), session.get("seen_at", 0)
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if now - seen_at > idle or now - login_at > absolute:
        logout_user()
        session.pop("login_at", None)
        session.pop("seen_at", None)
        return None
    if now - seen_at > 60:
        session["seen_at"] = now
    return None


def wants_json() -> bool:
    """The API, and the page scripts that ask for JSON (uploads)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


# Built once (its cache key with it): every signed-in page asks.
_SESSION_USER = select(User).options(joinedload(User.unit)).where(User.id == bindparam("user_id"))


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    app.after_request(set_security_headers)

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        """Only a cookie of the user's current session version (ended sessions stay ended). A
        staff member's unit comes in the same query: the staff pages name it."""
        user_id, _, version = session_id.partition(".")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.execute(_SESSION_USER, {"user_id": int(user_id)}).scalar()
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user

    app.before_request(enforce_session_timeouts)

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return jsonify(error="unauthorized", message=_("请先登录。")), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
