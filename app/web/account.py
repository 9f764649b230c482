"""The logged-in user's own profile (personal data masked even to the owner on screen)."""
from flask import Blueprint, render_template
from flask_login import current_user

from app.web.guards import require_login

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_request(require_login)


@bp.route("/")
def profile():
    return render_template("account/profile.html", user=current_user)
