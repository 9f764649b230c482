"""Public tracking page opened from a QR code: /t/<token> (the token is the capability)."""
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import timeutil
from app.documents.qr import qr_png, qr_svg
from app.extensions import limiter
from app.operations.applications import by_number_and_last_four, by_tracking_token, tracking_head
from app.web import page_cache
from app.web.forms import TrackingLookupForm
from app.web.guards import allow_public
from app.web.i18n import large_text, select_locale
from app.web.links import external_url
from app.web.presenters import revalidate, tracking_etag, tracking_json
from app.web.security import signed_in

bp = Blueprint("track", __name__, url_prefix="/t")
bp.before_request(allow_public)


def _load(token: str):
    application = by_tracking_token(token)
    if application is None:
        abort(404)
    return application


def _looked_up_number() -> str:
    return "lookup:" + (request.form.get("number") or "").strip().upper()[:32]


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_looked_up_number,
               deduct_when=lambda response: response.status_code != 303)
def lookup():
    """查询办理进度 by 办件编号 and the last four digits the applicant knows; the tracking page's
    32-character token stays the QR code's capability. Tries are limited per address and per
    number, and a wrong pair gets the same answer as an unknown number."""
    form = TrackingLookupForm(data={"number": request.args.get("number", "")[:32]} if request.method == "GET" else None)
    if not form.validate_on_submit():
        return render_template("track/lookup.html", form=form), 422 if form.is_submitted() else 200
    application = by_number_and_last_four(form.number.data, form.last_four.data)
    if application is None:
        form.last_four.errors = [_("未找到与该办件编号和号码后四位相符的办件。请核对回执上的办件编号，以及申请时登记的手机号码"
                                   "（或企业统一社会信用代码）的后四位。")]
        return render_template("track/lookup.html", form=form), 404
    return redirect(url_for("track.page", token=application.tracking_token), 303)


@bp.route("/<token>")
@limiter.limit("60 per minute")
def page(token: str):
    head = tracking_head(token)
    if head is None:
        abort(404)
    now = timeutil.now()
    explain = request.args.get("explain") == "1"
    # The page's header shows who is signed in: another visitor (or signing out) is another page.
    tag = tracking_etag(head, now, "page", select_locale(), "1" if large_text() else "0", str(explain),
                        str(current_user.get_id() if signed_in() else None))
    if tag in request.if_none_match:
        return revalidate(Response(status=304), tag)

    def render() -> tuple[str, bool]:
        application = _load(token)
        url = external_url("track.page", token=token)
        body = render_template("track/page.html", t=tracking_json(application, now=now, explain=explain),
                               qr=qr_svg(url), token=token, url=url, explain=explain)
        return body, application.event_count == head.event_count

    return revalidate(page_cache.serve(("track.page", tag), render, query_strings=PAGE_QUERIES), tag)


PAGE_QUERIES = frozenset({b"", b"explain=1"})


@bp.route("/<token>/qr.png")
@limiter.limit("60 per minute")
def qr_png_download(token: str):
    _load(token)
    png = qr_png(external_url("track.page", token=token))
    return Response(png, mimetype="image/png",
                    headers={"Content-Disposition": "attachment; filename=tracking-qr.png"})
