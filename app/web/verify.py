"""Public certificate verification opened from the certificate's QR code."""
from flask import Blueprint, render_template, request

from app.extensions import limiter
from app.operations import certificates as certificate_ops
from app.web.guards import allow_public

bp = Blueprint("verify", __name__, url_prefix="/verify")
bp.before_request(allow_public)


@bp.route("/<number>")
@limiter.limit("60 per minute")
def certificate(number: str):
    verdict = certificate_ops.verify(number, request.args.get("s", ""))
    return render_template("verify/result.html", verdict=verdict)
