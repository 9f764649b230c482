"""Personal numbers inside free text typed by staff: masked wherever the text leaves the desk."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.scrub import has_personal_number, scrub


@pytest.mark.parametrize("text, expected", [
    ("请提供身份证号411002199003151234的户口簿", "请提供身份证号4110021990********的户口簿"),
    ("证件11010519491231002x", "证件1101051949********"),
    ("分组书写 411002 19900315 1234 也算", "分组书写 4110021990******** 也算"),
    ("旧证410105900101123", "旧证4101***********"),
    ("全角４１１００２１９９００３１５１２３４", "全角4110021990********"),
    ("联系电话13812345678。", "联系电话138****5678。"),
    ("电话：+86 138-1234-5678", "电话：138****5678"),
    ("两个号码13812345678 13912345679", "两个号码138****5678 139****5679"),
    ("银行卡6222021234567890123", "银行卡6222***************"),
    ("卡号 6222 0212 3456 7890", "卡号 6222************"),
    ("座机0374-1234567或(010)87654321", "座机0374-*******或010-********"),
    ("办件编号FZ20261116000001", "办件编号FZ20261116000001"),  # a reference, not a number to hide
    ("请于2026-12-01前补交2份复印件", "请于2026-12-01前补交2份复印件"),
    ("", ""),
])
def test_scrub_by_example(text, expected):
    assert scrub(text) == expected


def test_scrub_takes_none():
    assert scrub(None) == ""


CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=8)
GAPS = st.sampled_from(["", " ", "-"])


def _id_numbers():
    return st.tuples(st.from_regex(r"\A[1-8][0-9]{16}[0-9X]\Z", fullmatch=True), GAPS, st.booleans()).map(
        lambda t: (t[0], t[0][:6] + t[1] + t[0][6:14] + t[1] + t[0][14:], t[2]))


def _mobiles():
    return st.tuples(st.from_regex(r"\A1[3-9][0-9]{9}\Z", fullmatch=True), GAPS, st.booleans()).map(
        lambda t: (t[0], t[0][:3] + t[1] + t[0][3:7] + t[1] + t[0][7:], t[2]))


def _cards():
    return st.tuples(st.from_regex(r"\A[3-6][0-9]{15,18}\Z", fullmatch=True), st.booleans()).map(
        lambda t: (t[0], t[0], t[1]))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


@given(number=st.one_of(_id_numbers(), _mobiles(), _cards()), before=CHINESE, after=CHINESE)
def test_no_number_survives_in_any_form(number, before, after):
    plain, typed, wide = number
    text = before + (_full_width(typed) if wide else typed) + after
    scrubbed = scrub(text)
    assert plain not in unicodedata.normalize("NFKC", scrubbed)
    assert not has_personal_number(scrubbed)
    assert scrub(scrubbed) == scrubbed  # masking twice changes nothing
    assert scrubbed.startswith(before) and scrubbed.endswith(after)


@given(st.from_regex(r"\A[1-8][0-9]{16}[0-9X]\Z", fullmatch=True), CHINESE)
def test_an_id_number_never_keeps_its_tail(number, text):
    # The last four characters open accident evidence: the scrubbed text ends in stars there.
    scrubbed = scrub(text + number)
    assert scrubbed == text + number[:10] + "*" * 8


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=40))
def test_text_without_digits_is_left_alone(text):
    assert scrub(text) == text


@given(st.from_regex(r"\A[A-Z]{2}[0-9]{14}\Z", fullmatch=True))
def test_references_inside_letters_are_left_alone(reference):
    assert scrub(f"办件{reference}已受理") == f"办件{reference}已受理"
