"""The shared page helpers: parameters, error pages, the listing."""

import pytest
from django.test import RequestFactory, override_settings

from kechuang.core.models import AuditLog
from kechuang.core.tabular import read_table
from kechuang.core.web import Column, Listing, page_param, year_param
from kechuang.enterprises.models import Enterprise


def _get(query: str = ""):
    return RequestFactory().get(f"/x/?{query}")


@pytest.mark.parametrize(
    ("raw", "page"),
    [("", 1), ("abc", 1), ("-3", 1), ("0", 1), ("2", 2), ("9" * 5000, 10**9), ("1e9", 1)],
)
def test_page_param_never_fails(raw, page):
    assert page_param(_get(f"page={raw}")) == page


def test_year_param_falls_back_to_the_default():
    assert year_param(_get("year=2019"), default=2000) == 2019
    assert year_param(_get("year=19"), default=lambda: 2000) == 2000


NUMBERS = Listing(
    name="numbers",
    title="数字",
    columns=[
        Column("n", "数", value=lambda n: n, sort=True),
        Column("yuan", "金额（万元）", value=lambda n: n * 10000, money=True),
    ],
    page_size=10,
)


def test_listing_clamps_a_huge_page_to_the_last():
    table = NUMBERS.build(_get("page=99999999999999999999"), list(range(25)))
    assert table.page.number == 3 and [r.obj for r in table.rows] == [20, 21, 22, 23, 24]


def test_listing_sorts_lists_and_links_the_other_direction():
    table = NUMBERS.build(_get("sort=-n&page=1"), list(range(25)))
    assert table.rows[0].obj == 24
    assert table.headings[0].sorted == "desc" and table.headings[0].sort_url == "?sort=n"
    assert table.rows[0].cells[1].text == "24.00"


def test_listing_exports_every_row_with_the_same_columns():
    response = NUMBERS.build(_get("export=xlsx&page=2"), list(range(25))).export_response()
    assert response is not None
    table = read_table(response.content, "x.xlsx")
    assert table.headers[:2] == ["数", "金额（万元）"] and len(table.rows) == 25


def test_listing_keeps_dates_codes_and_short_texts_on_one_line():
    # A narrow column showed "2021-06-\n30", "征集\n中" and "KJQ2021283-\n00040".
    import datetime as dt

    rows = [("2021-06-30", dt.date(2021, 6, 30), "征集中", "KJQ2021283-00040", "长" * 30)]
    listing = Listing(
        name="cells",
        title="单元格",
        columns=[Column(f"c{i}", f"列{i}", value=lambda r, i=i: r[i]) for i in range(len(rows[0]))],
    )
    cells = listing.build(_get(), rows).rows[0].cells
    assert ["text-nowrap" in c.css.split() for c in cells] == [True, True, True, True, False]


@pytest.mark.django_db
def test_an_empty_filtered_list_says_what_to_do(client, staff):
    client.force_login(staff)
    body = client.get("/enterprises/?q=没有这样的企业&year=2020").content.decode()
    assert "没有符合条件的企业" in body and "可调整或清除上方的筛选条件后再查询" in body


@pytest.mark.django_db
def test_an_empty_list_at_its_defaults_does_not_blame_the_filters(client, staff):
    # a county with no firms yet: nothing to adjust (the hint showed on 兴化's empty list)
    client.force_login(staff)
    body = client.get("/enterprises/").content.decode()
    assert "没有符合条件的企业" in body and "可调整或清除上方的筛选条件后再查询" not in body


@pytest.mark.django_db
def test_enterprise_list_pages_sorts_and_exports(client, staff, firm_a, firm_b):
    client.force_login(staff)
    response = client.get("/enterprises/?page=99999&sort=-name&year=2020")
    assert response.status_code == 200
    names = [r.obj.e.name for r in response.context["table"].rows]
    # full-width brackets and 年, as every other heading ("资质（2020年末）")
    labels = [h.label for h in response.context["table"].headings]
    assert "2020年销售收入（万元）" in labels and "2020年研发费用（万元）" in labels
    assert names == sorted([firm_a.name, firm_b.name], reverse=True)
    export = client.get("/enterprises/?export=xlsx&sort=-name&year=2020")
    assert export["Content-Type"].startswith("application/vnd.openxml")
    rows = read_table(export.content, "x.xlsx").rows
    assert [r[1][1] for r in rows] == [Enterprise.objects.get(name=n).uscc for n in names]


@pytest.mark.django_db
def test_refusal_is_a_chinese_page_in_the_layout(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/audit/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "只有科技局可以查看操作日志" in body and "无权访问" in body
    assert "企业库" in body and "返回首页" in body  # navigation and a way back


@pytest.mark.django_db
def test_not_found_is_a_chinese_page(client, staff):
    client.force_login(staff)
    response = client.get("/enterprises/999999/")
    assert response.status_code == 404
    assert "企业不存在或无权查看" in response.content.decode()
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


@override_settings(DEBUG=False)
def test_server_error_page_needs_neither_database_nor_user():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "服务器出错" in response.content.decode()


@pytest.mark.django_db
def test_audit_list_filters_and_exports(client, staff, firm_a):
    client.force_login(staff)
    response = client.get(f"/audit/?action=create&enterprise={firm_a.pk}")
    assert response.status_code == 200
    assert all(r.obj.action == "create" for r in response.context["table"].rows)
    export = client.get("/audit/?export=xlsx")
    assert len(read_table(export.content, "x.xlsx").rows) == AuditLog.objects.count()
