from __future__ import annotations

from fractions import Fraction

import pytest

from kechuang.core.models import AuditLog
from kechuang.cultivation import grading, services
from tests.cultivation.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_score_probability_is_uniform_over_the_upper_half():
    assert grading.score_probability(40, 90, 65) == Fraction(20, 26)
    assert grading.score_probability(40, 70, 55) == 0
    assert grading.score_probability(72, 80, 76) == 1
    assert grading.expected_score(40, 90, 65) == 78


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
