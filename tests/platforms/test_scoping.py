"""Every page of the app walked by every outsider against records of 园区A: refused
(403/404) or, for lists and exports, never showing them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kechuang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_outsiders_never_reach_another_areas_records(
    client: Any,
    records: Any,
    officer_b: Any,
    enterprise_user: Any,
    helper_user: Any,
    peer_officer: Any,
) -> None:
    detail = [
        reverse("platforms:institution", args=[records["institution"].pk]),
        reverse("platforms:carrier", args=[records["carrier"].pk]),
        reverse("platforms:project", args=[records["plan"].pk]),
        reverse("platforms:commissioner", args=[records["commissioner_a"].pk]),
        reverse("platforms:application", args=[records["recognition"].pk]),
    ]
    lists = [
        reverse(f"platforms:{n}")
        for n in (
            "index",
            "institutions",
            "carriers",
            "incubated",
            "talent",
            "projects",
            "commissioners",
            "campaigns",
            "applications",
        )
    ]
    secrets = (
        "园区A新材料工程技术研究中心",
        "园区A孵化器",
        "园区A入孵项目",
        "园区A人才",
        "园区A课题",
        "园区A特派员",
        "园区A众创空间申报",
    )
    before = AuditLog.objects.count()
    for actor in (officer_b, enterprise_user, helper_user, peer_officer):
        client.force_login(actor)
        for url in detail:
            assert client.get(url).status_code in (403, 404), (actor.username, url)
            assert client.post(url, {"what": "move", "to": "approved"}).status_code in (403, 404)
        for url in lists:
            for query in ("", "?export=xlsx"):
                r = client.get(url + query)
                assert r.status_code in (200, 403), (actor.username, url)
                body = r.content
                if r.get("Content-Type", "").startswith("application/vnd.openxml"):
                    from kechuang.core.tabular import read_table

                    body = str(read_table(body, "x.xlsx").rows).encode()
                for s in secrets:
                    assert s.encode() not in body, (actor.username, url, s)
    assert AuditLog.objects.count() == before


def test_officer_sees_own_area_and_the_bureau_sees_all(
    client: Any, records: Any, officer_a: Any, staff: Any
) -> None:
    for actor in (officer_a, staff):
        client.force_login(actor)
        assert (
            client.get(
                reverse("platforms:institution", args=[records["institution"].pk])
            ).status_code
            == 200
        )
        body = client.get(reverse("platforms:commissioners")).content.decode()
        assert "园区A特派员" in body
        assert ("镇B特派员" in body) == (actor is staff)


def test_enterprise_page_panel_shows_own_records(
    client: Any, records: Any, helper_user: Any, firm_a: Any
) -> None:
    client.force_login(helper_user)  # assigned to firm_a
    body = client.get(reverse("enterprises:detail", args=[firm_a.pk])).content.decode()
    assert "园区A课题" in body and "园区A人才" in body and "工程技术研究中心" in body


def test_a_countys_campaign_is_not_another_countys(
    client: Any, records: Any, staff: Any, officer_a: Any, peer_officer: Any, peer_bureau: Any
) -> None:
    import datetime as dt

    from kechuang.platforms import services

    campaign = services.campaign_open(
        actor=staff, year=2021, opens_on=dt.date(2021, 6, 1), closes_on=dt.date(2021, 7, 31)
    )
    url = reverse("platforms:campaign", args=[campaign.pk])
    client.force_login(officer_a)
    assert client.get(url).status_code == 200
    for outsider in (peer_officer, peer_bureau):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert "园区A特派员" not in client.get(reverse("platforms:campaigns")).content.decode()
    # the other county runs its own campaign of the same year
    other = services.campaign_open(
        actor=peer_bureau, year=2021, opens_on=dt.date(2021, 6, 1), closes_on=dt.date(2021, 7, 31)
    )
    assert other.entries.count() == 0 and campaign.entries.count() == 2


def test_the_public_profile_shows_outsiders_nothing_but_the_profile(
    client: Any,
    records: Any,
    firm_a: Any,
    officer_b: Any,
    enterprise_user: Any,
    helper_user: Any,
    peer_officer: Any,
    staff: Any,
) -> None:
    """The profile the 产学研 search links to opens for every signed-in user, and shows
    neither the firms served, the phone, nor the service records; a POST writes nothing."""
    from kechuang.platforms import services

    c = records["commissioner_a"]
    services.commissioner_update(
        actor=staff,
        commissioner=c,
        data={
            "name": c.name,
            "institution": c.institution,
            "expertise": c.expertise,
            "phone": "13800000000",
            "region": c.region,
        },
    )
    services.service_record(
        actor=staff,
        commissioner=c,
        enterprise=firm_a,
        served_on=c.registered_on,
        summary="园区A服务内容",
    )
    url = reverse("platforms:commissioner_profile", args=[c.pk])
    before = AuditLog.objects.count()
    for actor in (officer_b, enterprise_user, helper_user, peer_officer):
        client.force_login(actor)
        r = client.get(url)
        assert r.status_code == 200, actor.username
        body = r.content.decode()
        assert c.name in body
        for secret in (firm_a.name, firm_a.uscc, "13800000000", "园区A服务内容"):
            assert secret not in body, (actor.username, secret)
        assert client.post(url, {"what": "service"}).status_code == 405
    assert AuditLog.objects.count() == before
