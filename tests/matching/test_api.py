"""The read-only 产学研 API (/api/v1/matching/…): demands, agreements and alliances
scoped like the pages (the bureau its county, an officer their area, a firm its own,
another county nothing of ours), the shared expert and achievement pools, paging with a
bounded page size, and one record by id answering 404 outside the caller's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.matching import services

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1/matching"


def _agreement(staff: Any, firm: Any, expert: Any, title: str) -> Any:
    return services.agreement_sign(
        actor=staff,
        enterprise=firm,
        data={
            "title": title,
            "content": "联合攻关",
            "amount_yuan": Decimal(200000),
            "signed_on": D(2021, 4, 1),
            "expert": expert,
        },
    )


@pytest.fixture
def records(
    staff: Any, peer_bureau: Any, firm_a: Any, firm_b: Any, firm_peer: Any
) -> dict[str, Any]:
    inst = services.institution_save(actor=staff, data={"name": "江苏大学", "kind": "university"})
    x = services.expert_save(
        actor=staff, data={"name": "韩立伟", "institution": inst, "fields": "离心泵 汽蚀"}
    )
    ach = services.achievement_save(
        actor=staff,
        data={"title": "高效泵", "description": "离心泵水力模型", "institution": inst, "expert": x},
    )
    demands = {
        key: services.demand_save(
            actor=actor,
            enterprise=firm,
            on=D(2021, 3, 1),
            data={"title": f"{firm.name}需求", "description": "离心泵汽蚀严重"},
        )
        for key, actor, firm in (
            ("a", staff, firm_a),
            ("b", staff, firm_b),
            ("peer", peer_bureau, firm_peer),
        )
    }
    agreements = {
        "a": _agreement(staff, firm_a, x, "园区A泵协议"),
        "b": _agreement(staff, firm_b, x, "镇B催化协议"),
    }
    services.progress_add(
        actor=staff,
        agreement=agreements["b"],
        data={"kind": "payment", "on": "2021-05-01", "amount_wan": "10"},
    )
    services.progress_add(
        actor=staff, agreement=agreements["b"], data={"kind": "started", "on": "2021-04-15"}
    )
    alliance = services.alliance_save(
        actor=staff,
        data={
            "name": "园区A泵联盟",
            "lead": firm_a,
            "institution": inst,
            "founded_on": "2021-01-05",
        },
    )
    services.alliance_member_add(actor=staff, alliance=alliance, member=firm_b, on=D(2021, 2, 1))
    services.alliance_activity_add(
        actor=staff, alliance=alliance, data={"on": "2021-03-01", "title": "技术沙龙"}
    )
    return {
        "expert": x,
        "achievement": ach,
        "demands": demands,
        "agreements": agreements,
        "alliance": alliance,
    }


def _titles(client: Any, path: str) -> set[str]:
    response = client.get(f"{API}/{path}")
    assert response.status_code == 200, (path, response.content)
    return {r.get("title") or r.get("name") for r in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "demands", "agreements", "alliances"),
    [
        ("staff", {"a", "b"}, {"园区A泵协议", "镇B催化协议"}, {"园区A泵联盟"}),
        ("officer_a", {"a"}, {"园区A泵协议"}, {"园区A泵联盟"}),
        ("officer_b", {"b"}, {"镇B催化协议"}, set()),
        ("enterprise_user", {"b"}, {"镇B催化协议"}, set()),
        ("peer_bureau", {"peer"}, set(), set()),
    ],
)
def test_lists_are_scoped_like_the_pages(
    request: Any,
    client_for: Any,
    records: dict[str, Any],
    who: str,
    demands: set[str],
    agreements: set[str],
    alliances: set[str],
) -> None:
    c = client_for(request.getfixturevalue(who))
    titles = {k: d.title for k, d in records["demands"].items()}
    assert _titles(c, "demands") == {titles[k] for k in demands}
    assert _titles(c, "agreements") == agreements
    assert _titles(c, "alliances") == alliances
    # the supply pools are the county's shared lists, as on the pages
    assert _titles(c, "experts") == {"韩立伟"}
    assert _titles(c, "achievements") == {"高效泵"}


@pytest.mark.parametrize("who", ["officer_b", "enterprise_user", "peer_bureau", "peer_officer"])
def test_a_record_outside_the_scope_is_404(
    request: Any, client_for: Any, records: dict[str, Any], who: str
) -> None:
    c = client_for(request.getfixturevalue(who))
    for path in (
        f"demands/{records['demands']['a'].pk}",
        f"agreements/{records['agreements']['a'].pk}",
        f"alliances/{records['alliance'].pk}",
    ):
        response = c.get(f"{API}/{path}")
        assert response.status_code == 404, (who, path)
        assert response.json()["error"]["code"] == "not_found"
        assert "园区A" not in response.content.decode()


def test_an_agreement_carries_its_progress_and_verdict(
    client_for: Any, enterprise_user: Any, records: dict[str, Any]
) -> None:
    c = client_for(enterprise_user)
    one = c.get(f"{API}/agreements/{records['agreements']['b'].pk}").json()
    assert [(p["kind"], p["kind_label"]) for p in one["progress"]] == [
        ("started", "项目启动"),
        ("payment", "付款"),
    ]
    assert Decimal(one["progress"][1]["amount_yuan"]) == Decimal(100000)
    assert Decimal(one["paid_yuan"]) == Decimal(100000)
    assert one["status"] == "executing" and one["status_label"] == "执行中"
    assert isinstance(one["high_quality"], bool) and isinstance(one["missing"], list)
    # the list carries the same progress records
    (row,) = c.get(f"{API}/agreements").json()["results"]
    assert row == one


def test_an_alliance_names_only_the_members_the_caller_sees(
    client_for: Any, staff: Any, officer_a: Any, records: dict[str, Any], firm_b: Any
) -> None:
    pk = records["alliance"].pk
    full = client_for(staff).get(f"{API}/alliances/{pk}").json()
    assert [m["name"] for m in full["institutions"]] == ["江苏大学"]
    assert {m["uscc"] for m in full["enterprises"]} >= {firm_b.uscc}
    assert full["hidden_enterprises"] == 0
    assert [a["title"] for a in full["activities"]] == ["技术沙龙"]
    park = client_for(officer_a).get(f"{API}/alliances/{pk}").json()
    assert firm_b.uscc not in {m["uscc"] for m in park["enterprises"]}
    assert park["hidden_enterprises"] == 1
    assert firm_b.name not in str(park)


def test_lists_page_with_a_bounded_page_size(
    client_for: Any, staff: Any, records: dict[str, Any]
) -> None:
    c = client_for(staff)
    first = c.get(f"{API}/demands?page_size=1").json()
    second = c.get(f"{API}/demands?page_size=1&page=2").json()
    assert first["count"] == second["count"] == 2
    assert (first["page"], first["page_size"], len(first["results"])) == (1, 1, 1)
    assert first["results"][0]["id"] != second["results"][0]["id"]
    assert c.get(f"{API}/demands?page=3&page_size=1").json()["results"] == []
    for path in ("demands", "experts", "achievements", "agreements", "alliances"):
        assert c.get(f"{API}/{path}?page_size=501").status_code == 422, path
        assert c.get(f"{API}/{path}?page=0").status_code == 422, path


def test_one_expert_and_achievement_by_id(
    client_for: Any, enterprise_user: Any, records: dict[str, Any]
) -> None:
    c = client_for(enterprise_user)
    x = c.get(f"{API}/experts/{records['expert'].pk}").json()
    assert (x["name"], x["institution"]) == ("韩立伟", "江苏大学")
    a = c.get(f"{API}/achievements/{records['achievement'].pk}").json()
    assert (a["title"], a["expert"]) == ("高效泵", "韩立伟")
    assert c.get(f"{API}/experts/999999").status_code == 404
    assert c.get(f"{API}/achievements/999999").status_code == 404


def test_anonymous_gets_401(client: Any, records: dict[str, Any]) -> None:
    for path in ("demands", "experts", "achievements", "agreements", "alliances"):
        assert client.get(f"{API}/{path}").status_code == 401, path
