"""The access guards. Every blueprint registers exactly one of these as its first
`before_request` (tests/web/test_route_access.py proves it and walks the URL map).
"""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from app.models.accounts import Role


def allow_public() -> None:
    """Explicitly public: home, login, tracking by QR token, certificate verification."""


def _require(roles: frozenset[Role]) -> None:
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role_enum not in roles:
        abort(403)
    return None


def require_applicant():
    """Citizens and enterprises (and any logged-in account for its own profile pages)."""
    return _require(frozenset({Role.CITIZEN, Role.ENTERPRISE}))


def require_staff():
    """Window clerks, supervisors, traffic officers and engraving-shop operators."""
    return _require(frozenset({Role.CLERK, Role.SUPERVISOR, Role.OFFICER, Role.ADMIN, Role.SHOP}))


def require_admin():
    return _require(frozenset({Role.ADMIN}))


def require_supervisor():
    """The head of a unit (负责人): the unit's red items, extension approvals, figures."""
    return _require(frozenset({Role.SUPERVISOR}))


def require_shop():
    """Engraving-shop operators bound to a shop (seal engraving queue)."""
    refused = _require(frozenset({Role.SHOP}))
    if refused is None and current_user.shop_id is None:
        abort(403)
    return refused


def require_login():
    """Any logged-in account (account page, logout, documents checked per item)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


GUARDS = (allow_public, require_applicant, require_staff, require_admin, require_supervisor, require_login, require_shop)
