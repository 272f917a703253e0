"""The read-only 科技活动 API (/api/v1/events/…): events with their participant count and
roadshow items, and publicity articles, scoped like the pages (the bureau its county, an
officer their area and the county's own, a firm the events open to it or that it took
part in, another county nothing of ours; articles for the bureau and officers only),
paging with a bounded page size, and one record by id answering 404 outside the scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kechuang.events import services

pytestmark = pytest.mark.django_db
API = "/api/v1/events"


def _event(actor: Any, region: Any, title: str, kind: str = "iur", **extra: Any) -> Any:
    return services.event_save(
        actor=actor,
        data={
            "kind": kind,
            "title": title,
            "held_on": "2020-05-10",
            "place": "科创中心",
            "region": region,
            "organisers": "主办单位",
            **extra,
        },
    )


def _article(actor: Any, region: Any, title: str) -> Any:
    return services.article_save(
        actor=actor,
        data={
            "region": region,
            "media": "泰州日报",
            "level": "city",
            "published_on": "2020-08-01",
            "title": title,
            "link": "https://example.cn/a",
        },
    )


@pytest.fixture
def records(
    staff: Any, peer_bureau: Any, regions: Any, peer_town: Any, firm_a: Any, firm_b: Any
) -> dict[str, Any]:
    roadshow = _event(staff, regions["county"], "全市路演", "roadshow", open_for_registration=True)
    item = services.roadshow_item_add(
        actor=staff,
        event=roadshow,
        data={
            "title": "园区A新型泵",
            "presenter": "项目团队",
            "enterprise": firm_a,
            "financing_sought_wan": "500",
        },
    )
    services.jury_score(actor=staff, item=item, juror="张评委", score="80")
    services.jury_score(actor=staff, item=item, juror="李评委", score="91")
    services.participant_add(actor=staff, event=roadshow, role="enterprise", enterprise=firm_a)
    services.participant_add(actor=staff, event=roadshow, role="investor", name="泰州创投")
    park = _event(staff, regions["park_a"], "园区A对接会")
    services.participant_add(actor=staff, event=park, role="enterprise", enterprise=firm_a)
    town = _event(staff, regions["town_b"], "镇B培训", "training", open_for_registration=True)
    peer = _event(peer_bureau, regions["peer"], "兴化对接会")
    return {
        "roadshow": roadshow,
        "park": park,
        "town": town,
        "peer": peer,
        "articles": {
            "county": _article(staff, regions["county"], "泰兴科技新闻"),
            "park": _article(staff, regions["park_a"], "园区A新闻"),
            "peer": _article(peer_bureau, regions["peer"], "兴化新闻"),
        },
    }


def _titles(client: Any, path: str) -> set[str]:
    response = client.get(f"{API}{path}")
    assert response.status_code == 200, (path, response.content)
    return {r["title"] for r in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "events", "articles"),
    [
        ("staff", {"全市路演", "园区A对接会", "镇B培训"}, {"泰兴科技新闻", "园区A新闻"}),
        ("officer_a", {"全市路演", "园区A对接会"}, {"泰兴科技新闻", "园区A新闻"}),
        ("officer_b", {"全市路演", "镇B培训"}, {"泰兴科技新闻"}),
        ("enterprise_user", {"全市路演", "镇B培训"}, None),
        ("peer_bureau", {"兴化对接会"}, {"兴化新闻"}),
    ],
)
def test_lists_are_scoped_like_the_pages(
    request: Any,
    client_for: Any,
    records: dict[str, Any],
    who: str,
    events: set[str],
    articles: set[str] | None,
) -> None:
    c = client_for(request.getfixturevalue(who))
    assert _titles(c, "") == events
    if articles is None:
        # as the 宣传用稿 page: the bureau and officers only
        response = c.get(f"{API}/articles")
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "宣传用稿由科技局和园区/乡镇登记"
    else:
        assert _titles(c, "/articles") == articles


@pytest.mark.parametrize("who", ["officer_b", "enterprise_user", "peer_bureau", "peer_officer"])
def test_a_record_outside_the_scope_is_404(
    request: Any, client_for: Any, records: dict[str, Any], who: str
) -> None:
    c = client_for(request.getfixturevalue(who))
    response = c.get(f"{API}/{records['park'].pk}")
    assert response.status_code == 404, who
    assert "园区A" not in response.content.decode()
    article = c.get(f"{API}/articles/{records['articles']['park'].pk}")
    assert article.status_code in (403, 404), who
    assert "园区A" not in article.content.decode()


def test_an_event_carries_its_participant_count_and_roadshow_items(
    client_for: Any, staff: Any, records: dict[str, Any], firm_a: Any
) -> None:
    one = client_for(staff).get(f"{API}/{records['roadshow'].pk}").json()
    assert (one["kind"], one["kind_label"], one["participants"]) == ("roadshow", "路演", 2)
    (item,) = one["items"]
    assert (item["title"], item["uscc"], item["enterprise"]) == (
        "园区A新型泵",
        firm_a.uscc,
        firm_a.name,
    )
    assert Decimal(item["financing_sought_yuan"]) == Decimal(5000000)
    assert (Decimal(item["mean_score"]), item["scores"]) == (Decimal("85.5"), 2)
    # the list carries the same event; the detail also its outcomes (tests/events/test_intentions.py)
    assert one.pop("intentions") == [] and one.pop("agreements") == []
    rows = client_for(staff).get(f"{API}?kind=roadshow").json()["results"]
    assert rows == [one]


def test_a_firm_sees_the_roadshow_without_the_other_firms_name(
    client_for: Any, enterprise_user: Any, records: dict[str, Any], firm_a: Any
) -> None:
    one = client_for(enterprise_user).get(f"{API}/{records['roadshow'].pk}").json()
    (item,) = one["items"]
    assert item["uscc"] is None and item["enterprise"] is None
    assert firm_a.name not in str(one) and firm_a.uscc not in str(one)


def test_lists_page_with_a_bounded_page_size(
    client_for: Any, staff: Any, records: dict[str, Any]
) -> None:
    c = client_for(staff)
    first = c.get(f"{API}?page_size=2").json()
    second = c.get(f"{API}?page_size=2&page=2").json()
    assert first["count"] == second["count"] == 3
    assert (len(first["results"]), len(second["results"])) == (2, 1)
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    articles = c.get(f"{API}/articles?page_size=1").json()
    assert (articles["count"], len(articles["results"])) == (2, 1)
    for path in ("", "/articles"):
        assert c.get(f"{API}{path}?page_size=501").status_code == 422, path
        assert c.get(f"{API}{path}?page=0").status_code == 422, path


def test_anonymous_gets_401(client: Any, records: dict[str, Any]) -> None:
    for path in ("", "/articles", f"/{records['roadshow'].pk}"):
        assert client.get(f"{API}{path}").status_code == 401, path
