"""Every V-tagged number in docs/RULES.md that the catalogue uses is the catalogue's default and is
cited with its source (the law and, where RULES.md names one, the article).

The table below maps each V-number found in the file (section, the number as written, its
occurrence in the section) to the catalogue attribute that holds it, or lists it as not used with
the reason. A number added to RULES.md and in neither list fails, as does a default or a source
that no longer agrees. (docs/RULES.md is the copy kept with the code: CI runs on a clean clone.)
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.defaults import GLOBAL_DEFAULTS

RULES = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"
NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(working days?|days?|hours?|years?|months?|million|requests)"
                    r"|one month|half a year")


def v_numbers(text: str) -> list[tuple[tuple[str, str, int], str]]:
    """((section, number as written, nth in its section), the bullet's text) for every number in
    a V-tagged bullet."""
    section, bullets = "", []
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].split(" (")[0].strip()
        elif line.startswith("- "):
            bullets.append([section, line[2:]])
        elif line.startswith("  ") and bullets:
            bullets[-1][1] += " " + line.strip()
    seen: Counter = Counter()
    found = []
    for section, body in bullets:
        if "(V)" not in body:
            continue
        for match in NUMBER.finditer(body.replace("**", "")):
            seen[(section, match.group(0))] += 1
            found.append(((section, match.group(0), seen[(section, match.group(0))]), body))
    return found


@dataclass(frozen=True)
class Limit:
    """A service's limit: `service.limits.<name>` (optionally plus `plus`), in RULES.md's words."""

    service: str
    name: str
    plus: str | None = None

    def value(self):
        limits = CATALOGUE[self.service].limits
        limit = getattr(limits, self.name)
        if self.plus is not None:
            extra = getattr(limits, self.plus)
            assert extra.unit == limit.unit
            return f"{limit.amount + extra.amount} {limit.describe_en().split(' ', 1)[1]}"
        return limit.describe_en()

    def source(self) -> str:
        return CATALOGUE[self.service].limits.sources.get(self.plus or self.name, "")


@dataclass(frozen=True)
class Number:
    """A named catalogue default (`app.domain.catalogue.defaults`)."""

    key: str

    def value(self):
        return GLOBAL_DEFAULTS[self.key].value

    def source(self) -> str:
        return GLOBAL_DEFAULTS[self.key].source_zh


# (section, number, nth) → (attribute, its expected value, what its source must cite, the
# article RULES.md names for it or None).
USED = {
    ("Administrative Licensing Law", "5 working days", 1):
        (Limit("criminal_record", "acceptance"), "5 working days", "行政许可法第32条", "Art. 32"),
    ("Administrative Licensing Law", "10 working days", 1):
        (Limit("security_licence", "extension"), "10 working days", "行政许可法第42条", "Art. 42"),
    ("Administrative Licensing Law", "10 working days", 2):
        (Limit("security_licence", "delivery"), "10 working days", "行政许可法第44条", "Art. 44"),
    ("No-criminal-record certificate", "180 days", 1):
        (Number("criminal_record.foreigner_min_residence_days"), 180, "公安机关办理犯罪记录查询工作规定", None),
    ("No-criminal-record certificate", "3 requests", 1):
        (Number("criminal_record.free_requests_per_year"), 3, "公安机关办理犯罪记录查询工作规定", None),
    ("No-criminal-record certificate", "3 working days", 1):
        (Limit("criminal_record", "statutory"), "3 working days", "公安机关办理犯罪记录查询工作规定", None),
    ("No-criminal-record certificate", "5 years", 1):
        (Number("criminal_record.sealed_max_sentence_months"), 5 * 12, "公安机关办理犯罪记录查询工作规定", None),
    ("No-criminal-record certificate", "15 working days", 1):
        (Limit("criminal_record_objection", "statutory"), "15 working days", "公安机关办理犯罪记录查询工作规定", None),
    ("No-criminal-record certificate", "30 working days", 1):
        (Limit("criminal_record_objection", "statutory", plus="extension"), "30 working days",
         "公安机关办理犯罪记录查询工作规定", None),
    ("Newborn registration", "one month", 1):
        (Number("newborn_registration.timely_registration_months"), 1, "户口登记条例第7条", None),
    ("Security service licence", "1 million", 1):
        (Number("security_licence.min_registered_capital_yuan"), 1_000_000, "保安服务管理条例", None),
    ("Security service licence", "10 million", 1):
        (Number("security_licence.armed_escort_min_capital_yuan"), 10_000_000, "保安服务管理条例", None),
    ("Security service licence", "5 years", 1):
        (Number("security_licence.min_manager_experience_years"), 5, "公安部令第112号", None),
    ("Security service licence", "15 working days", 1):
        (Limit("security_licence", "statutory"), "15 working days", "保安服务管理条例第9条", None),
    ("Security service licence", "15 working days", 2):
        (Limit("security_licence", "higher_review"), "15 working days", "保安服务管理条例第9条", None),
    ("Truck city-entry permits", "6 hours", 1):
        (Number("truck_permit.min_daily_window_hours"), 6, "公安部交通管理局2021年", None),
    # residence_permit
    ("Residence permit", "half a year", 1):
        (Number("residence_permit.min_residence_months"), 6, "居住证暂行条例第2条", "Art. 2"),
    ("Residence permit", "15 days", 1):
        (Limit("residence_permit", "promised"), "15 days", "居住证暂行条例第9条", "Art. 9"),
    ("Residence permit", "30 days", 1):
        (Limit("residence_permit", "statutory"), "30 days", "居住证暂行条例第9条", "Art. 9"),
    # foreigner_accommodation
    ("Foreigners", "24 hours", 1):
        (Number("foreigner_accommodation.report_within_hours"), 24, "出境入境管理法第39条", "Art. 39"),
}

NOT_USED = {
    ("Administrative Licensing Law", "20 working days", 1):
        "the general decision limit: every catalogue service has its own rule's limit (Art. 42: other laws "
        "may set other limits)",
    ("Administrative Licensing Law", "20 working days", 2):
        "the lower tier of a two-tier review: the one two-tier service follows 保安服务管理条例第9条 (15 days)",
    ("Administrative Licensing Law", "30 days", 1): "renewal: no catalogue service is renewed",
    ("Seal engraving", "5 days", 1): "the engraving shop's own record filing, not a matter filed through the portal",
    ("Traffic accident evidence", "10 days", 1): "the accident determination itself, not the evidence request",
    ("Traffic accident evidence", "5 days", 1): "the accident determination itself, not the evidence request",
    ("Traffic accident evidence", "3 days", 1): "serving the determination, not the evidence request",
    ("Traffic accident evidence", "3 days", 2): "the review of a determination: not a catalogue service",
}

FOUND = v_numbers(RULES.read_text(encoding="utf-8"))


def test_every_v_number_is_mapped_or_listed_as_not_used():
    keys = [key for key, _body in FOUND]
    assert len(keys) > 20, "the parser found too few V-numbers: has RULES.md changed shape?"
    unaccounted = [key for key in keys if key not in USED and key not in NOT_USED]
    assert unaccounted == [], f"V-numbers in RULES.md neither mapped to the catalogue nor listed as not used: {unaccounted}"
    stale = [key for key in [*USED, *NOT_USED] if key not in keys]
    assert stale == [], f"table entries for numbers RULES.md no longer has: {stale}"
    assert not set(USED) & set(NOT_USED)


@pytest.mark.parametrize(("key", "body"), [(k, b) for k, b in FOUND if k in USED], ids=lambda v: str(v)[:60])
def test_the_catalogue_default_is_the_law_s_number_and_cites_its_source(key, body):
    attribute, expected, citation, article = USED[key]
    assert attribute.value() == expected, f"{key}: the catalogue's default is {attribute.value()!r}"
    assert citation in attribute.source(), f"{key}: its source {attribute.source()!r} does not cite {citation}"
    if article is not None:
        assert article in body, f"{key}: RULES.md names no {article} here"
        assert f"第{article.split()[-1]}条" in attribute.source()


def test_the_v_numbers_are_not_settings_and_the_defaults_of_the_settings_are_cited():
    for default in GLOBAL_DEFAULTS.values():
        assert default.source_zh, default.key
        assert not default.adjustable or default.tag in ("L", "R"), default.key
    numbers = {attribute.key for attribute, *_rest in USED.values() if isinstance(attribute, Number)}
    assert all(not GLOBAL_DEFAULTS[key].adjustable for key in numbers)


def test_a_changed_default_fails(monkeypatch):
    """The table catches a default that drifts from the law (here, 3 requests a year made 4)."""
    monkeypatch.setitem(GLOBAL_DEFAULTS, "criminal_record.free_requests_per_year",
                        GLOBAL_DEFAULTS["criminal_record.free_requests_per_year"].__class__(
                            "criminal_record.free_requests_per_year", "", 4, "公安机关办理犯罪记录查询工作规定", "V"))
    attribute, expected, *_ = USED[("No-criminal-record certificate", "3 requests", 1)]
    assert attribute.value() != expected
