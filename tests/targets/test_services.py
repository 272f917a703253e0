from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.targets.models import RegionalStatistic, Target
from kechuang.targets.services import (
    statistic_save,
    statistics_import,
    target_save,
    targets_import,
    weight_save,
)


def test_staff_sets_a_target_and_the_audit_log_records_it(staff: Any, regions: Any):
    t = target_save(
        actor=staff, region="321283", year=2021, indicator="hnte_valid", value=260, comparison=">"
    )
    assert t.comparison == "gt" and t.value == Decimal(260)
    assert AuditLog.objects.filter(object_type="targets.target", action="create").count() == 1
    target_save(
        actor=staff, region="321283", year=2021, indicator="hnte_valid", value=270, comparison="gt"
    )
    assert Target.objects.count() == 1
    assert AuditLog.objects.filter(object_type="targets.target", action="update").count() == 1


def test_officer_cannot_set_targets(officer_a: Any, regions: Any):
    with pytest.raises(PermissionDenied):
        target_save(actor=officer_a, region="321283401", year=2021, indicator="hnte_new", value=5)


def test_target_on_a_city_or_unknown_indicator_is_refused_with_chinese_reasons(
    staff: Any, regions: Any
):
    with pytest.raises(ValidationFailed) as exc:
        target_save(actor=staff, region="321200", year=2021, indicator="nope", value=-1)
    text = "；".join(exc.value.lines())
    assert (
        "目标只能下达到县（市、区）或镇、园区" in text and "不是指标" in text and "目标值" in text
    )


def test_statistics_import_is_all_or_nothing_and_names_row_and_column(staff: Any, regions: Any):
    bad = "区域代码,年度,指标,数值,来源\n321281,2020,有效期内国家高企,200,通报\n999999,2020,hnte_valid,x,通报\n".encode()
    with pytest.raises(ValidationFailed) as exc:
        statistics_import(actor=staff, data=bad, filename="s.csv", commit=True)
    lines = exc.value.lines()
    assert "第3行 数值: “x”不是数字" in lines
    assert any(line.startswith("第3行 区域代码") for line in lines) or len(lines) == 1
    assert RegionalStatistic.objects.count() == 0


def test_statistics_import_previews_then_writes(staff: Any, regions: Any):
    good = "区域代码,年度,指标,数值,来源\n321281,2020,有效期内国家高企,200,通报\n321281,2019,rd_gdp_ratio,2.5,年鉴\n".encode()
    plan = statistics_import(actor=staff, data=good, filename="s.csv", commit=False)
    assert plan.counts == {"new": 2, "changed": 0, "unchanged": 0, "errors": 0, "rows": 2}
    assert RegionalStatistic.objects.count() == 0
    statistics_import(actor=staff, data=good, filename="s.csv", commit=True)
    assert RegionalStatistic.objects.get(key="hnte_valid").value == Decimal(200)
    again = statistics_import(actor=staff, data=good, filename="s.csv", commit=False)
    assert again.counts["unchanged"] == 2


def test_targets_import_reads_comparison_and_rejects_duplicates(staff: Any, regions: Any):
    rows = "区域代码,年度,指标,比较方式,目标值\n321283,2021,hnte_valid,>,260\n321283,2021,hnte_valid,≥,261\n".encode()
    with pytest.raises(ValidationFailed) as exc:
        targets_import(actor=staff, data=rows, filename="t.csv", commit=True)
    assert "第3行 指标: 与第2行重复" in exc.value.lines()
    ok = "区域代码,年度,指标,比较方式,目标值\n321283,2021,hnte_valid,>,260\n321283401,2021,hnte_new,,5\n".encode()
    targets_import(actor=staff, data=ok, filename="t.csv", commit=True)
    assert Target.objects.get(indicator="hnte_valid").comparison == "gt"
    assert Target.objects.get(indicator="hnte_new").comparison == "gte"


def test_statistic_save_refuses_officers(officer_a: Any, regions: Any):
    with pytest.raises(PermissionDenied):
        statistic_save(actor=officer_a, region="321281", year=2020, key="hnte_valid", value=1)


def test_weight_zero_removes_the_indicator_from_the_assessment(staff: Any, regions: Any):
    from kechuang.targets.models import AssessmentWeight

    weight_save(actor=staff, year=2021, indicator="hnte_new", weight=40)
    assert AssessmentWeight.objects.count() == 1
    weight_save(actor=staff, year=2021, indicator="hnte_new", weight=0)
    assert AssessmentWeight.objects.count() == 0
