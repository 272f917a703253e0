"""The demo county's 2020 figures of the desk match the seed (spec/indicators.md)."""

import pytest
from django.db.models import F

from kechuang.accounts.models import Region
from kechuang.desk.models import Problem
from kechuang.targets.indicators import Evaluator


def test_demo_gives_the_seed_visits_and_problems_solved(demo_county):
    county = Region.objects.get(code="321283")
    ev = Evaluator()
    visits = ev.value("visits", county, 2020)
    solved = ev.value("problems_solved", county, 2020)
    assert visits.value >= 100 and visits.status == "records"  # 100余家次
    assert solved.value == 42 and solved.records == 42  # 解决企业难题42个
    # Some 2020 problems were solved in 2021 or are still open: the figure is a query.
    assert Problem.objects.filter(raised_on__year=2020).count() > 42
    assert Problem.objects.exclude(stage="closed").exists()
    # every demo problem's stage is its application's
    assert not Problem.objects.exclude(stage=F("application__stage")).exists()


@pytest.mark.django_db
def test_one_more_confirmed_problem_moves_the_figure(demo_county):
    import datetime as dt

    from kechuang.desk.models import Problem
    from kechuang.desk.workflow import CLOSED

    county = Region.objects.get(code="321283")
    p = Problem.objects.filter(raised_on__year=2020).exclude(application__stage=CLOSED).first()
    p.application.stage = CLOSED
    p.application.save()
    p.stage, p.closed_on = CLOSED, dt.date(2020, 12, 30)
    p.save()
    assert Evaluator().value("problems_solved", county, 2020).value == 43
