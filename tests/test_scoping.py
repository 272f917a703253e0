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


def test_outsiders_are_refused_everywhere(client, staff, outsiders, tmp_path):
    batch = ImportBatch.objects.create(
        token="tok-staff",
        kind="facts",
        filename="x.xlsx",
        stored_path=str(tmp_path / "x"),
        actor=staff,
        status="previewed",
    )
    checked = 0
    for actor, target in outsiders:
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


def test_admin_is_for_bureau_staff_only(client, officer_a, staff):
    client.force_login(officer_a)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
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
