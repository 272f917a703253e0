from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.platforms import services


@pytest.fixture
def records(staff: Any, regions: dict[str, Any], firm_a: Any, firm_b: Any) -> dict[str, Any]:
    """One record of each kind in 园区A (firm_a's area), and a commissioner in 镇B."""
    on = dt.date(2020, 6, 1)
    carrier = services.carrier_save(
        actor=staff,
        data={
            "name": "园区A孵化器",
            "kind": "incubator",
            "level": "provincial",
            "operator": "园区A管委会",
            "region": regions["park_a"],
            "recognised_on": dt.date(2018, 1, 1),
        },
    )
    inst = services.institution_save(
        actor=staff,
        data={
            "name": "园区A新材料工程技术研究中心",
            "kind": "engineering",
            "level": "provincial",
            "enterprise": firm_a,
            "approved_on": dt.date(2019, 12, 1),
            "next_review_on": dt.date(2021, 7, 20),
        },
    )
    project = services.incubated_save(
        actor=staff,
        carrier=carrier,
        data={
            "name": "园区A入孵项目",
            "field": "新材料",
            "leader": "张三",
            "talent_category": "overseas_phd",
            "entered_on": on,
        },
    )
    talent = services.talent_save(
        actor=staff,
        data={"name": "园区A人才", "programme": "national", "year": 2020, "enterprise": firm_a},
    )
    plan = services.project_open(
        actor=staff,
        enterprise=firm_a,
        data={
            "year": 2020,
            "level": "provincial",
            "scheme": "省重点研发计划",
            "title": "园区A课题",
            "applied_on": on,
        },
    )
    c_a = services.commissioner_register(
        actor=staff,
        data={
            "name": "园区A特派员",
            "institution": "江南大学",
            "expertise": "化工",
            "region": regions["park_a"],
        },
        registered_on=on,
    )
    c_b = services.commissioner_register(
        actor=staff,
        data={
            "name": "镇B特派员",
            "institution": "江苏大学",
            "expertise": "机械",
            "region": regions["town_b"],
        },
        registered_on=on,
    )
    recognition = services.recognition_apply(
        actor=staff,
        data={
            "target": "carrier",
            "name": "园区A众创空间申报",
            "kind": "makerspace",
            "level": "county",
            "operator": "园区A管委会",
            "region": regions["park_a"],
        },
        on=on,
    )
    return {
        "recognition": recognition,
        "carrier": carrier,
        "institution": inst,
        "project": project,
        "talent": talent,
        "plan": plan,
        "commissioner_a": c_a,
        "commissioner_b": c_b,
    }
