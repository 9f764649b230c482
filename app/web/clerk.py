"""The window clerk's workbench: the unit's queue."""
from flask import Blueprint, render_template

from app.web.guards import require_staff

bp = Blueprint("clerk", __name__, url_prefix="/desk")
bp.before_request(require_staff)


@bp.route("/")
def queue():
    return render_template("clerk/queue.html", items=[])
