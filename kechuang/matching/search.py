"""The full-text search behind the search box and the matching, on either database.

`find(terms, kinds, limit)` returns the ids of the `SearchEntry` rows containing any of
the terms, best first: FTS5's bm25 on SQLite; on PostgreSQL the entries holding more of
the words first (what ts_rank gives for our documents, which hold each word once), the
newest first among those holding as many, read tier by tier from the GIN index so that only rows of the tiers returned are
read, never every row holding a common word. Terms come from `segment.terms`, so both
engines see the same words; ranking beyond that (domain, past cooperation) is done in
`selectors` in Python, the same on both."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

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
            return _find_postgres(cursor, _quoted(terms, "'"), kinds, limit)
        return [row[0] for row in cursor.fetchall()]


def _at_least(words: Sequence[str], n: int) -> str:
    """A tsquery for the entries holding at least `n` of `words`."""
    return " | ".join("(" + " & ".join(c) + ")" for c in combinations(words, n))


def _find_postgres(
    cursor: Any, words: Sequence[str], kinds: Sequence[str], limit: int
) -> list[int]:
    """Entries holding all the words, then all but one, … then any one; the newest first
    within a tier. ts_rank orders the tiers the same (each word is held once, so an
    entry's rank is the share of the words it holds) but reads every matching row to
    compute it: a word held by 9 % of 100,000 entries meant 9,000 heap
    rows per query. Here each tier is `@@ … ORDER BY id LIMIT`, which the planner answers
    from the GIN index (few rows) or by walking the primary key (many rows), and stops
    as soon as `limit` ids are found."""
    kind_sql = ""
    if kinds:
        kind_sql = " AND kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
    found: list[int] = []
    seen: set[int] = set()
    for n in range(len(words), 0, -1):
        # The entries already found (higher tiers) are in this one too, and we only get
        # here when those tiers were exhausted: `limit` rows hold every new one needed.
        cursor.execute(
            "SELECT id FROM matching_searchentry WHERE tsv @@ to_tsquery('simple', %s)"
            f"{kind_sql} ORDER BY id DESC LIMIT %s",
            [_at_least(words, n), *kinds, limit],
        )
        for (pk,) in cursor.fetchall():
            if pk not in seen:
                seen.add(pk)
                found.append(pk)
                if len(found) == limit:
                    return found
    return found


def entries(ids: Sequence[int]) -> list[SearchEntry]:
    """The entries of `ids`, in that order."""
    by_id = SearchEntry.objects.in_bulk(list(ids))
    return [by_id[i] for i in ids if i in by_id]
