"""A commissioner registered, corrected or accepted is found by the 产学研 search box at
once: platforms says so through `registry.search_records_changed` and the index re-reads
the record (no rebuild); a word the record no longer holds stops finding it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.matching import selectors as matching
from kechuang.platforms import services

pytestmark = pytest.mark.django_db
ON = dt.date(2020, 6, 1)


def _found(staff: Any, word: str) -> set[int]:
    return {
        h.entry.ref
        for h in matching.search_box(actor=staff, q=word)
        if h.entry.kind == "commissioner"
    }


def _data(regions: Any, expertise: str, name: str = "吴特派") -> dict[str, Any]:
    return {
        "name": name,
        "institution": "江南大学",
        "expertise": expertise,
        "region": regions["park_a"],
    }


def test_registered_then_corrected_without_a_rebuild(staff: Any, regions: Any) -> None:
    c = services.commissioner_register(
        actor=staff, data=_data(regions, "发酵工程与酶制剂"), registered_on=ON
    )
    assert c.pk in _found(staff, "发酵")
    services.commissioner_update(actor=staff, commissioner=c, data=_data(regions, "锂电池回收"))
    assert c.pk in _found(staff, "电池")
    assert c.pk not in _found(staff, "发酵")


def test_a_recommendation_is_offered_once_accepted(staff: Any, regions: Any) -> None:
    pending = services.commissioner_recommend(
        actor=staff, data=_data(regions, "涂层材料", name="郑推荐"), on=ON
    )
    assert pending.pk not in _found(staff, "涂层")
    services.commissioner_decide(actor=staff, commissioner=pending, accept=True, on=ON)
    assert pending.pk in _found(staff, "涂层")
