"""The full-text search behind the search box and the matching, on either database.

`find(terms, kinds, limit)` returns the ids of the `SearchEntry` rows containing any of
the terms, best first (FTS5's bm25 on SQLite, ts_rank over the GIN-indexed tsvector on
PostgreSQL). Terms come from `segment.terms`, so both engines see the same words;
ranking beyond that (domain, past cooperation) is done in `selectors` in Python, the
same on both."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from kechuang.matching.models import SearchEntry, TermStat

MAX_TERMS = 5
# A word held by more than this share of the entries ranks nothing and matches most of
# them (材料, 工艺 …): it is left out of the query while rarer words remain.
COMMON_SHARE = 0.05


def query_terms(terms: Sequence[str], kinds: Sequence[str] = ()) -> list[str]:
    """The words worth asking the index for: those entries of `kinds` (all, when none)
    hold, rarest first, without the ones most of them hold (unless nothing else is left),
    at most MAX_TERMS."""
    wanted = [t for t in dict.fromkeys(terms) if t.strip()]
    if not wanted:
        return []
    rows = TermStat.objects.filter(term__in=[*wanted, ""])
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    df: dict[str, int] = {}
    for term, n in rows.values_list("term", "df"):
        df[term] = df.get(term, 0) + n
    total = df.pop("", 0)
    held = sorted((t for t in wanted if df.get(t, 0) > 0), key=lambda t: (df[t], t))
    rare = [t for t in held if df[t] <= max(COMMON_SHARE * total, 50)]
    return (rare or held[:1])[:MAX_TERMS]


def _quoted(terms: Sequence[str], quote: str) -> list[str]:
    if quote == '"':
        return ['"' + t.replace('"', '""') + '"' for t in terms]
    return ["'" + t.replace("'", "''").replace("\\", "") + "'" for t in terms]


def find(terms: Sequence[str], kinds: Sequence[str] = (), limit: int = 50) -> list[int]:
    """Ids of the entries containing any of `terms` (of `kinds`, when given), best first."""
    terms = query_terms(terms, kinds)
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = "terms : (" + " OR ".join(_quoted(terms, '"')) + ")"
            if kinds:
                match += " AND kind : (" + " OR ".join(_quoted(kinds, '"')) + ")"
            # One word: every entry holds it once, so ranking would only sort by length.
            order = "rank, rowid" if len(terms) > 1 else "rowid DESC"
            cursor.execute(
                f"SELECT rowid FROM matching_fts WHERE matching_fts MATCH %s ORDER BY {order} "
                "LIMIT %s",
                [match, limit],
            )
        else:
            kind_sql = ""
            if kinds:
                kind_sql = " AND e.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
            order = "ts_rank(e.tsv, q) DESC, e.id" if len(terms) > 1 else "e.id DESC"
            cursor.execute(
                "SELECT e.id FROM matching_searchentry e, to_tsquery('simple', %s) q "
                f"WHERE e.tsv @@ q{kind_sql} ORDER BY {order} LIMIT %s",
                [" | ".join(_quoted(terms, "'")), *kinds, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def entries(ids: Sequence[int]) -> list[SearchEntry]:
    """The entries of `ids`, in that order."""
    by_id = SearchEntry.objects.in_bulk(list(ids))
    return [by_id[i] for i in ids if i in by_id]
