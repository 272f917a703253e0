"""科技活动: events, registrations, roadshow scores, articles, their indicators and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.events import selectors, services
from kechuang.targets.indicators import Evaluator

pytestmark = pytest.mark.django_db
D = dt.date


def event(actor: Any, region: Any, kind: str = "iur", **extra: Any) -> Any:
    data = {
        "kind": kind,
        "title": f"{kind}活动",
        "held_on": "2020-05-10",
        "place": "科创中心",
        "region": region,
        "organisers": "泰兴市科技局",
        **extra,
    }
    return services.event_save(actor=actor, data=data)


def test_event_counts_by_kind_and_area(
    staff: Any, officer_a: Any, regions: Any, firm_a: Any
) -> None:
    event(staff, regions["county"])
    event(staff, regions["county"], "diagnosis")
    event(officer_a, regions["park_a"])
    event(staff, regions["county"], "finance")
    event(staff, regions["county"], "roadshow", held_on="2021-03-01")
    ev = Evaluator(today=D(2021, 6, 30))
    assert ev.value("iur_events", regions["county"], 2020).value == 3
    assert ev.value("iur_events", regions["park_a"], 2020).value == 1
    assert ev.value("finance_events", regions["county"], 2020).value == 1
    assert ev.value("roadshows", regions["county"], 2020).value == 0
    assert ev.value("roadshows", regions["county"], 2021).value == 1
    event(staff, regions["county"], "roadshow", held_on="2021-09-01")  # scheduled
    ev = Evaluator(today=D(2021, 6, 30))
    assert ev.value("roadshows", regions["county"], 2021).value == 1


def test_officer_organises_only_in_own_area(officer_a: Any, regions: Any) -> None:
    with pytest.raises(PermissionDenied):
        event(officer_a, regions["town_b"])


@pytest.mark.parametrize(
    ("extra", "label"),
    [
        ({"kind": "party"}, "活动类型"),
        ({"held_on": "明天"}, "举办日期"),
        ({"place": ""}, "地点"),
        ({"organisers": ""}, "主办/承办单位"),
    ],
)
def test_bad_event_names_the_field(staff: Any, regions: Any, extra: Any, label: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        event(staff, regions["county"], **extra)
    assert exc.value.errors[0].label == label


def test_enterprise_registers_for_an_open_event_once(
    staff: Any, enterprise_user: Any, firm_b: Any, firm_a: Any, regions: Any
) -> None:
    closed = event(staff, regions["county"])
    with pytest.raises(Conflict, match="不接受企业报名"):
        services.registration_add(
            actor=enterprise_user, event=closed, enterprise=firm_b, on=D(2020, 5, 1)
        )
    e = event(staff, regions["county"], open_for_registration=True)
    assert e in selectors.events(actor=enterprise_user)
    assert closed not in selectors.events(actor=enterprise_user)
    with pytest.raises(PermissionDenied):
        services.registration_add(
            actor=enterprise_user, event=e, enterprise=firm_a, on=D(2020, 5, 1)
        )
    services.registration_add(actor=enterprise_user, event=e, enterprise=firm_b, on=D(2020, 5, 1))
    with pytest.raises(Conflict, match="已在本次活动名单中"):
        services.registration_add(
            actor=enterprise_user, event=e, enterprise=firm_b, on=D(2020, 5, 2)
        )
    with pytest.raises(Conflict, match="报名已截止"):
        services.registration_add(actor=staff, event=e, enterprise=firm_a, on=D(2020, 6, 1))
    assert [
        p.event for p in selectors.enterprise_events(actor=enterprise_user, enterprise=firm_b)
    ] == [e]


def test_participants_of_another_area_are_counted_not_named(
    staff: Any, officer_a: Any, firm_a: Any, firm_b: Any, regions: Any
) -> None:
    e = event(staff, regions["county"])
    for firm in (firm_a, firm_b):
        services.participant_add(actor=staff, event=e, role="enterprise", enterprise=firm)
    services.participant_add(actor=staff, event=e, role="expert", name="江苏大学专家组")
    page = selectors.event_page(actor=officer_a, event=e)
    names = [str(p) for p in page["participants"]]
    assert firm_a.name in names and firm_b.name not in names and page["hidden"] == 1
    with pytest.raises(ValidationFailed, match="名称/姓名"):
        services.participant_add(actor=staff, event=e, role="investor", name="")


def test_roadshow_items_and_jury_scores(staff: Any, firm_b: Any, regions: Any) -> None:
    e = event(staff, regions["county"], "roadshow")
    item = services.roadshow_item_add(
        actor=staff,
        event=e,
        data={
            "title": "新型催化剂",
            "presenter": firm_b.name,
            "enterprise": firm_b,
            "financing_sought_wan": "500",
        },
    )
    assert item.financing_sought_yuan == Decimal("5000000.00")
    services.jury_score(actor=staff, item=item, juror="张评委", score="80")
    services.jury_score(actor=staff, item=item, juror="李评委", score="90")
    services.jury_score(actor=staff, item=item, juror="张评委", score="84")  # corrected
    with pytest.raises(ValidationFailed, match="0–100"):
        services.jury_score(actor=staff, item=item, juror="王评委", score="101")
    page = selectors.event_page(actor=staff, event=e)
    assert page["items"][0].avg_score == Decimal("87")
    iur = event(staff, regions["county"])
    with pytest.raises(ValidationFailed, match="只有路演活动"):
        services.roadshow_item_add(actor=staff, event=iur, data={"title": "x", "presenter": "y"})


def test_articles_count_provincial_and_city_media(staff: Any, regions: Any, firm_a: Any) -> None:
    for media, level in (("新华日报", "provincial"), ("泰州日报", "city"), ("泰兴日报", "county")):
        services.article_save(
            actor=staff,
            data={
                "region": regions["county"],
                "media": media,
                "level": level,
                "published_on": "2020-08-01",
                "title": f"{media}报道",
                "link": "https://example.cn/a",
            },
        )
    ev = Evaluator(today=D(2021, 6, 30))
    assert ev.value("publicity_articles", regions["county"], 2020).value == 2
    with pytest.raises(ValidationFailed, match="链接"):
        services.article_save(
            actor=staff,
            data={
                "region": regions["county"],
                "media": "m",
                "level": "city",
                "published_on": "2020-08-01",
                "title": "t",
                "link": "javascript:alert(1)",
            },
        )
