"""Citizen ID numbers, USCC, mobiles, plates and display masks."""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from app.domain.identifiers import (
    CitizenId,
    InvalidIdentifier,
    check_character,
    is_known_region,
    make_citizen_id,
    make_uscc,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_uscc,
    masked_personal_data,
    parse_citizen_id,
    validate_mobile,
    validate_plate,
    validate_uscc,
)

TODAY = date(2026, 3, 1)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Current and abolished (崇文区 110103) county codes, a district newer than stdnum's
# table (北京市密云区 110118), and a Hong Kong residence-permit code.
KNOWN_REGIONS = [
    "110101",
    "110103",
    "110105",
    "110118",
    "120116",
    "310115",
    "330110",
    "410105",
    "410122",
    "410184",
    "440305",
    "512081",
    "540102",
    "650102",
    "659004",
    "810000",
]


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def assert_refused(code: str, call, *args, **kwargs) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert error.code == code
    assert CHINESE.search(error.message), "the message is shown to citizens, in Chinese"
    assert str(error) == error.message
    assert isinstance(error, ValueError)
    return error


# --- citizen ID ----------------------------------------------------------------------


def test_reference_number_from_the_standard_parses():
    parsed = parse_citizen_id("11010519491231002X", today=TODAY)
    assert parsed == CitizenId(
        number="11010519491231002X", region_code="110105", birth_date=date(1949, 12, 31), sex="F"
    )


@pytest.mark.parametrize(
    "typed",
    [
        " 11010519491231002x ",
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "\t11010519491231002X\n",
    ],
)
def test_typing_variants_are_normalised(typed):
    assert parse_citizen_id(typed, today=TODAY).number == "11010519491231002X"


@pytest.mark.parametrize(
    ("region", "born", "sequence", "sex"),
    [
        ("410105", date(1990, 1, 1), 123, "M"),
        ("440305", date(2000, 2, 29), 2, "F"),
        ("512081", date(1900, 1, 1), 999, "M"),
        ("110118", date(2026, 3, 1), 1, "M"),
    ],
)
def test_generated_numbers_parse(region, born, sequence, sex):
    number = make_citizen_id(region, born, sequence)
    assert len(number) == 18
    assert ric.is_valid(number) or region == "110118"  # stdnum lacks newer districts
    parsed = parse_citizen_id(number, today=TODAY)
    assert (parsed.region_code, parsed.birth_date, parsed.sex) == (region, born, sex)


def test_check_character_matches_the_rule_table():
    assert check_character("11010519491231002") == "X"
    assert check_character("41010519900101123") == "3"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_agrees_with_stdnum(first17):
    assert check_character(first17) == ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "123",
        "1101051949123100",
        "11010519491231002XX",
        "1101051949123100AX",
        "X10105194912310021",
        "11010519491231X021",
        None,
        11010519491231002,
    ],
)
def test_malformed_numbers_are_refused_as_format(bad):
    assert_refused("id_number.format", parse_citizen_id, bad, today=TODAY)


def test_wrong_check_character_is_refused():
    error = assert_refused(
        "id_number.checksum", parse_citizen_id, "110105194912310021", today=TODAY
    )
    assert error.message == "身份证号码校验位不正确，请核对后重新输入"


@pytest.mark.parametrize(
    "first17",
    [
        "41010519990230123",  # 30 February
        "41010519991301123",  # month 13
        "41010518991231123",  # before 1900
        "41010520260302123",  # the day after TODAY
        "41010500000101123",  # year 0
    ],
)
def test_impossible_birth_dates_are_refused(first17):
    assert_refused("id_number.birth_date", parse_citizen_id, with_check(first17), today=TODAY)


def test_birth_date_on_today_is_accepted():
    assert parse_citizen_id(with_check("41010520260301123"), today=TODAY).birth_date == TODAY


@pytest.mark.parametrize("region", ["990105", "000000", "410000", "419901", "710000"])
def test_unknown_regions_are_refused(region):
    assert_refused(
        "id_number.region", parse_citizen_id, with_check(region + "19900101123"), today=TODAY
    )


@pytest.mark.parametrize("region", KNOWN_REGIONS + ["460400", "540402"])
def test_known_regions(region):
    assert is_known_region(region)


@pytest.mark.parametrize("region", ["990105", "41010", "4101055", "41010a", "", "４１０１０５"])
def test_not_regions(region):
    assert not is_known_region(region)


def test_age_on():
    person = parse_citizen_id(with_check("41010520200615123"), today=TODAY)
    assert person.age_on(date(2026, 6, 14)) == 5
    assert person.age_on(date(2026, 6, 15)) == 6


def test_make_citizen_id_refuses_bad_input():
    with pytest.raises(ValueError):
        make_citizen_id("410105", date(2026, 1, 1), 0)
    with pytest.raises(ValueError):
        make_citizen_id("410105", date(2026, 1, 1), 1000)
    assert_refused("id_number.region", make_citizen_id, "990105", date(2026, 1, 1), 1)
    assert_refused("id_number.birth_date", make_citizen_id, "410105", date(1899, 12, 31), 1)


@given(
    region=st.sampled_from(KNOWN_REGIONS),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=1, max_value=999),
)
def test_made_numbers_always_parse_back(region, born, sequence):
    number = make_citizen_id(region, born, sequence)
    parsed = parse_citizen_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.region_code == region
    assert parsed.birth_date == born
    assert parsed.sex == ("M" if sequence % 2 else "F")
    assert int(number[14:17]) == sequence


@given(
    region=st.sampled_from(KNOWN_REGIONS),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=1, max_value=999),
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_typo_is_caught(region, born, sequence, position, delta):
    number = make_citizen_id(region, born, sequence)
    typo = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(InvalidIdentifier) as caught:
        parse_citizen_id(typo, today=TODAY)
    assert caught.value.code == "id_number.checksum"


# --- USCC ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("91512081MA62K0260E", "91512081MA62K0260E"),
        (" 91512081ma62k0260e ", "91512081MA62K0260E"),
        ("9151 2081 MA62 K026 0E", "91512081MA62K0260E"),
        ("91110000600037341L", "91110000600037341L"),
        ("９１５１２０８１ＭＡ６２Ｋ０２６０Ｅ", "91512081MA62K0260E"),
    ],
)
def test_valid_uscc(typed, canonical):
    assert validate_uscc(typed) == canonical


def test_uscc_with_a_letter_authority_code_is_valid():
    # 农业农村部门 (N) issues codes to rural collective economic organisations.
    code = make_uscc("N2410105MA1234567")
    assert validate_uscc(code) == code


def test_uscc_wrong_check_character():
    error = assert_refused("uscc.checksum", validate_uscc, "91512081MA62K0260F")
    assert "校验位" in error.message


@pytest.mark.parametrize(
    "bad",
    [
        "",
        None,
        "91512081MA62K0260",  # 17
        "91512081MA62K0260EE",  # 19
        "91512081MI62K0260E",  # I is not in the alphabet
        "91512081MO62K0260E",
        "91512081MS62K0260E",
        "91512081MV62K0260E",
        "91512081MZ62K0260E",
        "915A2081MA62K0260E",  # region part must be digits
        "9151208１MA62K026-E",
    ],
)
def test_malformed_uscc(bad):
    assert_refused("uscc.format", validate_uscc, bad)


def test_whitelisted_legacy_code_passes_despite_checksum():
    legacy = "91512081MA62K0260F"
    assert validate_uscc(legacy, whitelist={"91512081ma62k0260f"}) == legacy
    assert validate_uscc(legacy.lower(), whitelist=[legacy]) == legacy
    assert_refused("uscc.checksum", validate_uscc, legacy, whitelist=["91512081MA62K0260G"])


def test_whitelist_does_not_excuse_a_bad_format():
    assert_refused("uscc.format", validate_uscc, "91512081MA62K026", whitelist=["91512081MA62K026"])


def test_make_uscc():
    assert make_uscc("91512081MA62K0260") == "91512081MA62K0260E"
    assert_refused("uscc.format", make_uscc, "91512081MA62K026")
    assert_refused("uscc.format", make_uscc, "91512081MA62K026I")


@given(
    head=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=2, max_size=2),
    region=st.text(alphabet="0123456789", min_size=6, max_size=6),
    organisation=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9),
)
def test_made_uscc_validates_and_any_other_check_fails(head, region, organisation):
    code = make_uscc(head + region + organisation)
    assert validate_uscc(code) == code
    for other in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if other != code[-1]:
            with pytest.raises(InvalidIdentifier):
                validate_uscc(code[:-1] + other)


# --- mobile and plates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008619912345678", "19912345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_valid_mobile(typed, canonical):
    assert validate_mobile(typed) == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "",
        None,
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "1381234567a",
        "010-12345678",
    ],
)
def test_invalid_mobile(bad):
    assert_refused("mobile.format", validate_mobile, bad)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("豫A12345", "豫A12345"),
        ("京A·12345", "京A12345"),
        ("粤b 1a2b3", "粤B1A2B3"),
        ("沪AD12345", "沪AD12345"),  # small new-energy, pure electric
        ("沪AFA1234", "沪AFA1234"),  # small new-energy, hybrid
        ("川A12345D", "川A12345D"),  # large new-energy
        ("豫A1234挂", "豫A1234挂"),  # trailer
        ("豫A1234学", "豫A1234学"),
        ("琼Ｅ１２３４５", "琼E12345"),
    ],
)
def test_valid_plate(typed, canonical):
    assert validate_plate(typed) == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "",
        None,
        "A12345",  # no province
        "豫12345",  # no city letter
        "台A12345",  # not a mainland province abbreviation
        "豫I12345",  # I is never used
        "豫A1O345",  # neither is O
        "豫A1234",  # too short
        "豫A1234567",  # too long
        "豫AZ12345",  # Z is not an energy letter
        "豫A12345X",  # large new-energy ends in D or F
    ],
)
def test_invalid_plate(bad):
    assert_refused("plate.format", validate_plate, bad)


# --- masks ---------------------------------------------------------------------------


def test_masks():
    assert mask_id_number("410105199001011234") == "4101051990********"
    assert mask_id_number("11010519491231002X") == "1101051949********"
    assert mask_id_number("411002199003151234") == "4110021990********"
    assert mask_id_number("410105900101123") == "4101***********"  # the old 15-digit numbers
    assert mask_id_number("E12345678") == "E********"  # other lengths hide at least eight
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_uscc("91512081MA62K0260E") == "9151**********260E"


@pytest.mark.parametrize(
    ("mask", "shown"), [(mask_id_number, 8), (mask_phone, 7), (mask_name, 1), (mask_uscc, 8)]
)
@pytest.mark.parametrize(
    "odd", [None, "", " ", "1", "12", "1234567", "12345678", 13812345678, "张"]
)
def test_masks_never_raise_or_reveal_short_values(mask, shown, odd):
    masked = mask(odd)
    assert isinstance(masked, str)
    if odd is None:
        assert masked == ""
    text = "" if odd is None else str(odd).strip()
    if 0 < len(text) <= shown:
        assert set(masked) == {"*"}, "a value too short to mask is hidden entirely"


@given(st.text(max_size=30))
def test_masks_keep_length_and_never_raise(text):
    for mask in (mask_id_number, mask_phone, mask_name, mask_uscc):
        assert len(mask(text)) == len(text.strip())


@given(st.from_regex(r"\A\d{17}[\dX]\Z", fullmatch=True))
def test_a_masked_id_number_keeps_region_and_birth_year_and_hides_the_tail(number):
    # The last four characters open accident evidence with a query code: never shown.
    masked = mask_id_number(number)
    assert masked[:10] == number[:10]
    assert masked[-8:] == "*" * 8


@given(st.text(alphabet="0123456789X", max_size=30))
def test_a_masked_id_number_of_any_length_never_shows_its_last_four(text):
    masked = mask_id_number(text)
    assert set(masked[-4:]) <= {"*"}
    assert len(masked) - masked.count("*") <= (10 if len(text) == 18 else 4)


def test_personal_data_is_masked_at_any_depth_and_nothing_else_changes():
    data = {"agent_id_number": "410105199001011234", "passport_number": "E12345678", "legal_rep_phone": "13812345678",
            "managers": [{"name": "王五", "id_number": "410105199001011234", "experience_years": 6}],
            "purpose": "入职", "commitment_days": 5, "late": False, "recipient_phone": "", "driver_id_number": None}
    masked = masked_personal_data(data)
    assert masked == {
        "agent_id_number": "4101051990********", "passport_number": "E********", "legal_rep_phone": "138****5678",
        "managers": [{"name": "王五", "id_number": "4101051990********", "experience_years": 6}],
        "purpose": "入职", "commitment_days": 5, "late": False, "recipient_phone": "", "driver_id_number": None}
    assert data["agent_id_number"] == "410105199001011234"  # the stored data is not touched
