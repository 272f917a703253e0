"""The demo county (`demo_county`, loaded once per session by tests/conftest.py), every
seed figure counted from the records with queries written here."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F, Q, Sum

from kechuang.accounts.models import Region, User
from kechuang.demo.load import LoadResult, load_demo
from kechuang.demo.regions import ensure_regions
from kechuang.enterprises.models import (
    Certificate,
    Enterprise,
    EnterpriseMember,
    FactRevision,
    HelperAssignment,
    IPItem,
    YearlyFacts,
)
from kechuang.enterprises.selectors import enterprise_queryset
from kechuang.enterprises.services import certificate_save
from kechuang.rules import uscc


def taixing() -> Region:
    return Region.objects.get(code="321283")


def county_certs(kind: str) -> Any:
    return Certificate.objects.filter(
        kind=kind, enterprise__region__path__startswith=taixing().path
    )


def hnte_new(year: int) -> int:
    return (
        county_certs("hnte")
        .filter(issued_on__gte=dt.date(year, 1, 1), issued_on__lte=dt.date(year, 12, 31))
        .count()
    )


def hnte_valid(year: int) -> int:
    day = dt.date(year, 12, 31)
    return county_certs("hnte").valid_on(day).values("enterprise").distinct().count()


def facts_2020() -> Any:
    return YearlyFacts.objects.filter(
        fiscal_year=2020, enterprise__region__path__startswith=taixing().path
    )


@pytest.mark.django_db
def test_demo_gives_the_seed_hnte_figures(demo_county: LoadResult) -> None:
    assert demo_county.status == "loaded"
    assert hnte_new(2020) == 86
    assert hnte_valid(2020) == 227
    v = [hnte_valid(y) for y in (2017, 2018, 2019, 2020)]
    rates = [Decimal(b) / Decimal(a) - 1 for a, b in itertools.pairwise(v)]
    mean = (sum(rates, Decimal(0)) / 3 * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert mean == Decimal("26.56")


@pytest.mark.django_db
def test_demo_gives_the_seed_sme_and_pool_figures(demo_county: LoadResult) -> None:
    sme_2020 = county_certs("tech_sme").filter(issued_on__year=2020)
    assert sme_2020.values("enterprise").distinct().count() == 297
    assert county_certs("provincial_pool").filter(issued_on__year=2020).count() == 71


@pytest.mark.django_db
def test_demo_gives_the_seed_hightech_output(demo_county: LoadResult) -> None:
    total = facts_2020().aggregate(s=Sum("hightech_output_yuan"))["s"]
    assert total == Decimal("55000000000.00")  # 550亿元 = 5,500,000 万元
    above = (
        facts_2020()
        .filter(enterprise__is_above_scale=True)
        .aggregate(ht=Sum("hightech_output_yuan"), out=Sum("output_value_yuan"))
    )
    share = (above["ht"] / above["out"] * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert share == Decimal("46.8")
    # high-tech output is recorded for 规上 firms only
    assert (
        not facts_2020()
        .filter(enterprise__is_above_scale=False, hightech_output_yuan__isnull=False)
        .exists()
    )


@pytest.mark.django_db
def test_demo_county_has_its_shape(demo_county: LoadResult) -> None:
    county = taixing()
    assert county.parent is not None and county.parent.code == "321200"
    assert Region.objects.filter(parent__code="321200", kind="county").count() == 6
    assert Region.objects.filter(parent=county).count() == 21
    firms = Enterprise.objects.filter(region__path__startswith=county.path)
    assert 1400 <= firms.count() <= 1600
    assert firms.values("name").distinct().count() == firms.count()
    share = firms.filter(is_above_scale=True).count() / firms.count()
    assert 0.3 <= share <= 0.4
    for name in ("济川药业集团有限公司", "江苏泰丰化工有限公司", "江苏友诚数控科技有限公司"):
        assert firms.filter(name=name, is_above_scale=True).exists()
    parks = firms.filter(region__kind="park").count()
    assert parks > firms.count() * 0.35  # parks hold more firms than their number suggests


@pytest.mark.django_db
def test_demo_uscc_codes_are_all_valid(demo_county: LoadResult) -> None:
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(codes) == len(set(codes)) > 0
    for code in codes:
        check = uscc.validate(code)
        assert check.ok and not check.warnings, (code, check)
        assert code[2:8] == "321283"
    assert not Enterprise.objects.filter(needs_review=True).exists()


@pytest.mark.django_db
def test_demo_facts_are_internally_consistent(demo_county: LoadResult) -> None:
    facts = YearlyFacts.objects.all()
    assert (
        facts.filter(fiscal_year__gte=2016, fiscal_year__lte=2020).count() == facts.count() > 5000
    )
    assert not facts.filter(tech_staff__gt=F("employees")).exists()
    assert not facts.filter(rd_domestic_yuan__gt=F("rd_expense_yuan")).exists()
    assert not facts.filter(non_taxable_income_yuan__gt=F("total_income_yuan")).exists()
    assert not facts.filter(hightech_output_yuan__gt=F("output_value_yuan")).exists()
    # some values are unknown, some years missing: a realistic ledger
    assert facts.filter(rd_expense_yuan__isnull=True).exists()
    assert facts.filter(total_assets_yuan__isnull=True).exists()
    # every revision is dated in the year after its fiscal year (or later, for corrections)
    assert not FactRevision.objects.filter(recorded_on__year__lte=F("facts__fiscal_year")).exists()
    assert not FactRevision.objects.filter(recorded_on__gt=dt.date(2021, 6, 30)).exists()


@pytest.mark.django_db
def test_demo_history_shows_corrections_from_another_source(demo_county: LoadResult) -> None:
    sources = set(FactRevision.objects.values_list("source", flat=True))
    assert {"statistics", "tax", "enterprise", "audit_report"} <= sources
    twice = [
        f for f in YearlyFacts.objects.filter(revisions__note__contains="更正").distinct()[:50]
    ]
    assert twice
    for facts in twice:
        revs = list(facts.revisions.order_by("recorded_on"))
        assert len(revs) == 2 and revs[0].source != revs[1].source


@pytest.mark.django_db
def test_demo_hnte_holders_look_like_hnte(demo_county: LoadResult) -> None:
    holders = Enterprise.objects.filter(
        pk__in=county_certs("hnte").valid_on(dt.date(2020, 12, 31)).values("enterprise")
    )
    assert not holders.filter(tech_domain="").exists()
    assert not holders.exclude(pk__in=IPItem.objects.values("enterprise")).exists()
    ratios = [
        f.rd_expense_yuan / f.revenue_yuan
        for f in facts_2020().filter(enterprise__in=holders, rd_expense_yuan__isnull=False)
    ]
    assert min(ratios) >= Decimal("0.025")
    others = facts_2020().exclude(enterprise__in=holders).filter(rd_expense_yuan__gt=0)
    mean_others = sum(f.rd_expense_yuan / f.revenue_yuan for f in others) / others.count()
    assert sum(ratios) / len(ratios) > mean_others


@pytest.mark.django_db
def test_demo_certificates_follow_the_rules(demo_county: LoadResult) -> None:
    hnte = Certificate.objects.filter(kind="hnte")
    assert not hnte.exclude(Q(issued_on__month=11) | Q(issued_on__month=12)).exists()
    for cert in hnte[:200]:
        assert cert.valid_from == cert.issued_on
        assert cert.valid_until == cert.issued_on.replace(
            year=cert.issued_on.year + 3
        ) - dt.timedelta(days=1)
        assert cert.number.startswith(f"GR{cert.issued_on.year}32") and len(cert.number) == 14
    assert not Certificate.objects.filter(issued_on__gt=dt.date(2021, 6, 30)).exists()
    assert not IPItem.objects.filter(granted_on__gt=dt.date(2021, 6, 30)).exists()


@pytest.mark.django_db
def test_demo_users_see_their_scope(demo_county: LoadResult) -> None:
    kjj = User.objects.get(username="kjj")
    assert (
        kjj.is_staff
        and kjj.is_superuser
        and kjj.role == "staff"
        and kjj.check_password("kechuang2021")
    )
    county_total = Enterprise.objects.count()
    assert enterprise_queryset(kjj).count() == county_total
    officer = User.objects.get(username="huangqiao")
    seen = enterprise_queryset(officer)
    assert 0 < seen.count() < county_total
    assert set(seen.values_list("region__name", flat=True)) == {"黄桥镇"}
    qiye = User.objects.get(username="qiye")
    member = EnterpriseMember.objects.get(user=qiye)
    assert member.enterprise.region.name == "黄桥镇"
    assert list(enterprise_queryset(qiye)) == [member.enterprise]
    assert HelperAssignment.objects.filter(user__username="bangban").count() == 10
    assert [row[0] for row in demo_county.logins] == [
        "kjj",
        "huangqiao",
        "kaifaqu",
        "qiye",
        "bangban",
    ]


def test_demo_generation_is_deterministic() -> None:
    from kechuang.demo.generate import generate

    a, b = generate(), generate()
    assert a.enterprises == b.enterprises
    assert a.facts == b.facts and a.certificates == b.certificates and a.ip_items == b.ip_items


@pytest.mark.django_db
def test_demo_loads_only_once(demo_county: LoadResult) -> None:
    def counts() -> tuple[int, ...]:
        return tuple(
            m.objects.count()
            for m in (
                Region,
                User,
                Enterprise,
                YearlyFacts,
                FactRevision,
                IPItem,
                Certificate,
                HelperAssignment,
            )
        )

    before = counts()
    assert load_demo().status == "present"
    call_command("demo", "--quiet")
    call_command("demo", "--if-empty", "--quiet")
    ensure_regions()
    assert counts() == before


@pytest.mark.django_db
def test_one_more_hnte_certificate_moves_the_figures(demo_county: LoadResult) -> None:
    new_before, valid_before = hnte_new(2020), hnte_valid(2020)
    holders = county_certs("hnte").valid_on(dt.date(2020, 12, 31)).values("enterprise")
    firm = (
        Enterprise.objects.filter(region__path__startswith=taixing().path)
        .exclude(pk__in=holders)
        .first()
    )
    assert firm is not None
    certificate_save(
        actor=User.objects.get(username="kjj"),
        enterprise=firm,
        data={
            "kind": "hnte",
            "number": "GR202032099999",
            "issued_on": dt.date(2020, 12, 2),
            "batch": "2020年第二批",
        },
    )
    assert hnte_new(2020) == new_before + 1
    assert hnte_valid(2020) == valid_before + 1
