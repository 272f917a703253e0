"""Search and matching in Chinese, on the test database's engine (SQLite FTS5, or
PostgreSQL's tsvector when KECHUANG_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from typing import Any

import pytest

from kechuang.matching import segment, selectors, services
from kechuang.matching.samples import evaluate

pytestmark = pytest.mark.django_db


def names(hits: Any, kind: str = "expert") -> list[str]:
    return [h.entry.title.split("（")[0] for h in hits if h.entry.kind == kind]


@pytest.mark.parametrize(
    ("q", "expected", "absent"),
    [
        ("轴承", {"周建平", "钱立新", "孙卫东"}, {"李海燕", "刘国庆"}),
        ("电池", {"李海燕", "王振宇", "陈思远"}, {"周建平", "杨晓梅"}),
        ("涂层", {"刘国庆", "杨晓梅", "赵明轩"}, {"王振宇", "黄志强"}),
    ],
)
def test_search_finds_the_experts_of_a_two_character_word(
    staff: Any, labelled: Any, q: str, expected: set[str], absent: set[str]
) -> None:
    hits = selectors.search_box(actor=staff, q=q)
    found = set(names(hits))
    assert expected <= found, (q, found)
    assert not (absent & found)
    assert all(q in h.matched for h in hits)


def test_search_segments_a_sentence(staff: Any, labelled: Any) -> None:
    hits = selectors.search_box(actor=staff, q="化工废水的臭氧催化氧化处理")
    assert names(hits)[0] == "郑春燕"


def test_terms_include_two_character_words_inside_longer_ones() -> None:
    assert {"动力", "电池", "动力电池"} <= set(segment.terms("动力电池热管理"))
    assert "技术" not in segment.terms("涂层技术")
    assert segment.terms("   ") == []


def test_search_of_nothing_or_punctuation_finds_nothing(staff: Any, labelled: Any) -> None:
    assert selectors.search_box(actor=staff, q="") == []
    assert selectors.search_box(actor=staff, q="\"' OR * -- ；（") == []


def test_demand_matches_rank_the_right_expert_with_reasons(staff: Any, labelled: Any) -> None:
    experts, _ = labelled
    ranked = selectors.rank_for(text="泵轴磨损快，希望采用超音速喷涂碳化钨耐磨涂层", domain="4.2")[
        "expert"
    ]
    assert ranked[0].entry.ref == experts["e07"].pk
    reasons = " ".join(ranked[0].reasons)
    assert "涂层" in reasons and "同一技术领域" in reasons


def test_past_cooperation_is_a_reason_and_lifts_the_rank(
    staff: Any, labelled: Any, firm_a: Any
) -> None:
    experts, _ = labelled
    text, domain = "储能电池低温性能差", "6.3"
    before = [m.entry.ref for m in selectors.rank_for(text=text, domain=domain)["expert"]]
    partner = experts["e05"]
    assert before.index(partner.pk) > 0
    after = selectors.rank_for(text=text, domain=domain, partners={("expert", partner.pk)})
    top = after["expert"][0]
    assert top.entry.ref == partner.pk and "曾与本企业合作" in top.reasons


def test_labelled_set_meets_the_quality_target(labelled: Any) -> None:
    _, cases = labelled
    assert len(cases) >= 60
    q = evaluate(cases)
    assert q.recall_at_5 >= 0.8, q.misses
    assert q.mrr >= 0.6


def test_index_follows_edits_and_reindex(staff: Any, labelled: Any) -> None:
    experts, _ = labelled
    x = experts["e01"]
    services.expert_save(
        actor=staff,
        expert=x,
        data={"name": x.name, "institution": x.institution, "fields": "超导磁体 低温制冷"},
    )
    assert "周建平" in names(selectors.search_box(actor=staff, q="超导"))
    assert "周建平" not in names(selectors.search_box(actor=staff, q="轴承钢"))
    n = services.search_reindex(actor=staff)
    assert n >= 50
    assert "周建平" in names(selectors.search_box(actor=staff, q="超导"))


def test_entries_holding_more_of_the_words_come_first_newest_first_among_equals(
    db: Any,
) -> None:
    from kechuang.matching import search
    from kechuang.matching.models import SearchEntry

    held = ["轴承 涂层", "轴承", "涂层 电池", "轴承 涂层 电池", "电池", "轴承 电池", "焊接"]
    made = [
        SearchEntry.objects.create(kind="expert", ref=i, title=f"文档{i}", terms=t)
        for i, t in enumerate(held)
    ]
    services.term_stats_rebuild()
    ids = search.find(["轴承", "涂层", "电池"], limit=50)
    pk = [e.pk for e in made]
    if search.connection.vendor == "postgresql":
        # all three; then two of them, newest first; then one, newest first
        assert ids == [pk[3], pk[5], pk[2], pk[0], pk[4], pk[1]]
    assert set(ids) == set(pk[:6])  # SQLite: bm25, which says little over seven entries
    assert search.find(["轴承", "涂层", "电池"], limit=4) == ids[:4]
    assert search.find(["轴承"], limit=2) == [pk[5], pk[3]]
