import datetime as dt

import pytest

from kechuang.assessments.services import assess_records, enterprise_assessment, registry_snapshot
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.enterprises.models import AssessmentSnapshot, Enterprise

pytestmark = pytest.mark.django_db

H1 = {
    "uscc": "91321283MA1MR5HB8P",
    "name": "H1",
    "registered_on": "2019-03-01",
    "employees": 100,
    "tech_staff": 15,
    "revenue_y1": "3000",
    "revenue_y2": "3600",
    "revenue_y3": "4200",
    "rd_expense_y1": 180,
    "rd_expense_y2": 200,
    "rd_expense_y3": 230,
    "rd_domestic_3y": 610,
    "hightech_income": 3800,
    "total_income": 4300,
    "non_taxable_income": 0,
    "net_assets_y1": 2000,
    "net_assets_y2": 2500,
    "net_assets_y3": 3200,
    "ip_class1": 1,
    "ip_class2": 0,
    "tech_domain": "4.5",
    "major_incident": "否",
    "score_tech_advancement": 7,
    "score_core_support": 7,
    "score_ip_count": 7,
    "score_ip_acquisition": 5,
    "score_standards": 0,
    "score_conversion": 20,
    "score_rd_mgmt_system": 5,
    "score_rd_institution": 5,
    "score_conversion_incentive": 3,
    "score_talent_system": 3,
    "score_net_asset_growth": 7,
    "score_revenue_growth": 5,
}


def test_h1_passes_through_the_service():
    doc = assess_records([H1], rules="hnte-2016", as_of=dt.date(2025, 6, 15))
    result = doc["results"][0]
    assert result["verdict"] == "pass" and result["score"] == {"lo": 74, "hi": 74, "mid": 74}


def test_invalid_records_list_every_error():
    with pytest.raises(ValidationFailed) as exc:
        assess_records(
            [{**H1, "employees": "很多", "revenue_y3": "-1"}], as_of=dt.date(2025, 6, 15)
        )
    lines = exc.value.lines()
    assert any("第2行 职工总数" in line for line in lines) and any(
        "第2行 销售收入_第三年" in line for line in lines
    )


def test_unknown_ruleset_is_an_error():
    with pytest.raises(ValidationFailed, match="错误"):
        assess_records([H1], rules="nope", as_of=dt.date(2025, 6, 15))


def test_what_if_overrides_change_the_result_and_save_nothing(firm_b):
    as_of = dt.date(2021, 6, 30)
    _rec, base = enterprise_assessment(enterprise=firm_b, as_of=as_of, rules="hnte-2016")
    rd = {c["id"]: c for c in base["results"][0]["criteria"]}["hnte.rd_expense_ratio"]
    assert rd["passed"] is True  # 600 / 10800 ≥ 5 %
    _rec, what_if = enterprise_assessment(
        enterprise=firm_b, as_of=as_of, rules="hnte-2016", overrides={"rd_expense_y3": "10"}
    )
    rd = {c["id"]: c for c in what_if["results"][0]["criteria"]}["hnte.rd_expense_ratio"]
    assert rd["passed"] is False and rd["remedy"]
    assert firm_b.facts.get(fiscal_year=2020).rd_expense_yuan == 2000000


def test_registry_snapshot_stores_dated_results(staff, firm_a, firm_b):
    run = registry_snapshot(
        actor=staff, as_of=dt.date(2021, 6, 30), enterprises=Enterprise.objects.all()
    )
    assert run.enterprises == 2
    snaps = AssessmentSnapshot.objects.filter(run=run)
    assert snaps.count() == 6  # 2 enterprises × 3 rule sets
    s = snaps.get(enterprise=firm_b, ruleset="hnte-2016")
    assert s.ruleset_version.startswith("hnte-2016@") and len(s.inputs_hash) == 64
    assert s.result["uscc"] == firm_b.uscc and s.verdict in ("pass", "fail", "uncertain")


def test_only_bureau_staff_snapshot_the_registry(officer_a):
    with pytest.raises(PermissionDenied):
        registry_snapshot(
            actor=officer_a, as_of=dt.date(2021, 6, 30), enterprises=Enterprise.objects.none()
        )


def test_assess_registry_command_runs_inline_with_the_same_progress(staff, firm_b):
    import io

    from django.core.management import call_command

    from kechuang.enterprises.models import AssessmentRun

    out = io.StringIO()
    call_command("assess_registry", "--as-of", "2021-06-30", stdout=out, stderr=io.StringIO())
    assert "已评价 1 家企业（评价日期 2021-06-30）" in out.getvalue()
    assert AssessmentRun.objects.get().enterprises == 1
