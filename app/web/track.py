"""Public tracking page opened from a QR code: /t/<token>."""
from flask import Blueprint, abort

from app.web.guards import allow_public

bp = Blueprint("track", __name__, url_prefix="/t")
bp.before_request(allow_public)


@bp.route("/<token>")
def page(token: str):
    abort(404)
