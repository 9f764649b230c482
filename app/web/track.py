"""Public tracking page opened from a QR code: /t/<token> (the token is the capability)."""
from flask import Blueprint, Response, abort, make_response, render_template, request
from flask_login import current_user

from app import timeutil
from app.documents.qr import qr_png, qr_svg
from app.extensions import limiter
from app.operations.applications import by_tracking_token
from app.web.guards import allow_public
from app.web.i18n import large_text, select_locale
from app.web.links import external_url
from app.web.presenters import revalidate, tracking_etag, tracking_json

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
    now = timeutil.now()
    explain = request.args.get("explain") == "1"
    # The page's header shows who is signed in: another visitor (or signing out) is another page.
    tag = tracking_etag(application, now, "page", select_locale(), "1" if large_text() else "0", str(explain),
                        str(current_user.get_id()))
    if tag in request.if_none_match:
        return revalidate(Response(status=304), tag)
    url = external_url("track.page", token=token)
    response = make_response(render_template("track/page.html", t=tracking_json(application, now=now, explain=explain),
                                             qr=qr_svg(url), token=token, url=url, explain=explain))
    return revalidate(response, tag)





@bp.route("/<token>/qr.png")
@limiter.limit("60 per minute")
def qr_png_download(token: str):
    _load(token)
    png = qr_png(external_url("track.page", token=token))
    return Response(png, mimetype="image/png",
                    headers={"Content-Disposition": "attachment; filename=tracking-qr.png"})
