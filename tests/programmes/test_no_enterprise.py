"""Applications of a person or an institute: no enterprise, a region that scopes them
and an applicant's name (a commissioner recommended, a talent, a carrier applying for
recognition). Opened, seen and moved as an enterprise's are, scoped by the region."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.programmes import selectors, services
from kechuang.programmes import workflow as wf
from kechuang.programmes.models import Application
from kechuang.programmes.workflow import OFFICER, STAFF, Stage, Workflow

pytestmark = pytest.mark.django_db
D = dt.date(2021, 3, 1)

WORKFLOW = wf.register(
    Workflow(
        programme="test_person",
        label="人员推荐（测试）",
        stages=(Stage("recommended", "已推荐"), Stage("accepted", "通过", final=True)),
        transitions={("recommended", "accepted"): frozenset({STAFF})},
        initial="recommended",
        open_roles=frozenset({STAFF, OFFICER}),
    )
)


def recommend(actor, region, name="张三", **extra):
    return services.application_open(
        actor=actor,
        programme="test_person",
        region=region,
        applicant=name,
        year=2021,
        on=D,
        **extra,
    )


def test_an_application_without_enterprise_needs_a_region_and_an_applicant(staff, regions):
    with pytest.raises(ValidationFailed, match="所属区域：不能为空"):
        services.application_open(
            actor=staff, programme="test_person", applicant="张三", year=2021, on=D
        )
    with pytest.raises(ValidationFailed, match="申报人（单位）：不能为空"):
        recommend(staff, regions["town_b"], name="  ")
    assert not Application.objects.filter(programme="test_person").exists()


def test_the_database_refuses_an_application_of_nobody(staff, regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(programme="test_person", year=2021, stage="recommended")


def test_it_is_seen_by_the_bureau_and_officers_of_its_region_only(
    staff, officer_a, officer_b, peer_bureau, enterprise_user, helper_user, regions
):
    app = recommend(officer_b, regions["town_b"])
    assert app.enterprise_id is None and app.party_name == "张三"
    assert str(app) == "张三 2021年申报"

    def sees(actor):
        return Application.objects.of("test_person").visible_to(actor).filter(pk=app.pk).exists()

    assert sees(staff) and sees(officer_b)
    assert not sees(officer_a)
    assert not sees(peer_bureau)
    assert not sees(enterprise_user)
    assert not sees(helper_user)
    assert list(Application.objects.of("test_person").in_region(regions["town_b"])) == [app]
    assert not Application.objects.of("test_person").in_region(regions["park_a"]).exists()
    assert selectors.application_get(actor=staff, programme="test_person", pk=app.pk) == app


def test_an_officer_opens_and_moves_only_in_their_own_region(staff, officer_a, regions):
    with pytest.raises(PermissionDenied, match="镇B”不属于本区域"):
        recommend(officer_a, regions["town_b"])
    app = recommend(staff, regions["town_b"], unique_key="2021")
    with pytest.raises(ValidationFailed, match="“张三”的该项申报已存在"):
        recommend(staff, regions["town_b"], unique_key="2021")
    # the same person may be recommended by another town
    recommend(staff, regions["town_c"], unique_key="2021")
    with pytest.raises(PermissionDenied):
        services.application_transition(actor=officer_a, application=app, to="accepted", on=D)
    services.application_transition(actor=staff, application=app, to="accepted", on=D)
    app.refresh_from_db()
    assert app.stage == "accepted"
    assert [e.stage for e in app.events.all()] == ["recommended", "accepted"]


def test_a_publicity_lists_it_by_applicant_and_takes_objections_in_region(
    staff, officer_a, officer_b, regions
):
    app = recommend(staff, regions["town_b"], name="李四")
    pub = services.publicity_publish(
        actor=staff,
        programme="test_person",
        title="2021年推荐名单公示",
        starts_on=D,
        ends_on=D + dt.timedelta(days=7),
        applications=[app],
    )
    assert [line["name"] for line in selectors.publicity_lines(actor=staff, publicity=pub)] == [
        "李四"
    ]
    entry = pub.entries.get()
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=officer_a, entry=entry, reason="不符合条件", on=D)
    obj = services.objection_file(actor=officer_b, entry=entry, reason="不符合条件", on=D)
    assert list(selectors.objections_of(actor=officer_b, publicity=pub)) == [obj]
    assert not selectors.objections_of(actor=officer_a, publicity=pub).exists()
