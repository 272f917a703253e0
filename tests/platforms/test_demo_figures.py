"""The demo county's 2020 report gives the seed's figures for every id of C7/C9, and
each figure moves when one more record is written through the services."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from kechuang.accounts.models import Region, User
from kechuang.enterprises.models import Enterprise
from kechuang.platforms import services
from kechuang.platforms.models import CampaignEntry, Carrier, RdInstitution
from kechuang.reports.builder import build_annual, to_json
from kechuang.targets.indicators import Evaluator

pytestmark = pytest.mark.django_db

SEED = {
    "rd_institutions_new": 3,
    "incubator_projects_new": 15,
    "projects_applied": 102,
    "talent_national_new": 19,
    "talent_provincial_new": 4,
    "commissioners_reregistered": 121,
    "commissioners_new": 34,
}
TODAY = dt.date(2021, 6, 30)


def _value(ind: str) -> Decimal | None:
    county = Region.objects.get(code="321283")
    return Evaluator(today=TODAY).value(ind, county, 2020).value


def test_the_2020_report_gives_the_seed_values(demo_county: Any) -> None:
    county = Region.objects.get(code="321283")
    data = json.loads(to_json(build_annual(region=county, year=2020, today=TODAY)))
    got = {k: data["indicators"][k]["value"] for k in SEED}
    assert got == SEED
    for k, v in SEED.items():
        assert data["indicators"][k]["records"] == v
        assert data["indicators"][k]["status"] == "records"
    # the seed's named records are among them
    names = {
        i.enterprise.name
        for i in RdInstitution.objects.filter(approved_on__year=2020, level="provincial")
    }
    assert {
        "江苏泰丰化工有限公司",
        "江苏泰特尔新材料科技股份有限公司",
        "江苏长虹三杰机械有限公司",
    } <= names


def test_each_figure_moves_with_one_more_record(demo_county: Any) -> None:
    kjj = User.objects.get(username="kjj")
    county = Region.objects.get(code="321283")
    firm = Enterprise.objects.in_region(county).order_by("uscc").first()
    assert firm is not None
    on = dt.date(2020, 12, 20)

    services.institution_save(
        actor=kjj,
        data={
            "name": "测试重点实验室",
            "kind": "key_lab",
            "level": "provincial",
            "enterprise": firm,
            "approved_on": on,
        },
    )
    incubator = Carrier.objects.get(name="泰兴市科技创业园")
    services.incubated_save(
        actor=kjj,
        carrier=incubator,
        data={
            "name": "新增测试项目",
            "field": "新材料",
            "leader": "张三",
            "talent_category": "phd",
            "entered_on": on,
        },
    )
    services.project_open(
        actor=kjj,
        enterprise=firm,
        data={
            "year": 2020,
            "level": "city",
            "scheme": "泰州市科技支撑计划",
            "title": "新增测试课题",
            "applied_on": on,
        },
    )
    services.talent_save(
        actor=kjj, data={"name": "李四", "programme": "national", "year": 2020, "enterprise": firm}
    )
    services.talent_save(
        actor=kjj,
        data={"name": "王五", "programme": "provincial", "year": 2020, "enterprise": firm},
    )
    services.commissioner_recommend(
        actor=kjj,
        data={"name": "赵六", "institution": "江南大学", "expertise": "食品工程", "region": county},
        on=on,
    )
    lapsed = CampaignEntry.objects.filter(campaign__year=2020, status="lapsed").first()
    assert lapsed is not None
    CampaignEntry.objects.filter(pk=lapsed.pk).update(
        status="confirmed"
    )  # a correction of the record
    for k, v in SEED.items():
        assert _value(k) == v + 1, k


def test_city_level_and_national_records_do_not_count(demo_county: Any) -> None:
    kjj = User.objects.get(username="kjj")
    county = Region.objects.get(code="321283")
    firm = Enterprise.objects.in_region(county).order_by("-uscc").first()
    services.institution_save(
        actor=kjj,
        data={
            "name": "市级中心",
            "kind": "engineering",
            "level": "city",
            "enterprise": firm,
            "approved_on": dt.date(2020, 5, 1),
        },
    )
    services.project_open(
        actor=kjj,
        enterprise=firm,
        data={
            "year": 2020,
            "level": "national",
            "scheme": "国家重点研发计划",
            "title": "国家课题",
            "applied_on": dt.date(2020, 5, 1),
        },
    )
    assert _value("rd_institutions_new") == 3
    assert _value("projects_applied") == 102


def test_provincial_institution_reaches_the_assessment(demo_county: Any) -> None:
    from kechuang.enterprises.assessment import registry_records

    taifeng = Enterprise.objects.get(name="江苏泰丰化工有限公司")
    before = registry_records([taifeng], dt.date(2020, 6, 30))[0]
    after = registry_records([taifeng], dt.date(2021, 6, 30))[0]
    assert before.get("provincial_rd_institution") is None  # approved in Nov 2020
    assert after["provincial_rd_institution"] == "true"
