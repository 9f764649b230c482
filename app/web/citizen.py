"""Citizen and enterprise pages: my applications, filing, documents."""
from flask import Blueprint, render_template

from app.web.guards import require_applicant

bp = Blueprint("citizen", __name__, url_prefix="/my")
bp.before_request(require_applicant)


@bp.route("/")
def dashboard():
    return render_template("citizen/dashboard.html", applications=[])


@bp.route("/apply/<service_code>")
def new_application(service_code: str):
    return render_template("citizen/dashboard.html", applications=[])
