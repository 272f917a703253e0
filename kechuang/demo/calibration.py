"""The demo county's design targets: the figures its records must produce for 2020.

They come from the seed (the 泰兴市科技局 2020 work report, ../shared/seed/000_bbaa06e7afcfcd41.txt,
"2.创新能力明显提升" and "二、存在的短板和不足"). They are design constants of the *generator*
only: the demo creates records so that counting them gives these figures; no figure is
stored anywhere, and the registry and reports always count the records.

Readings (how each figure is counted from the records, for the 泰兴市 region):

- `hnte_new` Y: HNTE certificates issued in year Y, first-time and re-certification
  (重新认定) alike — the bureau reports every certificate issued in the year as 新认定.
- `hnte_valid` Y: distinct enterprises with an HNTE certificate valid on 31 Dec Y
  (`Certificate.objects.valid_on`; 3 years from the date of issue).
- `hnte_valid_growth_avg_3y` Y: the mean of the three yearly growth rates of
  `hnte_valid` (V[Y-2]/V[Y-3]-1, V[Y-1]/V[Y-2]-1, V[Y]/V[Y-1]-1), in %.
- `tech_sme_new` Y: distinct enterprises with a tech-SME registration issued in Y.
- `pool_new` Y: provincial-pool entries issued in Y.
- `hightech_output_wan` Y: Σ 高新技术产业产值 (yearly facts) over the region's
  enterprises; the demo records it only for 规上 industrial firms.
- `hightech_output_share` Y: Σ hightech_output ÷ Σ output_value over the region's
  规上 enterprises, in %.
"""

from __future__ import annotations

import functools
import itertools
from decimal import Decimal

YEAR = 2020
SEED = 20201231

# From the seed: "全年新认定国家高企86家，有效期内国家高企达227家"
HNTE_NEW = 86
HNTE_VALID = 227
# From the seed: "近三年我市高企总数的年平均增长率为26.56%"
HNTE_VALID_GROWTH_AVG_3Y = Decimal("26.56")
# From the seed: "新认定科技型中小微企业297家"
TECH_SME_NEW = 297
# From the seed: "新增省级高新技术培育后备入库企业71家"
POOL_NEW = 71
# From the seed: "全市完成高新技术产业产值550亿元，占规上工业产值比重46.8%"
HIGHTECH_OUTPUT_WAN = Decimal("5500000")
HIGHTECH_OUTPUT_SHARE = Decimal("46.8")

# Derived design choice (not in the seed): Σ 工业总产值 of the 规上 firms, chosen so that the
# share rounds to 46.8 % (5,500,000 / 11,752,137 = 46.7999… %).
ABOVE_SCALE_OUTPUT_WAN = (HIGHTECH_OUTPUT_WAN / HIGHTECH_OUTPUT_SHARE * 100).quantize(Decimal(1))

# Demo shape (not from the seed).
ENTERPRISES = 1500
ABOVE_SCALE_SHARE = 0.35
FIRST_HNTE_YEAR = 2011
# Tech-SME registrations per year (2021: the batches up to June, the year being in progress).
TECH_SME_BY_YEAR = {2017: 118, 2018: 164, 2019: 226, 2020: TECH_SME_NEW, 2021: 176}
POOL_BY_YEAR = {2018: 44, 2019: 57, 2020: POOL_NEW, 2021: 38}
# HNTE issued before the three years that the growth rate looks at (free, smooth).
HNTE_EARLY = {2011: 21, 2012: 23, 2013: 26, 2014: 28}


def growth_avg(v: list[int]) -> Decimal:
    """Mean of the yearly growth rates of a series, in % (exact Decimal)."""
    rates = [Decimal(b) / Decimal(a) - 1 for a, b in itertools.pairwise(v)]
    return sum(rates, Decimal(0)) / len(rates) * 100


def solve_hnte_issuance() -> dict[int, int]:
    """A fresh copy of `_solve_hnte_issuance()` (a few seconds; the city demo draws twice)."""
    return dict(_solve_hnte_issuance())


@functools.cache
def _solve_hnte_issuance() -> dict[int, int]:
    """HNTE certificates to issue each year 2011–2020 so that, with 3-year validity and
    renewals every third year, the valid counts V2017..V2020 and the issued count 2020
    give the seed's figures.

    V[Y] = n[Y] + n[Y-1] + n[Y-2] (a certificate issued in Nov/Dec of year t is valid on
    31 Dec of t, t+1 and t+2). n2020 = 86 and V2020 = 227 fix n2018 + n2019 = 141; a small
    search picks V2017..V2019 with the mean growth 26.56 % and the smoothest rates, then
    n2015..n2019 non-decreasing and as close to geometric as possible."""
    n20 = HNTE_NEW
    v20 = HNTE_VALID
    pair = v20 - n20  # n2018 + n2019
    target = HNTE_VALID_GROWTH_AVG_3Y
    best: tuple[Decimal, dict[int, int]] | None = None
    for v19 in range(int(v20 / 1.45), v20):
        n17 = v19 - pair
        if n17 <= 0:
            continue
        for v18 in range(int(v19 / 1.45), v19):
            for v17 in range(int(v18 / 1.45), v18):
                g = growth_avg([v17, v18, v19, v20])
                # stay well inside the rounding interval of 26.56
                if abs(g - target) > Decimal("0.004"):
                    continue
                rates = [Decimal(v18) / v17, Decimal(v19) / v18, Decimal(v20) / v19]
                mean = sum(rates, Decimal(0)) / 3
                spread = sum(((r - mean) ** 2 for r in rates), Decimal(0))
                for n18 in range(pair // 2 - 20, pair // 2 + 1):
                    n19 = pair - n18
                    n16 = v18 - n17 - n18
                    n15 = v17 - n17 - n16
                    seq = [HNTE_EARLY[2014], n15, n16, n17, n18, n19, n20]
                    if any(b < a for a, b in itertools.pairwise(seq)):
                        continue
                    steps = [Decimal(b) / a for a, b in itertools.pairwise(seq[1:-1])]
                    smooth = sum(((s - Decimal("1.22")) ** 2 for s in steps), Decimal(0))
                    cost = spread * 10 + smooth
                    if best is None or cost < best[0]:
                        best = (
                            cost,
                            {2015: n15, 2016: n16, 2017: n17, 2018: n18, 2019: n19, 2020: n20},
                        )
    if best is None:
        raise RuntimeError("no HNTE issuance fits the calibration targets")
    return {**HNTE_EARLY, **best[1]}


def hnte_valid_series(issued: dict[int, int]) -> dict[int, int]:
    return {
        y: issued.get(y, 0) + issued.get(y - 1, 0) + issued.get(y - 2, 0)
        for y in range(2013, YEAR + 1)
    }
