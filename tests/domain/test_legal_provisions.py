"""The legal-provision rules (法律、行政法规条款清单): only a law or an administrative regulation
may be listed; a unit query's provision must be in force and cover the job it names."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalogue import criminal_record as rules
from app.domain.catalogue.base import RuleViolation

TEACHERS = rules.Provision(2, "中华人民共和国教师法", "law", "第十四条", "故意犯罪受到有期徒刑以上刑事处罚的，不能取得教师资格。",
                           ("教师",))
RETIRED = rules.Provision(11, "某某条例", "administrative_regulation", "第三条", "x", ("驾驶员",), in_force=False)
LIST = {TEACHERS.id: TEACHERS, RETIRED.id: RETIRED}
ENTRY = {"law_name": "《中华人民共和国律师法》", "kind": "law", "article": "第七条", "bar_zh": "受过刑事处罚的不予颁发律师执业证书。",
         "jobs": [" 律师", "律师", ""]}


def test_an_entry_is_cleaned():
    assert rules.check_provision_entry(**ENTRY) == (
        "中华人民共和国律师法", "law", "第七条", "受过刑事处罚的不予颁发律师执业证书。", ("律师",))


@pytest.mark.parametrize("kind", sorted(rules.OTHER_KINDS))
def test_anything_but_a_law_or_an_administrative_regulation_is_refused_with_the_reason(kind):
    with pytest.raises(RuleViolation) as refused:
        rules.check_provision_entry(**{**ENTRY, "law_name": "道路运输从业人员管理规定", "kind": kind})
    assert refused.value.code == "provision.not_law" and refused.value.field == "kind"
    assert "不是法律或行政法规" in str(refused.value.message)


@pytest.mark.parametrize(("change", "code"), [({"law_name": "《》"}, "provision.law_name"), ({"kind": "x"}, "provision.kind"),
                                              ({"article": " "}, "provision.article"), ({"bar_zh": ""}, "provision.bar"),
                                              ({"jobs": ["", " "]}, "provision.jobs"),
                                              ({"jobs": ["岗" * 41]}, "provision.jobs_long")])
def test_an_incomplete_entry_is_refused_on_its_field(change, code):
    with pytest.raises(RuleViolation) as refused:
        rules.check_provision_entry(**{**ENTRY, **change})
    assert refused.value.code == code


def test_the_citation_quotes_law_and_article():
    assert TEACHERS.citation == "《中华人民共和国教师法》第十四条"


@given(st.one_of(st.integers(min_value=1, max_value=2**31 - 1), st.none()), st.text(max_size=8))
def test_a_query_stands_only_on_an_entry_in_force_covering_its_job(provision_id, job):
    in_force = {k: v for k, v in LIST.items() if v.in_force}
    errors = rules.provision_errors(provision_id, job, in_force)
    if provision_id is None:
        assert errors == []
    elif provision_id != TEACHERS.id:
        assert [(e.field, e.code) for e in errors] == [("legal_provision_id", "unit.legal_provision_unknown")]
    elif job.strip() and job.strip() != "教师":
        assert [(e.field, e.code) for e in errors] == [("job", "unit.job_not_covered")]
    else:
        assert errors == []


def test_a_retired_entry_is_refused_even_if_passed_in():
    assert rules.provision_errors(RETIRED.id, "驾驶员", LIST)[0].code == "unit.legal_provision_unknown"


def test_a_unit_query_without_a_listed_provision_gets_no_letter():
    assert rules.decision_needs_provision({"applicant_type": "unit", "legal_provision": "根据公司规定"})
    assert not rules.decision_needs_provision({"applicant_type": "unit", "legal_provision_id": 2})
    assert not rules.decision_needs_provision({"applicant_type": "individual"})


def test_the_proof_of_employment_is_core_and_both_proofs_are_checked_before_the_decision():
    proof, attorney = rules.SERVICE.material("employment_proof"), rules.SERVICE.material("power_of_attorney")
    assert proof.core and proof.checked and attorney.checked
    assert not rules.SERVICE.material("unit_letter").checked
