"""The demo's calibration figures, counted back from the records (never stored): what
`kechuang demo` prints to show that the county it loaded says what the seed says."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kechuang.accounts.models import Region
from kechuang.core.money import YUAN_PER_WAN
from kechuang.core.sums import ExactSum
from kechuang.demo import calibration as cal
from kechuang.enterprises.models import Certificate, CertificateQuerySet, Enterprise, YearlyFacts

HNTE = Certificate.Kind.HNTE


def _pct(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def hnte_valid(certs: CertificateQuerySet, year: int) -> int:
    day = dt.date(year, 12, 31)
    return certs.filter(kind=HNTE).valid_on(day).values("enterprise_id").distinct().count()


def measured(region_code: str = "321283", year: int = cal.YEAR) -> dict[str, Any]:
    region = Region.objects.get(code=region_code)
    firms = Enterprise.objects.in_region(region)
    certs = Certificate.objects.filter(enterprise__in=firms)
    valid = {y: hnte_valid(certs, y) for y in range(year - 3, year + 1)}
    series = [valid[y] for y in range(year - 3, year + 1)]
    growth = cal.growth_avg(series) if all(series[:-1]) else None
    facts = YearlyFacts.objects.filter(enterprise__in=firms, fiscal_year=year)
    ht_all = facts.aggregate(s=ExactSum("hightech_output_yuan"))["s"] or Decimal(0)
    above = facts.filter(enterprise__is_above_scale=True).aggregate(
        ht=ExactSum("hightech_output_yuan"), out=ExactSum("output_value_yuan")
    )
    share = (above["ht"] or 0) / above["out"] * 100 if above["out"] else None
    return {
        "hnte_new": certs.filter(kind=HNTE, issued_on__year=year).count(),
        "hnte_valid": valid[year],
        "hnte_valid_series": valid,
        "hnte_valid_growth_avg_3y": _pct(growth, "0.01") if growth is not None else None,
        "tech_sme_new": certs.filter(kind=Certificate.Kind.TECH_SME, issued_on__year=year)
        .values("enterprise_id")
        .distinct()
        .count(),
        "pool_new": certs.filter(
            kind=Certificate.Kind.PROVINCIAL_POOL, issued_on__year=year
        ).count(),
        "hightech_output_wan": ht_all / YUAN_PER_WAN,
        "hightech_output_share": _pct(Decimal(share), "0.1") if share is not None else None,
    }


def targets() -> dict[str, Any]:
    return {
        "hnte_new": cal.HNTE_NEW,
        "hnte_valid": cal.HNTE_VALID,
        "hnte_valid_growth_avg_3y": cal.HNTE_VALID_GROWTH_AVG_3Y,
        "tech_sme_new": cal.TECH_SME_NEW,
        "pool_new": cal.POOL_NEW,
        "hightech_output_wan": cal.HIGHTECH_OUTPUT_WAN,
        "hightech_output_share": cal.HIGHTECH_OUTPUT_SHARE,
    }


LABELS = {
    "hnte_new": ("新认定国家高企（含重新认定）", "家"),
    "hnte_valid": ("有效期内国家高企（12月31日）", "家"),
    "hnte_valid_growth_avg_3y": ("近三年高企总数年平均增长率", "%"),
    "tech_sme_new": ("新认定科技型中小企业", "家"),
    "pool_new": ("新增省级高企培育入库企业", "家"),
    "hightech_output_wan": ("高新技术产业产值", "万元"),
    "hightech_output_share": ("高新技术产业产值占规上工业产值比重", "%"),
}
