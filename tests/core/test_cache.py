"""The cache never answers with a figure the registry no longer gives (a stale complete
year, count or assessment is a wrong page, a wrong verdict): every entry computed by a
query is dropped by the commit of any change to the registry — a fact edit, an import,
a soft delete or restore, a new certificate — and each region scope has its own.

These tests commit (transaction=True), as requests do: a test's usual transaction never
commits, and a transaction that changed the registry reads past the cache
(`core.cache.registry_dirty`), which the last tests check on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from kechuang.core import cache as kc_cache
from kechuang.enterprises import importing, selectors, services
from kechuang.enterprises.models import Enterprise
from kechuang.targets.indicators import Evaluator
from tests.conftest import make_enterprise, make_regions, make_staff, make_user

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date(2021, 6, 30)


@pytest.fixture(autouse=True)
def _today(settings: Any, monkeypatch: Any) -> Iterator[None]:
    from kechuang.core import periods

    monkeypatch.setattr(periods, "today", lambda: TODAY)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def computed(monkeypatch: Any) -> list[str]:
    """The scopes whose year coverage was computed (not read from the cache)."""
    calls: list[str] = []
    real = selectors._year_coverage

    def counting(actor: Any) -> Any:
        calls.append(actor.username)
        return real(actor)

    monkeypatch.setattr(selectors, "_year_coverage", counting)
    return calls


def _facts(actor: Any, firm: Enterprise, year: int, revenue: str = "1000") -> None:
    services.facts_record(
        actor=actor,
        enterprise=firm,
        fiscal_year=year,
        values={"employees": 20, "revenue_yuan": Decimal(revenue) * 10000},
        source="statistics",
    )


@pytest.fixture
def county() -> dict[str, Any]:
    """泰兴: four firms in 镇B, all with 2019 facts, one with 2020's: complete year 2019."""
    regions = make_regions()
    staff = make_staff()
    firms = [make_enterprise(staff, regions["town_b"]) for _ in range(4)]
    for firm in firms:
        _facts(staff, firm, 2019)
    _facts(staff, firms[0], 2020)
    return {"regions": regions, "staff": staff, "firms": firms}


def test_complete_year_is_read_from_the_cache_until_a_fact_edit_commits(county, computed):
    staff, firms = county["staff"], county["firms"]
    assert selectors.complete_year(staff) == 2019
    assert selectors.complete_year(staff) == 2019
    assert computed == ["staff"]  # the second read came from the cache

    _facts(staff, firms[1], 2020)  # 2 of 4 firms: half reported 2020
    assert selectors.complete_year(staff) == 2020
    assert computed == ["staff", "staff"]


def _county_generation(county: dict[str, Any]) -> Any:
    return cache.get(kc_cache._path_key(county["regions"]["county"].path))


def test_a_changed_value_of_existing_facts_starts_a_new_generation_too(county):
    selectors.complete_year(county["staff"])
    before = _county_generation(county)
    _facts(county["staff"], county["firms"][0], 2019, revenue="2000")
    assert _county_generation(county) not in (None, before)


def test_an_import_moves_the_complete_year(county, computed):
    staff, firms = county["staff"], county["firms"]
    assert selectors.complete_year(staff) == 2019
    sheet = "统一社会信用代码,会计年度,职工总数,数据来源\n" + "".join(
        f"{f.uscc},2020,30,统计\n" for f in firms[1:3]
    )
    plan = importing.import_run(
        actor=staff, kind="facts", data=sheet.encode("utf-8"), filename="f.csv", commit=True
    )
    assert plan.imported
    assert selectors.complete_year(staff) == 2020
    assert len(computed) == 2


def test_soft_delete_and_restore_move_the_complete_year(county, computed):
    staff, firms = county["staff"], county["firms"]
    assert selectors.complete_year(staff) == 2019
    # two firms without 2020 facts leave: 1 of the 2 active firms reported 2020
    for firm in firms[2:]:
        services.enterprise_delete(actor=staff, enterprise=firm, reason="注销")
    assert selectors.complete_year(staff) == 2020
    services.enterprise_restore(actor=staff, enterprise=Enterprise.all_objects.get(pk=firms[2].pk))
    assert selectors.complete_year(staff) == 2019
    assert len(computed) == 3


def test_each_region_scope_has_its_own_entry_on_a_city_instance(county, computed):
    from kechuang.accounts.models import Region

    regions, staff = county["regions"], county["staff"]
    peer_town = Region.objects.create(
        code="321281103", name="戴南镇", kind="town", parent=regions["peer"]
    )
    xinghua = make_user("xinghua", "staff", region=regions["peer"])
    city = make_user("shikjj", "staff", region=regions["city"])
    town_b = make_user("officer_b", "officer", region=regions["town_b"])
    park_a = make_user("officer_a", "officer", region=regions["park_a"])
    # 兴化: three firms, all with 2018 facts only
    for _ in range(3):
        _facts(xinghua, make_enterprise(xinghua, peer_town), 2018)
    answers = {
        "staff": 2019,  # 泰兴: 2019 by 4 of 4 firms
        "xinghua": 2018,  # 兴化: 2018 by 3 of 3
        "shikjj": 2019,  # the city: 2020 by 1 of 7, 2019 by 4 of 7 (≥ half)
        "officer_b": 2019,  # 镇B holds 泰兴's four firms
        "officer_a": None,  # 园区A has no firms, no facts
    }
    users = {"staff": staff, "xinghua": xinghua, "shikjj": city}
    users |= {"officer_b": town_b, "officer_a": park_a}
    for _round in range(2):
        for name, user in users.items():
            assert selectors.complete_year(user) == answers[name], name
    assert sorted(computed) == sorted(users)  # once per scope, then from the cache
    # two more firms with 2018 facts in 兴化: the city's 2019 is now 4 of 9, its 2018
    # 5 of 9; 泰兴 and its town stay as they were
    for _ in range(2):
        _facts(xinghua, make_enterprise(xinghua, peer_town), 2018)
    assert selectors.complete_year(xinghua) == 2018
    assert selectors.complete_year(city) == 2018
    assert selectors.complete_year(staff) == 2019
    assert selectors.complete_year(town_b) == 2019


def test_the_generation_moves_when_the_writer_commits_not_before(county):
    staff, firms = county["staff"], county["firms"]
    selectors.complete_year(staff)
    generation = _county_generation(county)
    with transaction.atomic():
        _facts(staff, firms[1], 2020)
        assert kc_cache.registry_dirty()
        assert _county_generation(county) == generation
        # the writer reads its own rows, which the cache cannot know
        assert selectors.complete_year(staff) == 2020
    assert not kc_cache.registry_dirty()
    assert _county_generation(county) != generation
    assert selectors.complete_year(staff) == 2020


def test_a_rolled_back_change_leaves_the_cache_as_it_was(county, computed):
    staff, firms = county["staff"], county["firms"]
    assert selectors.complete_year(staff) == 2019
    generation = cache.get(kc_cache.GENERATION_KEY)
    with pytest.raises(RuntimeError), transaction.atomic():
        _facts(staff, firms[1], 2020)
        assert selectors.complete_year(staff) == 2020
        raise RuntimeError("rolled back")
    assert not kc_cache.registry_dirty()
    assert cache.get(kc_cache.GENERATION_KEY) == generation
    assert selectors.complete_year(staff) == 2019
    assert computed == ["staff", "staff"]  # the writer's own read; then the cache again


def test_a_rolled_back_savepoint_takes_its_pending_generation_with_it(county):
    staff, firms = county["staff"], county["firms"]
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            _facts(staff, firms[1], 2020)
            raise RuntimeError("savepoint rolled back")
        assert not kc_cache.registry_dirty()


def test_a_lost_generation_is_a_miss_never_a_stale_hit(county, computed):
    staff = county["staff"]
    assert selectors.complete_year(staff) == 2019
    cache.delete(kc_cache.GENERATION_KEY)  # evicted (culled, cache cleared)
    assert selectors.complete_year(staff) == 2019
    assert computed == ["staff", "staff"]


def test_the_expiring_certificates_reminder_follows_a_new_certificate(county):
    staff, firm = county["staff"], county["firms"][0]
    assert selectors.expiring_certificate_count(staff, TODAY) == 0
    services.certificate_save(
        actor=staff,
        enterprise=firm,
        data={"kind": "hnte", "number": "GR201832000009", "issued_on": dt.date(2018, 10, 1)},
    )
    assert selectors.expiring_certificate_count(staff, TODAY) == 1


def test_dashboard_counts_follow_a_new_certificate_and_a_soft_delete(county):
    staff, firm, regions = county["staff"], county["firms"][0], county["regions"]

    def hnte_new(year: int) -> Any:
        ev = Evaluator(actor=staff)
        ev.prefetch_years(("hnte_new", "hnte_valid"), regions["county"], [2019, 2020])
        return ev.value("hnte_new", regions["county"], year).value, ev.value(
            "hnte_valid", regions["county"], year
        ).value

    assert hnte_new(2020) == (0, 0)
    services.certificate_save(
        actor=staff,
        enterprise=firm,
        data={"kind": "hnte", "number": "GR202032000001", "issued_on": dt.date(2020, 12, 1)},
    )
    assert hnte_new(2020) == (1, 1)
    services.enterprise_delete(actor=staff, enterprise=firm, reason="注销")
    assert hnte_new(2020) == (0, 0)


# -- the top bar's 待办 count (core.cache.records_memo) ------------------------------------


def test_the_todo_badge_is_one_cache_read_until_a_task_is_committed(
    county: Any, django_assert_num_queries: Any
) -> None:
    from kechuang.core.registry import todo_count
    from kechuang.programmes import services as programmes

    staff, regions = county["staff"], county["regions"]
    first = todo_count(staff, TODAY)
    with django_assert_num_queries(1):  # every section's count, in one cache entry
        assert todo_count(staff, TODAY) == first
    programmes.task_create(
        actor=staff,
        title="走访企业",
        region=regions["town_b"],
        due_on=TODAY,
        programme="hnte",
    )
    assert todo_count(staff, TODAY) == first + 1  # the task's commit, a new generation
    with django_assert_num_queries(1):
        assert todo_count(staff, TODAY) == first + 1


def test_the_todo_badge_is_kept_per_user_and_day(county: Any) -> None:
    from kechuang.core.registry import todo_count
    from kechuang.programmes import services as programmes

    staff, regions = county["staff"], county["regions"]
    officer = make_user("officer_c", "officer", region=regions["town_c"])
    programmes.task_create(
        actor=staff,
        title="镇B的任务",
        region=regions["town_b"],
        due_on=TODAY,
        programme="hnte",
    )
    assert todo_count(staff, TODAY) == 1
    assert todo_count(officer, TODAY) == 0  # 镇C's officer: not 镇B's task
    assert todo_count(staff, TODAY + dt.timedelta(days=1)) == 1


def test_a_login_or_a_session_does_not_drop_the_todo_badge(county: Any, client: Any) -> None:
    from kechuang.core.registry import todo_count

    staff = county["staff"]
    todo_count(staff, TODAY)
    generation = cache.get(kc_cache.RECORDS_KEY)
    client.force_login(staff)  # last_login and a session row
    assert cache.get(kc_cache.RECORDS_KEY) == generation


def test_a_write_inside_a_transaction_reads_past_the_todo_badge(county: Any) -> None:
    from kechuang.core.registry import todo_count
    from kechuang.programmes import services as programmes

    staff, regions = county["staff"], county["regions"]
    assert todo_count(staff, TODAY) == 0
    generation = cache.get(kc_cache.RECORDS_KEY)
    with transaction.atomic():
        programmes.task_create(
            actor=staff,
            title="走访",
            region=regions["town_b"],
            due_on=TODAY,
            programme="hnte",
        )
        assert kc_cache.records_dirty()
        assert todo_count(staff, TODAY) == 1  # its own row, not the cached 0
        assert cache.get(kc_cache.RECORDS_KEY) == generation
    assert cache.get(kc_cache.RECORDS_KEY) != generation


# -- one generation per region -------------------------------------------------------------


def test_a_write_in_one_county_keeps_another_countys_figures_and_drops_the_citys(county, computed):
    from kechuang.accounts.models import Region

    regions, staff = county["regions"], county["staff"]
    peer_town = Region.objects.create(
        code="321281103", name="戴南镇", kind="town", parent=regions["peer"]
    )
    xinghua = make_user("xinghua", "staff", region=regions["peer"])
    city = make_user("shikjj", "staff", region=regions["city"])
    town_c = make_user("officer_c", "officer", region=regions["town_c"])
    peer_firm = make_enterprise(xinghua, peer_town)
    _facts(xinghua, peer_firm, 2018)
    users = [staff, xinghua, city, town_c]
    for user in users:
        selectors.complete_year(user)
    computed.clear()
    _facts(staff, county["firms"][1], 2020)  # a write in 泰兴's 镇B
    for user in users:
        selectors.complete_year(user)
    # 泰兴 and the city (which holds 泰兴) again; 兴化 and 泰兴's 镇C from the cache
    assert sorted(computed) == ["shikjj", "staff"]
    computed.clear()
    _facts(xinghua, peer_firm, 2019)  # and one in 兴化
    for user in users:
        selectors.complete_year(user)
    assert sorted(computed) == ["shikjj", "xinghua"]


def test_an_enterprise_moved_to_another_county_drops_both_countys_figures(county, computed):
    from kechuang.accounts.models import Region

    regions, staff = county["regions"], county["staff"]
    peer_town = Region.objects.create(
        code="321281103", name="戴南镇", kind="town", parent=regions["peer"]
    )
    xinghua = make_user("xinghua", "staff", region=regions["peer"])
    assert selectors.complete_year(staff) == 2019
    assert selectors.complete_year(xinghua) is None
    moved = county["firms"][0]
    moved.region = peer_town
    moved.save()
    assert selectors.complete_year(xinghua) == 2020  # its one firm reported 2020
    assert selectors.complete_year(staff) == 2019
    assert sorted(computed) == ["staff", "staff", "xinghua", "xinghua"]


def test_a_renamed_region_drops_every_figure(county, computed):
    staff, regions = county["staff"], county["regions"]
    selectors.complete_year(staff)
    regions["park_a"].name = "园区甲"
    regions["park_a"].save()
    selectors.complete_year(staff)
    assert computed == ["staff", "staff"]


def test_a_transaction_that_wrote_keeps_its_own_badge_until_it_next_writes(
    county: Any, django_assert_num_queries: Any
) -> None:
    """Inside a transaction that has written (a request that writes then renders, every
    test's own transaction) the badge is kept in that transaction's memo: no query while
    nothing more is written; any statement that may write drops it, whether or not it
    sends a signal, and so does a rolled-back savepoint."""
    from kechuang.core.registry import todo_count
    from kechuang.programmes import services as programmes
    from kechuang.programmes.models import Task

    staff, regions = county["staff"], county["regions"]

    def task(title: str) -> Any:
        return programmes.task_create(
            actor=staff, title=title, region=regions["town_b"], due_on=TODAY, programme="hnte"
        )

    with transaction.atomic():
        task("走访")
        assert kc_cache.records_dirty()
        assert todo_count(staff, TODAY) == 1
        with django_assert_num_queries(0):
            assert todo_count(staff, TODAY) == 1
        task("复核")
        assert todo_count(staff, TODAY) == 2
        Task.objects.filter(title="复核").update(status=Task.Status.DONE)  # no signal
        assert todo_count(staff, TODAY) == 1
        with pytest.raises(RuntimeError), transaction.atomic():
            task("回访")
            assert todo_count(staff, TODAY) == 2
            raise RuntimeError("savepoint rolled back")
        assert todo_count(staff, TODAY) == 1
        with django_assert_num_queries(0):
            assert todo_count(staff, TODAY) == 1
    assert todo_count(staff, TODAY) == 1


def test_a_transaction_that_changed_the_registry_keeps_its_own_figures(
    county: Any, computed: list[str]
) -> None:
    staff, firms = county["staff"], county["firms"]
    with transaction.atomic():
        _facts(staff, firms[1], 2020)
        assert kc_cache.registry_dirty()
        assert selectors.complete_year(staff) == 2020
        assert selectors.complete_year(staff) == 2020
        assert computed == ["staff"]  # its own figure, computed once
        with pytest.raises(RuntimeError), transaction.atomic():
            _facts(staff, firms[2], 2020)
            assert selectors.complete_year(staff) == 2020
            raise RuntimeError("savepoint rolled back")
        assert selectors.complete_year(staff) == 2020
        assert computed == ["staff", "staff", "staff"]


def test_a_bulk_write_past_djangos_cursor_drops_the_transactions_memo(county, computed):
    """PostgreSQL's COPY (core.bulk, as the facts import writes new rows) goes past the
    statement counter: counted around it, and by the import's notice, so the memo of a
    transaction that has written follows it (SQLite writes with executemany)."""
    from kechuang.core.bulk import insert_columns
    from kechuang.enterprises.models import YearlyFacts

    staff, firms = county["staff"], county["firms"]
    with transaction.atomic():
        _facts(staff, firms[0], 2019, "1200")  # the transaction has written
        assert selectors.complete_year(staff) == 2019
        insert_columns(
            YearlyFacts,
            {
                "enterprise_id": [firms[1].pk, firms[2].pk],
                "fiscal_year": [2020, 2020],
                "employees": [1, 1],
            },
        )
        kc_cache.registry_changed()
        kept = selectors.complete_year(staff)
        connection.__dict__.pop("_kc_transaction_memo", None)
        assert kept == selectors.complete_year(staff) == 2020
        transaction.set_rollback(True)


def test_a_notice_alone_drops_the_transactions_memo(county, computed):
    staff, firms = county["staff"], county["firms"]
    with transaction.atomic():
        _facts(staff, firms[0], 2019, "1200")
        selectors.complete_year(staff)
        before = len(computed)
        selectors.complete_year(staff)
        assert len(computed) == before  # kept
        kc_cache.records_changed()
        selectors.complete_year(staff)
        assert len(computed) == before + 1  # computed again
        transaction.set_rollback(True)
