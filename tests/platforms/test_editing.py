"""Edit pages of institutions, carriers, incubated projects, talent and commissioners:
a correction saved through the record's service (audited), bad input refused in
Chinese naming the field with nothing written, outsiders refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from kechuang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_every_record_kind_is_corrected_on_its_page(
    client: Any, staff: Any, records: Any, regions: Any
) -> None:
    client.force_login(staff)
    cases = [
        ("institution_edit", records["institution"], {"name": "园区A新材料研究中心"}),
        ("carrier_edit", records["carrier"], {"operator": "园区A投资公司"}),
        ("incubated_edit", records["project"], {"leader": "李四"}),
        ("talent_edit", records["talent"], {"field": "精细化工"}),
        ("commissioner_edit", records["commissioner_a"], {"phone": "13800000000"}),
    ]
    for name, obj, change in cases:
        url = reverse(f"platforms:{name}", args=[obj.pk])
        page = client.get(url)
        assert page.status_code == 200, name
        fields = {
            f.name: v for f, v in page.context["fields"]
        }  # the form as shown, filled from the record
        before = AuditLog.objects.count()
        r = client.post(url, {**fields, **change})
        assert r.status_code == 302, (name, r.content.decode()[-500:])
        obj.refresh_from_db()
        for k, v in change.items():
            assert getattr(obj, k) == v, name
        assert AuditLog.objects.count() == before + 1, name


def test_bad_input_is_refused_in_chinese_and_writes_nothing(
    client: Any, staff: Any, records: Any
) -> None:
    client.force_login(staff)
    inst = records["institution"]
    url = reverse("platforms:institution_edit", args=[inst.pk])
    fields = {f.name: v for f, v in client.get(url).context["fields"]}
    before = AuditLog.objects.count()
    r = client.post(url, {**fields, "name": "", "approved_on": "去年", "level": "乡级"})
    body = r.content.decode()
    assert r.status_code == 200
    for message in ("名称: 不能为空", "级别: 应为 国家级、省级、市级、县级 之一", "获批日期"):
        assert message in body, message
    inst.refresh_from_db()
    assert inst.name == "园区A新材料工程技术研究中心"
    assert inst.approved_on == dt.date(2019, 12, 1)
    assert AuditLog.objects.count() == before


def test_outsiders_cannot_edit(
    client: Any, records: Any, officer_a: Any, officer_b: Any, enterprise_user: Any
) -> None:
    urls = [
        reverse("platforms:institution_edit", args=[records["institution"].pk]),
        reverse("platforms:carrier_edit", args=[records["carrier"].pk]),
        reverse("platforms:incubated_edit", args=[records["project"].pk]),
        reverse("platforms:talent_edit", args=[records["talent"].pk]),
        reverse("platforms:commissioner_edit", args=[records["commissioner_a"].pk]),
    ]
    for actor in (officer_b, enterprise_user):
        client.force_login(actor)
        for url in urls:
            assert client.get(url).status_code in (403, 404), (actor.username, url)
            assert client.post(url, {"name": "改名"}).status_code in (403, 404)
    # carriers and commissioners are corrected by the bureau only
    client.force_login(officer_a)
    url = reverse("platforms:carrier_edit", args=[records["carrier"].pk])
    fields = {f.name: v for f, v in client.get(url).context["fields"]}
    r = client.post(url, {**fields, "operator": "别人"}, follow=True)
    assert "只有科技局可以办理" in r.content.decode() or r.status_code == 403
    records["carrier"].refresh_from_db()
    assert records["carrier"].operator == "园区A管委会"
