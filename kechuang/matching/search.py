"""The full-text search behind the search box and the matching, on either database.

`find(terms, kinds, limit)` returns the ids of the `SearchEntry` rows containing any of
the terms, best first (FTS5's bm25 on SQLite, ts_rank over the GIN-indexed tsvector on
PostgreSQL). Terms come from `segment.terms`, so both engines see the same words;
ranking beyond that (domain, past cooperation) is done in `selectors` in Python, the
same on both."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from kechuang.matching.models import SearchEntry


def _fts5_query(terms: Sequence[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _ts_query(terms: Sequence[str]) -> str:
    return " | ".join("'" + t.replace("'", "''").replace("\\", "") + "'" for t in terms)


def find(terms: Sequence[str], kinds: Sequence[str] = (), limit: int = 50) -> list[int]:
    """Ids of matching entries, best first."""
    terms = [t for t in terms if t.strip()]
    if not terms:
        return []
    kind_sql, kind_params = "", list(kinds)
    if kinds:
        kind_sql = " AND e.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT e.id FROM matching_fts f JOIN matching_searchentry e ON e.id = f.rowid "
                f"WHERE matching_fts MATCH %s{kind_sql} ORDER BY bm25(matching_fts), e.id "
                "LIMIT %s",
                [_fts5_query(terms), *kind_params, limit],
            )
        else:
            cursor.execute(
                "SELECT e.id FROM matching_searchentry e, to_tsquery('simple', %s) q "
                "WHERE to_tsvector('simple'::regconfig, e.terms) @@ q"
                f"{kind_sql} ORDER BY ts_rank(to_tsvector('simple'::regconfig, e.terms), q) "
                "DESC, e.id LIMIT %s",
                [_ts_query(terms), *kind_params, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def entries(ids: Sequence[int]) -> list[SearchEntry]:
    """The entries of `ids`, in that order."""
    by_id = SearchEntry.objects.in_bulk(list(ids))
    return [by_id[i] for i in ids if i in by_id]
