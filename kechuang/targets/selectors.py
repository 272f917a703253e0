"""Reads, scoped to the actor: indicator tables, targets with progress, trends, area
comparison, peer ranking, the town/park assessment and the records behind a figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import role_of, scope_region, sees_everything, visible_regions
from kechuang.core.errors import NotFound, PermissionDenied
from kechuang.enterprises.selectors import default_year as enterprise_default_year
from kechuang.enterprises.selectors import plan_year as enterprise_plan_year
from kechuang.targets import growth
from kechuang.targets.indicators import INDICATORS, Evaluator, RecordRow, Value
from kechuang.targets.models import AssessmentWeight, RegionalStatistic, Target
from kechuang.targets.permissions import can_view_peers, can_view_region, statistic_regions

DASHBOARD_INDICATORS = (
    "hnte_new",
    "hnte_valid",
    "hnte_valid_growth_avg_3y",
    "tech_sme_new",
    "pool_new",
    "hightech_output_wan",
    "hightech_output_share",
    "rd_gdp_ratio",
)
TREND_INDICATORS = ("hnte_new", "hnte_valid", "tech_sme_new", "pool_new")
AREA_INDICATORS = ("hnte_new", "hnte_valid", "tech_sme_new", "pool_new")
PEER_INDICATORS = ("hnte_valid", "tech_sme_new", "hnte_valid_growth_avg_3y", "rd_gdp_ratio")


def default_year(actor: Any) -> int:
    """The year dashboards, drill-downs, statistics and the town/park assessment open
    on: the latest complete reporting year (`enterprises.selectors.default_year`)."""
    return enterprise_default_year(actor)


def plan_year(actor: Any) -> int:
    """The year the targets page opens on: the plan year after the complete one."""
    return enterprise_plan_year(actor)


def region_get(*, actor: Any, code: str) -> Region:
    """A region the actor may see, by code; refused otherwise."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound("区域不存在")
    allowed, reason = can_view_region(actor, region)
    if not allowed:
        raise PermissionDenied(reason)
    return region


def home_region(actor: Any) -> Region | None:
    """The region a dashboard opens on: the officer's area, the county bureau's county,
    the city bureau's city (its dashboard compares the counties and links to each); for
    the platform administrator the county holding the registry."""
    own = scope_region(actor)
    if own is not None:
        return own
    if not sees_everything(actor):
        return None
    regions = visible_regions(actor)
    # the county whose subtree holds the registry's enterprises
    for r in regions.filter(kind=Region.Kind.COUNTY):
        if Evaluator().has_records(r):
            return r
    return regions.filter(kind=Region.Kind.COUNTY).first()


@dataclass
class Progress:
    target: Target | None
    progress: Decimal | None  # value ÷ target, a fraction
    met: bool | None
    computed_on: dt.date

    @property
    def percent(self) -> Decimal | None:
        return growth.percent(self.progress, 1)


def progress_of(value: Decimal | None, target: Target | None, today: dt.date) -> Progress:
    if target is None or value is None:
        return Progress(target, None, None, today)
    tv = Decimal(target.value)
    ratio = value / tv if tv else None
    if target.comparison == Target.Comparison.GT:
        met = value > tv
    elif target.comparison == Target.Comparison.EQ:
        met = value == tv
    else:
        met = value >= tv
    return Progress(target, ratio, met, today)


def targets_for(region: Region, year: int) -> dict[str, Target]:
    return {t.indicator: t for t in Target.objects.filter(region=region, year=year)}


@dataclass
class Row:
    value: Value
    progress: Progress
    peer_rank: int | None


def indicator_table(
    *,
    actor: Any,
    region: Region,
    year: int,
    ids: tuple[str, ...] | None = None,
    evaluator: Evaluator | None = None,
    with_peers: bool | None = None,
) -> list[Row]:
    allowed, reason = can_view_region(actor, region)
    if not allowed:
        raise PermissionDenied(reason)
    ev = evaluator or Evaluator(actor=actor)
    if with_peers is None:
        with_peers = can_view_peers(actor)[0]
    targets = targets_for(region, year)
    wanted = ids or tuple(INDICATORS)
    # the counts by year in one grouped query each (the growth rate reads four years)
    ev.prefetch_years(wanted, region, list(range(year - 3, year + 1)))
    rows = []
    for ind_id in wanted:
        v = ev.value(ind_id, region, year)
        rank = ev.peer_rank(ind_id, region, year) if with_peers else None
        rows.append(Row(v, progress_of(v.value, targets.get(ind_id), ev.today), rank))
    return rows


def trend(
    *,
    region: Region,
    year: int,
    ids: tuple[str, ...] = TREND_INDICATORS,
    span: int = 5,
    evaluator: Evaluator | None = None,
) -> dict[str, Any]:
    """Five-year series per indicator (oldest first); None where there is no data."""
    ev = evaluator or Evaluator()
    years = list(range(year - span + 1, year + 1))
    ev.prefetch_years(ids, region, years)  # one grouped query per indicator, not per year
    return {
        "years": years,
        "series": {i: [_num(ev.value(i, region, y).value) for y in years] for i in ids},
    }


def areas_of(region: Region) -> QuerySet[Region]:
    kinds = [Region.Kind.STREET, Region.Kind.TOWN, Region.Kind.TOWNSHIP, Region.Kind.PARK]
    return Region.objects.filter(parent=region, kind__in=kinds)


def visible_parent(*, actor: Any, region: Region) -> Region | None:
    """The region above `region`, when the actor may see it (the way back up from a
    town to its county, from a county to the city for the city bureau)."""
    parent = region.parent
    return parent if parent is not None and can_view_region(actor, parent)[0] else None


def sub_regions(region: Region) -> QuerySet[Region]:
    """What a dashboard compares and links to below `region`: a city's counties (the city
    bureau's county picker), a county's towns, streets and parks."""
    if region.kind == Region.Kind.CITY:
        return Region.objects.filter(parent=region, kind=Region.Kind.COUNTY)
    return areas_of(region)


def area_comparison(
    *,
    actor: Any,
    region: Region,
    year: int,
    ids: tuple[str, ...] = AREA_INDICATORS,
    evaluator: Evaluator | None = None,
) -> dict[str, Any]:
    """Each town/park (for a city: each county) under `region` that the actor may see,
    per indicator."""
    ev = evaluator or Evaluator(actor=actor)
    areas = list(sub_regions(region).filter(pk__in=visible_regions(actor).values("pk")))
    ev.prefetch_areas(ids, region, areas, year)
    return {
        "areas": [{"code": a.code, "name": a.short_name or a.name} for a in areas],
        "series": {i: [_num(ev.value(i, a, year).value) for a in areas] for i in ids},
    }


@dataclass
class PeerRow:
    region: Region
    value: Value
    rank: int | None
    is_self: bool


def peer_ranking(
    *,
    actor: Any,
    region: Region,
    indicator_id: str,
    year: int,
    evaluator: Evaluator | None = None,
) -> list[PeerRow]:
    allowed, reason = can_view_peers(actor)
    if allowed:
        allowed, reason = can_view_region(actor, region)
    if not allowed:
        raise PermissionDenied(reason)
    ev = evaluator or Evaluator(actor=actor)
    values = ev.peer_values(indicator_id, region, year)
    ranks = growth.competition_rank((v.region.pk, v.value) for v in values)
    rows = [PeerRow(v.region, v, ranks[v.region.pk], v.region.pk == region.pk) for v in values]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.region.code))


@dataclass
class GrowthFigures:
    values: list[tuple[int, Decimal | None]]
    yoy: Decimal | None
    mean3: Decimal | None
    cagr3: Decimal | None


def growth_figures(
    *, region: Region, indicator_id: str, year: int, evaluator: Evaluator | None = None
) -> GrowthFigures:
    """Year-on-year, the mean of the last three yearly rates, and 3-year CAGR, as
    fractions (see growth.FORMULAS)."""
    ev = evaluator or Evaluator()
    values = [(y, ev.value(indicator_id, region, y).value) for y in range(year - 3, year + 1)]
    vs = [v for _y, v in values]
    return GrowthFigures(
        values,
        growth.yoy(vs[-2], vs[-1]),
        growth.mean_rate(vs),
        growth.cagr(vs[0], vs[-1], 3),
    )


# -- assessment --------------------------------------------------------------------------


@dataclass
class AssessmentCell:
    indicator: str
    weight: Decimal
    value: Decimal | None
    target: Decimal | None
    completion: Decimal | None  # min(value ÷ target, 1); None without a target


@dataclass
class AssessmentRow:
    region: Region
    cells: list[AssessmentCell]
    score: Decimal | None
    rank: int | None


def assessment(
    *, actor: Any, county: Region, year: int, evaluator: Evaluator | None = None
) -> tuple[list[AssessmentWeight], list[AssessmentRow]]:
    """The town/park assessment: score = 100 × Σ wᵢ·min(valueᵢ ÷ targetᵢ, 1) ÷ Σ wᵢ over
    the weighted indicators that have a target for the area (no value counts as 0);
    competition ranking (1, 1, 3) on the score rounded to 2 decimals.

    Ranks are computed over all areas of the county; an officer gets only the rows of
    the areas they may see (their own), with its real rank."""
    allowed, reason = can_view_region(actor, county)
    if not allowed:
        own = getattr(actor, "region", None)
        if not (role_of(actor) == "officer" and own is not None and own.parent_id == county.pk):
            raise PermissionDenied(reason)
    ev = evaluator or Evaluator(actor=actor)
    weights = list(AssessmentWeight.objects.filter(year=year).order_by("-weight", "indicator"))
    weights = [w for w in weights if w.indicator in INDICATORS]
    rows: list[AssessmentRow] = []
    areas = list(areas_of(county))
    # every area's targets in one query, not one per area
    by_area: dict[int, dict[str, Target]] = {a.pk: {} for a in areas}
    for t in Target.objects.filter(region__in=areas, year=year):
        by_area[t.region_id][t.indicator] = t
    for area in areas:
        targets = by_area[area.pk]
        cells = []
        num, den = Decimal(0), Decimal(0)
        for w in weights:
            value = ev.value(w.indicator, area, year).value
            target = targets.get(w.indicator)
            completion = None
            if target is not None:
                tv = Decimal(target.value)
                if value is None:
                    completion = Decimal(0)
                elif tv == 0:
                    completion = Decimal(1)
                else:
                    completion = min(value / tv, Decimal(1))
                num += Decimal(w.weight) * completion
                den += Decimal(w.weight)
            cells.append(
                AssessmentCell(
                    w.indicator,
                    Decimal(w.weight),
                    value,
                    None if target is None else Decimal(target.value),
                    completion,
                )
            )
        score = (num / den * 100).quantize(Decimal("0.01"), ROUND_HALF_UP) if den else None
        rows.append(AssessmentRow(area, cells, score, None))
    ranks = growth.competition_rank((r.region.pk, r.score) for r in rows)
    for r in rows:
        r.rank = ranks[r.region.pk]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.region.sort_order, r.region.code))
    visible = set(visible_regions(actor).values_list("pk", flat=True))
    return weights, [r for r in rows if r.region.pk in visible]


# -- records -----------------------------------------------------------------------------


def records(
    *, actor: Any, indicator_id: str, region: Region, year: int, evaluator: Evaluator | None = None
) -> tuple[Value, list[RecordRow]]:
    """The records behind one figure; the region must be the actor's to see."""
    if indicator_id not in INDICATORS:
        raise NotFound("指标不存在")
    allowed, reason = can_view_region(actor, region)
    if not allowed:
        raise PermissionDenied(reason)
    ev = evaluator or Evaluator(actor=actor)
    return ev.value(indicator_id, region, year), ev.records(indicator_id, region, year)


def statistic_list(*, actor: Any, year: int | None = None) -> QuerySet[RegionalStatistic]:
    qs = RegionalStatistic.objects.filter(region__in=statistic_regions(actor)).select_related(
        "region", "entered_by"
    )
    return qs.filter(year=year) if year else qs


def target_list(*, actor: Any, year: int | None = None) -> QuerySet[Target]:
    qs = Target.objects.filter(region__in=visible_regions(actor)).select_related("region", "set_by")
    return qs.filter(year=year) if year else qs


def target_get(*, actor: Any, pk: int) -> Target:
    """A target in a region the actor may see; NotFound otherwise."""
    target = target_list(actor=actor).filter(pk=pk).first()
    if target is None:
        raise NotFound("目标不存在")
    return target


def statistic_get(*, actor: Any, pk: int) -> RegionalStatistic:
    """A statistic of a region the actor may see; NotFound otherwise."""
    stat = statistic_list(actor=actor).filter(pk=pk).first()
    if stat is None:
        raise NotFound("记录不存在")
    return stat


def visible_areas_of(*, actor: Any, region: Region) -> QuerySet[Region]:
    """The towns, streets and parks (a city's counties) directly below `region` that the
    actor may see."""
    return sub_regions(region).filter(pk__in=visible_regions(actor).values("pk"))


@dataclass(frozen=True)
class TargetRow:
    target: Target
    indicator: Any
    value: Value
    progress: Progress


def target_rows(*, actor: Any, year: int, evaluator: Evaluator | None = None) -> list[TargetRow]:
    """The year's targets the actor may see, each with its actual value and progress."""
    ev = evaluator or Evaluator(actor=actor)
    targets = list(target_list(actor=actor, year=year).select_related("region__parent"))
    # The towns' and parks' figures of one county and year: one grouped query per
    # indicator (`Evaluator.prefetch_areas`, as the dashboard's comparison), not one each.
    areas: dict[tuple[int, int], tuple[Region, dict[int, Region], set[str]]] = {}
    for t in targets:
        county = t.region.parent
        if t.indicator in INDICATORS and t.region.is_area and county is not None:
            _county, regions, ids = areas.setdefault((county.pk, t.year), (county, {}, set()))
            regions[t.region.pk] = t.region
            ids.add(t.indicator)
    for (_pk, area_year), (county, regions, ids) in areas.items():
        ev.prefetch_areas(tuple(sorted(ids)), county, list(regions.values()), area_year)
    rows = []
    for t in targets:
        if t.indicator not in INDICATORS:
            continue
        value = ev.value(t.indicator, t.region, t.year)
        rows.append(
            TargetRow(t, INDICATORS[t.indicator], value, progress_of(value.value, t, ev.today))
        )
    return rows


def _num(value: Decimal | None) -> float | None:
    """Chart data (display only): floats rounded to 2 decimals."""
    return None if value is None else float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))
