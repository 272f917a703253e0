"""The top bar's search: any part of the name (its characters in any order, words in any
order), former names, pinyin initials and the USCC's start, scoped to the user; the
results page, the htmx suggestions, and the enterprise user's home."""

from __future__ import annotations

import pytest

from kechuang.enterprises import selectors
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

KAIJIE = "江苏凯捷电子科技有限公司"


@pytest.fixture
def kaijie(staff, regions):
    return make_enterprise(staff, regions["town_b"], KAIJIE)


@pytest.fixture
def others(staff, regions):
    return [
        make_enterprise(staff, regions["town_b"], "泰兴市华泰化工有限公司"),
        make_enterprise(staff, regions["park_a"], "园区A凯捷新材料有限公司"),
    ]


def names(actor, q):
    return [e.name for e in selectors.enterprise_search(actor=actor, q=q)]


@pytest.mark.parametrize(
    "q", ["凯捷科技", "江苏 凯捷", "凯捷 江苏", "科技凯捷", "jsk", "JSKJ", "凯捷"]
)
def test_search_finds_kaijie_by_any_part_of_its_name(staff, kaijie, others, q):
    assert KAIJIE in names(staff, q)


def test_search_finds_by_uscc_prefix_and_former_name(staff, kaijie, others):
    from kechuang.enterprises.models import FormerName

    assert names(staff, kaijie.uscc[:14]) == [KAIJIE]
    assert KAIJIE in names(staff, kaijie.uscc[:6])
    assert names(staff, kaijie.uscc.lower()) == [KAIJIE]
    FormerName.objects.create(enterprise=kaijie, name="泰兴捷达电器厂")
    assert names(staff, "捷达电器") == [KAIJIE]


def test_search_ranks_the_name_as_typed_first_and_finds_nothing_for_nothing(staff, kaijie, others):
    found = names(staff, "凯捷")
    assert found[0] in (KAIJIE, "园区A凯捷新材料有限公司")
    assert "泰兴市华泰化工有限公司" not in found
    assert names(staff, "江苏凯捷电子科技有限公司")[0] == KAIJIE
    assert names(staff, "") == [] and names(staff, " ，。") == []
    assert names(staff, "不存在的字样") == []


def test_an_officers_search_never_shows_another_area(officer_a, officer_b, kaijie, others):
    assert names(officer_b, "凯捷") == [KAIJIE]
    assert names(officer_a, "凯捷") == ["园区A凯捷新材料有限公司"]
    assert names(officer_a, kaijie.uscc) == []


def test_results_page_and_suggestions_from_the_top_bar(client, officer_b, kaijie, others):
    client.force_login(officer_b)
    home = client.get("/enterprises/").content.decode()
    assert 'id="top-search"' in home and 'hx-get="/enterprises/search/suggest/"' in home
    page = client.get("/enterprises/search/", {"q": "凯捷科技"}).content.decode()
    assert KAIJIE in page and "园区A凯捷新材料" not in page
    assert 'id="search-total">1<' in page
    fragment = client.get(
        "/enterprises/search/suggest/", {"q": "江苏 凯捷"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert KAIJIE in fragment and "<nav" not in fragment and "查看全部结果" in fragment
    assert (
        "没有找到" in client.get("/enterprises/search/suggest/", {"q": "无此企业"}).content.decode()
    )
    # One match with go=1 opens the firm's page.
    r = client.get("/enterprises/search/", {"q": "凯捷", "go": "1"})
    assert r.status_code == 302 and r["Location"] == f"/enterprises/{kaijie.pk}/"


def test_search_results_export(client, staff, kaijie, others):
    from kechuang.core.tabular import read_table

    client.force_login(staff)
    r = client.get("/enterprises/search/", {"q": "凯捷", "export": "xlsx"})
    assert r.status_code == 200
    rows = read_table(r.content, "x.xlsx").rows
    assert {cells[0] for _n, cells in rows} == {KAIJIE, "园区A凯捷新材料有限公司"}


def test_the_enterprise_list_filter_finds_by_characters_too(client, staff, kaijie, others):
    client.force_login(staff)
    page = client.get("/enterprises/", {"q": "江苏 凯捷"}).content.decode()
    assert KAIJIE in page and "华泰化工" not in page


def test_an_enterprise_users_home_is_their_firms_page(client, enterprise_user, firm_b, staff):
    client.force_login(enterprise_user)
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == f"/enterprises/{firm_b.pk}/"
    client.force_login(staff)
    assert client.get("/")["Location"] == "/enterprises/"
