"""Conditional questions (条件项): a question that does not apply is not asked, and its answer
(or its uploaded files) is dropped before the filing is validated."""
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalogue import FILING_SCHEMAS
from app.domain.catalogue.schema import validate

CRIMINAL_RECORD = FILING_SCHEMAS["criminal_record"]
SECURITY_LICENCE = FILING_SCHEMAS["security_licence"]
EVERYTHING = {
    "purpose": "入职", "route": "hukou", "subject_name": "孙浩", "subject_id_number": "110101199003071234",
    "relation": "staff", "legal_provision_id": 8, "job": "保安员", "query_reason": "拟录用",
    "tolerance_requested": True, "materials_to_follow": ["unit_letter"], "commitment_days": 3,
    "signatory": "agent", "agent_name": "王强", "agent_id_number": "110101198001011234", "power_of_attorney": True,
    "materials": {"power_of_attorney": [1], "unit_letter": [2], "employment_proof": [3], "purpose_proof": [4]},
}


def test_a_person_applying_for_themselves_is_asked_neither_for_a_subject_nor_a_unit_nor_tolerance():
    kept = CRIMINAL_RECORD.asked_only({**EVERYTHING, "applicant_type": "individual"})
    assert kept["route"] == "hukou" and kept["purpose"] == "入职"
    for name in ("subject_name", "subject_id_number", "relation", "legal_provision_id", "job", "query_reason",
                 "tolerance_requested", "materials_to_follow", "commitment_days", "signatory", "agent_name",
                 "agent_id_number", "power_of_attorney"):
        assert name not in kept, name
    assert kept["materials"] == {"purpose_proof": [4]}


def test_an_agent_names_the_person_and_hands_in_the_power_of_attorney_only():
    kept = CRIMINAL_RECORD.asked_only({**EVERYTHING, "applicant_type": "agent"})
    assert kept["subject_name"] == "孙浩" and "relation" not in kept and "legal_provision_id" not in kept
    assert kept["materials"] == {"power_of_attorney": [1], "purpose_proof": [4]}


def test_a_unit_is_asked_everything_and_the_commitment_follows_the_tolerance_request():
    kept = CRIMINAL_RECORD.asked_only({**EVERYTHING, "applicant_type": "unit"})
    assert kept == {**EVERYTHING, "applicant_type": "unit",
                    "materials": {"unit_letter": [2], "employment_proof": [3], "purpose_proof": [4]}}
    no_tolerance = CRIMINAL_RECORD.asked_only({**EVERYTHING, "applicant_type": "unit", "tolerance_requested": False})
    # The signatory is not asked, so neither is the agent who would have signed (transitively).
    for name in ("materials_to_follow", "commitment_days", "signatory", "agent_name", "agent_id_number",
                 "power_of_attorney"):
        assert name not in no_tolerance, name
    legal_rep = CRIMINAL_RECORD.asked_only({**EVERYTHING, "applicant_type": "unit", "signatory": "legal_rep"})
    assert legal_rep["commitment_days"] == 3 and "agent_name" not in legal_rep


def test_a_foreigner_is_not_asked_where_to_apply():
    assert "route" not in CRIMINAL_RECORD.asked_only({**EVERYTHING, "applicant_type": "foreigner"})


def test_a_dropped_answer_never_reaches_the_filing():
    filing = validate(CRIMINAL_RECORD, {"applicant_type": "individual", "purpose": "入职",
                                        "subject_name": "孙浩", "relation": "nonsense"})
    assert filing.subject_name is None and filing.relation is None


def test_a_service_without_its_own_conditions_still_asks_the_commitment_only_with_tolerance():
    kept = SECURITY_LICENCE.asked_only({"tolerance_requested": False, "commitment_days": 5, "signatory": "agent"})
    assert kept == {"tolerance_requested": False}


@given(st.dictionaries(st.sampled_from(sorted(EVERYTHING) + ["applicant_type"]),
                       st.one_of(st.sampled_from(["individual", "agent", "unit", "foreigner", "agent", "legal_rep"]),
                                 st.booleans(), st.none(), st.lists(st.integers(1, 5), max_size=2))))
def test_dropping_is_idempotent_and_never_adds_an_answer(data):
    kept = CRIMINAL_RECORD.asked_only(data)
    assert set(kept) <= set(data)
    assert CRIMINAL_RECORD.asked_only(kept) == kept
