"""Commissioners on the roll are documents of the one 产学研 search box (the SEARCH
contribution): a word of their expertise finds them, and a technology demand is matched
to them, on the test database's engine (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.matching import selectors as matching
from kechuang.matching import services as matching_services
from kechuang.platforms import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def roll(staff: Any, regions: Any, firm_a: Any) -> Any:
    on = dt.date(2020, 6, 1)
    c = services.commissioner_register(
        actor=staff,
        data={
            "name": "吴特派",
            "institution": "江南大学",
            "expertise": "发酵工程与酶制剂",
            "region": regions["park_a"],
        },
        registered_on=on,
    )
    services.service_record(
        actor=staff, commissioner=c, enterprise=firm_a, served_on=on, summary="指导发酵工艺"
    )
    pending = services.commissioner_recommend(
        actor=staff,
        data={
            "name": "郑推荐",
            "institution": "江苏大学",
            "expertise": "发酵设备",
            "region": regions["park_a"],
        },
        on=on,
    )
    matching_services.search_reindex()
    return c, pending


def test_a_word_of_the_expertise_finds_the_commissioner(staff: Any, roll: Any) -> None:
    c, pending = roll
    hits = matching.search_box(actor=staff, q="发酵")
    found = [(h.entry.kind, h.entry.ref) for h in hits]
    assert ("commissioner", c.pk) in found
    # only those on the roll: a recommendation still pending is not offered
    assert ("commissioner", pending.pk) not in found
    hit = next(h for h in hits if h.entry.ref == c.pk and h.entry.kind == "commissioner")
    assert hit.kind_label == "科技特派员" and hit.entry.title == "吴特派（江南大学）"
    assert "发酵" in hit.matched
    assert ("commissioner", "科技特派员") in matching.search_kinds()


def test_a_demand_is_matched_to_the_commissioner(roll: Any) -> None:
    c, _ = roll
    ranked = matching.rank_for(text="需要改进酶制剂的发酵工艺", domain="")
    # matchable kinds are proposed together, as the experts are
    proposed = [(m.entry.kind, m.entry.ref, m.kind_label) for m in ranked.get("expert", [])]
    assert ("commissioner", c.pk, "科技特派员") in proposed


def test_an_enterprise_user_sees_only_the_public_profile(
    client: Any, staff: Any, enterprise_user: Any, firm_a: Any, roll: Any
) -> None:
    """qiye's 产学研 search: the commissioner found by expertise links to a page qiye
    may open (name, 派出单位, expertise — never the firms served), and a served firm's
    name does not find the commissioner."""
    c, _ = roll
    hits = matching.search_box(actor=enterprise_user, q="发酵工程")
    hit = next(h for h in hits if h.entry.kind == "commissioner" and h.entry.ref == c.pk)
    client.force_login(enterprise_user)
    page = client.get(hit.entry.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "吴特派" in body and "江南大学" in body and "发酵工程与酶制剂" in body
    assert firm_a.name not in body and "指导发酵工艺" not in body
    # the full record stays the staff's and officers'
    assert client.get(f"/platforms/commissioners/{c.pk}/").status_code in (403, 404)
    for actor in (enterprise_user, staff):
        found = matching.search_box(actor=actor, q=firm_a.name)
        assert ("commissioner", c.pk) not in [(h.entry.kind, h.entry.ref) for h in found]
    assert firm_a.name not in hit.entry.summary
    # staff following the same link are taken on to the full record
    client.force_login(staff)
    r = client.get(hit.entry.url)
    assert r.status_code == 302 and r["Location"] == f"/platforms/commissioners/{c.pk}/"
    # a commissioner not on the roll has no public profile
    client.force_login(enterprise_user)
    assert client.get(f"/platforms/commissioners/{roll[1].pk}/profile/").status_code == 404
