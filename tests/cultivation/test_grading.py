from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
import yaml

from kechuang.core.models import AuditLog
from kechuang.cultivation import grading, services
from tests.cultivation.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_score_probability_is_uniform_over_the_upper_half():
    assert grading.score_probability(40, 90, 65, pass_min=71) == Fraction(20, 26)
    assert grading.score_probability(40, 70, 55, pass_min=71) == 0
    assert grading.score_probability(72, 80, 76, pass_min=71) == 1
    assert grading.expected_score(40, 90, 65) == 78


def test_the_pass_score_is_the_hnte_parameter_on_the_as_of_date():
    from kechuang.rules.rulesets import RULESETS

    hnte = RULESETS["hnte-2016"]
    assert grading.pass_min(AS_OF) == hnte.parameters.at(AS_OF).int("score_pass_min") == 71
    assert grading.pass_min(dt.date(2010, 1, 1)) == 71  # before 2016: the first values


def test_grading_parameters_are_data_with_a_reason_each(tmp_path):
    gp = grading.load_grading_parameters()
    assert gp == grading.grading_parameters()
    assert gp.tech_staff_share == Fraction(5, 100) and gp.fix_success == Fraction(4, 5)
    assert gp.hightech_gap == Fraction(1, 5) and gp.ready_p_score == Fraction(1, 2)
    assert (gp.max_wait_days, gp.tech_staff_min, gp.rd_growth) == (365, 2, 1)
    assert (gp.score_year_gain, gp.renewal_years) == (5, 1)
    data = yaml.safe_load(grading.PARAMETERS_FILE.read_text(encoding="utf-8"))
    del data["fix_success"]["source"]
    broken = tmp_path / "grading.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="fix_success 缺少 source"):
        grading.load_grading_parameters(broken)
    del data["fix_success"]
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="参数应为"):
        grading.load_grading_parameters(broken)


def test_a_new_pass_score_moves_the_score_model(monkeypatch, county):
    # A higher pass line read from the rules' parameters changes gaps and probabilities.
    before = grading.grade_enterprises(county.values(), AS_OF)
    monkeypatch.setattr(grading, "pass_min", lambda as_of: 80)
    after = grading.grade_enterprises(county.values(), AS_OF)
    strong_before, strong_after = (g[county["strong"].pk] for g in (before, after))
    assert strong_after.pass_min == 80 and strong_before.pass_min == 71
    assert strong_after.score_gap == max(0, 80 - strong_after.expected_score)
    assert strong_after.p_score <= strong_before.p_score


def test_grades_a_b_c_and_renewal(county):
    g = grading.grade_enterprises(county.values(), AS_OF)
    strong, closable, weak, holder = (
        g[county[k].pk] for k in ("strong", "closable", "weak", "holder")
    )
    assert strong.code == "A", strong
    assert not strong.failing and strong.p_score >= Fraction(1, 2)
    assert closable.code == "B", closable
    assert {c["id"] for c in closable.failing} >= {"hnte.tech_staff_ratio", "hnte.rd_expense_ratio"}
    assert closable.p < strong.p
    assert weak.code == "C" and weak.blockers and weak.p == 0
    assert holder.code == "R" and holder.readiness == "A"
    assert holder.hnte_valid_until.year == 2022


def test_unknown_facts_are_not_failures(staff, regions):
    from tests.conftest import make_enterprise

    firm = make_enterprise(staff, regions["park_a"], "园区A新设有限公司")  # no facts at all
    g = grading.grade_one(firm, AS_OF)
    assert g.unknown and not any(c["id"] == "hnte.tech_staff_ratio" for c in g.failing)
    assert g.has_unknown


def test_sorting_by_distance_puts_the_closest_first(county):
    g = grading.grade_enterprises(county.values(), AS_OF)
    order = sorted(["strong", "closable", "weak"], key=lambda k: g[county[k].pk].distance)
    assert order == ["strong", "closable", "weak"]


def test_staff_override_needs_a_reason_and_is_audited(staff, officer_a, pool):
    from kechuang.core.errors import PermissionDenied, ValidationFailed

    m = pool["weak"]
    with pytest.raises(ValidationFailed):
        services.grade_override(actor=staff, membership=m, grade="B", reason=" ")
    with pytest.raises(PermissionDenied):
        services.grade_override(actor=officer_a, membership=pool["strong"], grade="C", reason="x")
    services.grade_override(actor=staff, membership=m, grade="B", reason="企业已启动发明专利申请")
    entry = AuditLog.objects.filter(
        object_type="cultivation.poolmembership", object_id=str(m.pk)
    ).latest("id")
    assert "企业已启动发明专利申请" in entry.note and entry.after["grade_override"] == "B"
    g = grading.grade_one(m.enterprise, AS_OF, (m.grade_override, m.grade_override_reason))
    assert g.code == "B" and g.computed == "C" and g.override_reason
