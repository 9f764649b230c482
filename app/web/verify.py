"""Public certificate verification opened from the certificate's QR code."""
from flask import Blueprint, abort

from app.web.guards import allow_public

bp = Blueprint("verify", __name__, url_prefix="/verify")
bp.before_request(allow_public)


@bp.route("/<number>")
def certificate(number: str):
    abort(404)
