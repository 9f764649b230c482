"""Public pages: home with the service catalogue, language and text-size preferences."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import timeutil
from app.extensions import csrf
from app.operations import settings as settings_ops
from app.web import page_cache
from app.web.auth import safe_next
from app.web.guards import allow_public
from app.web.i18n import LANG_COOKIE, LARGE_TEXT_COOKIE, large_text, select_locale
from app.web.security import refuse_cross_site

bp = Blueprint("public", __name__)
bp.before_request(allow_public)

LIMIT_NAMES = {
    "acceptance": _l("受理时限"),
    "correction_reply": _l("补正答复期限"),
    "promised": _l("承诺时限"),
    "statutory": _l("法定时限"),
    "extension": _l("可延长"),
    "delivery": _l("送达时限"),
    "commitment": _l("容缺补齐期限"),
}
ONE_YEAR = 365 * 24 * 3600
# 办件编号: the service's prefix, the filing date and a sequence (FZ20261201000001).
APPLICATION_NUMBER = re.compile(r"[A-Z]{2,4}\d{14}")


# The list changes only with the settings in force (limits, steps): it is rendered once per
# language and settings, and the kept home page is keyed by the same settings.
_SERVICE_LISTS: dict[tuple, Markup] = {}


def service_list(services, made_of: str) -> Markup:
    key = (select_locale(), made_of)
    if key not in _SERVICE_LISTS:
        _SERVICE_LISTS[key] = Markup(render_template(  # noqa: S704 (an autoescaped template)
            "public/_service_list.html", services=services))
    return _SERVICE_LISTS[key]


@bp.route("/")
def home():
    services, made_of = settings_ops.published_listed_at(timeutil.now())
    return page_cache.serve(("public.home", select_locale(), large_text(), made_of),
                            lambda: (render_template("public/home.html", service_list=service_list(services, made_of)),
                                     True))


def _back():
    return redirect(safe_next(request.form.get("next")) or url_for("public.home"))


@bp.route("/prefs/language", methods=["POST"])
@csrf.exempt
def set_language():
    refuse_cross_site()
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    response = _back()
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/prefs/text-size", methods=["POST"])
@csrf.exempt
def set_text_size():
    refuse_cross_site()
    large = request.form.get("large") == "1"
    response = _back()
    response.set_cookie(LARGE_TEXT_COOKIE, "1" if large else "0", max_age=ONE_YEAR, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/track")
def track_lookup():
    """The home page's lookup box: a pasted tracking token or tracking URL."""
    token = (request.args.get("token") or "").strip().rstrip("/").rsplit("/", 1)[-1]
    if not token:
        return redirect(url_for("public.home"))
    if APPLICATION_NUMBER.fullmatch(token.upper()):
        # A 办件编号 is not a capability: the lookup asks for what only the applicant knows.
        return redirect(url_for("track.lookup", number=token.upper()))
    return redirect(url_for("track.page", token=token))
