"""Personal numbers inside free text (脱敏): what staff type for an applicant may hold an ID
number, a phone or a bank card ("请提供身份证号411002199003151234的户口簿，联系电话13812345678").
`scrub` masks them wherever such a text leaves the staff desk and the owner's own page.

The patterns are deliberately loose about how people type numbers (full-width digits from a
Chinese input method, a space or a hyphen between groups, a +86 prefix), and strict about
where a number ends: a number inside a longer run of letters and digits (an application number
such as FZ20261116000001, a token) is left alone, because masking part of it would hide
nothing and break the reference.
"""
from __future__ import annotations

import re
import unicodedata

from app.domain.identifiers import mask_id_number, mask_phone

# No letter or digit (ASCII or full-width) right before or after a number.
_BEFORE = r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
_AFTER = r"(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
_GAP = r"[ \-－]?"  # one optional space or hyphen, only where people group a number


def _d(count: int) -> str:
    return f"[0-9０-９]{{{count}}}"


def _pattern(*alternatives: str) -> re.Pattern:
    return re.compile(_BEFORE + "(" + "|".join(alternatives) + ")" + _AFTER)


# Mobiles first (3-4-4): "13812345678 13912345678" is two phones, not one longer number.
_MOBILE = re.compile(_BEFORE + r"(?:[+＋]?[8８][6６]" + _GAP + ")?"
                     + "([1１][3-9３-９][0-9０-９]" + _GAP + _d(4) + _GAP + _d(4) + ")" + _AFTER)
# 居民身份证号码: 18 characters, the last may be X (as typed, or 6-8-4, or 6-4-4-4), or the old 15
# digits (6-6-3).
_X = "[0-9０-９XxＸｘ]"
_ID_NUMBER = _pattern(_d(6) + _GAP + _d(4) + _GAP + _d(4) + _GAP + _d(3) + _X,
                      _d(6) + _GAP + _d(6) + _GAP + _d(3))
# Bank cards (银行卡号): 16 to 19 digits, as typed or in groups of four. An 18-digit one is
# caught as an ID number first, which masks it as tightly.
_CARD = _pattern(_d(4) + f"(?:{_GAP}{_d(4)}){{3}}(?:{_GAP}[0-9０-９]{{1,3}})?", "[0-9０-９]{16,19}")
# Landlines (固定电话) with their area code: 0371-12345678, (0374)1234567, 010 87654321.
_LANDLINE = re.compile(_BEFORE + r"[(（]?([0０][0-9０-９]{2,3})[)）]?" + _GAP + "([0-9０-９]{7,8})" + _AFTER)

_CARD_KEEP = 4


def _plain(text: str) -> str:
    """The number as digits only (full-width → ASCII, gaps dropped, x → X)."""
    return re.sub(r"[ \-]", "", unicodedata.normalize("NFKC", text)).upper()


def _mask_card(number: str) -> str:
    return number[:_CARD_KEEP] + "*" * (len(number) - _CARD_KEEP)


def _mask_landline(match: re.Match) -> str:
    return _plain(match.group(1)) + "-" + "*" * len(_plain(match.group(2)))


def scrub(text: str | None) -> str:
    """`text` with every ID number, mobile, bank card and landline number masked."""
    if not text:
        return ""
    text = _MOBILE.sub(lambda m: mask_phone(_plain(m.group(1))), text)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(_plain(m.group(1))), text)
    text = _CARD.sub(lambda m: _mask_card(_plain(m.group(1))), text)
    return _LANDLINE.sub(_mask_landline, text)


def has_personal_number(text: str) -> bool:
    """Whether `scrub` would change anything (for tests and checks)."""
    return any(pattern.search(text or "") for pattern in (_MOBILE, _ID_NUMBER, _CARD, _LANDLINE))
