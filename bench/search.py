"""Search speed at 100,000 documents (run by hand, not a test).

    .venv/bin/python bench/search.py [--n 100000] [--queries 100] [--database-url postgres://…/h_x]

Fills the search index (`matching_searchentry` and its full-text index: FTS5 on SQLite,
GIN over to_tsvector('simple', terms) on PostgreSQL) with N synthetic documents whose
words are drawn, Zipf-like, from the vocabulary of the labelled set and the demo's
topics plus common words, then times `matching.search.find` (the query behind the search
box and the matching: the segmented words OR-ed, ranked by bm25 on SQLite, by how many of
the words an entry holds on PostgreSQL, first 50) for
single two-character words and for whole demand texts. Prints p50/p95 in ms and, since
the machine may be busy, the same for a trivial query (`SELECT 1`) timed in the same run,
and the ratio. Everything it writes is rolled back (on PostgreSQL the table is vacuumed
first, so that earlier runs' rolled-back rows are not scanned). Target (issue #17): p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import random
import time

import yaml
from _django import ROOT, setup

COMMON = (
    "材料 工艺 设备 系统 检测 控制 设计 生产 质量 性能 成本 效率 自动化 智能 安全 环保 节能 "
    "新型 高效 低成本 产业化 中试 标准 配方 结构 寿命 可靠性 精度 稳定性 国产化 替代 进口"
).split()


def vocabulary() -> list[str]:
    from kechuang.matching import segment
    from kechuang.matching.demo import TOPICS

    data = yaml.safe_load((ROOT / "bench/data/match_labelled.yaml").read_text(encoding="utf-8"))
    words: dict[str, None] = {}
    for x in data["experts"]:
        for t in segment.terms(f"{x['fields']} {x['achievements']}"):
            words[t] = None
    for d in data["demands"]:
        for t in segment.terms(f"{d['title']} {d['text']}"):
            words[t] = None
    for t in TOPICS:
        for w in segment.terms(" ".join([t[1], t[2], t[3], *t[4]])):
            words[w] = None
    for w in COMMON:
        words[w] = None
    return list(words)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    engine = setup(args.database_url, "search")

    from django.db import connection, transaction

    from kechuang.matching import search, segment, services
    from kechuang.matching.models import SearchEntry

    rng = random.Random(17)
    vocab = vocabulary()
    weights = [1 / (i + 1) ** 0.8 for i in range(len(vocab))]
    rng.shuffle(vocab)
    data = yaml.safe_load((ROOT / "bench/data/match_labelled.yaml").read_text(encoding="utf-8"))
    demands = [f"{d['title']} {d['text']}" for d in data["demands"]]
    singles = ["轴承", "电池", "涂层", "废水", "催化", "中药", "电机", "传感器", "焊接", "发酵"]

    if engine == "postgres":
        # Earlier runs' rows were rolled back but stay in the table and its indexes as
        # dead rows until a vacuum; scanning them would be timed as if they were data.
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE matching_searchentry")
    with transaction.atomic():
        t0 = time.perf_counter()
        kinds = ["expert", "achievement", "demand", "institution"]
        batch: list[SearchEntry] = []
        for i in range(args.n):
            words = rng.choices(vocab, weights=weights, k=rng.randint(12, 40))
            batch.append(
                SearchEntry(
                    kind=kinds[i % 4], ref=i, title=f"文档{i}", terms=" ".join(dict.fromkeys(words))
                )
            )
            if len(batch) == 5000:
                SearchEntry.objects.bulk_create(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
        services.term_stats_rebuild()
        with connection.cursor() as c:
            c.execute("ANALYZE" if engine == "sqlite" else "ANALYZE matching_searchentry")
        load_s = time.perf_counter() - t0

        def run(label: str, texts: list[str], kinds_: list[str]) -> list[float]:
            times, cpu0 = [], time.process_time()
            for k in range(args.queries):
                terms = segment.terms(texts[k % len(texts)])
                t = time.perf_counter()
                search.find(terms, kinds_, limit=50)
                times.append((time.perf_counter() - t) * 1000)
            cpu = (time.process_time() - cpu0) * 1000 / args.queries
            print(
                f"  {label:<34} p50 {pct(times, 0.5):7.2f} ms   p95 {pct(times, 0.95):7.2f} ms"
                f"   (client CPU {cpu:.2f} ms/query)"
            )
            return times

        trivial = []
        for _ in range(args.queries):
            t = time.perf_counter()
            with connection.cursor() as c:
                c.execute("SELECT 1")
                c.fetchall()
            trivial.append((time.perf_counter() - t) * 1000)
        print(
            f"engine: {engine}; documents: {SearchEntry.objects.count():,} "
            f"(loaded and indexed in {load_s:.0f} s); {args.queries} queries each"
        )
        base95 = pct(trivial, 0.95)
        print(
            f"  {'trivial query (SELECT 1)':<34} p50 {pct(trivial, 0.5):7.2f} ms   "
            f"p95 {base95:7.2f} ms"
        )
        for label, texts, kinds_ in (
            ("one two-character word, all kinds", singles, []),
            ("a demand's text, experts+achievements", demands, ["expert", "achievement"]),
        ):
            times = run(label, texts, kinds_)
            held = [
                search.TermStat.objects.filter(
                    term__in=search.query_terms(segment.terms(t), kinds_), kind__in=kinds_ or kinds
                )
                .order_by("df")
                .values_list("df", flat=True)
                .first()
                or 0
                for t in texts
            ]
            print(
                f"  {'':<34} rarest queried word held by {min(held) / args.n:.1%}–"
                f"{max(held) / args.n:.1%} of the documents"
            )
            print(f"  {'':<34} p95 ÷ trivial p95 = {pct(times, 0.95) / base95:.0f}×")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
