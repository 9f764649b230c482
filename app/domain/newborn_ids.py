"""Allocating a citizen ID number (居民身份证号码, GB 11643-1999) to a newborn.

Pure: the caller passes the numbers already in use (the population registry's, plus any
it has just seen collide) and gets the lowest free one back. The number is made of the
receiving household's region code (地址码), the birth date (出生日期码), a sequence
(顺序码: odd for males, even for females) and the check character (校验码).

Sequence 000 is never issued, so there are 500 male sequences (001, 003 … 999) and 499
female ones (002, 004 … 998) per region and birth date.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date

from app.domain.identifiers import make_citizen_id

SEXES = ("M", "F")


class NoFreeSequence(ValueError):
    """Every sequence of that sex is taken for that region and birth date."""

    def __init__(self, region_code: str, birth_date: date, sex: str) -> None:
        super().__init__(f"no free {sex} sequence for {region_code} {birth_date:%Y%m%d}")
        self.region_code, self.birth_date, self.sex = region_code, birth_date, sex


def sequences_for(sex: str) -> range:
    """The sequences a person of ``sex`` may get, lowest first."""
    if sex not in SEXES:
        raise ValueError("sex must be 'M' or 'F'")
    return range(1, 1000, 2) if sex == "M" else range(2, 1000, 2)


def id_prefix(region_code: str, birth_date: date) -> str:
    """The first 14 characters every candidate shares (to look up the numbers in use)."""
    return f"{region_code}{birth_date:%Y%m%d}"


def allocate_citizen_id(region_code: str, birth_date: date, sex: str, taken: Collection[str]) -> str:
    """The lowest free, valid ID number for a child of ``sex`` born on ``birth_date`` and
    registered in ``region_code``. ``taken`` may hold any numbers (other prefixes are
    ignored). Raises :class:`NoFreeSequence` when none is left, and the identifiers'
    ``InvalidIdentifier`` for an unknown region code."""
    used = {number.strip().upper() for number in taken}
    for sequence in sequences_for(sex):
        candidate = make_citizen_id(region_code, birth_date, sequence)
        if candidate not in used:
            return candidate
    raise NoFreeSequence(region_code, birth_date, sex)
