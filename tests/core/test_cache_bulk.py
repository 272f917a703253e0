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


def test_past_max_entries_the_table_is_culled_as_django_does(monkeypatch: Any) -> None:
    backend = caches["default"]
    monkeypatch.setattr(backend, "_max_entries", 100)
    set_many_in_bulk({f"kc:test:{i}": i for i in range(150)})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(backend._table)}")
        assert cursor.fetchone()[0] < 150


def test_other_backends_get_their_own_set_many(settings: Any) -> None:
    from django.core.cache import caches as handler

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    try:
        set_many_in_bulk({"kc:test:x": 3})
        assert handler["default"].get("kc:test:x") == 3
    finally:
        handler["default"].clear()
