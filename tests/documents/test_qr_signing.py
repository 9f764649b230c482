"""QR codes and signed verification links."""
from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from app.documents.qr import qr_data_uri_svg, qr_matrix, qr_png, qr_svg
from app.documents.signing import SigningKeys, content_sha256, verification_url

KEY_OLD = "test1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
KEY_NEW = "test2:2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c"
HASH = content_sha256({"number": "WCR-2026-000123", "name": "张三", "id_number": "11010519491231002X"})
URL = "http://localhost/verify/WCR-2026-000123?s=test2.abc"


# --------------------------------------------------------------------- QR

def _svg_modules(svg: str) -> set[tuple[int, int]]:
    """Dark modules drawn by qr_svg's path (each run is a stroke ``M x,y.5 H x2``)."""
    path = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}path")
    assert path.get("stroke-width") == "1" and path.get("fill") == "none"
    cells = set()
    for x0, y, x1 in re.findall(r"M(\d+),(\d+)\.5H(\d+)", path.get("d")):
        cells.update((int(y), x) for x in range(int(x0), int(x1)))
    return cells


def test_qr_svg_is_inline_markup_of_exactly_the_matrix():
    svg = qr_svg(URL)
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert 'id="' not in svg  # several codes can share one page
    root = ET.fromstring(svg)
    assert root.get("width") is None and root.get("height") is None  # sized by CSS
    matrix = qr_matrix(URL)
    n = len(matrix)
    assert root.get("viewBox") == f"0 0 {n} {n}"
    expected = {(r, c) for r in range(n) for c in range(n) if matrix[r][c]}
    assert _svg_modules(svg) == expected


def test_qr_uses_error_correction_m():
    import qrcode.constants

    from app.documents import qr as qr_module

    assert qr_module._qr(URL).error_correction == qrcode.constants.ERROR_CORRECT_M


def test_qr_png_matches_the_matrix():
    data = qr_png(URL, box_size=4)
    assert data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data)).convert("L")
    matrix = qr_matrix(URL)
    n = len(matrix)
    # qrcode's PNG adds its own border; find the scale and offset from the image size
    scale = 4
    offset = (image.size[0] - n * scale) // 2
    for r in range(n):
        for c in range(n):
            pixel = image.getpixel((offset + c * scale + scale // 2, offset + r * scale + scale // 2))
            assert (pixel < 128) == matrix[r][c]


def test_qr_data_uri_svg_roundtrip():
    uri = qr_data_uri_svg(URL)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == qr_svg(URL)


def test_qr_rejects_empty_data():
    with pytest.raises(ValueError):
        qr_svg("")


# --------------------------------------------------------------------- signing

def test_sign_and_verify_roundtrip():
    keys = SigningKeys(KEY_NEW)
    signature = keys.sign("criminal_record", "WCR-2026-000123", HASH)
    assert re.fullmatch(r"test2\.[A-Za-z0-9_-]{43}", signature)
    assert keys.verify("criminal_record", "WCR-2026-000123", HASH, signature)


def _flip(text: str, index: int) -> str:
    char = text[index]
    replacement = "A" if char != "A" else "B"
    return text[:index] + replacement + text[index + 1:]


@pytest.mark.parametrize("index", [0, 4, 9, 14])
def test_a_changed_character_in_the_number_fails(index):
    keys = SigningKeys(KEY_NEW)
    number = "WCR-2026-000123"
    signature = keys.sign("criminal_record", number, HASH)
    assert not keys.verify("criminal_record", _flip(number, index), HASH, signature)


@pytest.mark.parametrize("index", [0, 31, 63])
def test_a_changed_character_in_the_content_hash_fails(index):
    keys = SigningKeys(KEY_NEW)
    signature = keys.sign("criminal_record", "WCR-2026-000123", HASH)
    changed = HASH[:index] + ("0" if HASH[index] != "0" else "1") + HASH[index + 1:]
    assert not keys.verify("criminal_record", "WCR-2026-000123", changed, signature)


def test_every_changed_character_in_the_signature_fails():
    keys = SigningKeys(KEY_NEW)
    signature = keys.sign("criminal_record", "WCR-2026-000123", HASH)
    for index in range(len(signature)):
        assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, _flip(signature, index)), index
    assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, signature + "A")
    assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, signature[:-1])
    assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, "")
    assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, None)


def test_the_kind_is_bound():
    keys = SigningKeys(KEY_NEW)
    signature = keys.sign("criminal_record", "WCR-2026-000123", HASH)
    assert not keys.verify("truck_permit", "WCR-2026-000123", HASH, signature)


def test_old_signatures_verify_after_rotation():
    old = SigningKeys(KEY_OLD)
    signature = old.sign("criminal_record", "WCR-2026-000123", HASH)
    assert signature.startswith("test1.")
    rotated = SigningKeys(f"{KEY_NEW},{KEY_OLD}")  # the new key first: it signs from now on
    assert rotated.signing_kid == "test2"
    assert rotated.verify("criminal_record", "WCR-2026-000123", HASH, signature)
    assert rotated.sign("criminal_record", "WCR-2026-000123", HASH).startswith("test2.")
    # once the old key is removed, its signatures stop verifying
    assert not SigningKeys(KEY_NEW).verify("criminal_record", "WCR-2026-000123", HASH, signature)


def test_unknown_kid_fails():
    keys = SigningKeys(KEY_NEW)
    signature = keys.sign("criminal_record", "WCR-2026-000123", HASH)
    mac = signature.split(".", 1)[1]
    assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, f"test9.{mac}")
    assert not keys.verify("criminal_record", "WCR-2026-000123", HASH, mac)


def test_same_mac_under_another_kid_fails():
    # test1 and test3 share no key: a MAC made with test1 relabelled as test3 fails
    keys = SigningKeys(f"{KEY_NEW},{KEY_OLD},test3:" + "ab" * 32)
    signature = SigningKeys(KEY_OLD).sign("criminal_record", "N1", HASH)
    relabelled = "test3." + signature.split(".", 1)[1]
    assert not keys.verify("criminal_record", "N1", HASH, relabelled)


@pytest.mark.parametrize("config", [
    "", "   ", "nokey", "k1:", "k1:zz", "k1:0011", "bad kid:" + "00" * 32,
    "k.1:" + "00" * 32, f"{KEY_NEW},{KEY_NEW}",
])
def test_bad_key_config_is_rejected(config):
    with pytest.raises(ValueError):
        SigningKeys(config)


def test_repr_hides_key_material():
    assert "2b7e1516" not in repr(SigningKeys(KEY_NEW))


def test_content_sha256_is_canonical():
    a = content_sha256({"b": "2", "a": "张三"})
    b = content_sha256({"a": "张三", "b": "2"})
    assert a == b and re.fullmatch(r"[0-9a-f]{64}", a)
    assert content_sha256({"a": "张三", "b": "3"}) != a


def test_verification_url_is_url_safe():
    keys = SigningKeys(KEY_NEW)
    signature = keys.sign("criminal_record", "WCR-2026-000123", HASH)
    url = verification_url("https://jwtb.example.gov.cn/", "WCR-2026-000123", signature)
    assert url == f"https://jwtb.example.gov.cn/verify/WCR-2026-000123?s={signature}"
    parts = urlsplit(url)
    assert parse_qs(parts.query)["s"] == [signature]
    # odd characters in a number are percent-encoded, never break the path
    odd = verification_url("http://x", "A/B?C#D 许", signature)
    assert odd.startswith("http://x/verify/A%2FB%3FC%23D%20%E8%AE%B8?s=")
