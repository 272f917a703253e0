"""Queries per page for the heaviest pages of the demo county, as the bureau and as a
town officer: ceilings that keep an N+1 (a query per town, per firm, per row) from
coming back. Counts, never times (bench/pages.py and bench/load.py time them).

A page's count must not grow with the records: each ceiling is what the page runs on
the demo county, which has 27 towns and parks and 1,500 firms."""

from __future__ import annotations

from typing import Any

import pytest

from kechuang.accounts.models import User
from kechuang.enterprises.models import Enterprise

MARKER = "济川药业集团有限公司"
COUNTY, TOWN = "321283", "321283101"

# (login, page, ceiling). The bureau's pages read its region once more since bureau
# staff belong to a region (issue #12, one instance for a city). The county's dashboard
# ran 194 queries (191 on PostgreSQL) before its town/park comparison was counted in one
# grouped query per indicator, 87 before its trend was (one per indicator for all years)
# and its peers were read once. A cache read (core.cache) is one query: the pages are
# counted warm, as a second request finds them (the first one fills the cache).
# Platforms and talent (issue #16) added constant queries, none per row: the top bar's
# 待办 count (one query for its reviews due and recommendations awaited, plus reading
# the user's region where the page had not), the enterprise page's panel (four lists)
# and the `provincial_rd_institution` attribute the registry's assessment reads.
# Vouchers and finance (issue #14) added: the bureau's to-do badge "待办理的创新券" (one
# count on every page), their two enterprise-page panels (4) and their twelve indicators
# on the dashboard (16: about one query each, the year's coverage and redeeming firms
# shared).
# Matching and events (issue #17): the C8/C11 indicators computed from records (about
# one query each), the enterprise page's 产学研合作 panel (demands, agreements, their
# progress, introductions) and 参加的科技活动 panel.
# The service desk (issue #15) adds two count queries to a bureau page's top bar (its
# queue; its problems) and its two indicators on the dashboard.
# Measured after all of session 6's apps were merged (warm cache): dashboard 70, town
# dashboard 59, list 19, enterprise page 60 (+4 allowed: the names in its latest audit
# rows are looked up one by one, and which rows are latest varies), pool board 22,
# town/park assessment 17, self-assessment 19.
# The top bar's 待办 count is one cache read (core.cache.records_memo) instead of a query
# per to-do section (8 for the bureau, 6 for a town): 7 fewer on every bureau page, 5 on
# a town officer's (session 7). The enterprise page's latest audit rows read the names
# they refer to in one query per related model (core.audit_text.related_names), not one
# per value: 51 measured, +2 for the mix of models in whichever rows are latest.
# Event outcomes as records (issue #17): the demo's financing intentions are audited
# against their enterprise, one more model among its latest audit rows (+1).
CEILINGS = [
    ("kjj", "/targets/region/{county}/", 63),
    ("huangqiao", "/targets/region/{town}/", 54),
    ("kjj", "/enterprises/", 12),
    ("kjj", "/enterprises/{firm}/", 54),
    ("kjj", "/cultivation/", 15),
    ("kjj", "/targets/assessment/", 10),
    ("kjj", "/assess/enterprise/{firm}/", 12),
    ("kjj", "/api/v1/enterprises?page_size=50", 6),
]


@pytest.mark.parametrize(("login", "page", "ceiling"), CEILINGS)
def test_heavy_pages_keep_their_query_count(
    demo_county: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
    login: str,
    page: str,
    ceiling: int,
) -> None:
    firm = Enterprise.objects.get(name=MARKER)
    client = client_for(User.objects.get(username=login))
    url = page.format(county=COUNTY, town=TOWN, firm=firm.pk)
    client.get(url)  # the session's year and the first-request caches
    with django_assert_max_num_queries(ceiling):
        response = client.get(url)
    assert response.status_code == 200


def test_area_comparison_in_one_query_per_indicator_matches_area_by_area(
    demo_county: Any,
) -> None:
    from kechuang.accounts.models import Region
    from kechuang.targets.indicators import Evaluator
    from kechuang.targets.selectors import AREA_INDICATORS, areas_of

    county = Region.objects.get(code=COUNTY)
    areas = list(areas_of(county))
    for year in (2018, 2019, 2020, 2021):
        batched, single = Evaluator(), Evaluator()
        batched.prefetch_areas(AREA_INDICATORS, county, areas, year)
        for ind in AREA_INDICATORS:
            for area in areas:
                assert batched.value(ind, area, year).value == single.value(ind, area, year).value
                assert (
                    batched.value(ind, area, year).records == single.value(ind, area, year).records
                )
        town = next(a for a in areas if a.code == TOWN)
        assert batched.records("hnte_valid", town, year) == single.records("hnte_valid", town, year)
