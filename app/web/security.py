"""Security headers (with a per-request CSP nonce), login loading and the 401 behaviour.

A dozen lines of headers do not earn a dependency: the policy is ours and tested exactly.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from app.extensions import db, login_manager


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def set_security_headers(response):
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # same-origin: other sites learn nothing (no tracking token leaves in a Referer), while our
    # own HTTPS forms keep the Referer that CSRF's strict check compares with the host.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Pages carry personal data: never keep them in shared caches.
    if "Cache-Control" not in response.headers and not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def wants_json() -> bool:
    """The API, and the page scripts that ask for JSON (uploads)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app: Flask) -> None:
    from app.models.accounts import User

    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return jsonify(error="unauthorized", message=_("请先登录。")), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
