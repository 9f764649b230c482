"""QR codes for tracking and verification links (error correction level M).

`qr_svg` gives inline SVG markup (a single vector path, scales to any print size) for
embedding in HTML templates; `qr_png` gives PNG bytes for screens and downloads;
`qr_data_uri_svg` gives a ``data:`` URI for an ``<img src=...>``.
"""
from __future__ import annotations

import base64
import functools
import io
import xml.etree.ElementTree as ET

import qrcode
import qrcode.constants
import qrcode.image.svg

_SVG_NS = "http://www.w3.org/2000/svg"
_BORDER = 2  # quiet zone in modules; the printed layout adds white space around it


def _qr(data: str) -> qrcode.QRCode:
    if not isinstance(data, str) or not data:
        raise ValueError("QR data must be a non-empty string")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=_BORDER)
    code.add_data(data)
    code.make(fit=True)
    return code


class _RunPathImage(qrcode.image.svg.SvgPathImage):
    """The qrcode package's SVG path image, drawing each horizontal run of dark modules
    as one stroke of width 1 (``M x,y+½ H x2``) instead of one filled square per module.

    Same ``<svg>``/``<path>`` structure and viewBox; a butt-capped stroke covers exactly
    the run's modules. That is ~4× fewer path numbers for WeasyPrint to parse in Python
    (the stock drawer costs tens of milliseconds per certificate), no hairline seams
    between neighbouring modules, and no per-module Python drawer calls.
    """

    needs_drawrect = False
    QR_PATH_STYLE = {
        "fill": "none",
        "stroke": "#000000",
        "stroke-width": "1",
        "stroke-linecap": "butt",
    }

    def process(self):
        size = len(self.modules)
        for row_index, row in enumerate(self.modules):
            y = f"{row_index + self.border}.5"
            col = 0
            while col < size:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < size and row[col]:
                    col += 1
                self._subpaths.append(f"M{start + self.border},{y}H{col + self.border}")
        super().process()


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix (quiet zone included) that `qr_svg` and `qr_png` draw."""
    return _qr(data).get_matrix()


# A QR code of a URL never changes: each is drawn once per process (qrcode's mask search is
# the slow part of a tracking page otherwise). A few thousand entries of a few KB each.
QR_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=QR_CACHE_SIZE)
def qr_svg(data: str) -> str:
    """Inline SVG markup (no XML declaration, no fixed size, no ids) for `data`.

    The element scales to its CSS box (``viewBox`` only), so templates size it with CSS.
    """
    image = _qr(data).make_image(image_factory=_RunPathImage)
    root = image.get_image()
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("class", "qr")
    root.set("shape-rendering", "crispEdges")
    for element in root.iter():
        element.attrib.pop("id", None)
    ET.register_namespace("", _SVG_NS)
    return ET.tostring(root, encoding="unicode")


@functools.lru_cache(maxsize=QR_CACHE_SIZE)
def qr_png(data: str, *, box_size: int = 8) -> bytes:
    """PNG bytes of the QR code for `data` (black on white, `box_size` pixels per module)."""
    code = _qr(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri_svg(data: str) -> str:
    """``data:image/svg+xml;base64,...`` URI of `qr_svg(data)`, for ``<img src=...>``."""
    svg = qr_svg(data)
    if "xmlns=" not in svg:  # pragma: no cover - ElementTree always writes it
        svg = svg.replace("<svg", f'<svg xmlns="{_SVG_NS}"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
