"""Where points scoring spends its time, phase by phase (run by hand, not a test).

    .venv/bin/python bench/points_phases.py [--n 100000] [--repeat 7]

On the synthetic county of `bench/points.py`, the best of `--repeat` runs of each phase of
`kechuang.rules.points.scoring.score` run alone, on one thread: reading the facts, the
stage codes, each indicator (with how it is ranked: counted or sorted), the ranks, the
ranks after every gain; then the whole `score` (two threads) and the page faults a
call takes (fresh memory costs one per 4 KiB; see the floors `bench/points.py` prints).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from points import synthetic

from kechuang.rules.points import default_set
from kechuang.rules.points import scoring as s


def best_ms(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = work()
        best = min(best, time.perf_counter() - t0)
    return best * 1000, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    iset, df = default_set(), synthetic(args.n)
    k = len(iset.stages)
    ms, read = best_ms(args.repeat, lambda: s._read(df, iset))
    print(f"{'read the facts':36} {ms:8.2f} ms")
    ms, code = best_ms(
        args.repeat, lambda: s._stage_codes(read["revenue|v"], read["revenue|null"], iset)
    )
    print(f"{'stage codes':36} {ms:8.2f} ms")
    by_stage = s._stage_rows(code, k)
    serial, scored = 0.0, []
    for ind in iset.indicators:
        ms, sc = best_ms(args.repeat, lambda i=ind: s._Scored.of(i, iset, read, code, by_stage))
        serial += ms
        scored.append(sc)
        print(f"  {ind.id:34} {ms:8.2f} ms  ({ind.source.kind}, {ind.method})")
    print(f"{'indicators, one after another':36} {serial:8.2f} ms")
    total = sum(sc.cents for sc in scored)
    ms, ranks = best_ms(args.repeat, lambda: s._Ranks.of(total, code, iset))
    print(f"{'ranks and tiers':36} {ms:8.2f} ms")
    ms, _ = best_ms(
        args.repeat,
        lambda: [ranks.after(sc.gain) for sc in scored if sc.gain is not None],
    )
    print(f"{'ranks after every gain':36} {ms:8.2f} ms")
    ms, _ = best_ms(args.repeat, lambda: s.score(df, iset))
    print(f"{'score (two threads)':36} {ms:8.2f} ms")
    faults = []
    for _ in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        s.score(df, iset)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    # (how many depends on what glibc's malloc kept from earlier calls)
    print(f"{'page faults per score, least–most':36} {min(faults):8,}–{max(faults):,}")


if __name__ == "__main__":
    main()
