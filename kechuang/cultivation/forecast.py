"""The year's forecast of new and valid HNTE against the targets (docs/cultivation.md).

    valid at year end = still valid (a certificate covering 31 Dec already recorded)
                      + Σ p(renewal) over certificates expiring in the year
                      + Σ p(new) over first-time applicants planned into the year's batches

where p is `grading.Grade.p` (1 for a ledger already 认定, 0 for 未通过/closed firms).
Applicants with unknown facts are not added to the expectation: they are counted
separately with the p they would have if the missing data confirm (`unknown_*`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import enterprise_scope_q, region_scope_q
from kechuang.core import periods
from kechuang.cultivation import grading
from kechuang.cultivation.models import Ledger
from kechuang.cultivation.pipeline import TARGET_METRICS
from kechuang.cultivation.selectors import (
    area_of,
    areas,
    county_of,
    ledger_queryset,
    open_memberships,
    overrides_for,
    work_day,
)
from kechuang.enterprises.models import Certificate, Enterprise
from kechuang.targets.models import Target

NEW, RENEWAL = "new", "renewal"
CLOSERS = 12


@dataclass(frozen=True)
class Item:
    """One enterprise's contribution: `p` is its chance of a certificate this year."""

    enterprise_id: int
    kind: str  # new | renewal
    p: Fraction
    unknown: bool = False  # facts missing: counted apart, p is "if the data confirm"
    area: str = ""


@dataclass
class Figures:
    start_valid: int = 0  # valid on 31 Dec of the year before
    still_valid: int = 0  # a certificate covering 31 Dec of the year is recorded
    expiring: int = 0
    renewals: Fraction = Fraction(0)
    renewal_n: int = 0
    new: Fraction = Fraction(0)
    new_n: int = 0
    unknown_n: int = 0
    unknown_p: Fraction = Fraction(0)
    pool_size: int = 0
    targets: dict[str, Target] = field(default_factory=dict)

    @property
    def valid_end(self) -> Fraction:
        return self.still_valid + self.renewals + self.new

    @property
    def issued(self) -> Fraction:
        """Certificates issued in the year (the annual report's hnte_new reading)."""
        return self.renewals + self.new

    @property
    def valid_short(self) -> float | None:
        return self.shortfall("hnte_valid")

    def need(self, metric: str) -> int | None:
        t = self.targets.get(metric)
        if t is None:
            return None
        return int(t.need())

    def shortfall(self, metric: str) -> float | None:
        need = self.need(metric)
        if need is None:
            return None
        have = {
            "hnte_new": self.new,
            "hnte_valid": self.valid_end,
            "pool_size": Fraction(self.pool_size),
        }[metric]
        return max(0.0, float(need - have))


def combine(items: Iterable[Item], figures: Figures | None = None) -> Figures:
    """The arithmetic of the forecast over items (pure; exact fractions)."""
    f = figures or Figures()
    for it in items:
        if it.unknown:
            f.unknown_n += 1
            f.unknown_p += it.p
        elif it.kind == RENEWAL:
            f.renewal_n += 1
            f.renewals += it.p
        else:
            f.new_n += 1
            f.new += it.p
    return f


@dataclass
class Closer:
    enterprise: Enterprise
    grade: grading.Grade
    planned: bool


@dataclass
class Forecast:
    year: int
    region: Region | None
    total: Figures
    by_area: list[tuple[Region, Figures]]
    closers: list[Closer]
    unknown_firms: list[tuple[Enterprise, grading.Grade]]
    calibration: list[dict[str, Any]]


def _valid_firms(qs: Any, day: dt.date) -> dict[int, tuple[str | None, bool]]:
    """`{enterprise id: (its region's path, whether it is deleted)}` of the firms with an
    HNTE certificate valid on `day`: counted per area without a query per area."""
    rows = (
        qs.valid_on(day)
        .filter(kind=Certificate.Kind.HNTE)
        .values_list("enterprise_id", "enterprise__region__path", "enterprise__deleted_at")
    )
    return {eid: (path, deleted_at is not None) for eid, path, deleted_at in rows}


def _valid_in(firms: dict[int, tuple[str | None, bool]], area: Region) -> int:
    """How many of `firms` lie in `area` or below, not deleted (as `in_region` counts)."""
    return sum(
        1
        for path, deleted in firms.values()
        if not deleted and path is not None and path.startswith(area.path)
    )


def _ledger_p(lg: Ledger | None, g: grading.Grade) -> Fraction | None:
    if lg is not None and lg.stage == "certified":
        return Fraction(1)
    if lg is not None and lg.stage in ("failed", "withdrawn"):
        return Fraction(0)
    return None


def forecast(
    *, actor: Any, year: int, region: Region | None = None, calibrate: bool = True
) -> Forecast:
    scope = enterprise_scope_q(actor, "enterprise__")
    certs = Certificate.objects.filter(scope)
    if region is not None:
        certs = certs.in_region(region)
    last_day_before, last_day = dt.date(year - 1, 12, 31), dt.date(year, 12, 31)
    base_firms = _valid_firms(certs, last_day_before)
    still_firms = _valid_firms(certs, last_day)
    base, still = set(base_firms), set(still_firms)
    expiring = base - still
    ledgers = ledger_queryset(actor).filter(year=year)
    if region is not None:
        ledgers = ledgers.in_region(region)
    ledger_by_firm = {lg.firm_id: lg for lg in ledgers}
    planned = {
        eid
        for eid, lg in ledger_by_firm.items()
        if lg.kind == Ledger.Kind.FIRST and lg.batch_id is not None and lg.stage != "withdrawn"
    }
    day = work_day(year)
    members = list(
        open_memberships(actor, day).in_region(region)
        if region is not None
        else open_memberships(actor, day)
    )
    ids = expiring | planned | {m.enterprise_id for m in members}
    firms = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids).select_related("region")}
    grades = grading.grade_enterprises(
        firms.values(), periods.application_as_of(year), overrides=overrides_for(members)
    )
    area_list = areas(actor)
    if region is not None:
        area_list = [a for a in area_list if region.contains(a)] or [region]

    def area_code(eid: int) -> str:
        a = area_of(firms[eid].region.path, area_list)
        return a.code if a else ""

    items: list[Item] = []
    for eid in sorted(expiring):
        e, g = firms[eid], grades[eid]
        fixed = _ledger_p(ledger_by_firm.get(eid), g)
        p = (
            fixed
            if fixed is not None
            else (Fraction(0) if e.status != Enterprise.Status.ACTIVE else g.p)
        )
        items.append(
            Item(
                eid,
                RENEWAL,
                p,
                unknown=fixed is None and g.has_unknown and e.status == "active",
                area=area_code(eid),
            )
        )
    for eid in sorted(planned):
        g = grades[eid]
        fixed = _ledger_p(ledger_by_firm.get(eid), g)
        items.append(
            Item(
                eid,
                NEW,
                fixed if fixed is not None else g.p,
                unknown=fixed is None and g.has_unknown,
                area=area_code(eid),
            )
        )

    targets = Target.objects.filter(
        year=year,
        indicator__in=TARGET_METRICS,
        region__in=Region.objects.filter(region_scope_q(actor)),
    )
    top = region or county_of(actor)
    total = combine(
        items,
        Figures(
            start_valid=len(base),
            still_valid=len(still),
            expiring=len(expiring),
            pool_size=len(members),
        ),
    )
    total.targets = {t.metric: t for t in targets.filter(region=top)} if top else {}
    by_area: list[tuple[Region, Figures]] = []
    per: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        per[it.area].append(it)
    targets_by_area: dict[tuple[int, str], Target] = {(t.region_id, t.metric): t for t in targets}
    for a in area_list:

        def in_a(eid: int, a: Region = a) -> bool:
            return a.contains(firms[eid].region) if eid in firms else False

        f = Figures(
            start_valid=_valid_in(base_firms, a),
            still_valid=_valid_in(still_firms, a),
            expiring=sum(1 for eid in expiring if in_a(eid)),
            pool_size=sum(1 for m in members if a.contains(m.enterprise.region)),
        )
        combine(per.get(a.code, []), f)
        f.targets = {m: t for (rid, m), t in targets_by_area.items() if rid == a.pk}
        by_area.append((a, f))
    candidates = [
        Closer(m.enterprise, grades[m.enterprise_id], m.enterprise_id in planned)
        for m in members
        if grades[m.enterprise_id].code in ("A", "B", "C")
        and _ledger_p(ledger_by_firm.get(m.enterprise_id), grades[m.enterprise_id]) is None
        and (m.enterprise_id not in planned or grades[m.enterprise_id].p < 1)
    ]
    # Firms not yet planned add to the forecast; planned ones only by fixing their remedies.
    candidates.sort(key=lambda c: (c.planned, c.grade.distance, -c.grade.p, c.enterprise.name))
    unknown_firms = [
        (firms[it.enterprise_id], grades[it.enterprise_id]) for it in items if it.unknown
    ]
    calibration = calibrate_past(actor=actor, before=year, region=region) if calibrate else []
    return Forecast(year, region, total, by_area, candidates[:CLOSERS], unknown_firms, calibration)


P_BINS = ((0, 25), (25, 50), (50, 75), (75, 101))


def calibrate_past(
    *, actor: Any, before: int, region: Region | None = None, years: int = 3
) -> list[dict[str, Any]]:
    """The model against decided ledgers of past batches: for each year, p computed as of
    that year's assessment date vs. what happened (certified or not)."""
    out: list[dict[str, Any]] = []
    qs = ledger_queryset(actor).filter(
        stage__in=["certified", "failed"], year__lt=before, year__gte=before - years
    )
    if region is not None:
        qs = qs.in_region(region)
    by_year: dict[int, list[Ledger]] = defaultdict(list)
    for lg in qs:
        by_year[lg.year].append(lg)
    for y in sorted(by_year):
        lgs = by_year[y]
        grades = grading.grade_enterprises(
            [lg.enterprise for lg in lgs], periods.application_as_of(y)
        )
        row: dict[str, Any] = {
            "year": y,
            "applied": len(lgs),
            "certified": 0,
            "expected": Fraction(0),
            "brier": 0.0,
            "bins": {b: [0, Fraction(0), 0] for b in P_BINS},
        }
        for lg in lgs:
            p = grades[lg.firm_id].p
            hit = lg.stage == "certified"
            row["certified"] += int(hit)
            row["expected"] += p
            row["brier"] += (float(p) - hit) ** 2
            pct = float(p) * 100
            for b in P_BINS:
                if b[0] <= pct < b[1]:
                    row["bins"][b][0] += 1
                    row["bins"][b][1] += p
                    row["bins"][b][2] += int(hit)
        row["brier"] = row["brier"] / len(lgs)
        out.append(row)
    return out


EXPORT_HEADERS = (
    "区域",
    "上年末有效",
    "本年到期",
    "期望重认定",
    "编入批次",
    "期望新增",
    "新增目标",
    "年末有效（期望）",
    "有效目标",
    "缺口",
    "数据不全",
    "在库",
)


def _tenth(value: Fraction | float) -> Decimal:
    """An expected count to one decimal (half up), exact from the fraction."""
    v = Fraction(value)
    return (Decimal(v.numerator) / Decimal(v.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _target_value(fig: Figures, metric: str) -> Decimal | None:
    t = fig.targets.get(metric)
    return None if t is None else t.value.normalize()


def export_rows(f: Forecast) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The board's area table as a sheet: one row per town/park and a 合计 row; expected
    values to one decimal (the page rounds them to whole firms)."""

    def row(name: str, fig: Figures) -> list[Any]:
        short = fig.valid_short
        return [
            name,
            fig.start_valid,
            fig.expiring,
            _tenth(fig.renewals),
            fig.new_n,
            _tenth(fig.new),
            _target_value(fig, "hnte_new"),
            _tenth(fig.valid_end),
            _target_value(fig, "hnte_valid"),
            None if short is None else _tenth(short),
            fig.unknown_n,
            fig.pool_size,
        ]

    rows = [row(a.name, fig) for a, fig in f.by_area]
    rows.append(row("合计" if f.region is None else f"合计（{f.region.name}）", f.total))
    return EXPORT_HEADERS, rows
