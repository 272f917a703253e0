"""Three firms of 泰兴市 with hand-checkable facts, and a one-stage, two-indicator set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import make_enterprise

YEAR = 2020

# rd (万元), tech staff, employees: X leads on R&D, Y on staff, Z is third on R&D and
# second on staff (the hand computation is in test_services.py).
FIRMS = {
    "X": ("甲研发强企有限公司", 300, 5, 50),
    "Y": ("乙人才密集有限公司", 200, 30, 60),
    "Z": ("丙综合企业有限公司", 100, 20, 40),
}


def small_set(rd_weight: Any = 50, staff_weight: Any = 50) -> dict[str, Any]:
    return {
        "id": "test-small",
        "title": "测试用两项指标体系",
        "version": 1,
        "year_from": YEAR,
        "source": "测试",
        "groups": [{"id": "tech", "label": "技术创新"}],
        "stages": [{"id": "all", "label": "全部企业"}],
        "indicators": [
            {
                "id": "rd",
                "label": "研发费用",
                "group": "tech",
                "source": {"field": "rd_expense"},
                "weights": {"all": rd_weight},
                "step": 10,
                "step_text": "再投入研发费用10万元",
            },
            {
                "id": "staff",
                "label": "科技人员数",
                "group": "tech",
                "source": {"field": "tech_staff"},
                "weights": {"all": staff_weight},
                "step": 1,
                "step_text": "再增加1名科技人员",
            },
        ],
        "tiers": [{"id": "a", "label": "第一档（第1名）", "top": "33%"}],
    }


@pytest.fixture
def county(regions: dict[str, Any]) -> Any:
    return regions["county"]


@pytest.fixture
def firms(staff: Any, regions: dict[str, Any]) -> dict[str, Any]:
    from kechuang.enterprises.services import facts_record

    out = {}
    places = {"X": regions["park_a"], "Y": regions["town_b"], "Z": regions["town_c"]}
    for key, (name, rd, tech, employees) in FIRMS.items():
        firm = make_enterprise(staff, places[key], name)
        facts_record(
            actor=staff,
            enterprise=firm,
            fiscal_year=YEAR,
            source="statistics",
            recorded_on=dt.date(YEAR + 1, 3, 1),
            values={
                "employees": employees,
                "tech_staff": tech,
                "revenue_yuan": Decimal(3000) * 10000,
                "rd_expense_yuan": Decimal(rd) * 10000,
            },
        )
        out[key] = firm
    return out


@pytest.fixture
def published_small(staff: Any, county: Any) -> Any:
    """The year's set: the small one, published."""
    from kechuang.points import services

    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    services._save_data(staff, draft, small_set(), "test")
    return services.set_publish(actor=staff, point_set=draft)


@pytest.fixture
def scored_published_with_objection(
    staff: Any, county: Any, firms: dict[str, Any], published_small: Any
) -> Any:
    from kechuang.enterprises.models import EnterpriseMember
    from kechuang.points import services
    from tests.conftest import make_user

    services.score_county(actor=staff, county=county, year=YEAR)
    pub = services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 6, 10),
    )
    user = make_user("qiye_z", "enterprise")
    EnterpriseMember.objects.create(user=user, enterprise=firms["Z"])
    services.objection_file(
        actor=user,
        publication=pub,
        enterprise=firms["Z"],
        reason="研发费用有误",
        on=dt.date(2021, 6, 2),
    )
    return pub
