"""Innovation-points pages: the bureau's editor, what-if, list and exports; an enterprise
sees its own explanation and, before publication, nothing of anybody else's on any
points route; outsiders are refused."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from kechuang.core.tabular import read_table
from kechuang.points import services
from kechuang.points.models import PointSet
from tests.points.conftest import YEAR
from tests.test_scoping import all_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(staff, county, firms, published_small):
    return services.score_county(actor=staff, county=county, year=YEAR)


def test_the_editor_saves_weights_and_names_the_problems(client, staff, county):
    client.force_login(staff)
    response = client.post("/points/sets/new/", {"year": YEAR})
    draft = PointSet.objects.get(year=YEAR, status="draft")
    assert response.status_code == 302 and response["Location"] == f"/points/sets/{draft.pk}/"
    page = client.get(f"/points/sets/{draft.pk}/").content.decode()
    assert "校验通过" in page and "非官方" in page and "年度数据：研发费用" in page
    page = client.post(f"/points/sets/{draft.pk}/", {"w|rd_expense|startup": "20"}).content.decode()
    assert "初创期各指标权重合计为110，须为100" in page
    page = client.post(f"/points/sets/{draft.pk}/", {"text": "indicators: [\n"}).content.decode()
    assert "格式错误" in page


def test_the_what_if_page_has_its_table_and_chart_data(
    client, staff, county, firms, published_small
):
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    services.set_save_weights(
        actor=staff, point_set=draft, weights={("rd", "all"): "80", ("staff", "all"): "20"}
    )
    client.force_login(staff)
    page = client.get(f"/points/sets/{draft.pk}/whatif/").content.decode()
    assert "跨越档次" in page and "甲研发强企有限公司" in page and "↑1" in page
    data = json.loads(re.search(r'id="chart-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["counts"] == [1, 1, 1]
    assert "<script>" not in page  # CSP: no inline script, only json_script and files
    sheet = client.get(f"/points/sets/{draft.pk}/whatif/?export=xlsx")
    rows = read_table(sheet.content, "x.xlsx").rows
    assert len(rows) == 3


def test_the_list_and_the_explanation_export(client, staff, scored, firms):
    client.force_login(staff)
    page = client.get(f"/points/{YEAR}/").content.decode()
    assert "乙人才密集有限公司" in page and "尚未公示" in page and "发布公示" in page
    table = read_table(client.get(f"/points/{YEAR}/?export=xlsx").content, "x.xlsx")
    name = table.headers.index("企业名称")
    assert [cells[name] for _n, cells in table.rows][:1] == ["乙人才密集有限公司"]
    x = firms["X"]
    page = client.get(f"/points/enterprise/{x.pk}/{YEAR}/").content.decode()
    assert "在全部企业3家有数据的企业中高于2家" in page and "50.00" in page
    assert "100.0%" in page and "0.0%" in page  # the percentile of each line
    sheet = read_table(
        client.get(f"/points/enterprise/{x.pk}/{YEAR}/?export=xlsx").content, "x.xlsx"
    )
    assert sheet.rows[-1][1][0] == "合计" and str(sheet.rows[-1][1][-1]) in ("50", "50.0", "50.00")


def test_publish_from_the_page_then_the_enterprise_objects(client, staff, scored, firms):
    from kechuang.core import periods
    from kechuang.enterprises.models import EnterpriseMember
    from tests.conftest import make_user

    today = periods.today()
    client.force_login(staff)
    client.post(
        f"/points/{YEAR}/publish/",
        {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=7)).isoformat()},
    )
    page = client.get(f"/points/{YEAR}/").content.decode()
    assert "公示中" in page
    user = make_user("qiye_y", "enterprise")
    EnterpriseMember.objects.create(user=user, enterprise=firms["Y"])
    client.force_login(user)
    url = f"/points/enterprise/{firms['Y'].pk}/{YEAR}/"
    assert "提交异议" in client.get(url).content.decode()
    client.post(f"{url}object/", {"reason": "科技人员数应为40人"})
    page = client.get(url).content.decode()
    assert "科技人员数应为40人" in page and "待处理" in page


def test_before_publication_an_enterprise_sees_no_other_score_on_any_points_route(
    client, staff, scored, firms
):
    from kechuang.enterprises.models import EnterpriseMember
    from tests.conftest import make_user

    user = make_user("qiye_x", "enterprise")
    EnterpriseMember.objects.create(user=user, enterprise=firms["X"])
    client.force_login(user)
    others = [firms["Y"], firms["Z"]]
    for route in all_routes():
        if not route.startswith("points/"):
            continue
        for target in (firms["X"], *others):
            url = "/" + re.sub(
                r"<(?:\w+:)?(\w+)>",
                lambda m, t=target: str({"pk": t.pk, "year": YEAR}[m.group(1)]),
                route,
            )
            response = client.get(url, follow=True)
            body = response.content.decode()
            for other in others:
                assert other.name not in body, (url, other.name)
    own = client.get(f"/points/enterprise/{firms['X'].pk}/{YEAR}/").content.decode()
    assert "尚未公示，仅供本企业和科技局查看" in own and "50.00" in own


@pytest.mark.parametrize("who", ["officer_a", "enterprise_user", "helper_user"])
def test_only_the_bureau_reaches_the_sets_and_the_actions(client, request, who, scored):
    user: Any = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get("/points/sets/").status_code == 403
    for action in ("score", "publish", "republish", "freeze"):
        assert client.post(f"/points/{YEAR}/{action}/").status_code in (403, 404)
    assert PointSet.objects.filter(status="published").count() == 1


def test_any_enterprise_list_filters_and_sorts_by_the_declared_attributes(
    client, staff, county, scored, firms
):
    """The shared list helper's attributes (a frame extension): the enterprise list
    offers the published score and tier as columns, filters and sorts."""
    services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 6, 10),
    )
    client.force_login(staff)

    def names(query: str) -> list[str]:
        page = client.get(f"/enterprises/?year={YEAR}&{query}").content.decode()
        return re.findall(r"(甲研发强企|乙人才密集|丙综合企业)有限公司", page)

    assert names("sort=-attr_points_score") == ["乙人才密集", "甲研发强企", "丙综合企业"]
    assert names("sort=attr_points_score") == ["丙综合企业", "甲研发强企", "乙人才密集"]
    assert names("attr_points_tier=a") == ["乙人才密集"]
    assert set(names("attr_points_score_min=50")) == {"甲研发强企", "乙人才密集"}
    assert len(names("attr_points_score_min=abc")) == 3  # not a number: no filter
    page = client.get(f"/enterprises/?year={YEAR}").content.decode()
    assert "创新积分（分）" in page and "积分档次" in page and "75.00" in page
    # the year with no published list: unknown, never zero, last either way
    assert "75.00" not in client.get("/enterprises/?year=2019").content.decode()
    table = read_table(
        client.get(f"/enterprises/?year={YEAR}&sort=-attr_points_score&export=xlsx").content,
        "x.xlsx",
    )
    col = table.headers.index("创新积分（分）")
    assert [cells[col] for _n, cells in table.rows][:2] in ([75, 50], [75.0, 50.0])


def test_the_city_bureau_picks_a_county_on_every_points_page(
    client, city_bureau, staff, scored, county, regions
):
    """A city bureau answers for several counties: each points page names the county it
    shows and offers the others; the pick is kept while moving between pages."""
    client.force_login(city_bureau)
    first = client.get("/points/").content.decode()
    assert 'id="points-county-picker"' in first
    assert '<option value="321281"' in first and '<option value="321283"' in first
    page = client.get("/points/?county=321283").content.decode()
    assert 'id="points-county-shown">泰兴市<' in page
    listed = client.get(f"/points/{YEAR}/").content.decode()  # kept from the pick
    assert "泰兴市2020年度企业科技创新积分排名" in listed and "甲研发强企有限公司" in listed
    assert '<input type="hidden" name="county" value="321283">' in listed
    other = client.get(f"/points/{YEAR}/?county=321281").content.decode()
    assert "兴化市2020年度企业科技创新积分排名" in other and "甲研发强企有限公司" not in other
    assert 'id="points-county-shown">兴化市<' in client.get("/points/sets/").content.decode()


def test_a_county_bureau_sees_its_county_named_and_no_picker(client, staff, scored):
    client.force_login(staff)
    page = client.get(f"/points/{YEAR}/?county=321281").content.decode()
    assert 'id="points-county-picker"' not in page
    assert 'id="points-county-shown">泰兴市<' in page and "甲研发强企有限公司" in page


def test_a_list_of_rows_belonging_to_enterprises_shows_filters_and_sorts_the_points(
    rf, staff, scored, county, firms
):
    """`Listing(attributes="enterprise")` on another model's queryset (annotated in SQL
    through the path) and on a plain list of rows (read with `values`): the same column,
    tier filter and sort, unknown last."""
    from types import SimpleNamespace

    from kechuang.core.web import Column, Listing
    from kechuang.points.models import PointsFacts

    services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 6, 10),
    )
    for firm in firms.values():
        PointsFacts.objects.create(enterprise=firm, year=YEAR)
    listing = Listing(
        name="t",
        title="t",
        columns=[Column("name", "企业", value="enterprise.name")],
        attributes="enterprise",
    )

    def names(table):
        return [r.enterprise.name for r in table.page.object_list]

    request = rf.get("/", {"sort": "-attr_points_score"})
    request.user = staff
    table = listing.build(request, PointsFacts.objects.all())
    assert names(table) == ["乙人才密集有限公司", "甲研发强企有限公司", "丙综合企业有限公司"]
    assert [c.label for c in table.listing.columns][-2:] == ["创新积分（分）", "积分档次"]
    request = rf.get("/", {"attr_points_tier": "a"})
    request.user = staff
    assert names(listing.build(request, PointsFacts.objects.all())) == ["乙人才密集有限公司"]
    rows = [SimpleNamespace(enterprise=f) for f in firms.values()] + [
        SimpleNamespace(enterprise=None)
    ]
    request = rf.get("/", {"sort": "attr_points_score"})
    request.user = staff
    table = listing.build(request, rows)
    assert [r.enterprise.name if r.enterprise else None for r in table.page.object_list] == [
        "丙综合企业有限公司",
        "甲研发强企有限公司",
        "乙人才密集有限公司",
        None,
    ]


def test_open_objections_count_in_the_top_bar_for_the_bureau_only(
    client, staff, officer_a, scored_published_with_objection, django_assert_num_queries
):
    from kechuang.core import registry

    day = dt.date(2021, 6, 5)
    section = next(s for s in registry.todo_sources(staff) if s.key == "points-objections")
    assert section.badge
    staff.region  # noqa: B018 (read once, as every page has)
    with django_assert_num_queries(1):
        assert section.count(staff, day) == 1
    # an officer cannot resolve objections: the section is not theirs, so no query
    assert "points-objections" not in [s.key for s in registry.todo_sources(officer_a)]
    client.force_login(staff)
    page = client.get("/todo/").content.decode()
    assert "待处理的积分异议" in page and "丙综合企业有限公司" in page
