"""Deleting an enterprise hides it everywhere and keeps everything: restorable by the
bureau, listed on 已删除企业, its files on disk until purged with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.enterprises import selectors
from kechuang.enterprises.models import Certificate, Enterprise, FactRevision, IPItem, YearlyFacts
from kechuang.enterprises.services import (
    enterprise_delete,
    enterprise_purge,
    enterprise_restore,
)
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(settings: Any, tmp_path: Any, staff: Any, firm_b: Any) -> Any:
    from kechuang.programmes.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    doc = Attachment(enterprise=firm_b, title="审计报告", uploaded_by=staff, size=4)
    doc.file.save("audit.pdf", ContentFile(b"%PDF"), save=False)
    doc.save()
    return doc


def test_a_deleted_enterprise_leaves_every_list_search_indicator_and_export(
    client: Any, staff: Any, officer_b: Any, firm_a: Any, firm_b: Any, regions: dict[str, Any]
) -> None:
    enterprise_delete(actor=staff, enterprise=firm_b, reason="重复录入")
    county = regions["county"]
    for actor in (staff, officer_b):
        assert firm_b not in selectors.enterprise_queryset(actor)
        assert not YearlyFacts.objects.visible_to(actor).filter(enterprise=firm_b).exists()
        assert not FactRevision.objects.visible_to(actor).filter(facts__enterprise=firm_b).exists()
    assert not Certificate.objects.in_region(county).filter(enterprise=firm_b).exists()
    assert not IPItem.objects.in_region(county).exists()
    assert list(Enterprise.objects.in_region(county)) == [firm_a]
    client.force_login(staff)
    for url in ("/enterprises/?year=2020", "/enterprises/search/?q=镇B", "/api/v1/enterprises"):
        assert firm_b.name not in client.get(url).content.decode(), url
    assert client.get(f"/enterprises/{firm_b.pk}/").status_code == 404
    from kechuang.core.tabular import read_table

    export = client.get("/enterprises/export/enterprises/?year=2020")
    assert [r[1][0] for r in read_table(export.content, "x.xlsx").rows] == [firm_a.uscc]
    # the records themselves are all still there
    assert YearlyFacts.objects.filter(enterprise=firm_b).count() == 3
    assert Certificate.objects.filter(enterprise=firm_b).count() == 1


def test_delete_is_one_audited_act_and_restore_brings_everything_back(
    staff: Any, firm_b: Any, regions: dict[str, Any]
) -> None:
    enterprise_delete(actor=staff, enterprise=firm_b, reason="重复录入", via="web")
    entry = AuditLog.objects.get(action="delete", object_type="enterprises.enterprise")
    assert entry.note == "重复录入" and entry.enterprise_id == firm_b.pk
    labels = {label for label, _b, _a in entry.changed_fields()}
    assert {"删除时间", "删除人", "删除原因"} <= labels
    with pytest.raises(Conflict):
        enterprise_delete(actor=staff, enterprise=firm_b)
    enterprise_restore(actor=staff, enterprise=firm_b)
    assert Enterprise.objects.in_region(regions["county"]).filter(pk=firm_b.pk).exists()
    assert Certificate.objects.in_region(regions["county"]).filter(enterprise=firm_b).exists()
    restored = AuditLog.objects.get(action="restore")
    assert restored.action_label == "恢复"


def test_only_the_bureau_deletes_restores_lists_and_purges(
    client: Any, officer_b: Any, staff: Any, firm_b: Any
) -> None:
    with pytest.raises(PermissionDenied):
        enterprise_delete(actor=officer_b, enterprise=firm_b, reason="x")
    enterprise_delete(actor=staff, enterprise=firm_b, reason="x")
    with pytest.raises(PermissionDenied):
        enterprise_restore(actor=officer_b, enterprise=firm_b)
    with pytest.raises(PermissionDenied):
        enterprise_purge(actor=officer_b, enterprise=firm_b, reason="x")
    client.force_login(officer_b)
    assert client.get("/enterprises/deleted/").status_code == 403
    assert client.post(f"/enterprises/deleted/{firm_b.pk}/restore/").status_code == 403
    assert Enterprise.deleted_objects.filter(pk=firm_b.pk).exists()


def test_another_county_bureau_sees_nothing_of_our_deleted(
    client: Any, staff: Any, firm_b: Any, regions: dict[str, Any]
) -> None:
    from tests.conftest import make_user

    enterprise_delete(actor=staff, enterprise=firm_b, reason="重复录入")
    other = make_user("xinghua", "staff", region=regions["peer"], is_staff=True)
    assert list(selectors.deleted_enterprise_list(actor=other)) == []
    with pytest.raises(PermissionDenied):
        enterprise_restore(actor=other, enterprise=firm_b)
    client.force_login(other)
    assert firm_b.name not in client.get("/enterprises/deleted/").content.decode()
    assert client.post(f"/enterprises/deleted/{firm_b.pk}/restore/").status_code == 404
    assert (
        client.post(f"/enterprises/deleted/{firm_b.pk}/purge/", {"reason": "x"}).status_code == 404
    )


def test_deleted_page_lists_restores_and_purges_with_a_reason(
    client: Any, staff: Any, firm_b: Any, attachment: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(staff)
    response = client.post(f"/enterprises/{firm_b.pk}/delete/", {"reason": "企业注销"})
    assert response.status_code == 302
    path = attachment.file.path
    import os

    assert os.path.exists(path)  # kept after the delete
    page = client.get("/enterprises/deleted/").content.decode()
    assert firm_b.name in page and "企业注销" in page and "局员工" in page
    # a purge without a reason is refused, in Chinese, and removes nothing
    client.post(f"/enterprises/deleted/{firm_b.pk}/purge/", {"reason": " "})
    assert os.path.exists(path)
    messages = [str(m) for m in client.get("/enterprises/deleted/").context["messages"]]
    assert any("请填写原因" in m for m in messages)
    with pytest.raises(ValidationFailed):
        enterprise_purge(actor=staff, enterprise=firm_b, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/enterprises/deleted/{firm_b.pk}/purge/", {"reason": "档案期满"})
    assert not os.path.exists(path)
    assert "企业注销" in client.get("/audit/").content.decode()  # the trail stays in scope
    entry = AuditLog.objects.get(action="purge")
    assert entry.note == "档案期满" and entry.action_label == "清除文件"
    assert attachment.file.name in entry.before["files"]
    assert FactRevision.objects.filter(facts__enterprise=firm_b).exists()  # history stays
    assert "已于" in client.get("/enterprises/deleted/").content.decode()
    response = client.post(f"/enterprises/deleted/{firm_b.pk}/restore/")
    assert response.status_code == 302
    assert client.get(f"/enterprises/{firm_b.pk}/").status_code == 200


def test_a_purge_needs_a_deleted_enterprise(staff: Any, firm_b: Any, attachment: Any) -> None:
    with pytest.raises(Conflict):
        enterprise_purge(actor=staff, enterprise=firm_b, reason="档案期满")
    assert attachment.file.storage.exists(attachment.file.name)


def test_a_deleted_enterprise_code_is_named_when_created_again(
    staff: Any, firm_b: Any, regions: dict[str, Any]
) -> None:
    from kechuang.core.imports import ImportPlan
    from kechuang.enterprises.importing import _plan_enterprises

    enterprise_delete(actor=staff, enterprise=firm_b, reason="重复录入")
    with pytest.raises(ValidationFailed) as caught:
        make_enterprise(staff, regions["town_b"], "新企业", uscc=firm_b.uscc)
    assert "已删除" in caught.value.lines()[0]
    plan = ImportPlan(kind="enterprises")
    _plan_enterprises(staff, [(2, {"uscc": firm_b.uscc, "name": "新企业", "region": "镇B"})], plan)
    assert any("已删除" in str(e) and e.row == 2 for e in plan.errors)


def test_trail_of_a_deleted_enterprise_names_it(staff: Any, firm_b: Any) -> None:
    enterprise_delete(actor=staff, enterprise=firm_b, reason="重复录入")
    ip = AuditLog.objects.filter(object_type="enterprises.ipitem").first()
    assert ip is not None
    assert dict((label, after) for label, _b, after in ip.changed_fields())["企业"] == firm_b.name


def test_api_delete_is_a_soft_delete(client: Any, staff: Any, firm_b: Any) -> None:
    client.force_login(staff)
    response = client.delete(f"/api/v1/enterprises/{firm_b.uscc}?reason=迁出")
    assert response.status_code == 204
    assert Enterprise.deleted_objects.get(pk=firm_b.pk).deleted_reason == "迁出"
    assert client.get(f"/api/v1/enterprises/{firm_b.uscc}").status_code == 404
