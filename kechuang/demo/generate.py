"""The demo county, generated: plain rows for the registry's import plans (enterprises,
yearly facts and their corrections, IP items, certificates), from one seeded Random.

No database here: `load.py` writes the rows through the import checks. Every draw goes
through `rng` in a fixed order (no iteration over sets), so the same seed gives the same
county on every machine.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kechuang.demo import calibration as cal
from kechuang.demo.lexicon import (
    AREA_TRADES,
    AREA_WEIGHTS,
    GIVEN,
    INDUSTRIES,
    INDUSTRY_BY_KEY,
    NAME_PREFIXES,
    ROADS,
    SEED_FIRMS,
    SURNAMES,
    TOWN_TRADES,
    TRADE_FIRST,
    TRADE_SECOND,
    Industry,
)
from kechuang.demo.regions import COUNTY_CODE, demo_areas
from kechuang.rules import uscc

FIRST_FACT_YEAR = 2016
LAST_FACT_YEAR = cal.YEAR
LAST_DAY = dt.date(2021, 6, 30)  # the demo's "now": 2021 in progress
UNIT = Decimal(100)  # money is drawn in units of 0.01 万元 = 100 yuan
CENT = Decimal("0.01")  # stored yuan have two decimals, as a sheet's 万元 give them

# 高企认定: R&D expense ratio thresholds by revenue (国科发火〔2016〕32号 第十一条(五)).
PARKS = ("泰兴经济开发区", "泰兴高新技术产业开发区", "黄桥经济开发区", "虹桥工业园区")


@dataclass
class Firm:
    idx: int
    name: str
    area: str
    industry: Industry
    industry_code: str
    tech_domain: str
    registered_on: dt.date
    uscc: str = ""
    above_scale: bool = False
    listed: bool = False
    status: str = "active"
    last_year: int = LAST_FACT_YEAR  # last fiscal year with facts (closed firms stop)
    innovative: bool = False
    seed: bool = False
    size_wan: float = 0.0  # 2020 revenue (or output for 规上), 万元, before scaling
    output_units: int | None = None  # 2020 工业总产值, 0.01 万元
    hightech_units: int | None = None  # 2020 高新技术产业产值, 0.01 万元
    hnte_years: list[int] = field(default_factory=list)
    pool_year: int | None = None
    sme_years: list[int] = field(default_factory=list)
    facts: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_hnte(self) -> bool:
        return bool(self.hnte_years)

    @property
    def first_fact_year(self) -> int:
        y = self.registered_on.year + (1 if self.registered_on.month > 6 else 0)
        return max(FIRST_FACT_YEAR, y)


@dataclass
class DemoData:
    firms: list[Firm]
    enterprises: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    corrections: list[dict[str, Any]]
    ip_items: list[dict[str, Any]]
    certificates: list[dict[str, Any]]
    hnte_issued: dict[int, int]


def _yuan(units: int | None) -> Decimal | None:
    return None if units is None else (Decimal(units) * UNIT).quantize(CENT)


def _weighted(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def _sample_weighted(
    rng: random.Random, items: list[Any], weights: list[float], k: int
) -> list[Any]:
    """k distinct items, each draw proportional to weight (Efraimidis–Spirakis keys)."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w) if w > 0 else 0.0, i) for i, w in enumerate(weights)),
        reverse=True,
    )
    if len(keyed) < k:
        raise ValueError(f"only {len(keyed)} candidates for {k} picks")
    return [items[i] for _key, i in keyed[:k]]


def _date_in(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


# -- enterprises ---------------------------------------------------------------------------


class _Codes:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def new(self, registered_on: dt.date) -> str:
        while True:
            if registered_on >= dt.date(2015, 10, 1):
                code = uscc.generate(self.rng, COUNTY_CODE)
            else:
                # Older firms carry their 组织机构代码 (8 digits + its check) as 主体标识码.
                body = str(self.rng.randint(1, 7)) + "".join(
                    str(self.rng.randint(0, 9)) for _ in range(7)
                )
                first17 = "91" + COUNTY_CODE + body + uscc.org_check_digit(body)
                code = first17 + uscc.check_digit(first17)
            if code not in self.seen:
                self.seen.add(code)
                return code


def _registered_on(rng: random.Random) -> dt.date:
    # More firms founded in recent years.
    year = _weighted(
        rng, list(range(1990, 2021)), [1 + (y - 1990) * 0.18 for y in range(1990, 2021)]
    )
    return _date_in(rng, dt.date(year, 1, 1), dt.date(year, 12, 28 if year < 2020 else 10))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _make_firms(rng: random.Random) -> list[Firm]:
    areas = [a.name for a in demo_areas()]
    names: set[str] = set()
    firms: list[Firm] = []
    for s in SEED_FIRMS:
        names.add(s.name)
        firms.append(
            Firm(
                len(firms),
                s.name,
                s.area,
                INDUSTRY_BY_KEY[s.industry],
                s.industry_code,
                s.tech_domain,
                s.registered_on,
                above_scale=True,
                listed=s.listed,
                innovative=True,
                seed=True,
                size_wan=float(s.output_wan),
            )
        )
    area_weights = [float(AREA_WEIGHTS[a]) for a in areas]
    while len(firms) < cal.ENTERPRISES:
        area = _weighted(rng, areas, area_weights)
        mult = AREA_TRADES.get(area, TOWN_TRADES if area not in PARKS else {})
        industry: Industry = _weighted(
            rng, list(INDUSTRIES), [i.weight * mult.get(i.key, 1.0) for i in INDUSTRIES]
        )
        prefix, suffix = rng.choice(NAME_PREFIXES)
        trade = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
        name = f"{prefix}{trade}{rng.choice(industry.words)}{suffix}"
        if name in names or trade[0] == trade[1]:
            continue
        names.add(name)
        domain = rng.choice(industry.domains) if industry.domains else ""
        firms.append(
            Firm(
                len(firms),
                name,
                area,
                industry,
                rng.choice(industry.codes),
                domain,
                _registered_on(rng),
                innovative=bool(domain) and rng.random() < 0.55,
            )
        )
    return firms


def _scale_flags(rng: random.Random, firms: list[Firm]) -> None:
    """规上 (~35 %) among industrial firms, older firms and parks likelier; a few firms
    closed or moved away; sizes."""
    want = round(cal.ENTERPRISES * cal.ABOVE_SCALE_SHARE) - sum(f.above_scale for f in firms)
    cands = [
        f for f in firms if f.industry.industrial and not f.seed and f.registered_on.year <= 2018
    ]
    weights = [
        (2.0 if f.area in PARKS else 1.0)
        * (1.0 + (2018 - f.registered_on.year) / 8)
        * (1.5 if f.tech_domain else 1.0)
        for f in cands
    ]
    for f in _sample_weighted(rng, cands, weights, want):
        f.above_scale = True
    for f in firms:
        if f.seed:
            continue
        if f.above_scale:
            f.size_wan = min(150000.0, max(2300.0, math.exp(rng.gauss(math.log(14000), 0.9))))
        elif f.industry.industrial:
            f.size_wan = min(1950.0, max(40.0, math.exp(rng.gauss(math.log(600), 0.8))))
        else:
            f.size_wan = min(8000.0, max(30.0, math.exp(rng.gauss(math.log(450), 0.9))))
    plain = [
        f for f in firms if not f.above_scale and not f.tech_domain and f.registered_on.year < 2015
    ]
    for f in rng.sample(plain, 14):
        if f.status != "active":
            continue
        closed = rng.random() < 0.75
        f.status = "closed" if closed else "moved"
        f.last_year = rng.choice((2018, 2019))


# -- certificates ------------------------------------------------------------------------------


def _hnte_chains(rng: random.Random, firms: list[Firm], issued: dict[int, int]) -> None:
    """Assign HNTE certificates: each year's count = renewals of the cohort three years
    before + first-time certifications; seed firms hold theirs from their first year."""
    seed_by_year: dict[int, list[Firm]] = {}
    for f, s in zip(firms, SEED_FIRMS, strict=False):
        y = s.hnte_first
        while y <= cal.YEAR:
            seed_by_year.setdefault(y, []).append(f)
            y += 3
    for year in sorted(issued):
        total = issued[year]
        forced = seed_by_year.get(year, [])
        forced_renewals = [f for f in forced if year - 3 in f.hnte_years]
        cohort = [
            f
            for f in firms
            if f.hnte_years
            and f.hnte_years[-1] == year - 3
            and f not in forced_renewals
            and f.status == "active"
        ]
        renew_n = min(
            len(cohort), round(0.72 * (len(cohort) + len(forced_renewals))) - len(forced_renewals)
        )
        renew_n = max(0, min(renew_n, total - len(forced) - round(total * 0.3)))
        renewals = rng.sample(cohort, renew_n) if renew_n else []
        new_n = total - len(forced) - len(renewals)
        cands = [
            f
            for f in firms
            if not f.hnte_years
            and not f.seed
            and f.tech_domain
            and f.status == "active"
            and f.registered_on <= dt.date(year - 1, 10, 31)
        ]
        weights = [
            (4.0 if f.above_scale else 1.0)
            * (3.0 if f.innovative else 0.6)
            * (1.4 if f.area in PARKS else 1.0)
            for f in cands
        ]
        newcomers = _sample_weighted(rng, cands, weights, new_n)
        for f in [*forced, *renewals, *newcomers]:
            f.hnte_years.append(year)
            f.innovative = True


def _hnte_rows(rng: random.Random, firms: list[Firm]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    by_year: dict[int, list[Firm]] = {}
    for f in firms:
        for y in f.hnte_years:
            by_year.setdefault(y, []).append(f)
    for year in sorted(by_year):
        holders = by_year[year]
        rng.shuffle(holders)
        first_day = dt.date(year, 11, rng.randint(8, 28))
        second_day = dt.date(year, 12, rng.randint(2, 20))
        cut = round(len(holders) * 0.6)
        serials = sorted(rng.sample(range(1, 5000), cut)) + sorted(
            rng.sample(range(5001, 9999), len(holders) - cut)
        )
        for i, f in enumerate(holders):
            first = i < cut
            rows.append(
                {
                    "uscc": f.uscc,
                    "kind": "hnte",
                    "number": f"GR{year}32{serials[i]:06d}",
                    "issued_on": first_day if first else second_day,
                    "batch": f"{year}年第{'一' if first else '二'}批",
                    "note": "重新认定" if year - 3 in f.hnte_years else "首次认定",
                }
            )
    return rows


def _hnte_issue_dates(rows: list[dict[str, Any]]) -> dict[str, list[dt.date]]:
    out: dict[str, list[dt.date]] = {}
    for r in rows:
        out.setdefault(r["uscc"], []).append(r["issued_on"])
    return out


def _valid_hnte(issues: list[dt.date], day: dt.date) -> bool:
    return any(d <= day < d.replace(year=d.year + 3) for d in issues)


def _pool_rows(
    rng: random.Random, firms: list[Firm], hnte_dates: dict[str, list[dt.date]]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for year, count in cal.POOL_BY_YEAR.items():
        day = dt.date(year, 7, rng.randint(6, 24)) if year < 2021 else dt.date(2021, 5, 18)
        cands = [
            f
            for f in firms
            if f.pool_year is None
            and f.tech_domain
            and f.status == "active"
            and f.registered_on < dt.date(year - 1, 6, 30)
            and not _valid_hnte(hnte_dates.get(f.uscc, []), day)
        ]
        weights = []
        for f in cands:
            later = [d for d in hnte_dates.get(f.uscc, []) if d > day]
            graduate = bool(later) and later[0].year <= year + 1
            weights.append((12.0 if graduate else 1.0) * (2.5 if f.innovative else 0.5))
        for seq, f in enumerate(_sample_weighted(rng, cands, weights, count), start=1):
            f.pool_year = year
            later = [d for d in hnte_dates.get(f.uscc, []) if d > day]
            row: dict[str, Any] = {
                "uscc": f.uscc,
                "kind": "provincial_pool",
                "number": f"PY{year}{COUNTY_CODE}{seq:04d}",
                "issued_on": day,
                "batch": f"{year}年度",
            }
            if later:
                # Leaves the pool the day before it is recognised as an HNTE.
                row["valid_until"] = later[0] - dt.timedelta(days=1)
                row["note"] = "认定为高新技术企业后出库"
            rows.append(row)
    return rows


def _sme_rows(rng: random.Random, firms: list[Firm]) -> list[dict[str, Any]]:
    """Tech-SME registrations (科技型中小企业评价入库): yearly, small firms only
    (职工≤500, 销售收入≤2亿, 资产总额≤2亿 in the previous year)."""
    rows: list[dict[str, Any]] = []
    for year, count in cal.TECH_SME_BY_YEAR.items():
        prev = year - 1
        cands = []
        for f in firms:
            facts = f.facts.get(prev)
            if (
                not facts
                or f.status != "active"
                or not (f.tech_domain or f.industry.key == "tech_service")
            ):
                continue
            emp, rev, assets = (
                facts.get("employees"),
                facts.get("revenue"),
                facts.get("total_assets"),
            )
            if emp is None or rev is None or assets is None:
                continue
            if emp <= 500 and rev <= 20000_00 and assets <= 20000_00:
                cands.append(f)
        weights = [
            (4.0 if prev in f.sme_years else 1.0)
            * (2.5 if f.innovative else 0.7)
            * (1.5 if f.pool_year else 1.0)
            for f in cands
        ]
        chosen = _sample_weighted(rng, cands, weights, count)
        months = list(range(3, 12)) if year < 2021 else [3, 4, 5, 6]
        chosen.sort(key=lambda f: f.idx)
        for seq, f in enumerate(chosen, start=1):
            f.sme_years.append(year)
            month = rng.choice(months)
            day = dt.date(year, month, rng.randint(1, 28))
            rows.append(
                {
                    "uscc": f.uscc,
                    "kind": "tech_sme",
                    "number": f"{year}{COUNTY_CODE}A{seq + 1000:07d}",
                    "issued_on": min(day, LAST_DAY),
                    "batch": f"{year}年第{month - 2}批",
                }
            )
    return rows


# -- yearly facts ------------------------------------------------------------------------------


def _scale_outputs(rng: random.Random, firms: list[Firm]) -> None:
    """2020 工业总产值 of the 规上 firms to Σ = ABOVE_SCALE_OUTPUT_WAN exactly, and
    高新技术产业产值 to Σ = HIGHTECH_OUTPUT_WAN exactly (never above a firm's output)."""
    above = [f for f in firms if f.above_scale]
    target = int(cal.ABOVE_SCALE_OUTPUT_WAN * 100)
    fixed = sum(int(f.size_wan * 100) for f in above if f.seed)
    free = [f for f in above if not f.seed]
    raw = sum(f.size_wan for f in free)
    for f in above:
        f.output_units = (
            int(f.size_wan * 100)
            if f.seed
            else int(f.size_wan * 100 * (target - fixed) / (raw * 100))
        )
    biggest = max(free, key=lambda f: f.output_units or 0)
    biggest.output_units = (
        (biggest.output_units or 0) + target - sum(f.output_units or 0 for f in above)
    )
    # high-tech share per firm, then water-filling to the exact total under the caps
    share: dict[int, float] = {}
    for f in above:
        if not f.tech_domain:
            share[f.idx] = 0.0
        elif f.is_hnte:
            share[f.idx] = rng.uniform(0.55, 0.95)
        else:
            share[f.idx] = rng.uniform(0.15, 0.6) if f.innovative else rng.uniform(0.0, 0.35)
    ht_target = int(cal.HIGHTECH_OUTPUT_WAN * 100)
    # nobody's output is entirely high-tech: cap each firm at 96 % of its output
    caps = {f.idx: (f.output_units or 0) * 96 // 100 for f in above}
    want = {f.idx: share[f.idx] * caps[f.idx] for f in above}
    for _ in range(50):
        capped = {i for i, w in want.items() if w >= caps[i]}
        fixed_sum = sum(caps[i] for i in capped)
        rest = sum(w for i, w in want.items() if i not in capped)
        k = (ht_target - fixed_sum) / rest
        want = {i: min(caps[i], w * k) if i not in capped else caps[i] for i, w in want.items()}
        if abs(sum(want.values()) - ht_target) < 1:
            break
    ht = {i: int(w) for i, w in want.items()}
    remainder = ht_target - sum(ht.values())
    for f in sorted(
        (f for f in above if share[f.idx] > 0), key=lambda f: -(caps[f.idx] - ht[f.idx])
    ):
        if remainder <= 0:
            break
        add = min(remainder, caps[f.idx] - ht[f.idx])
        ht[f.idx] += add
        remainder -= add
    assert remainder == 0 and sum(ht.values()) == ht_target
    for f in above:
        f.hightech_units = ht[f.idx]


def _rd_ratio(rng: random.Random, f: Firm, revenue_wan: float) -> float | None:
    if f.is_hnte:
        floor = 0.05 if revenue_wan < 5000 else 0.04 if revenue_wan < 20000 else 0.03
        return floor + rng.uniform(0.002, 0.025)
    if f.innovative:
        return rng.uniform(0.02, 0.06)
    if f.tech_domain:
        return rng.uniform(0.004, 0.03)
    return None if rng.random() < 0.4 else rng.uniform(0.0, 0.012)


def _make_facts(rng: random.Random, firms: list[Firm]) -> None:
    for f in firms:
        growth = rng.uniform(1.05, 1.22) if f.is_hnte else rng.uniform(0.98, 1.15)
        staff_growth = 1 + (growth - 1) * 0.5
        if f.above_scale:
            out2020 = (f.output_units or 0) / 100
            revenue2020 = out2020 * rng.uniform(0.88, 1.02)
            employees2020 = max(25, min(6000, round(revenue2020 / rng.uniform(60, 140))))
        else:
            revenue2020 = f.size_wan
            out2020 = revenue2020 * rng.uniform(0.95, 1.08) if f.industry.industrial else 0.0
            employees2020 = max(3, min(150, round(revenue2020 / rng.uniform(25, 60))))
        if f.is_hnte:
            staff_share = rng.uniform(0.12, 0.32)
        elif f.innovative:
            staff_share = rng.uniform(0.10, 0.28)
        elif f.tech_domain:
            staff_share = rng.uniform(0.04, 0.15)
        else:
            staff_share = rng.uniform(0.01, 0.08)
        assets_ratio = rng.uniform(0.7, 1.8)
        equity_ratio = -rng.uniform(0.05, 0.3) if rng.random() < 0.01 else rng.uniform(0.25, 0.65)
        ht_income_share = (
            rng.uniform(0.62, 0.92)
            if f.is_hnte
            else rng.uniform(0.3, 0.8)
            if f.innovative
            else rng.uniform(0.0, 0.4)
            if f.tech_domain
            else None
        )
        rd_ratio = _rd_ratio(rng, f, revenue2020)
        ht_share2020 = (f.hightech_units or 0) / (f.output_units or 1) if f.above_scale else None
        for year in range(f.first_fact_year, f.last_year + 1):
            back = LAST_FACT_YEAR - year
            if year == LAST_FACT_YEAR:
                k = 1.0
            else:
                k = growth**-back * rng.uniform(0.97, 1.03)
                if f.registered_on.year >= 2014:
                    k *= 0.9 ** max(0, f.registered_on.year + 3 - year)  # ramp-up of young firms
            if not f.above_scale and not f.seed and year < LAST_FACT_YEAR and rng.random() < 0.04:
                continue  # a gap: that year was never reported
            revenue = round(revenue2020 * k * 100)
            employees = max(2, round(employees2020 * staff_growth**-back * rng.uniform(0.96, 1.04)))
            if year == LAST_FACT_YEAR:
                employees = employees2020
            tech_staff = min(
                employees, max(1, round(employees * staff_share * rng.uniform(0.92, 1.05)))
            )
            total_income = round(revenue * rng.uniform(1.0, 1.06))
            row: dict[str, Any] = {
                "employees": employees,
                "tech_staff": tech_staff,
                "revenue": revenue,
                "total_income": total_income,
                "non_taxable_income": round(total_income * rng.uniform(0.0, 0.012))
                if rng.random() < 0.3
                else 0,
                "total_cost": round(revenue * rng.uniform(0.85, 0.97)),
                "total_assets": round(revenue * assets_ratio * rng.uniform(0.95, 1.05)),
            }
            row["net_assets"] = round(row["total_assets"] * equity_ratio)
            if rd_ratio is not None:
                row["rd_expense"] = round(revenue * rd_ratio * rng.uniform(0.9, 1.1))
                row["rd_domestic"] = math.floor(row["rd_expense"] * rng.uniform(0.88, 1.0))
            else:
                row["rd_expense"] = row["rd_domestic"] = None
            row["hightech_income"] = (
                None
                if ht_income_share is None
                else round(total_income * min(0.98, ht_income_share * rng.uniform(0.95, 1.03)))
            )
            if f.industry.industrial:
                if f.above_scale and year == LAST_FACT_YEAR:
                    row["output_value"] = f.output_units
                    row["hightech_output"] = f.hightech_units
                else:
                    out = round(out2020 * 100 * k * rng.uniform(0.98, 1.02))
                    row["output_value"] = out
                    if f.above_scale and ht_share2020 is not None:
                        row["hightech_output"] = min(
                            out, round(out * ht_share2020 * rng.uniform(0.88, 1.0))
                        )
            conversions: int | None
            if f.is_hnte:
                conversions = rng.randint(2, 12)
            elif f.innovative:
                conversions = rng.randint(0, 5)
            else:
                conversions = rng.choice((0, 0, 1, None))
            row["conversions"] = conversions
            if not f.above_scale and rng.random() < 0.1:
                row["net_assets"] = row["total_assets"] = None  # not reported
            f.facts[year] = row


def _source_for(rng: random.Random, f: Firm, year: int) -> tuple[str, dt.date, str]:
    nxt = year + 1
    if f.seed or f.listed:
        return "audit_report", dt.date(nxt, 4, rng.randint(10, 28)), "年度审计报告"
    if f.above_scale:
        return "statistics", dt.date(nxt, 2, rng.randint(10, 28)), "统计年报"
    if rng.random() < 0.6:
        return "enterprise", _date_in(rng, dt.date(nxt, 3, 1), dt.date(nxt, 5, 31)), "企业填报"
    return "tax", _date_in(rng, dt.date(nxt, 5, 31), dt.date(nxt, 6, 30)), "企业所得税汇算清缴"


def _fact_rows(
    rng: random.Random, firms: list[Firm]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Initial rows and a second round of corrections (another source, a later date)."""
    rows: list[dict[str, Any]] = []
    fixes: list[dict[str, Any]] = []
    # A few 规上 firms first filled in their 2020 high-tech output themselves; the
    # statistics office's figure replaced it later (the calibrated value is the final one).
    ht_revised = {
        f.idx
        for f in rng.sample(
            [f for f in firms if f.above_scale and f.hightech_units and not f.seed], 6
        )
    }
    for f in firms:
        for year, values in sorted(f.facts.items()):
            source, recorded_on, note = _source_for(rng, f, year)
            row = {
                "uscc": f.uscc,
                "fiscal_year": year,
                "source": source,
                "recorded_on": recorded_on,
                "note": note,
            }
            initial = dict(values)
            if year == LAST_FACT_YEAR and f.idx in ht_revised:
                initial["hightech_output"] = round(
                    values["hightech_output"] * rng.uniform(0.85, 0.95)
                )
                row.update(
                    source="enterprise",
                    recorded_on=dt.date(2021, 2, rng.randint(1, 9)),
                    note="企业填报（快报）",
                )
                fixes.append(
                    {
                        "uscc": f.uscc,
                        "fiscal_year": year,
                        "source": "statistics",
                        "recorded_on": dt.date(2021, 3, rng.randint(10, 25)),
                        "note": "统计年报核定",
                        "hightech_output": _yuan(values["hightech_output"]),
                    }
                )
            elif year >= 2017 and rng.random() < 0.035:
                fix: dict[str, Any] = {"uscc": f.uscc, "fiscal_year": year}
                later = (
                    _date_in(rng, dt.date(year + 1, 7, 1), dt.date(year + 1, 10, 31))
                    if year < LAST_FACT_YEAR
                    else _date_in(rng, dt.date(2021, 6, 1), LAST_DAY)
                )
                if values.get("rd_expense") and source in ("enterprise", "statistics"):
                    # the tax office's 加计扣除 base differs from what was first filled in
                    fixed = max(
                        values["rd_expense"] + 1,
                        round(values["rd_expense"] * rng.uniform(1.01, 1.12)),
                    )
                    values["rd_expense"] = fixed
                    fix.update(
                        source="tax",
                        recorded_on=later,
                        note="按税务加计扣除数据更正",
                        rd_expense=_yuan(fixed),
                    )
                else:
                    revenue = round(values["revenue"] * rng.choice((0.97, 0.98, 1.02, 1.03, 1.04)))
                    income = max(revenue, values["total_income"])
                    values["revenue"], values["total_income"] = revenue, income
                    fix.update(
                        source="audit_report",
                        recorded_on=later,
                        note="按审计报告更正",
                        revenue=_yuan(revenue),
                        total_income=_yuan(income),
                    )
                fixes.append(fix)
            for key, value in initial.items():
                row[key] = (
                    _yuan(value)
                    if key not in ("employees", "tech_staff", "conversions") and value is not None
                    else value
                )
            rows.append(row)
    return rows, fixes


# -- intellectual property ---------------------------------------------------------------------


def _patent_number(year: int, kind_digit: int, serial: int) -> str:
    """ZL + 12-digit application number + check (GB/T 18088-style mod-11 check)."""
    digits = f"{year}{kind_digit}{serial:07d}"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return f"ZL{year} {kind_digit} {serial:07d}.{'X' if check == 10 else check}"


def _ip_rows(rng: random.Random, firms: list[Firm]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()
    for f in firms:
        if f.is_hnte:
            counts = {
                "invention_patent": rng.randint(1, 4),
                "utility_model": rng.randint(6, 22),
                "design_patent": rng.randint(0, 3),
                "software_copyright": rng.randint(1, 6)
                if f.tech_domain.startswith(("1", "5"))
                else rng.randint(0, 2),
            }
        elif f.innovative:
            counts = {
                "invention_patent": rng.choice((0, 0, 1)),
                "utility_model": rng.randint(2, 10),
                "design_patent": rng.randint(0, 1),
                "software_copyright": rng.randint(0, 2),
            }
        elif rng.random() < 0.3:
            counts = {"utility_model": rng.randint(1, 3), "design_patent": rng.choice((0, 1))}
        else:
            continue
        lo = max(f.registered_on + dt.timedelta(days=200), dt.date(2009, 1, 1))
        if lo >= LAST_DAY:
            continue
        product = f.industry.products
        for kind, n in counts.items():
            for _ in range(n):
                # the later of two draws: more grants in recent years
                granted = max(_date_in(rng, lo, LAST_DAY), _date_in(rng, lo, LAST_DAY))
                p = rng.choice(product)
                if kind == "software_copyright":
                    number = f"{granted.year}SR{rng.randint(100000, 1999999):07d}"
                    title = f"{p}{rng.choice(('管理', '监控', '数据分析', '控制'))}软件V{rng.randint(1, 3)}.0"
                else:
                    digit = {"invention_patent": 1, "utility_model": 2, "design_patent": 3}[kind]
                    lag = rng.randint(2, 3) if digit == 1 else rng.randint(0, 1)
                    filed = max(granted.year - lag, f.registered_on.year)
                    number = _patent_number(filed, digit, rng.randint(1, 9_999_999))
                    if digit == 1:
                        title = rng.choice(
                            (f"一种{p}的制备方法", f"一种{p}及其生产工艺", f"一种高效{p}")
                        )
                    elif digit == 2:
                        title = rng.choice((f"一种{p}", f"一种{p}用固定装置", f"一种便于维护的{p}"))
                    else:
                        title = f"{p}（{rng.choice(('A型', 'B型', '标准型'))}）"
                if (kind, number) in used:
                    continue
                used.add((kind, number))
                rows.append(
                    {
                        "uscc": f.uscc,
                        "kind": kind,
                        "number": number,
                        "title": title,
                        "granted_on": granted,
                        "acquisition": "transfer" if rng.random() < 0.05 else "self",
                        "is_valid": not (granted.year < 2014 and rng.random() < 0.3),
                    }
                )
    return rows


# -- the whole county ----------------------------------------------------------------------------


def _enterprise_rows(rng: random.Random, firms: list[Firm]) -> list[dict[str, Any]]:
    rows = []
    for f in firms:
        rows.append(
            {
                "uscc": f.uscc,
                "name": f.name,
                "region": f.area,
                "address": f"泰兴市{f.area}{rng.choice(ROADS)}{rng.randint(1, 399)}号",
                "industry_code": f.industry_code,
                "registered_on": f.registered_on,
                "tech_domain": f.tech_domain or None,
                "is_above_scale": f.above_scale,
                "is_listed": f.listed,
                "status": f.status,
                "contact_name": _person(rng),
                "contact_phone": f"0523-8{rng.randint(0, 9_999_999):07d}",
            }
        )
    return rows


def generate(seed: int = cal.SEED) -> DemoData:
    rng = random.Random(seed)
    firms = _make_firms(rng)
    codes = _Codes(rng)
    for f in firms:
        f.uscc = codes.new(f.registered_on)
    _scale_flags(rng, firms)
    issued = cal.solve_hnte_issuance()
    _hnte_chains(rng, firms, issued)
    hnte = _hnte_rows(rng, firms)
    _scale_outputs(rng, firms)
    _make_facts(rng, firms)
    pool = _pool_rows(rng, firms, _hnte_issue_dates(hnte))
    sme = _sme_rows(rng, firms)
    facts, corrections = _fact_rows(rng, firms)
    return DemoData(
        firms=firms,
        enterprises=_enterprise_rows(rng, firms),
        facts=facts,
        corrections=corrections,
        ip_items=_ip_rows(rng, firms),
        certificates=[*hnte, *sme, *pool],
        hnte_issued=issued,
    )
