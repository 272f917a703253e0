"""The demo county's innovation points: supplementary facts for 2019 and 2020 (drawn from
a fixed seed, some left unknown), the default set published for each year, a scoring
run per year, the 2019 list published and frozen, the 2020 list published with its
objection window open on the demo's today (2021-06-30). Written through the app's
services; the facts in bulk."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from kechuang.accounts.models import Region
from kechuang.enterprises.models import Certificate, YearlyFacts
from kechuang.points import services
from kechuang.points.inputs import county_enterprises
from kechuang.points.models import PointsFacts

SEED = 20210630
COUNTY = "321283"
YEARS = (2019, 2020)
# (公示开始, 异议截止, 定稿) of each year's list
WINDOWS: dict[int, tuple[dt.date, dt.date, dt.date | None]] = {
    2019: (dt.date(2020, 5, 11), dt.date(2020, 5, 17), dt.date(2020, 5, 20)),
    2020: (dt.date(2021, 6, 24), dt.date(2021, 7, 5), None),
}


def _supplement(year: int, county: Region, rng: random.Random) -> list[PointsFacts]:
    ids = list(county_enterprises(county).order_by("pk").values_list("pk", flat=True))
    revenue = dict(
        YearlyFacts.objects.filter(enterprise_id__in=ids, fiscal_year=year).values_list(
            "enterprise_id", "revenue_yuan"
        )
    )
    hnte = set(
        Certificate.objects.filter(enterprise_id__in=ids, kind=Certificate.Kind.HNTE)
        .valid_on(dt.date(year, 12, 31))
        .values_list("enterprise_id", flat=True)
    )
    out = []
    for eid in ids:
        rev = revenue.get(eid)
        if rev is None or rng.random() < 0.08:  # not collected for this firm
            continue
        strong = eid in hnte
        tax = (rev * Decimal(rng.uniform(0.02, 0.07))).quantize(Decimal("0.01"))
        contract = (
            (rev * Decimal(rng.uniform(0.002, 0.03))).quantize(Decimal("0.01"))
            if rng.random() < (0.35 if strong else 0.08)
            else Decimal(0)
        )
        out.append(
            PointsFacts(
                enterprise_id=eid,
                year=year,
                tax_paid_yuan=tax,
                tech_contract_yuan=contract,
                rd_institutions=rng.choice((0, 1, 1, 2)) if strong else int(rng.random() < 0.05),
                talents=rng.choice((0, 0, 1, 2)) if strong else int(rng.random() < 0.03),
                awards=int(rng.random() < (0.15 if strong else 0.02)),
                major_incident=rng.random() < 0.01,
                credit_blacklisted=rng.random() < 0.005,
                # a few firms' negative items were not checked: unknown, never "no"
            )
        )
        if rng.random() < 0.03:
            out[-1].credit_blacklisted = None
    PointsFacts.objects.bulk_create(out, batch_size=1000)
    return out


def load_demo_points(actor: Any) -> int:
    """Returns the rows written (facts, sets, scores, the 公示's records)."""
    county = Region.objects.get(code=COUNTY)
    rng = random.Random(SEED)
    written = 0
    for year in YEARS:
        written += len(_supplement(year, county, rng))
        draft = services.set_copy_forward(actor=actor, county=county, year=year, via="demo")
        services.set_publish(actor=actor, point_set=draft, via="demo")
        run = services.score_county(actor=actor, county=county, year=year, via="demo")
        starts, ends, frozen = WINDOWS[year]
        pub = services.publication_publish(
            actor=actor,
            county=county,
            year=year,
            starts_on=starts,
            ends_on=ends,
            run=run,
            via="demo",
        )
        if frozen is not None:
            services.publication_freeze(actor=actor, publication=pub, on=frozen, via="demo")
        written += 1 + run.enterprises + 2 * run.scored
    return written
