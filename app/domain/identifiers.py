"""Identifiers people type into the portal: citizen ID numbers (居民身份证号码),
unified social credit codes (统一社会信用代码), mobile numbers and vehicle plates.

Every validator normalises what a person is likely to type (surrounding spaces,
full-width characters from a Chinese input method, lower-case letters) and
either returns the canonical form or raises :class:`InvalidIdentifier`, whose
``code`` is stable for programs and whose ``message`` is shown to citizens.

The masking helpers at the end are for display on public or shared screens
(tracking pages, clerk queues); they never raise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import uscc as stdnum_uscc

from app.domain.text import N_


class InvalidIdentifier(ValueError):
    """An identifier failed validation.

    ``code`` is a stable machine-readable reason (``"id_number.checksum"``);
    ``message`` is a Chinese sentence fit to show the person who typed it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"InvalidIdentifier({self.code!r}, {self.message!r})"


def _normalise(value: object, *, drop: str = " ") -> str:
    """Canonical text for validation: NFKC (full-width ``１２Ｘ`` → ``12X``),
    upper case, without the given filler characters anywhere."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    for char in drop:
        text = text.replace(char, "")
    return text


# --- Citizen ID number (居民身份证号码, GB 11643-1999) ---------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Check character for r = Σ mod 11, r = 0 … 10 (ISO 7064 MOD 11-2).
_ID_CHECK_CHARS = "10X98765432"
_ID_PATTERN = re.compile(r"\d{17}[\dX]")
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_ID_MESSAGES = {
    "id_number.format": N_("身份证号码应为18位，由17位数字和1位数字或字母X组成，请核对后重新输入"),
    "id_number.checksum": N_("身份证号码校验位不正确，请核对后重新输入"),
    "id_number.birth_date": N_("身份证号码中的出生日期无效，请核对后重新输入"),
    "id_number.region": N_("身份证号码中的地区代码无效，请核对后重新输入"),
}

# Residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证,
# since 2018) use the citizen ID format with these region codes.
_SPECIAL_REGION_CODES = frozenset({"810000", "820000", "830000"})

# Prefecture-level divisions created after the GB/T 2260 snapshot that stdnum ships
# (about 2014): 儋州市, 昌都市, 林芝市, 山南市, 那曲市, 吐鲁番市, 哈密市.
_NEWER_PREFECTURES = frozenset({"4604", "5403", "5404", "5405", "5406", "6504", "6505"})


def _id_error(code: str) -> InvalidIdentifier:
    return InvalidIdentifier(code, _ID_MESSAGES[code])


@dataclass(frozen=True)
class CitizenId:
    """A parsed, valid citizen ID number (居民身份证号码)."""

    number: str
    region_code: str  # 6-digit administrative division code (行政区划代码)
    birth_date: date
    sex: str  # "M" (odd sequence) or "F" (even sequence)

    def age_on(self, day: date) -> int:
        """Age in full years on ``day`` (周岁)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


def check_character(first17: str) -> str:
    """The 18th character (校验码) for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_character needs exactly 17 ASCII digits")
    pairs = zip(first17, _ID_WEIGHTS, strict=True)
    remainder = sum(int(digit) * weight for digit, weight in pairs) % 11
    return _ID_CHECK_CHARS[remainder]


@lru_cache(maxsize=1)
def _known_region_codes() -> tuple[frozenset[str], frozenset[str]]:
    """County-level codes from stdnum's GB/T 2260 table, and their 4-digit
    prefecture prefixes. The table keeps abolished codes (崇文区 110103), which
    matters because an ID number keeps the code it was issued under."""
    codes: set[str] = set()
    for _length, low, high, _props, _children in numdb.get("cn/loc").prefixes:
        codes.update(str(code) for code in range(int(low), int(high) + 1))
    prefectures = {code[:4] for code in codes} | _NEWER_PREFECTURES
    return frozenset(codes | _SPECIAL_REGION_CODES), frozenset(prefectures)


def is_known_region(region_code: str) -> bool:
    """Whether a 6-digit code is a plausible birth-registration region.

    stdnum's table stops around 2014, so districts created since (北京市密云区
    110118, 杭州市临安区 330112 …) are missing from it. Refusing those would lock
    out real people, so a code inside a known prefecture is accepted too; a code
    in an unknown province or prefecture (990105) is refused.
    """
    if len(region_code) != 6 or not region_code.isascii() or not region_code.isdigit():
        return False
    codes, prefectures = _known_region_codes()
    return region_code in codes or region_code[:4] in prefectures


def parse_citizen_id(value: str, *, today: date) -> CitizenId:
    """Validate an 18-character citizen ID number and split it into its parts.

    Checks, in the order a typist most likely goes wrong: format, check
    character, birth date (a real date, not before 1900-01-01, not after
    ``today``), region code.
    """
    number = _normalise(value)
    if not _ID_PATTERN.fullmatch(number):
        raise _id_error("id_number.format")
    if check_character(number[:17]) != number[17]:
        raise _id_error("id_number.checksum")
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _id_error("id_number.birth_date") from None
    if not _EARLIEST_BIRTH_DATE <= birth_date <= today:
        raise _id_error("id_number.birth_date")
    region_code = number[:6]
    if not is_known_region(region_code):
        raise _id_error("id_number.region")
    sex = "M" if int(number[14:17]) % 2 else "F"
    return CitizenId(number=number, region_code=region_code, birth_date=birth_date, sex=sex)


def make_citizen_id(region_code: str, birth_date: date, sequence: int) -> str:
    """Compose a valid ID number, e.g. to allocate one to a newborn.

    ``sequence`` (顺序码) is 1…999; odd numbers are for males, even for females.
    Whether the number is still free is for the caller (the registry) to check.
    """
    if not is_known_region(region_code):
        raise _id_error("id_number.region")
    if not 1 <= sequence <= 999:
        raise ValueError("sequence must be between 1 and 999")
    if birth_date < _EARLIEST_BIRTH_DATE:
        raise _id_error("id_number.birth_date")
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


# --- Unified social credit code (统一社会信用代码, GB 32100-2015) -----------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Position 1 registration authority, 2 entity type: alphabet characters
# (authorities include A, N and Y, which is why stdnum's "first 8 digits" rule is
# too strict); 3-8 the region code; 9-17 the organisation code; 18 the check.
_USCC_PATTERN = re.compile(rf"[{_USCC_ALPHABET}]{{2}}\d{{6}}[{_USCC_ALPHABET}]{{10}}")

_USCC_MESSAGES = {
    "uscc.format": N_("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z），请核对后重新输入"),
    "uscc.checksum": N_("统一社会信用代码校验位不正确，请核对后重新输入"),
}


def _uscc_error(code: str) -> InvalidIdentifier:
    return InvalidIdentifier(code, _USCC_MESSAGES[code])


def make_uscc(first17: str) -> str:
    """Append the check character to 17 code characters (seeds synthetic enterprises)."""
    body = _normalise(first17, drop=" -")
    if not _USCC_PATTERN.fullmatch(body + "0"):
        raise _uscc_error("uscc.format")
    # stdnum sums over the first 17 characters only, so the placeholder is ignored.
    return body + stdnum_uscc.calc_check_digit(body + "0")


def validate_uscc(value: str, *, whitelist: Collection[str] = ()) -> str:
    """Validate a unified social credit code and return its canonical form.

    ``whitelist`` holds legal codes from the early pilots that fail the checksum
    (admin-maintained); they pass if their format is right.
    """
    code = _normalise(value, drop=" -")
    if not _USCC_PATTERN.fullmatch(code):
        raise _uscc_error("uscc.format")
    if stdnum_uscc.calc_check_digit(code) == code[-1]:
        return code
    if code in {_normalise(item, drop=" -") for item in whitelist}:
        return code
    raise _uscc_error("uscc.checksum")


# --- Mobile numbers and vehicle plates ---------------------------------------------

_MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")


def citizen_id_shape(value: str) -> str:
    """The checks of `parse_citizen_id` that need no clock — format, check character, a real
    birth date, region — for the filing schemas (which have none); the number, normalised. A
    filing still checks the birth date against today."""
    return parse_citizen_id(value, today=date.max).number


def validate_mobile(value: str) -> str:
    """A mainland mobile number (手机号码) as 11 digits.

    Spaces, hyphens and a leading +86 / 0086 are tolerated because that is how
    people copy numbers from contacts.
    """
    number = _normalise(value, drop=" -()")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
            break
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    if not _MOBILE_PATTERN.fullmatch(number):
        raise InvalidIdentifier("mobile.format", N_("请输入正确的11位手机号码"))
    return number


_PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Plates never use I or O (too close to 1 and 0).
_PLATE_LETTER = "A-HJ-NP-Z"
_PLATE_CHAR = f"{_PLATE_LETTER}0-9"
_PLATE_PATTERN = re.compile(
    rf"[{_PROVINCE_ABBREVIATIONS}][{_PLATE_LETTER}]"
    "(?:"
    rf"[{_PLATE_CHAR}]{{5}}"  # ordinary: 豫A12345, 豫AB123C
    rf"|[{_PLATE_CHAR}]{{4}}[挂学警港澳]"  # trailer, coach, police, HK/Macao
    # New-energy (新能源), loosely: small cars put an energy letter first (D/F,
    # recently also A-K), large vehicles put D/F last.
    r"|[A-HJK][A-HJ-NP-Z0-9]\d{4}"
    r"|\d{5}[DF]"
    ")"
)


def validate_plate(value: str) -> str:
    """A mainland vehicle plate number (号牌号码) without separators: 豫A12345."""
    plate = _normalise(value, drop=" -·•.")
    if not _PLATE_PATTERN.fullmatch(plate):
        raise InvalidIdentifier("plate.format", N_("车牌号码格式不正确，请核对后重新输入"))
    return plate


# --- Masking for display (脱敏) ---------------------------------------------------


def _mask(value: object, keep_start: int, keep_end: int) -> str:
    """Keep the ends, star the middle; too short to keep both ends → all stars,
    since revealing a short value whole would defeat the mask."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end :]


# What a masked ID number keeps: the region code (6) and the birth year (4) of an 18-character
# number. Never its tail: the last four characters are the second factor that opens accident
# evidence with a query code, so a mask showing them would hand that factor to anyone who sees it.
_ID_MASK_KEEP_18 = 10
_ID_MASK_KEEP_OTHER = 4
_ID_MASK_MIN_HIDDEN = 8


def mask_id_number(value: object) -> str:
    """``410105199001011234`` → ``4101051990********``; other lengths keep at most the first
    four characters and always hide at least eight, the tail among them."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) == 18:
        keep = _ID_MASK_KEEP_18
    else:
        keep = min(_ID_MASK_KEEP_OTHER, max(0, len(text) - _ID_MASK_MIN_HIDDEN))
    return text[:keep] + "*" * (len(text) - keep)


def mask_phone(value: object) -> str:
    """``13812345678`` → ``138****5678``."""
    return _mask(value, 3, 4)


# The keys under which an application's data holds a person's numbers (the applicant's agent,
# a legal representative, a driver, a manager, a foreigner's passport, a recipient's phone).
NUMBER_KEYS = ("id_number", "passport_number")
PHONE_KEYS = ("phone",)


def masked_personal_data(value: object) -> object:
    """Application data as someone other than its owner receives it as data (the staff API): every
    ID, passport and phone number masked, at any depth (a list of managers, say)."""
    if isinstance(value, dict):
        return {key: masked_field(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked_personal_data(item) for item in value]
    return value


def masked_field(key: str, value: object) -> object:
    """One field of application data (or its readable text) under `key`, masked if it is a
    person's number; masking twice changes nothing."""
    if isinstance(value, str) and value:
        if key.endswith(NUMBER_KEYS):
            return mask_id_number(value)
        if key.endswith(PHONE_KEYS):
            return mask_phone(value)
    return masked_personal_data(value)


def mask_name(value: object) -> str:
    """``张三丰`` → ``张**``; a one-character name shows just its character count."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) < 2:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


def mask_uscc(value: object) -> str:
    """``91512081MA62K0260E`` → ``9151**********260E``."""
    return _mask(value, 4, 4)
