"""Language choice (Chinese first, English available) and the large-text mode (适老化)."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import get_translations
from flask_login import current_user

from app.web.security import signed_in

LANG_COOKIE = "lang"
LARGE_TEXT_COOKIE = "large_text"


def select_locale() -> str:
    """The request's language, chosen once per request (Babel, the layout and a page's validator
    all ask)."""
    if "locale" not in g:
        g.locale = _chosen_locale()
    return g.locale


def _chosen_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in supported:
        return chosen
    if signed_in() and current_user.language in supported:
        return current_user.language
    if request.blueprint == "api":
        # An API client says its language the HTTP way (pages keep Chinese first unless chosen).
        return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def large_text() -> bool:
    return request.cookies.get(LARGE_TEXT_COOKIE) == "1"


def page_translations():
    """Flask-Babel's catalogue for this request, looked up once: its own lookup costs some 35 µs
    a string, and a clerk's page asks for a hundred strings or more."""
    if "translations" not in g:
        g.translations = get_translations()
    return g.translations


def init_app(app: Flask) -> None:
    # As Flask-Babel installs them (after it), with the catalogue looked up once per request.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def inject_preferences():
        return {"current_lang": select_locale(), "large_text": large_text()}
