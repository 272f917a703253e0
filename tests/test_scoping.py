"""Every URL and API route, tried by an outsider: refused (403/404/405) for records that
are not theirs, and lists/exports never show another area's or enterprise's record."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kechuang.core.models import AuditLog, ImportBatch

pytestmark = pytest.mark.django_db

# Parameters that name something of another area or enterprise: an outsider is refused.
ENTERPRISE_PARAMS = {"pk", "uscc", "code"}
SKIP_PREFIXES = ("admin/",)


def all_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from all_routes(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def fill(route, target, token):
    values = {
        "pk": target.pk,
        "uscc": target.uscc,
        "code": target.region.code,
        "year": 2020,
        "kind": "facts",
        "token": token,
        "indicator": "hnte_new",
        "indicator_id": "hnte_new",
        "prefix": "kc_abcde",
    }
    params = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return url.replace("^", "").replace("$", ""), params


@pytest.fixture
def outsiders(officer_a, officer_b, enterprise_user, helper_user, firm_a, firm_b):
    # (actor, a record the actor must not reach)
    return [
        (officer_a, firm_b),
        (officer_b, firm_a),
        (enterprise_user, firm_a),
        (helper_user, firm_b),
    ]


def test_routes_are_enumerated():
    routes = list(all_routes())
    assert any("enterprises/<int:pk>/" in r for r in routes)
    assert any("api/v1/enterprises/<uscc>" in r for r in routes)


# One test per (actor, target) pair, so that xdist spreads the walks over its workers.
@pytest.mark.parametrize("which", range(4))
def test_outsiders_are_refused_everywhere(client, staff, outsiders, tmp_path, which):
    batch = ImportBatch.objects.create(
        token="tok-staff",
        kind="facts",
        filename="x.xlsx",
        stored_path=str(tmp_path / "x"),
        actor=staff,
        status="previewed",
    )
    assert len(outsiders) == 4  # one test per pair: `which` covers them all
    checked = 0
    for actor, target in outsiders[which : which + 1]:
        client.force_login(actor)
        before = AuditLog.objects.count()
        for route in all_routes():
            if route.startswith(SKIP_PREFIXES) or "openapi" in route or "docs" in route:
                continue
            url, params = fill(route, target, batch.token)
            if params & ENTERPRISE_PARAMS:
                for method in ("get", "post", "put", "patch", "delete"):
                    response = (
                        getattr(client, method)(
                            url,
                            content_type="application/json",
                            data={} if method != "get" else None,
                        )
                        if method != "get"
                        else client.get(url)
                    )
                    assert response.status_code in (403, 404, 405), (
                        actor.username,
                        method,
                        url,
                        response.status_code,
                    )
                    checked += 1
            elif "token" in params:
                response = client.post(url)
                assert response.status_code in (403, 404), (
                    actor.username,
                    url,
                    response.status_code,
                )
            else:
                response = client.get(url)
                assert response.status_code in (200, 302, 403, 404, 405), (
                    url,
                    response.status_code,
                )
                body = response.content
                if response.get("Content-Type", "").startswith("application/vnd.openxml"):
                    from kechuang.core.tabular import read_table

                    body = str(read_table(body, "x.xlsx").rows).encode()
                assert target.uscc.encode() not in body, (actor.username, url)
                assert target.name.encode() not in body, (actor.username, url)
        assert AuditLog.objects.count() == before, "an outsider changed something"
        client.logout()
    assert checked > 20


def test_anonymous_is_sent_to_login_or_401(client, firm_b):
    for route in all_routes():
        if (
            route.startswith(SKIP_PREFIXES)
            or "openapi" in route
            or "docs" in route
            or "login" in route
            or route == "healthz"  # the liveness probe: public, says only "ok"
        ):
            continue
        url, _ = fill(route, firm_b, "x")
        if url == "/":
            continue
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 404, 405), url
            assert firm_b.uscc.encode() not in response.content
        elif response.status_code not in (405,):
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_admin_is_for_the_platform_administrator_only(client, officer_a, staff, regions):
    """The admin's lists are not scoped by region: a county's bureau, even a superuser
    with a region (as the demo's kjj), must not reach another county through it."""
    from tests.conftest import make_user

    client.force_login(officer_a)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    county_root = make_user(
        "countyroot", "staff", is_staff=True, is_superuser=True, region=regions["county"]
    )
    client.force_login(county_root)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/enterprises/enterprise/").status_code == 302
    platform = make_user("platform", "staff", is_staff=True, is_superuser=True)
    client.force_login(platform)
    assert client.get("/admin/").status_code == 200


def test_enterprise_user_sees_only_own_record(client, enterprise_user, firm_a, firm_b):
    client.force_login(enterprise_user)
    body = client.get("/enterprises/").content.decode()
    assert firm_b.name in body and firm_a.name not in body
    data = client.get("/api/v1/enterprises").json()
    assert [e["uscc"] for e in data["results"]] == [firm_b.uscc]


def test_officer_sees_own_area_and_children(client, officer_a, officer_b, firm_a, firm_b):
    client.force_login(officer_b)
    data = client.get("/api/v1/enterprises").json()
    assert [e["uscc"] for e in data["results"]] == [firm_b.uscc]
    assert client.get(f"/enterprises/{firm_b.pk}/").status_code == 200
    assert client.get(f"/enterprises/{firm_a.pk}/").status_code == 404


# -- one instance for a whole city: county bureaus, the city bureau -------------------------


@pytest.mark.parametrize("which", range(4))
def test_another_county_sees_nothing_of_taixing_on_any_route(
    client, staff, peer_bureau, peer_officer, firm_a, firm_b, firm_peer, tmp_path, which
):
    """The bureau and a town officer of 兴化市 walk every route against 泰兴市's firms,
    and 泰兴市's bureau against 兴化市's firm: refused, never listed, nothing written."""
    batch = ImportBatch.objects.create(
        token="tok-county",
        kind="facts",
        filename="x.xlsx",
        stored_path=str(tmp_path / "x"),
        actor=staff,
        status="previewed",
    )
    pairs = [
        (peer_bureau, firm_a),
        (peer_bureau, firm_b),
        (peer_officer, firm_b),
        (staff, firm_peer),
    ]
    assert len(pairs) == 4  # one test per pair: `which` covers them all
    for actor, target in pairs[which : which + 1]:
        client.force_login(actor)
        before = AuditLog.objects.count()
        for route in all_routes():
            if route.startswith(SKIP_PREFIXES) or "openapi" in route or "docs" in route:
                continue
            url, params = fill(route, target, batch.token)
            if params & ENTERPRISE_PARAMS:
                for method in ("get", "post", "delete"):
                    response = (
                        client.get(url)
                        if method == "get"
                        else getattr(client, method)(url, content_type="application/json", data={})
                    )
                    assert response.status_code in (403, 404, 405), (actor.username, method, url)
            elif "token" in params:
                assert client.post(url).status_code in (403, 404), (actor.username, url)
            else:
                response = client.get(url)
                assert response.status_code in (200, 302, 403, 404, 405), (
                    url,
                    response.status_code,
                )
                body = response.content
                if response.get("Content-Type", "").startswith("application/vnd.openxml"):
                    from kechuang.core.tabular import read_table

                    body = str(read_table(body, "x.xlsx").rows).encode()
                assert target.uscc.encode() not in body, (actor.username, url)
                assert target.name.encode() not in body, (actor.username, url)
        assert AuditLog.objects.count() == before, "an outsider changed something"
    client.logout()


def test_county_bureau_sees_its_county_only(client, staff, peer_bureau, firm_b, firm_peer):
    client.force_login(peer_bureau)
    data = client.get("/api/v1/enterprises").json()
    assert [e["uscc"] for e in data["results"]] == [firm_peer.uscc]
    assert client.get(f"/enterprises/{firm_peer.pk}/").status_code == 200
    assert client.get(f"/enterprises/{firm_b.pk}/").status_code == 404
    assert client.get("/targets/region/321283/").status_code in (403, 404)
    assert client.get("/api/v1/indicators?region=321283&year=2020").status_code in (403, 404)
    for url in (
        "/enterprises/?q=精细化工",
        "/enterprises/search/?q=精细化工",
        "/enterprises/search/suggest/?q=精细化工",
        f"/enterprises/search/?q={firm_b.uscc[:10]}",
    ):
        body = client.get(url).content.decode()
        assert firm_b.name not in body and firm_b.uscc not in body, url
    client.force_login(staff)
    assert firm_b.name in client.get("/enterprises/search/?q=精细化工").content.decode()
    data = client.get("/api/v1/enterprises").json()
    assert firm_peer.uscc not in [e["uscc"] for e in data["results"]]
    assert client.get(f"/enterprises/{firm_peer.pk}/").status_code == 404


def test_another_county_gets_no_figure_of_taixing(staff, peer_bureau, regions, firm_b, firm_peer):
    """泰兴市's records give 1 valid HNTE for 2020; 兴化市's bureau never gets that figure
    (no statistic was entered for 泰兴市, so its row in their ranking is empty)."""
    from kechuang.targets.indicators import Evaluator
    from kechuang.targets.selectors import peer_ranking

    county = regions["county"]
    assert Evaluator(actor=staff).value("hnte_valid", county, 2020).value == 1
    theirs = Evaluator(actor=peer_bureau).value("hnte_valid", county, 2020)
    assert theirs.value is None and theirs.records == 0
    rows = peer_ranking(
        actor=peer_bureau, region=regions["peer"], indicator_id="hnte_valid", year=2020
    )
    assert {r.region.code: r.value.value for r in rows}["321283"] is None


def test_staff_without_region_sees_nothing_and_superuser_without_region_everything(
    regions, firm_b, firm_peer
):
    from kechuang.enterprises.models import Enterprise
    from tests.conftest import make_user

    lost = make_user("lost", "staff")
    admin = make_user("root", "staff", is_superuser=True)
    assert not Enterprise.objects.visible_to(lost).exists()
    assert set(Enterprise.objects.visible_to(admin)) == {firm_b, firm_peer}
    assert lost.role_label == "科技局（未设区域）" and admin.role_label == "平台管理员"


def test_role_labels_follow_the_region(staff, city_bureau):
    assert staff.role_label == "县（市、区）科技局"
    assert city_bureau.role_label == "市科技局"


def test_city_bureau_sees_every_county(client, city_bureau, firm_a, firm_b, firm_peer):
    client.force_login(city_bureau)
    data = client.get("/api/v1/enterprises").json()
    assert {e["uscc"] for e in data["results"]} == {firm_a.uscc, firm_b.uscc, firm_peer.uscc}
    assert client.get("/targets/region/321283/").status_code == 200
    assert client.get("/targets/region/321281/").status_code == 200
    body = client.get("/targets/").content.decode()
    assert "泰兴市" in body or client.get("/targets/").status_code == 302


def test_county_bureau_cannot_set_another_countys_statistics_or_targets(
    staff, peer_bureau, regions, firm_b, firm_peer
):
    from kechuang.core.errors import PermissionDenied
    from kechuang.targets import services

    with pytest.raises(PermissionDenied):
        services.statistic_save(
            actor=peer_bureau, region=regions["county"], year=2020, key="gdp_wan", value=1
        )
    with pytest.raises(PermissionDenied):
        services.target_save(
            actor=peer_bureau,
            region=regions["county"],
            year=2021,
            indicator="hnte_valid",
            value=1,
        )
    # A county not on the instance: its published figures are typed in by a bureau.
    from kechuang.accounts.models import Region

    other = Region.objects.create(
        code="321282", name="靖江市", kind="county", parent=regions["city"]
    )
    services.statistic_save(actor=staff, region=other, year=2020, key="hnte_valid", value=5)


def test_audit_trail_of_a_county_bureau_is_its_county(staff, peer_bureau, firm_b, firm_peer):
    from kechuang.core.selectors import audit_list

    theirs = set(audit_list(actor=peer_bureau).values_list("enterprise_id", flat=True))
    assert firm_peer.pk in theirs and firm_b.pk not in theirs
    ours = set(audit_list(actor=staff).values_list("enterprise_id", flat=True))
    assert firm_b.pk in ours and firm_peer.pk not in ours
