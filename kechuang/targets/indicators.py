"""The indicator catalogue: every figure of the annual report, as a query.

Each indicator has an id (indicators.md), a Chinese label, a unit and the capability
whose records it counts. `Evaluator.value(id, region, year)` answers it for a region
and a year, with the number of records behind it; `Evaluator.records(...)` lists them
for drill-down.

How a value is found (documented in docs/indicators.md):

1. record-based indicators (C1) are counted from the registry for the region's
   subtree — when the region has enterprises registered; a region without any
   (a peer district not on this instance) falls back to its entered statistic. An
   evaluator made for an actor (`Evaluator(actor=user)`) counts records only in the
   regions that actor answers for: another county's figures come from its entered
   (published) statistics, never from its records, so a county bureau learns nothing of
   another county's registry; the city bureau ranks every county from the records;
2. derived indicators (growth) are computed from the same indicator's yearly values,
   unless a statistic was entered for a region without records;
3. statistics (rd_gdp_ratio, GDP …) come from RegionalStatistic;
4. indicators whose capability does not exist yet (C3 pool, C5…C11) have no query:
   their value is an entered statistic if there is one, else null — "no data",
   never a made-up number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, Round

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import records_limit_path
from kechuang.core import periods
from kechuang.core.cache import registry_memo
from kechuang.enterprises.models import (
    Certificate,
    CertificateQuerySet,
    Enterprise,
    YearlyFacts,
)
from kechuang.targets import growth

COUNT, WAN, PERCENT = "家", "万元", "%"
T = TypeVar("T")

STATUS_RECORDS = "records"
STATUS_STATISTIC = "statistic"
STATUS_NO_DATA = "no data"
STATUS_LABELS = {
    STATUS_RECORDS: "由记录计算",
    STATUS_STATISTIC: "统计填报",
    STATUS_NO_DATA: "暂无数据",
}


@dataclass(frozen=True)
class RecordRow:
    """One record behind a figure, for the drill-down list."""

    enterprise_id: int | None
    enterprise: str
    region: str
    kind: str  # 证书 / 年度数据 / 统计
    detail: str
    on: dt.date | None = None
    amount_wan: Decimal | None = None


@dataclass
class Computed:
    value: Decimal | None
    count: int
    rows: Callable[[], list[RecordRow]] = field(default=lambda: [])

    @classmethod
    def counted(cls, records: Any, row: Callable[[Any], RecordRow]) -> Computed:
        """A count of `records` (a queryset): the figure is how many there are, and the
        drill-down lists them, each made into a row by `row` (read only when asked)."""
        n = records.count()
        return cls(Decimal(n), n, lambda: [row(r) for r in records])


# Capability codes (product.md) by the names officers know them by.
CAPABILITY_LABELS = {
    "C1": "企业库",
    "C2": "政策评价",
    "C3": "高企培育",
    "C4": "创新积分",
    "C5": "创新券",
    "C6": "资金项目",
    "C7": "创新平台",
    "C8": "对接",
    "C9": "项目",
    "C10": "服务",
    "C11": "活动",
    "C12": "统计数据",
}


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    capability: str
    definition: str
    kind: str = "pending"  # records | derived | statistic | pending
    decimals: int = 0
    compute: Callable[[Evaluator, Region, int], Computed] | None = None
    # statistic keys whose ratio × 100 gives the value, when not entered directly
    ratio_of: tuple[str, str] | None = None
    # A year's report shows this indicator for an earlier year (the seed's 2020 report
    # gives 2019's R&D/GDP ratio, tax relief and pilot-zone awards): years of lag.
    # Values are always asked for their own data year; the report applies the lag.
    data_lag: int = 0
    # The same count for many towns/parks of one county in one grouped query (the
    # dashboard's area comparison): (evaluator, county, areas, year) → {area pk: count}.
    by_area: Callable[[Evaluator, Region, list[Region], int], dict[int, int]] | None = None
    # The same count for several years of one region in one grouped query (the
    # dashboard's trend): (evaluator, region, years) → {year: count}.
    by_years: Callable[[Evaluator, Region, list[int]], dict[int, int]] | None = None

    def data_year(self, year: int) -> int:
        return year - self.data_lag

    @property
    def has_query(self) -> bool:
        return self.kind in ("records", "derived")

    @property
    def capability_label(self) -> str:
        """The module the figure comes from, as the navigation names it."""
        return CAPABILITY_LABELS.get(self.capability, self.capability)


@dataclass(frozen=True)
class StatisticKey:
    """A statistic that is not an indicator of the report (inputs of ratios)."""

    id: str
    label: str
    unit: str


# -- record queries --------------------------------------------------------------------


def year_end(year: int, today: dt.date) -> dt.date:
    """31 Dec of `year`, or `today` for the current (or a future) year."""
    return periods.year_end(year, today)


def _certs(kind: str, region: Region) -> CertificateQuerySet:
    return (
        Certificate.objects.filter(kind=kind)
        .in_region(region)
        .select_related("enterprise", "enterprise__region")
    )


def _cert_row(c: Certificate, extra: str = "") -> RecordRow:
    until = f"，有效期至{c.valid_until:%Y-%m-%d}" if c.valid_until else ""
    return RecordRow(
        c.enterprise_id,
        c.enterprise.name,
        c.enterprise.region.name,
        c.get_kind_display(),
        f"{c.number}（发证{c.issued_on:%Y-%m-%d}{until}）{extra}",
        c.issued_on,
    )


def _issued_in(kind: str) -> Callable[[Evaluator, Region, int], Computed]:
    def compute(ev: Evaluator, region: Region, year: int) -> Computed:
        qs = _certs(kind, region).filter(issued_on__year=year).order_by("issued_on", "number")
        n = qs.count()
        return Computed(Decimal(n), n, lambda: [_cert_row(c) for c in qs])

    return compute


def _issued_in_by_area(
    kind: str, *, distinct: bool = False
) -> Callable[[Evaluator, Region, list[Region], int], dict[int, int]]:
    def by_area(ev: Evaluator, county: Region, areas: list[Region], year: int) -> dict[int, int]:
        per_path = _issued_by_path(ev, county, year)
        return {
            a.pk: sum(
                counts[1 if distinct else 0]
                for (k, path), counts in per_path.items()
                if k == kind and path.startswith(a.path)
            )
            for a in areas
        }

    return by_area


def _issued_by_path(ev: Evaluator, county: Region, year: int) -> dict[Any, tuple[int, int]]:
    """{(kind, region path): (certificates, distinct firms)} issued in `year` under
    `county`, for every kind of ISSUED_KINDS: one grouped query for the three
    indicators' area comparison, kept on the evaluator. A firm is in one region, so
    distinct firms per path add up to distinct firms per area."""

    def query() -> dict[Any, tuple[int, int]]:
        qs = (
            Certificate.objects.filter(kind__in=ISSUED_KINDS, issued_on__year=year)
            .in_region(county)
            .order_by()
            .values_list("kind", "enterprise__region__path")
            .annotate(n=Count("id"), firms=Count("enterprise_id", distinct=True))
        )
        return {(kind, path): (n, firms) for kind, path, n, firms in qs}

    return _shared(ev, "issued-by-path", county, str(year), query)


def _hnte_valid_by_area(
    ev: Evaluator, county: Region, areas: list[Region], year: int
) -> dict[int, int]:
    day = year_end(year, ev.today)

    def query() -> dict[str, int]:
        qs = Certificate.objects.filter(kind="hnte").in_region(county).valid_on(day)
        per_path = qs.order_by().values_list("enterprise__region__path")
        return dict(per_path.annotate(n=Count("enterprise_id", distinct=True)))

    counts = _shared(ev, "hnte-valid-by-path", county, day.isoformat(), query)
    return {a.pk: sum(n for path, n in counts.items() if path.startswith(a.path)) for a in areas}


def _shared(ev: Evaluator, name: str, region: Region, args: str, compute: Callable[[], T]) -> T:
    """A count of the registry under `region` (never of one actor's: whether an actor may
    read records there is decided before, by `Evaluator.has_records`): computed once per
    evaluator, and kept across requests, workers and servers until the registry next
    changes (`core.cache.registry_memo`)."""
    scope = f"{region.pk}:{region.path}:{args}"
    return ev.memo(
        (name, scope),
        lambda: registry_memo(f"indicator-{name}", scope, compute, region.path),
    )


# Certificate kinds counted by their year of issue (hnte_new, tech_sme_new, pool_new).
ISSUED_KINDS = ("hnte", "tech_sme", "provincial_pool")


def _issued_by_year(ev: Evaluator, region: Region, years: list[int]) -> dict[Any, tuple[int, int]]:
    """{(kind, year): (certificates, distinct firms)} issued in `years` in `region`, for
    every kind of ISSUED_KINDS: one grouped query for the three indicators, kept on the
    evaluator."""

    def query() -> dict[Any, tuple[int, int]]:
        qs = (
            Certificate.objects.filter(
                kind__in=ISSUED_KINDS,
                issued_on__gte=dt.date(min(years), 1, 1),
                issued_on__lte=dt.date(max(years), 12, 31),
            )
            .in_region(region)
            .order_by()
            .annotate(year=ExtractYear("issued_on"))
            .values_list("kind", "year")
            .annotate(n=Count("id"), firms=Count("enterprise_id", distinct=True))
        )
        return {(kind, int(year)): (n, firms) for kind, year, n, firms in qs}

    return _shared(ev, "issued-by-year", region, ",".join(map(str, years)), query)


def _issued_in_by_years(
    kind: str, *, distinct: bool = False
) -> Callable[[Evaluator, Region, list[int]], dict[int, int]]:
    def by_years(ev: Evaluator, region: Region, years: list[int]) -> dict[int, int]:
        counts = _issued_by_year(ev, region, years)
        return {y: counts.get((kind, y), (0, 0))[1 if distinct else 0] for y in years}

    return by_years


def _valid_q(day: dt.date) -> Q:
    """`CertificateQuerySet.valid_on(day)` as a condition (for a filtered aggregate)."""
    return (
        Q(valid_from__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
    )


def _hnte_valid_by_years(ev: Evaluator, region: Region, years: list[int]) -> dict[int, int]:
    """Firms holding a valid HNTE certificate at each year's end: one scan, a filtered
    distinct count per year."""
    days = {y: year_end(y, ev.today) for y in years}

    def query() -> dict[int, int]:
        found = (
            Certificate.objects.filter(kind="hnte", valid_from__lte=max(days.values()))
            .in_region(region)
            .aggregate(
                **{
                    f"y{y}": Count("enterprise_id", distinct=True, filter=_valid_q(day))
                    for y, day in days.items()
                }
            )
        )
        return {y: int(found[f"y{y}"] or 0) for y in years}

    args = ",".join(d.isoformat() for d in days.values())
    return _shared(ev, "hnte-valid-by-years", region, args, query)


def _tech_sme_new(ev: Evaluator, region: Region, year: int) -> Computed:
    qs = _certs("tech_sme", region).filter(issued_on__year=year).order_by("enterprise__name")
    firms = qs.values("enterprise_id").distinct().count()

    def rows() -> list[RecordRow]:
        seen: set[int] = set()
        out = []
        for c in qs:
            if c.enterprise_id not in seen:
                seen.add(c.enterprise_id)
                out.append(_cert_row(c))
        return out

    return Computed(Decimal(firms), firms, rows)


def _hnte_valid(ev: Evaluator, region: Region, year: int) -> Computed:
    day = year_end(year, ev.today)
    qs = _certs("hnte", region).valid_on(day).order_by("enterprise__name", "-issued_on")
    firms = qs.values("enterprise_id").distinct().count()

    def rows() -> list[RecordRow]:
        seen: set[int] = set()
        out = []
        for c in qs:
            if c.enterprise_id not in seen:
                seen.add(c.enterprise_id)
                out.append(_cert_row(c, f"；{day:%Y-%m-%d}有效"))
        return out

    return Computed(Decimal(firms), firms, rows)


def _facts(region: Region, year: int) -> QuerySet[YearlyFacts]:
    return (
        YearlyFacts.objects.filter(fiscal_year=year)
        .in_region(region)
        .select_related("enterprise", "enterprise__region")
    )


def _fact_row(f: YearlyFacts, field_name: str, label: str) -> RecordRow:
    amount = getattr(f, field_name)
    return RecordRow(
        f.enterprise_id,
        f.enterprise.name,
        f.enterprise.region.name,
        "年度数据",
        f"{f.fiscal_year}年度{label}",
        None,
        None if amount is None else Decimal(amount) / 10000,
    )


def _cents(field_name: str) -> Sum:
    """The exact sum of a money field, in fen, computed by the database (one row back,
    not one per firm): every amount has two decimals, so ×100 rounded is exact —
    SQLite keeps decimals as floats, and its float sum of whole numbers is exact far
    beyond any county's or province's total (2⁵³ fen)."""
    return Sum(Round(F(field_name) * 100), output_field=IntegerField())


def _hightech_output_wan(ev: Evaluator, region: Region, year: int) -> Computed:
    qs = (
        _facts(region, year)
        .filter(hightech_output_yuan__isnull=False)
        .order_by("-hightech_output_yuan")
    )
    found = _shared(
        ev,
        "hightech-output",
        region,
        str(year),
        lambda: qs.aggregate(cents=_cents("hightech_output_yuan"), n=Count("id")),
    )
    # no firm reported it: unknown, not zero
    value = Decimal(int(found["cents"])) / 1000000 if found["n"] else None
    return Computed(
        value,
        found["n"],
        lambda: [_fact_row(f, "hightech_output_yuan", "高新技术产业产值") for f in qs],
    )


def _hightech_output_share(ev: Evaluator, region: Region, year: int) -> Computed:
    qs = (
        _facts(region, year)
        .filter(enterprise__is_above_scale=True, output_value_yuan__isnull=False)
        .order_by("-output_value_yuan")
    )
    found = _shared(
        ev,
        "hightech-output-share",
        region,
        str(year),
        lambda: qs.aggregate(
            total=_cents("output_value_yuan"),
            hightech=_cents("hightech_output_yuan"),
            n=Count("id"),
        ),
    )
    total = Decimal(int(found["total"] or 0))
    hightech = Decimal(int(found["hightech"] or 0))
    value = hightech / total * 100 if total else None
    return Computed(
        value,
        found["n"],
        lambda: [_fact_row(f, "output_value_yuan", "工业总产值（规上）") for f in qs],
    )


def _hnte_valid_growth(ev: Evaluator, region: Region, year: int) -> Computed:
    values = [ev.value("hnte_valid", region, y) for y in range(year - 3, year + 1)]
    rate = growth.mean_rate([v.value for v in values])
    count = sum(v.records for v in values)

    def rows() -> list[RecordRow]:
        out: list[RecordRow] = []
        for y in range(year - 3, year + 1):
            out.extend(ev.records("hnte_valid", region, y))
        return out

    return Computed(None if rate is None else rate * 100, count, rows)


# -- the catalogue -----------------------------------------------------------------------

_I = Indicator

INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        _I(
            "hnte_new",
            "新认定国家高企",
            COUNT,
            "C1",
            "当年发证的高新技术企业证书数（含首次认定和重新认定），企业在区域（含下级）内",
            "records",
            0,
            _issued_in("hnte"),
            by_area=_issued_in_by_area("hnte"),
            by_years=_issued_in_by_years("hnte"),
        ),
        _I(
            "hnte_valid",
            "有效期内国家高企",
            COUNT,
            "C1",
            "12月31日（当年为今天）持有有效高新技术企业证书的企业数（去重）",
            "records",
            0,
            _hnte_valid,
            by_area=_hnte_valid_by_area,
            by_years=_hnte_valid_by_years,
        ),
        _I(
            "hnte_valid_growth_avg_3y",
            "近三年高企总数年平均增长率",
            PERCENT,
            "C12",
            "Y−3…Y 年有效高企数的三个年增长率的算术平均",
            "derived",
            2,
            _hnte_valid_growth,
        ),
        _I(
            "tech_sme_new",
            "新认定科技型中小微企业",
            COUNT,
            "C1",
            "当年取得科技型中小企业入库登记编号的企业数（去重）",
            "records",
            0,
            _tech_sme_new,
            by_area=_issued_in_by_area("tech_sme", distinct=True),
            by_years=_issued_in_by_years("tech_sme", distinct=True),
        ),
        _I(
            "pool_new",
            "新增省级高企培育入库企业",
            COUNT,
            "C1",
            "当年发证的省高企培育库入库证书数（C1证书记录）",
            "records",
            0,
            _issued_in("provincial_pool"),
            by_area=_issued_in_by_area("provincial_pool"),
            by_years=_issued_in_by_years("provincial_pool"),
        ),
        # Computed by the cultivation app (its contributions); pending without it.
        _I(
            "pool_size",
            "高企后备培育库在库企业",
            COUNT,
            "C3",
            "12月31日（当年为今天）在县后备培育库中的企业数（培育库入库记录）",
        ),
        _I("voucher_redeemed_wan", "兑现科技创新券", WAN, "C5", "当年兑现的创新券金额", decimals=2),
        _I("voucher_enterprises", "使用创新券企业", COUNT, "C5", "当年兑现创新券的企业数"),
        _I(
            "voucher_rd_driven_wan",
            "创新券企业研发投入",
            WAN,
            "C5",
            "当年使用创新券企业的研发投入",
            decimals=2,
        ),
        _I(
            "hnte_cultivation_fund_wan",
            "高企培育资金",
            WAN,
            "C6",
            "当年发放的高企培育资金",
            decimals=2,
        ),
        _I(
            "pilot_zone_award_wan",
            "创新发展先导区奖补",
            WAN,
            "C6",
            "当年发放的创新发展先导区奖补资金（上一年度）",
            decimals=2,
            data_lag=1,
        ),
        _I(
            "tax_relief_wan",
            "科技企业所得税减免",
            WAN,
            "C6",
            "科技企业所得税减免额（上一年度）",
            decimals=2,
            data_lag=1,
        ),
        _I(
            "rd_gdp_ratio",
            "全社会研发经费占GDP比重",
            PERCENT,
            "C12",
            "统计填报（年度报告取上一年数据）；未直接填报时 = 全社会研发经费 ÷ 地区生产总值 × 100",
            "statistic",
            2,
            data_lag=1,
            ratio_of=("rd_expense_total_wan", "gdp_wan"),
        ),
        _I(
            "hightech_output_wan",
            "高新技术产业产值",
            WAN,
            "C1",
            "区域内企业当年度高新技术产业产值之和（未填报的企业不计；无人填报为无数据）",
            "records",
            2,
            _hightech_output_wan,
        ),
        _I(
            "hightech_output_share",
            "高新技术产业产值占规上工业产值比重",
            PERCENT,
            "C1",
            "规上工业企业：Σ高新技术产业产值 ÷ Σ工业总产值 × 100（填报了工业总产值的规上企业）",
            "records",
            2,
            _hightech_output_share,
        ),
        _I("rd_institutions_new", "新获批省级以上企业研发机构", "家", "C7", "当年新获批的研发机构"),
        _I("incubator_projects_new", "孵化器新招引科技项目", "个", "C7", "当年孵化器新招引项目"),
        _I("iur_events", "产学研对接活动", "场", "C8", "当年产学研对接活动场次"),
        _I("iur_agreements", "签订科技合作协议", "份", "C8", "当年签订的科技合作协议"),
        _I("iur_alliances", "共建校企联盟", "个", "C8", "当年共建的校企联盟"),
        _I("projects_applied", "申报省、市科技计划项目", "个", "C9", "当年申报的科技计划项目"),
        _I("talent_national_new", "新引进国家级人才", "名", "C9", "当年新引进国家级人才"),
        _I("talent_provincial_new", "入选省双创人才", "名", "C9", "当年入选省双创人才"),
        _I(
            "commissioners_reregistered",
            "科技特派员核实再登记",
            "名",
            "C9",
            "当年核实再登记的科技特派员",
        ),
        _I("commissioners_new", "新推荐科技特派员", "名", "C9", "当年新推荐的科技特派员"),
        _I("publicity_articles", "省市级媒体用稿", "篇", "C11", "当年省市级媒体用稿"),
        _I("finance_events", "科技金融进孵化器活动", "场", "C11", "当年科技金融进孵化器活动"),
        _I("roadshows", "项目路演活动", "期", "C11", "当年新技术成果发布、项目路演等活动"),
        _I("loan_enterprises", "获苏科贷企业", COUNT, "C6", "当年获得苏科贷的企业数"),
        _I("loan_amount_wan", "苏科贷金额", WAN, "C6", "当年发放的苏科贷金额", decimals=2),
        _I("loan_amount_yoy", "苏科贷同比增长", PERCENT, "C6", "苏科贷金额同比增长率", decimals=2),
        _I("visits", "走访乡镇(园区)、重点企业", "家次", "C10", "当年走访家次"),
        _I("problems_solved", "解决企业难题", "个", "C10", "当年解决的企业难题"),
    )
}

STATISTIC_KEYS: dict[str, StatisticKey] = {
    s.id: s
    for s in (
        StatisticKey("gdp_wan", "地区生产总值", WAN),
        StatisticKey("rd_expense_total_wan", "全社会研发经费", WAN),
        StatisticKey("above_scale_output_wan", "规上工业产值（统计局）", WAN),
    )
}


def register(indicator: Indicator) -> None:
    """Add an app's indicator to the catalogue (from its `contributions.INDICATORS`).
    An id the catalogue declares as pending (no query yet: a capability still to come)
    is replaced in place, keeping the report's order; a new id is appended. Two apps
    computing one id is an error."""
    existing = INDICATORS.get(indicator.id)
    if existing is not None and existing.compute is not None and existing is not indicator:
        raise ValueError(f"indicator {indicator.id!r} is computed twice")
    INDICATORS[indicator.id] = indicator


def register_contributed() -> None:
    from kechuang.core.registry import collect

    for indicator in collect("INDICATORS"):
        register(indicator)


def statistic_label(key: str) -> tuple[str, str] | None:
    """(label, unit) of an indicator id or statistic key."""
    if key in INDICATORS:
        return INDICATORS[key].label, INDICATORS[key].unit
    if key in STATISTIC_KEYS:
        return STATISTIC_KEYS[key].label, STATISTIC_KEYS[key].unit
    return None


def get(indicator_id: str) -> Indicator:
    return INDICATORS[indicator_id]


# -- evaluation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    region: Region
    year: int
    value: Decimal | None
    status: str
    records: int
    source: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _rows_later(
    ind: Indicator, ev: Evaluator, region: Region, year: int
) -> Callable[[], list[RecordRow]]:
    def rows() -> list[RecordRow]:
        assert ind.compute is not None
        return ind.compute(ev, region, year).rows()

    return rows


class Evaluator:
    """Answers indicators for (region, year), caching each answer and each region's
    statistics for the life of one request or report."""

    def __init__(self, *, today: dt.date | None = None, actor: Any = None) -> None:
        self.today = today or periods.today()
        # Records count only under this path (None: no limit — the system's own view
        # for the CLI and the demo's figures, or the platform administrator).
        self._limit_path: str | None = records_limit_path(actor) if actor is not None else None
        self._values: dict[tuple[str, int, int], tuple[Value, Computed | None]] = {}
        self._has_records: dict[int, bool] = {}
        self._counties: dict[int, Region] = {}
        self._stats: dict[int, dict[tuple[int, str], Any]] = {}
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()` once per evaluator (a grouped query several indicators share)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def has_records(self, region: Region) -> bool:
        """Whether the registry covers the region: its county (for a town or park: the
        county it belongs to) has enterprises registered. A town of ours without firms
        counts 0; a peer district without any falls back to statistics."""
        scope = region
        if region.is_area and region.parent_id:
            # the county, read once per evaluator (the rows of a target list hold
            # instances of their own)
            county = self._counties.get(region.parent_id)
            if county is None:
                county = region.parent
                assert county is not None
                self._counties[region.parent_id] = county
            scope = county
        if self._limit_path is not None and not scope.path.startswith(self._limit_path):
            return False
        if scope.pk not in self._has_records:
            self._has_records[scope.pk] = Enterprise.objects.in_region(scope).exists()
        return self._has_records[scope.pk]

    def statistic(self, region: Region, year: int, key: str) -> Any:
        from kechuang.targets.models import RegionalStatistic

        if region.pk not in self._stats:
            self._stats[region.pk] = {
                (s.year, s.key): s for s in RegionalStatistic.objects.filter(region=region)
            }
        return self._stats[region.pk].get((year, key))

    def _statistic_value(self, ind: Indicator, region: Region, year: int) -> Value | None:
        stat = self.statistic(region, year, ind.id)
        if stat is not None:
            return Value(ind, region, year, Decimal(stat.value), STATUS_STATISTIC, 0, stat.source)
        if ind.ratio_of:
            num = self.statistic(region, year, ind.ratio_of[0])
            den = self.statistic(region, year, ind.ratio_of[1])
            if num is not None and den is not None and den.value:
                value = Decimal(num.value) / Decimal(den.value) * 100
                return Value(ind, region, year, value, STATUS_STATISTIC, 0, "由统计数据计算")
        return None

    def _evaluate(
        self, indicator_id: str, region: Region, year: int
    ) -> tuple[Value, Computed | None]:
        key = (indicator_id, region.pk, year)
        if key in self._values:
            return self._values[key]
        ind = INDICATORS[indicator_id]
        result: tuple[Value, Computed | None]
        if ind.compute is not None and self.has_records(region):
            computed = ind.compute(self, region, year)
            if computed.value is None and ind.kind == "records":
                result = (Value(ind, region, year, None, STATUS_NO_DATA, computed.count), computed)
            else:
                status = STATUS_RECORDS if computed.value is not None else STATUS_NO_DATA
                result = (
                    Value(ind, region, year, computed.value, status, computed.count),
                    computed,
                )
        else:
            stat = self._statistic_value(ind, region, year)
            if stat is None and ind.kind == "derived" and ind.compute is not None:
                computed = ind.compute(self, region, year)
                status = STATUS_STATISTIC if computed.value is not None else STATUS_NO_DATA
                stat = Value(ind, region, year, computed.value, status, 0, "由统计数据计算")
            result = (stat or Value(ind, region, year, None, STATUS_NO_DATA, 0), None)
        self._values[key] = result
        return result

    def prefetch_areas(
        self, ids: tuple[str, ...], county: Region, areas: list[Region], year: int
    ) -> None:
        """Answer `ids` for every area of `county` at once (one grouped query per
        indicator instead of one per area); `value` then reads the cache. The records
        behind a figure are still fetched per area, when asked for."""
        if not areas or not self.has_records(areas[0]):
            return
        for indicator_id in ids:
            ind = INDICATORS[indicator_id]
            if ind.by_area is None or ind.kind != "records" or ind.compute is None:
                continue
            counts = ind.by_area(self, county, areas, year)
            for area in areas:
                key = (indicator_id, area.pk, year)
                if key in self._values:
                    continue
                n = counts.get(area.pk, 0)
                self._values[key] = (
                    Value(ind, area, year, Decimal(n), STATUS_RECORDS, n),
                    Computed(Decimal(n), n, _rows_later(ind, self, area, year)),
                )

    def prefetch_years(self, ids: tuple[str, ...], region: Region, years: list[int]) -> None:
        """Answer `ids` for `region` in every one of `years` at once (one grouped query
        per indicator, the certificate counts of issue sharing one, instead of one per
        year); `value` then reads the cache. The records behind a figure are still
        fetched per year, when asked for."""
        if not years or not self.has_records(region):
            return
        for indicator_id in ids:
            ind = INDICATORS[indicator_id]
            if ind.by_years is None or ind.kind != "records" or ind.compute is None:
                continue
            wanted = [y for y in years if (indicator_id, region.pk, y) not in self._values]
            if not wanted:
                continue
            counts = ind.by_years(self, region, sorted(years))
            for y in wanted:
                n = counts.get(y, 0)
                self._values[(indicator_id, region.pk, y)] = (
                    Value(ind, region, y, Decimal(n), STATUS_RECORDS, n),
                    Computed(Decimal(n), n, _rows_later(ind, self, region, y)),
                )

    def value(self, indicator_id: str, region: Region, year: int) -> Value:
        return self._evaluate(indicator_id, region, year)[0]

    def records(self, indicator_id: str, region: Region, year: int) -> list[RecordRow]:
        value, computed = self._evaluate(indicator_id, region, year)
        if computed is not None:
            return computed.rows()
        if value.status == STATUS_STATISTIC:
            return [
                RecordRow(
                    None,
                    "—",
                    region.name,
                    "统计",
                    f"{year}年 统计填报：{value.source or '未注明来源'}",
                )
            ]
        return []

    # -- peers --------------------------------------------------------------------------

    def peers(self, region: Region) -> list[Region]:
        """The region and its siblings of the same level (the 泰州 districts for 泰兴市;
        the other towns and parks for a town)."""
        if region.parent_id is None:
            return [region]
        kinds = (
            [k for k in Region.Kind.values if k not in ("city", "county")]
            if region.is_area
            else [region.kind]
        )
        # once per evaluator: a dashboard ranks every indicator among the same peers
        return self.memo(
            ("peers", region.parent_id, tuple(kinds)),
            lambda: list(Region.objects.filter(parent_id=region.parent_id, kind__in=kinds)),
        )

    def peer_values(self, indicator_id: str, region: Region, year: int) -> list[Value]:
        return [self.value(indicator_id, r, year) for r in self.peers(region)]

    def peer_rank(self, indicator_id: str, region: Region, year: int) -> int | None:
        """Competition rank among peers (higher is better); none without a value of
        its own or without another peer's value to compare with."""
        values = self.peer_values(indicator_id, region, year)
        known = [v for v in values if v.value is not None]
        if len(known) < 2:
            return None
        ranks = growth.competition_rank((v.region.pk, v.value) for v in values)
        return ranks.get(region.pk)


def json_number(value: Decimal | None, ind: Indicator) -> Decimal | int | None:
    """The JSON value: counts as integers, money and percentages with two decimals."""
    if value is None:
        return None
    if ind.unit in (WAN, PERCENT) or ind.decimals:
        return value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))
