"""Per-county configuration: each county's bureau keeps its own request types, routing
rules, working-day overrides and overlap window; another county's bureau neither sees
nor edits them, and a request uses its own county's rules and calendar."""

import datetime as dt

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.desk import services
from kechuang.desk.counties import county_setup
from kechuang.desk.models import (
    CountySettings,
    HelperProfile,
    RequestType,
    RoutingRule,
    WorkdayOverride,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taixing(regions, staff, desk_helper):
    """泰兴's configuration: a renamed type, a rule and an override."""
    county = regions["county"]
    policy = RequestType.objects.get(county=county, key="policy")
    services.request_type_save(
        actor=staff, county=county, name="泰兴政策咨询", deadline_days=4, request_type=policy
    )
    rule = services.routing_rule_add(actor=staff, county=county, helper=desk_helper)
    override = services.workday_override_save(
        actor=staff, county=county, day=dt.date(2021, 6, 28), is_workday=False, note="泰兴调整"
    )
    return {"county": county, "type": policy, "rule": rule, "override": override}


def test_every_county_gets_the_five_shipped_types(regions):
    for county in (regions["county"], regions["peer"]):
        keys = set(RequestType.objects.filter(county=county).values_list("key", flat=True))
        assert keys == {"policy", "project", "finance", "novelty", "business"}
        assert CountySettings.objects.get(county=county).visit_overlap_days == 30
    assert county_setup(regions["county"]) == 0  # idempotent


def test_another_county_bureau_neither_sees_nor_edits_taixing_settings(
    settings, client_for, taixing, peer_bureau
):
    settings.KECHUANG_TODAY = "2021-06-01"
    client = client_for(peer_bureau)
    page = client.get("/desk/settings/").content.decode()
    assert "兴化市科技服务设置" in page
    assert "泰兴政策咨询" not in page and "泰兴调整" not in page
    # asking for 泰兴 by code shows 兴化's own page
    page = client.get("/desk/settings/?county=321283").content.decode()
    assert "泰兴政策咨询" not in page and "兴化市科技服务设置" in page
    # a POST naming 泰兴's type is refused and changes nothing
    client.post(
        "/desk/settings/",
        {"form": "type", "pk": taixing["type"].pk, "name": "改名", "deadline_days": "9"},
    )
    taixing["type"].refresh_from_db()
    assert taixing["type"].name == "泰兴政策咨询" and taixing["type"].deadline_days == 4
    assert client.post(f"/desk/settings/rules/{taixing['rule'].pk}/delete/").status_code == 404
    assert (
        client.post(f"/desk/settings/overrides/{taixing['override'].pk}/delete/").status_code == 404
    )
    assert RoutingRule.objects.filter(pk=taixing["rule"].pk).exists()
    assert WorkdayOverride.objects.filter(pk=taixing["override"].pk).exists()


def test_services_refuse_another_countys_configuration(taixing, peer_bureau, desk_helper):
    county = taixing["county"]
    with pytest.raises(PermissionDenied, match="无权修改泰兴市"):
        services.request_type_save(actor=peer_bureau, county=county, name="x", deadline_days=3)
    with pytest.raises(PermissionDenied):
        services.routing_rule_add(actor=peer_bureau, county=county, helper=desk_helper)
    with pytest.raises(PermissionDenied):
        services.routing_rule_remove(actor=peer_bureau, rule=taixing["rule"])
    with pytest.raises(PermissionDenied):
        services.workday_override_save(
            actor=peer_bureau, county=county, day=dt.date(2021, 7, 1), is_workday=False
        )
    with pytest.raises(PermissionDenied):
        services.workday_override_remove(actor=peer_bureau, override=taixing["override"])
    with pytest.raises(PermissionDenied):
        services.county_settings_save(actor=peer_bureau, county=county, visit_overlap_days=7)
    # nor through its own county with 泰兴's type
    with pytest.raises(PermissionDenied, match="不属于兴化市"):
        services.request_type_save(
            actor=peer_bureau,
            county=peer_bureau.region,
            name="x",
            deadline_days=3,
            request_type=taixing["type"],
        )


def test_city_bureau_picks_a_county(settings, client_for, taixing, city_bureau):
    settings.KECHUANG_TODAY = "2021-06-01"
    client = client_for(city_bureau)
    page = client.get("/desk/settings/?county=321283").content.decode()
    assert "泰兴政策咨询" in page and "泰兴调整" in page
    page = client.get("/desk/settings/?county=321281").content.decode()
    assert "兴化市科技服务设置" in page and "泰兴政策咨询" not in page


def test_routing_and_deadline_use_the_requests_own_county(
    settings, regions, taixing, staff, peer_bureau, firm_b, firm_peer
):
    from tests.conftest import make_user

    settings.KECHUANG_TODAY = "2021-06-25"
    xh_helper = make_user("bangban_xh", "helper", display_name="兴化帮办员")
    peer = regions["peer"]
    HelperProfile.objects.create(user=xh_helper, county=peer)
    services.routing_rule_add(actor=peer_bureau, county=peer, helper=xh_helper)
    xh_policy = RequestType.objects.get(county=peer, key="policy")
    xh_policy = services.request_type_save(
        actor=peer_bureau, county=peer, name="政策咨询", deadline_days=1, request_type=xh_policy
    )
    # 兴化's firm: 兴化's helper, 兴化's limit (1 day), no 泰兴 override: Monday 28 June
    req = services.request_file(
        actor=peer_bureau,
        enterprise=firm_peer,
        request_type=xh_policy,
        title="咨询",
        description="内容",
        channel="phone",
    )
    assert req.helper == xh_helper and req.due_on == dt.date(2021, 6, 28)
    # 泰兴's firm: 泰兴's rule and its override (28 June is a rest day there)
    tx_business = RequestType.objects.get(county=regions["county"], key="business")
    tx_business = services.request_type_save(
        actor=staff,
        county=regions["county"],
        name="业务办理",
        deadline_days=1,
        request_type=tx_business,
    )
    req = services.request_file(
        actor=staff,
        enterprise=firm_b,
        request_type=tx_business,
        title="备案",
        description="内容",
        channel="phone",
    )
    assert req.helper == taixing["rule"].helper and req.due_on == dt.date(2021, 6, 29)
    # a type of another county is refused
    with pytest.raises(ValidationFailed, match="企业所在县"):
        services.request_file(
            actor=staff,
            enterprise=firm_b,
            request_type=xh_policy,
            title="备案",
            description="内容",
            channel="phone",
        )


def test_overlap_window_is_the_countys_and_the_bureau_edits_it(
    settings, client_for, staff, officer_b, firm_b, regions
):
    settings.KECHUANG_TODAY = "2021-06-30"
    services.visit_record(
        actor=officer_b,
        visited_on=dt.date(2021, 6, 1),
        purpose="survey",
        notes="了解情况",
        enterprise=firm_b,
    )
    # 20 days later, inside the default 30
    _, warnings = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 21),
        purpose="policy",
        notes="宣讲",
        enterprise=firm_b,
    )
    assert len(warnings) == 1
    client = client_for(staff)
    client.post("/desk/settings/", {"form": "settings", "visit_overlap_days": "10"})
    assert CountySettings.objects.get(county=regions["county"]).visit_overlap_days == 10
    assert 'value="10"' in client.get("/desk/settings/").content.decode()
    _, warnings = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 22),
        purpose="policy",
        notes="宣讲",
        enterprise=firm_b,
    )
    # the officer's visit of 1 June is now outside the window (staff's own unit is not counted)
    assert warnings == []
    with pytest.raises(ValidationFailed, match="重复走访提示天数：应为1–365天"):
        services.county_settings_save(actor=staff, county=regions["county"], visit_overlap_days=0)
