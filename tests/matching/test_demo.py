"""After `kechuang demo`: the 2020 report's 产学研 and 活动 figures are the seed's (§一.4–5),
counted from the records the demo wrote through the services; a record more moves them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.accounts.models import Region, User
from kechuang.events.models import Article, Event
from kechuang.matching import selectors, services
from kechuang.matching.models import Agreement, Alliance, Demand, Expert, Introduction
from kechuang.reports.builder import build_annual
from kechuang.targets.indicators import Evaluator

SEED_2020 = {
    "iur_events": 40,
    "iur_agreements": 101,
    "iur_alliances": 41,
    "finance_events": 4,
    "publicity_articles": 43,  # "40余篇"
}


@pytest.fixture
def county(demo_county: Any, db: Any) -> Region:
    return Region.objects.get(code="321283")


def test_the_2020_report_gives_the_seed_figures(county: Region) -> None:
    report = build_annual(region=county, year=2020, today=dt.date(2021, 6, 30), with_charts=False)
    for key, value in SEED_2020.items():
        line = report.lines[key]
        assert line.value.value == value, key
        assert line.value.status == "records" and line.value.records == value, key
    assert report.lines["publicity_articles"].value.value >= 40
    # The seed gives no 2020 roadshow count: they are the 2021 plan's (≥ 24 a year).
    assert report.lines["roadshows"].value.value == 0
    ev = Evaluator(today=dt.date(2021, 6, 30))
    assert ev.value("roadshows", county, 2021).value > 0


def test_the_records_behind_the_figures_look_like_the_work(county: Region) -> None:
    agreements = Agreement.objects.filter(signed_on__year=2020)
    assert agreements.filter(status="not_executed").exclude(not_executed_reason="").exists()
    assert agreements.filter(status="completed").exists()
    assert agreements.filter(introduction__isnull=False).exists()
    assert not Agreement.objects.filter(signed_on__gt=dt.date(2021, 6, 30)).exists()
    stages = set(Introduction.objects.values_list("application__stage", flat=True))
    assert {"accepted", "declined", "agreed"} <= stages
    assert Demand.objects.count() >= 30 and Expert.objects.count() >= 30
    names = set(Expert.objects.values_list("institution__name", flat=True))
    assert {"苏州大学", "南京航空航天大学", "大连理工大学", "吉林大学"} <= names
    assert Event.objects.filter(kind="diagnosis", held_on__year=2020).exists()
    assert Article.objects.filter(published_on__year=2020, level="county").exists()
    staff = User.objects.get(username="kjj")
    assert selectors.agreements_stalled(staff, dt.date(2021, 6, 30)).exists()
    hq = Evaluator(today=dt.date(2021, 6, 30)).value("iur_agreements_hq", county, 2020).value
    assert hq is not None and 0 < hq < 101
    assert Alliance.objects.filter(founded_on__year=2020).count() == 41


def test_the_demo_search_finds_its_experts(county: Region) -> None:
    staff = User.objects.get(username="kjj")
    for word in ("轴承", "电池", "涂层"):
        hits = selectors.search_box(actor=staff, q=word)
        assert any(h.entry.kind == "expert" for h in hits), word


def test_one_more_agreement_moves_the_figure(county: Region) -> None:
    staff = User.objects.get(username="kjj")
    a = (
        Agreement.objects.filter(signed_on__year=2020)
        .select_related("enterprise", "expert")
        .first()
    )
    assert a is not None
    services.agreement_sign(
        actor=staff,
        enterprise=a.enterprise,
        data={
            "title": "新增协议",
            "content": "c",
            "amount_yuan": Decimal(100000),
            "signed_on": dt.date(2020, 12, 30),
            "expert": a.expert,
        },
    )
    ev = Evaluator(today=dt.date(2021, 6, 30))
    assert ev.value("iur_agreements", county, 2020).value == 102


def test_every_list_page_export_imports_back_unchanged_as_kjj(
    demo_county: Any, db: Any, client: Any
) -> None:
    """The demo county's lists, exported from the page as kjj, dry-run back unchanged;
    so do its events' financing intentions."""
    import io

    from kechuang.accounts.models import User
    from kechuang.core import imports
    from kechuang.core.tabular import write_rows_xlsx

    kjj = User.objects.get(username="kjj")
    client.force_login(kjj)
    for kind, url in {
        "iur_experts": "/matching/experts/",
        "iur_institutions": "/matching/institutions/",
        "iur_achievements": "/matching/achievements/",
        "iur_demands": "/matching/demands/",
        "iur_agreements": "/matching/agreements/?year=2020",
        "iur_alliances": "/matching/alliances/",
        "events": "/events/",
        "publicity_articles": "/events/articles/",
    }.items():
        data = client.get(url, {"export": "xlsx"}).content
        plan = imports.import_run(actor=kjj, kind=kind, data=data, filename="x.xlsx", commit=False)
        assert plan.errors == [], (kind, [str(e) for e in plan.errors[:3]])
        assert plan.counts["rows"] > 0 and plan.counts["unchanged"] == plan.counts["rows"], kind
    headers, rows = imports.export_rows(actor=kjj, kind="event_financing")
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows)
    plan = imports.import_run(
        actor=kjj, kind="event_financing", data=buf.getvalue(), filename="x.xlsx", commit=False
    )
    assert plan.errors == [] and plan.counts["unchanged"] == plan.counts["rows"] > 0


def test_a_firm_posts_under_its_own_topic_else_the_first_of_its_family() -> None:
    from kechuang.matching.demo import TOPICS, topic_of

    codes = [t[0] for t in TOPICS]
    assert topic_of(codes[2]) == codes[2]
    family = codes[2].split(".")[0]
    first = next(c for c in codes if c.split(".")[0] == family)
    assert sum(c.split(".")[0] == family for c in codes) > 1  # the family is shared
    assert topic_of(f"{family}.99") == first
    assert topic_of(family) == first
    assert topic_of("99.1") is None
