"""Allocating a newborn's citizen ID number: always valid, right sex and birth date, never one
already taken (by example and by property)."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.identifiers import InvalidIdentifier, make_citizen_id, parse_citizen_id
from app.domain.newborn_ids import NoFreeSequence, allocate_citizen_id, id_prefix, sequences_for

REGIONS = ["411002", "411003", "411023", "410105", "110101", "110118", "320102", "440305", "650502", "810000"]
FAR_FUTURE = date(2200, 1, 1)  # parse_citizen_id refuses birth dates after `today`

regions = st.sampled_from(REGIONS)
birth_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))
sexes = st.sampled_from(["M", "F"])


@st.composite
def taken_sets(draw, region, birth_date, sex):
    """Numbers in use: some of the same prefix and sex (any sequences), some of the other sex,
    some of other regions and dates — and sometimes nearly all of the sex's sequences."""
    own = list(sequences_for(sex))
    other = list(sequences_for("F" if sex == "M" else "M"))
    if draw(st.booleans()):
        keep = draw(st.integers(min_value=0, max_value=len(own) - 1))
        used = own[:keep] if draw(st.booleans()) else draw(st.permutations(own))[:keep]
    else:
        used = draw(st.lists(st.sampled_from(own), max_size=60))
    used_other = draw(st.lists(st.sampled_from(other), max_size=20))
    numbers = {make_citizen_id(region, birth_date, s) for s in used + used_other}
    strangers = draw(st.lists(st.tuples(regions, birth_dates, st.integers(1, 999)), max_size=20))
    numbers |= {make_citizen_id(r, d, s) for r, d, s in strangers}
    return numbers


@st.composite
def cases(draw):
    region, birth_date, sex = draw(regions), draw(birth_dates), draw(sexes)
    return region, birth_date, sex, draw(taken_sets(region, birth_date, sex))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_allocation_is_always_valid_matches_sex_and_date_and_is_never_taken(case):
    region, birth_date, sex, taken = case
    number = allocate_citizen_id(region, birth_date, sex, taken)
    parsed = parse_citizen_id(number, today=FAR_FUTURE)
    assert parsed.number == number and len(number) == 18
    assert parsed.sex == sex
    assert parsed.birth_date == birth_date
    assert parsed.region_code == region
    assert number not in taken


@settings(max_examples=100, deadline=None)
@given(cases())
def test_allocation_is_the_lowest_free_sequence_of_the_sex(case):
    region, birth_date, sex, taken = case
    number = allocate_citizen_id(region, birth_date, sex, taken)
    sequence = int(number[14:17])
    lower = [s for s in sequences_for(sex) if s < sequence]
    assert all(make_citizen_id(region, birth_date, s) in taken for s in lower)


@settings(max_examples=50, deadline=None)
@given(regions, birth_dates, sexes, st.integers(min_value=1, max_value=40))
def test_repeated_allocation_never_repeats_a_number(region, birth_date, sex, count):
    """Registering newborns one after another (each new number joins the taken set)."""
    taken: set[str] = set()
    for _ in range(count):
        number = allocate_citizen_id(region, birth_date, sex, taken)
        assert number not in taken
        taken.add(number)
    assert len(taken) == count


@pytest.mark.parametrize(("sex", "available"), [("M", 500), ("F", 499)])
def test_raises_when_every_sequence_of_the_sex_is_used(sex, available):
    born = date(2026, 11, 4)
    taken = {make_citizen_id("411002", born, s) for s in sequences_for(sex)}
    assert len(taken) == available
    with pytest.raises(NoFreeSequence):
        allocate_citizen_id("411002", born, sex, taken)
    # The other sex is unaffected.
    other = "F" if sex == "M" else "M"
    assert parse_citizen_id(allocate_citizen_id("411002", born, other, taken), today=born).sex == other


def test_examples():
    born = date(2026, 11, 4)
    first_boy = allocate_citizen_id("411002", born, "M", ())
    assert first_boy[:17] == "41100220261104001"
    assert allocate_citizen_id("411002", born, "F", ())[:17] == "41100220261104002"
    assert allocate_citizen_id("411002", born, "M", {first_boy})[:17] == "41100220261104003"
    # Lower case "x" in the taken set counts as taken too.
    assert allocate_citizen_id("411002", born, "M", {first_boy.lower()}) != first_boy
    assert id_prefix("411002", born) == "41100220261104"


def test_refuses_bad_input():
    with pytest.raises(ValueError):
        allocate_citizen_id("411002", date(2026, 1, 1), "X", ())
    with pytest.raises(InvalidIdentifier):
        allocate_citizen_id("990105", date(2026, 1, 1), "M", ())
