"""Public tracking page opened from a QR code: /t/<token> (the token is the capability)."""
from flask import Blueprint, Response, abort, render_template, url_for

from app import timeutil
from app.documents.qr import qr_png, qr_svg
from app.extensions import limiter
from app.operations.applications import by_tracking_token
from app.web.guards import allow_public
from app.web.presenters import tracking_json

bp = Blueprint("track", __name__, url_prefix="/t")
bp.before_request(allow_public)


def _load(token: str):
    application = by_tracking_token(token)
    if application is None:
        abort(404)
    return application


@bp.route("/<token>")
@limiter.limit("60 per minute")
def page(token: str):
    application = _load(token)
    url = url_for("track.page", token=token, _external=True)
    return render_template("track/page.html", t=tracking_json(application, now=timeutil.now()),
                           qr=qr_svg(url), token=token, url=url)


@bp.route("/<token>/qr.png")
@limiter.limit("60 per minute")
def qr_png_download(token: str):
    _load(token)
    png = qr_png(url_for("track.page", token=token, _external=True))
    return Response(png, mimetype="image/png",
                    headers={"Content-Disposition": "attachment; filename=tracking-qr.png"})
