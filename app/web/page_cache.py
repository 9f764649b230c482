"""Public pages rendered once and served again to every anonymous visitor who asks for the same
thing (the tracking page a crowd opens from one QR code, the home page).

A page is kept under a key that names everything it is made of: for the tracking page its ETag
(the application, its last event and state, the minute shown, language, text size, explanation),
plus the host the links are written for and the path. A new event is a new key, so nothing is
ever served stale; old keys simply fall out (least recently used first). Kept per process and per
app, never in a shared cache: the response headers still say `private` (or `no-store`).

Only what any visitor would see is kept: nobody signed in (the header names the user), nothing
waiting in the session to be shown once (a flash belongs to one visitor), and only the page's
own query strings (the layout writes the path into its preference forms). Nor can a kept page
carry a CSRF token, which is one visitor's own: the layout's preference forms need none
(`security.refuse_cross_site`), and a kept page that asks for one fails to render. So an
anonymous visitor gets no session: no cookie to read, sign or set.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, Response, current_app, g, request, session

from app.web.security import signed_in

MAX_PAGES = 512  # × ~20 KB: ~10 MB a process at most
HTML = "text/html; charset=utf-8"


class RenderedPages:
    """A bounded least-recently-used map of page bodies (threads of one worker share it)."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        with self._lock:
            self._pages[key] = body
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def pages() -> RenderedPages:
    return current_app.extensions["rendered_pages"]


def seen_by_anyone(query_strings: frozenset[bytes]) -> bool:
    """This request would be answered with the same page for any visitor."""
    return (request.method == "GET" and request.query_string in query_strings
            and not signed_in() and "_flashes" not in session)


def serve(key: tuple, render: Callable[[], tuple[str | bytes, bool]], *, mimetype: str = HTML,
          query_strings: frozenset[bytes] = frozenset({b""}), anyone: bool | None = None) -> Response:
    """The page under `key`, rendered by `render` when it is not kept yet. `render` answers the
    body and whether it may be kept: not when what it loaded no longer matches the key (an event
    recorded between the key's query and the render), so that page is sent but not kept.
    `anyone`: the caller knows the page does not depend on the visitor (the tracking API's JSON)."""
    shared = anyone if anyone is not None else seen_by_anyone(query_strings)
    if shared and request.query_string in query_strings:
        # The links are written for PUBLIC_BASE_URL, else for the host asked (as public_base_url).
        site = current_app.config["PUBLIC_BASE_URL"] or (request.scheme, request.host)
        full_key = (*key, site, request.path, request.query_string)
        body = pages().get(full_key)
        if body is None:
            g.rendering_kept_page = True
            try:
                body, keep = _encoded(render())
            finally:
                g.rendering_kept_page = False
            if keep:
                pages().put(full_key, body)
        return Response(body, content_type=mimetype)
    body, _ = _encoded(render())
    return Response(body, content_type=mimetype)


def _encoded(rendered: tuple[str | bytes, bool]) -> tuple[bytes, bool]:
    body, keep = rendered
    return (body.encode() if isinstance(body, str) else body), keep


class KeptPageWithToken(RuntimeError):
    """A page meant for every visitor asked for one visitor's CSRF token."""


def _no_csrf_token() -> str:
    raise KeptPageWithToken("a page kept for every visitor cannot carry one visitor's CSRF token")


def init_app(app: Flask) -> None:
    app.extensions["rendered_pages"] = RenderedPages()

    @app.context_processor
    def kept_page_has_no_token():
        return {"csrf_token": _no_csrf_token} if g.get("rendering_kept_page") else {}
