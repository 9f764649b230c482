"""Public certificate verification: opened from the certificate's QR code (a signed link), or
typed in — the number and the 核验码 printed beside the QR code."""
from flask import Blueprint, redirect, render_template, request, url_for

from app.extensions import limiter
from app.operations import certificates as certificate_ops
from app.web.guards import allow_public

bp = Blueprint("verify", __name__, url_prefix="/verify")
bp.before_request(allow_public)


@bp.route("/")
@limiter.limit("60 per minute")
def lookup():
    """The address printed on every certificate: a form for the number and the code."""
    number = request.args.get("number", "").strip()[:40]
    if number and request.args.get("code"):
        return redirect(url_for("verify.certificate", number=number, code=request.args["code"][:20]))
    return render_template("verify/lookup.html", number=number, code="", verdict=None)


@bp.route("/<number>")
@limiter.limit("60 per minute")
def certificate(number: str):
    code = request.args.get("code", "")[:20]
    verdict = certificate_ops.verify(number, request.args.get("s", ""), code)
    if verdict.status in ("needs_code", "no_match"):
        return render_template("verify/lookup.html", number=verdict.number, code=code, verdict=verdict)
    return render_template("verify/result.html", verdict=verdict)
