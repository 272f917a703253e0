"""`core.cache.set_many_in_bulk`: what Django's `cache.set_many` stores, in a few
statements on the database cache — read back by Django's own `get`, replacing what was
there, expiring, culled past MAX_ENTRIES, and inside a transaction without a savepoint a
key."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.core.cache import set_many_in_bulk

pytestmark = pytest.mark.django_db


def test_entries_are_read_back_by_djangos_own_get_and_replace_what_was_there() -> None:
    cache.set("kc:test:a", "old")
    values: dict[str, Any] = {f"kc:test:{i}": {"n": i, "text": "高企"} for i in range(1200)}
    values["kc:test:a"] = ("new", [1, 2])
    with CaptureQueriesContext(connection) as queries:
        set_many_in_bulk(values)
    # 1,201 keys: per 500 one delete and one insert (executemany), and one count
    assert len(queries) <= 3 * 2 + 2 + 2, [q["sql"][:60] for q in queries]
    assert cache.get("kc:test:a") == ("new", [1, 2])
    assert cache.get_many(["kc:test:7", "kc:test:1199"]) == {
        "kc:test:7": {"n": 7, "text": "高企"},
        "kc:test:1199": {"n": 1199, "text": "高企"},
    }


def test_a_timeout_expires_and_none_never_does() -> None:
    set_many_in_bulk({"kc:test:short": 1}, timeout=1)
    set_many_in_bulk({"kc:test:forever": 2}, timeout=None)
    assert cache.get("kc:test:short") == 1
    time.sleep(2.1)
    assert cache.get("kc:test:short") is None
    assert cache.get("kc:test:forever") == 2


def _rows() -> int:
    backend = caches["default"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(backend._table)}")
        count: int = cursor.fetchone()[0]
    return count


def test_past_max_entries_room_is_made_first_and_the_new_entries_kept(monkeypatch: Any) -> None:
    monkeypatch.setattr(caches["default"], "_max_entries", 100)
    set_many_in_bulk({f"kc:test:old:{i:03}": i for i in range(60)})
    set_many_in_bulk({f"kc:test:new:{i:03}": i for i in range(80)})
    assert _rows() <= 100
    assert len(cache.get_many([f"kc:test:new:{i:03}" for i in range(80)])) == 80
    # a batch larger than the whole cache: no more than it holds
    set_many_in_bulk({f"kc:test:big:{i:04}": i for i in range(1000)})
    assert 0 < _rows() <= 100


def test_other_backends_get_their_own_set_many(settings: Any) -> None:
    from django.core.cache import caches as handler

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    try:
        set_many_in_bulk({"kc:test:x": 3})
        assert handler["default"].get("kc:test:x") == 3
    finally:
        handler["default"].clear()
