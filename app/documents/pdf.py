"""PDF rendering of the written documents (Jinja2 → HTML → WeasyPrint → PDF).

Templates live in ``templates/documents/`` and share ``_base.html``; each template lists
its context keys in a Jinja comment at its top. Rendering uses a standalone Jinja2
environment (autoescape on for every template) so it works with or without a Flask app.

Resources: the only things WeasyPrint may load are files under the caller's ``static_dir``
(``static:documents/print.css`` or URLs relative to ``static_dir``) and ``data:`` URIs.
Anything else (http, https, ftp, ``file:`` outside ``static_dir``) is refused by
`StaticUrlFetcher` with a ``ValueError``; WeasyPrint then logs a warning and leaves the
resource out, so user text can never make the server fetch a URL.

Fonts: Noto Serif CJK SC / Noto Sans CJK SC / WenQuanYi Micro Hei (system fonts), embedded
as subsets. WeasyPrint 66 subsets with HarfBuzz (``hb_subset``) instead of fontTools
when ``libharfbuzz-subset`` can be loaded and HarfBuzz is ≥ 4.1.0; it subsets at all only
with ``full_fonts=False``, which `render_pdf` passes explicitly. See
`harfbuzz_subsetting_active`.
"""
from __future__ import annotations

import base64
import math
import mimetypes
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import jinja2
from markupsafe import Markup

from app.documents.qr import qr_svg
from app.timeutil import LOCAL_TZ

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
DOCUMENTS_DIR = "documents"

# Options that matter for fonts; see the module docstring.
PDF_OPTIONS: dict[str, Any] = {"full_fonts": False, "hinting": False}

_CN_DIGITS = "〇一二三四五六七八九"


# --------------------------------------------------------------------------- dates

def _cn_number(n: int) -> str:
    """1…31 in Chinese numerals as used in dates (十一, 二十, 三十一)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def _as_local_date(d: date | datetime) -> date:
    if isinstance(d, datetime):
        if d.tzinfo is not None:
            d = d.astimezone(LOCAL_TZ)
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected a date, got {type(d).__name__}")


def chinese_date(d: date | datetime) -> str:
    """Date in Chinese numerals for the 成文日期: ``二〇二六年十一月二十二日``.

    Aware datetimes are converted to Asia/Shanghai first.
    """
    d = _as_local_date(d)
    year = "".join(_CN_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"


def ymd(d: date | datetime) -> str:
    """``2026年11月22日`` (Arabic numerals, for dates inside the body text)."""
    d = _as_local_date(d)
    return f"{d.year}年{d.month}月{d.day}日"


def ymd_hm(d: datetime) -> str:
    """``2026年11月22日 09:05`` in Asia/Shanghai."""
    if not isinstance(d, datetime):
        return ymd(d)
    if d.tzinfo is not None:
        d = d.astimezone(LOCAL_TZ)
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


# --------------------------------------------------------------------------- seal

_SEAL_RED = "#d7000f"


_SEAL_OPEN = Markup(
    '<svg class="seal-svg" viewBox="0 0 200 200" xmlns="http://www.w3.org/2000/svg">'
    '<circle cx="100" cy="100" r="94" fill="none" stroke="{red}" stroke-width="6"/>'
    '<polygon points="{star}" fill="{red}"/>'
)
_SEAL_CHAR = Markup(
    '<text x="100" y="{y}" transform="rotate({angle} 100 100)" text-anchor="middle" '
    'font-size="{size}" fill="{red}" stroke="{red}" stroke-width="0.8" '
    'font-family="Noto Serif CJK SC">{char}</text>'
)
_SEAL_SUBTITLE = Markup(
    '<text x="100" y="158" text-anchor="middle" font-size="18" fill="{red}" stroke="{red}" '
    'stroke-width="0.6" font-family="Noto Serif CJK SC">{text}</text>'
)
_SEAL_CLOSE = Markup("</svg>")


def _seal_svg(name: str, subtitle: str = "") -> Markup:
    """A round red seal drawing (a rendering, not a real seal): the unit name on the
    upper arc, a five-pointed star in the middle and an optional subtitle below it.
    Text goes through ``Markup.format``, which escapes it."""
    chars = [c for c in str(name) if not c.isspace()] or ["印"]
    n = len(chars)
    span = min(250.0, 24.0 * (n - 1)) if n > 1 else 0.0
    step = span / (n - 1) if n > 1 else 0.0
    baseline_r = 62.0
    font_size = 27.0 if n <= 1 else min(27.0, 0.92 * baseline_r * math.radians(step))
    star = []
    for i in range(10):
        radius = 30.0 if i % 2 == 0 else 12.0
        angle = math.radians(-90 + 36 * i)
        star.append(f"{100 + radius * math.cos(angle):.2f},{102 + radius * math.sin(angle):.2f}")
    parts = [_SEAL_OPEN.format(red=_SEAL_RED, star=" ".join(star))]
    for i, char in enumerate(chars):
        parts.append(_SEAL_CHAR.format(
            y=f"{100 - baseline_r:.2f}", angle=f"{-span / 2 + i * step:.2f}",
            size=f"{font_size:.2f}", red=_SEAL_RED, char=char,
        ))
    if subtitle:
        parts.append(_SEAL_SUBTITLE.format(red=_SEAL_RED, text=subtitle))
    parts.append(_SEAL_CLOSE)
    return Markup("").join(parts)


# --------------------------------------------------------------------------- jinja

class _Undefined(jinja2.StrictUndefined):
    """Missing keys fail loudly when printed or iterated, but test false in ``{% if %}``
    so optional keys need no ``is defined`` boilerplate."""

    def __bool__(self) -> bool:
        return False


def _inline_qr(data: str) -> Markup:
    # Safe: ElementTree-built SVG of the QR geometry only; no text from `data` is emitted.
    return Markup(qr_svg(str(data)))  # noqa: S704


@lru_cache(maxsize=4)
def _environment(templates_dir: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=_Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cn_date=chinese_date, ymd=ymd, ymd_hm=ymd_hm, cn_num=_cn_number)
    env.globals.update(qr_svg=_inline_qr, seal_svg=_seal_svg)
    return env


def _template_path(template_name: str) -> str:
    name = template_name.removeprefix(f"{DOCUMENTS_DIR}/")
    if not name.endswith(".html") or "/" in name or "\\" in name or name.startswith(("_", ".")):
        raise ValueError(f"not a document template: {template_name!r}")
    return f"{DOCUMENTS_DIR}/{name}"


def render_html(template_name: str, context: Mapping[str, Any]) -> str:
    """Render ``templates/documents/<template_name>`` with `context` (autoescaped)."""
    env = _environment(str(TEMPLATES_DIR))
    return env.get_template(_template_path(template_name)).render(dict(context))


# --------------------------------------------------------------------------- fetching

class StaticUrlFetcher:
    """WeasyPrint ``url_fetcher`` that serves only files under `static_dir` and ``data:``.

    Accepted: ``static:<path>`` (relative to `static_dir`), ``file:`` URLs that resolve
    (symlinks included) inside `static_dir` — which is what relative URLs become with
    ``base_url=static_dir`` — and ``data:`` URIs. Everything else raises ``ValueError``.
    """

    def __init__(self, static_dir: Path | str):
        self.root = Path(static_dir).resolve()
        self.refused: list[str] = []

    def __call__(self, url: str, timeout: float = 10, ssl_context: Any = None,
                 http_headers: Any = None) -> dict[str, Any]:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme == "static":
            path = self._inside(self.root / unquote(url.split(":", 1)[1].split("?")[0].split("#")[0]
                                                     ).lstrip("/"), url)
        elif scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                self._refuse(url)
            path = self._inside(Path(url2pathname(parts.path)), url)
        else:
            self._refuse(url)
        mime_type = mimetypes.guess_type(path.name)[0]
        return {
            "string": path.read_bytes(),
            "mime_type": mime_type,
            "encoding": "utf-8" if mime_type == "text/css" else None,
            "redirected_url": path.as_uri(),
            "filename": path.name,
        }

    def _refuse(self, url: str) -> NoReturn:
        self.refused.append(url)
        raise ValueError(f"document resources must come from the static folder: {url[:100]!r}")

    def _inside(self, path: Path, url: str) -> Path:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            self._refuse(url)
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            self._refuse(url)
        return resolved

    @staticmethod
    def _data(url: str) -> dict[str, Any]:
        header, sep, payload = url[5:].partition(",")
        if not sep:
            raise ValueError("malformed data: URI")
        params = header.split(";")
        mime_type = params[0] or "text/plain"
        if "base64" in params[1:]:
            data = base64.b64decode(unquote(payload), validate=False)
        else:
            data = unquote_to_bytes(payload)
        return {"string": data, "mime_type": mime_type}


# --------------------------------------------------------------------------- PDF

def harfbuzz_subsetting_active() -> bool:
    """Whether WeasyPrint will subset embedded fonts with HarfBuzz rather than fontTools.

    Mirrors ``weasyprint.pdf.fonts.Font.subset`` in WeasyPrint 66: HarfBuzz is used when
    the optional ``libharfbuzz-subset`` library was loaded (``text.ffi.harfbuzz_subset``,
    opened with ``allow_fail=True``) and ``hb_version_atleast(4, 1, 0)``; subsetting
    happens only with ``full_fonts=False`` (our `PDF_OPTIONS`). No other option exists.
    """
    from weasyprint.pdf import fonts as wp_fonts

    if PDF_OPTIONS.get("full_fonts"):
        return False
    return bool(wp_fonts.harfbuzz_subset) and bool(wp_fonts.harfbuzz.hb_version_atleast(4, 1, 0))


def html_to_pdf(html: str, *, static_dir: Path | str) -> bytes:
    """HTML → PDF bytes with the static-only fetcher and our font options."""
    from weasyprint import HTML

    fetcher = StaticUrlFetcher(static_dir)
    document = HTML(string=html, base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(template_name: str, context: Mapping[str, Any], *, static_dir: Path) -> bytes:
    """Render ``templates/documents/<template_name>`` with `context` to PDF bytes."""
    return html_to_pdf(render_html(template_name, context), static_dir=static_dir)
