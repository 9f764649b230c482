"""企业信用修复 rules: every condition that can fail, on plain penalty records."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalogue import credit_repair as rules
from app.domain.catalogue.base import RuleViolation
from app.domain.records import PolicePenaltyRecord

PAID = PolicePenaltyRecord("许公魏（治）行罚决字〔2026〕0318号", "91411002MA3X9C7Q4M", "许昌市公安局魏都分局",
                           date(2026, 9, 2), "未落实货物运输安全查验制度", "罚款人民币二万元", date(2026, 9, 17), True)
UNPAID = replace(PAID, decision_number="许公建（治）行罚决字〔2026〕0127号", carried_out_on=None,
                 sanction="警告并处罚款人民币一万元")
NO_MARK = replace(PAID, decision_number="许公魏（治）行罚决字〔2025〕0009号", lowers_credit=False)
REPAIRED = replace(PAID, decision_number="许公魏（治）行罚决字〔2025〕0010号", credit_repaired_on=date(2026, 1, 5))
MEASURES = "已建立查验登记制度。"


def codes(violations) -> list[str]:
    return [v.code for v in violations]


def test_the_service_reviews_in_ten_working_days_with_its_source():
    limits = rules.SERVICE.limits
    assert str(limits.promised.amount) == "10" and limits.promised.unit.value == "workdays"
    assert limits.statutory == limits.promised
    assert "10个工作日" in limits.sources["promised"] and "第11项" in limits.sources["promised"]
    assert {m.code for m in rules.SERVICE.upload_slots()} == {"performance_proof", "credit_commitment"}


def test_a_carried_out_penalty_with_a_standing_mark_may_be_repaired():
    assert rules.filing_violations([PAID, NO_MARK], PAID.decision_number, pending=[], corrected=True,
                                   measures=MEASURES) == []
    assert rules.decision_violations(PAID) == []


@pytest.mark.parametrize("penalties", [[], [NO_MARK], [REPAIRED], [NO_MARK, REPAIRED]])
def test_no_standing_mark_means_nothing_to_repair(penalties):
    with pytest.raises(RuleViolation) as refused:
        rules.check_has_marks(penalties)
    assert refused.value.code == "credit_repair.nothing_to_repair"


def test_an_unknown_penalty_is_refused():
    assert codes(rules.filing_violations([PAID], "许公（治）行罚决字〔2026〕9999号", pending=[], corrected=True,
                                         measures=MEASURES)) == ["credit_repair.penalty_unknown"]


@pytest.mark.parametrize("penalty", [NO_MARK, REPAIRED])
def test_a_penalty_without_a_standing_mark_is_refused(penalty):
    assert codes(rules.filing_violations([PAID, penalty], penalty.decision_number, pending=[], corrected=True,
                                         measures=MEASURES)) == ["credit_repair.no_mark"]
    assert codes(rules.decision_violations(penalty)) == ["credit_repair.no_mark"]


def test_a_penalty_not_carried_out_is_refused_with_its_sanction():
    violations = rules.filing_violations([UNPAID], UNPAID.decision_number, pending=[], corrected=True,
                                         measures=MEASURES)
    assert codes(violations) == ["credit_repair.not_carried_out"]
    assert "警告并处罚款人民币一万元" in violations[0].message and "尚未履行完毕" in violations[0].message
    assert codes(rules.decision_violations(UNPAID)) == ["credit_repair.not_carried_out"]


def test_a_pending_repair_is_refused():
    assert codes(rules.filing_violations([PAID], PAID.decision_number, pending=[PAID.decision_number],
                                         corrected=True, measures=MEASURES)) == ["credit_repair.pending"]


def test_the_conduct_must_be_corrected_with_measures():
    assert codes(rules.filing_violations([PAID], PAID.decision_number, pending=[], corrected=False,
                                         measures=MEASURES)) == ["credit_repair.not_corrected"]
    assert codes(rules.filing_violations([PAID], PAID.decision_number, pending=[], corrected=True,
                                         measures="  ")) == ["credit_repair.measures"]


def test_a_penalty_gone_from_the_records_bars_the_decision():
    assert codes(rules.decision_violations(None)) == ["credit_repair.penalty_unknown"]


@given(lowers=st.booleans(), repaired=st.booleans(), carried_out=st.booleans(), pending=st.booleans(),
       corrected=st.booleans())
def test_repair_is_allowed_exactly_when_every_condition_holds(lowers, repaired, carried_out, pending, corrected):
    penalty = replace(PAID, lowers_credit=lowers, credit_repaired_on=date(2026, 10, 1) if repaired else None,
                      carried_out_on=PAID.carried_out_on if carried_out else None)
    violations = rules.filing_violations([penalty], penalty.decision_number,
                                         pending=[penalty.decision_number] if pending else [],
                                         corrected=corrected, measures=MEASURES)
    allowed = lowers and not repaired and carried_out and not pending and corrected
    assert (violations == []) == allowed
    # The correction is reported beside whatever is wrong with the penalty.
    assert ("credit_repair.not_corrected" in codes(violations)) == (not corrected)
