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


@pytest.mark.django_db
def test_demo_county_designates_its_leaders_and_places_its_helpers(demo_county, client):
    from kechuang.accounts.models import User
    from kechuang.desk import selectors
    from kechuang.desk.models import BureauLeader, HelperProfile, Linkage, ServiceRequest
    from tests.conftest import make_user

    county = Region.objects.get(code="321283")
    rows = list(BureauLeader.objects.filter(county=county).values_list("user__username", "title"))
    assert rows == [("kjj_sun", "局长"), ("kjj_li", "副局长"), ("kjj_zhou", "副局长")]
    # the linkages are the designated leaders'; the picker offers only them
    assert set(Linkage.objects.values_list("leader__username", flat=True)) == {
        "kjj_sun",
        "kjj_li",
        "kjj_zhou",
    }
    kjj = User.objects.get(username="kjj")
    assert {u.username for u in selectors.leaders(kjj)} == {"kjj_sun", "kjj_li", "kjj_zhou"}
    # escalations go to designated leaders (a helper's 分管领导 is one, or the 局长 for
    # the third helper, who has none)
    went = set(
        ServiceRequest.objects.filter(escalated_on__isnull=False).values_list(
            "escalated_to__username", "escalated_as"
        )
    )
    assert went and {u for u, _ in went} <= {"kjj_sun", "kjj_li", "kjj_zhou"}
    assert {k for _, k in went} <= {"leader", "bureau"}
    # every helper is 泰兴's: 兴化's bureau neither sees nor picks them
    assert set(HelperProfile.objects.values_list("county__name", flat=True)) == {"泰兴市"}
    # 兴化's bureau (the city demo's login xinghua; made here, the county demo has no 兴化)
    peer = Region.objects.filter(code="321281").first() or Region.objects.create(
        code="321281", name="兴化市", kind="county", parent=county.parent
    )
    xinghua = User.objects.filter(username="xinghua").first() or make_user(
        "xinghua", "staff", region=peer
    )
    client.force_login(xinghua)
    html = client.get("/desk/settings/").content.decode()
    assert "帮办员" in html and "周专员" not in html and "吴晓燕" not in html
    client.force_login(kjj)
    html = client.get("/desk/settings/").content.decode()
    assert "周专员" in html and "吴晓燕" in html and "孙建明" in html
