"""Every admin change is in the operation log, read in Chinese; the admin never moves a
workflow or deletes history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction

from kechuang.accounts.models import ApiToken
from kechuang.core.admin_audit import AuditedMixin
from kechuang.core.models import AuditLog
from kechuang.enterprises.models import Certificate, Enterprise, FactRevision, YearlyFacts
from kechuang.enterprises.services import facts_record
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """What a browser would submit from the admin's change form (`#…_form`)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = a["name"]
            self.data.setdefault(a["name"], [])
        elif tag == "option" and self.select and "selected" in a:
            self._add(self.select, a.get("value", ""))
        elif tag == "textarea":
            self.textarea = a["name"]
            self._add(a["name"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea][-1] += data


def change_form(client: Any, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _FormValues()
    parser.feed(response.content.decode())
    return {k: v if len(v) != 1 else v[0] for k, v in parser.data.items() if v}


def admin_save(client: Any, url: str, **changes: Any) -> Any:
    data = change_form(client, url)
    data.update(changes)
    data["_save"] = "保存"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


@pytest.fixture
def superuser(regions: dict[str, Any]) -> Any:
    return make_user("root", "staff", display_name="管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client: Any, superuser: Any) -> Any:
    client.force_login(superuser)
    return client


def shown(entry: AuditLog) -> dict[str, tuple[str, str]]:
    return {label: (before, after) for label, before, after in entry.changed_fields()}


def test_every_registered_admin_writes_the_audit_log() -> None:
    plain = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedMixin)
    ]
    assert plain == []


def test_user_region_and_staff_flag_changed_in_admin_are_audited(
    admin_client: Any, officer_a: Any, regions: dict[str, Any]
) -> None:
    url = f"/admin/accounts/user/{officer_a.pk}/change/"
    admin_save(admin_client, url, region=str(regions["town_b"].pk), is_staff="on")
    officer_a.refresh_from_db()
    assert officer_a.region == regions["town_b"] and officer_a.is_staff
    entry = AuditLog.objects.get(object_type="accounts.user", via="admin")
    assert entry.action == "update" and entry.actor_name == "管理员"
    changes = shown(entry)
    assert ("园区A", "镇B") in changes.values()
    assert ("否", "是") in changes.values()
    html = admin_client.get("/audit/").content.decode()
    assert "园区A → 镇B" in html and "管理后台" in html
    assert "region" not in html.split("audit-table", 1)[1]


def test_admin_password_reset_is_audited_without_the_hash(
    admin_client: Any, officer_a: Any
) -> None:
    old_hash = officer_a.password
    response = admin_client.post(
        f"/admin/accounts/user/{officer_a.pk}/password/",
        {"password1": "Qz7-river-lantern", "password2": "Qz7-river-lantern"},
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(object_type="accounts.user", via="admin")
    assert entry.note == "管理后台重设密码"
    officer_a.refresh_from_db()
    assert old_hash not in str(entry.before) and officer_a.password not in str(entry.after)
    assert any("已隐藏" in after for _label, _before, after in entry.changed_fields())


def test_region_rename_in_admin_is_audited(admin_client: Any, regions: dict[str, Any]) -> None:
    town = regions["town_b"]
    admin_save(admin_client, f"/admin/accounts/region/{town.pk}/change/", name="镇B（新）")
    entry = AuditLog.objects.get(object_type="accounts.region", via="admin")
    assert shown(entry)["名称"] == ("镇B", "镇B（新）")


def test_api_token_owner_cannot_be_changed_in_admin_and_edits_are_audited(
    admin_client: Any, staff: Any, officer_a: Any
) -> None:
    token, _key = ApiToken.issue(officer_a, "对接")
    url = f"/admin/accounts/apitoken/{token.pk}/change/"
    admin_save(admin_client, url, user=str(staff.pk), name="对接（停用）", revoked="on")
    token = ApiToken.objects.get(pk=token.pk)
    assert token.user == officer_a  # re-owning would let the token act as someone else
    entry = AuditLog.objects.get(object_type="accounts.apitoken", via="admin")
    changes = shown(entry)
    assert changes["名称"] == ("对接", "对接（停用）")
    assert "key_hash" not in str(entry.after)


def test_admin_deletes_write_one_row_per_object(admin_client: Any, staff: Any, firm_b: Any) -> None:
    certs = list(Certificate.objects.filter(enterprise=firm_b))
    assert certs
    response = admin_client.post(
        "/admin/enterprises/certificate/",
        {"action": "delete_selected", "_selected_action": [c.pk for c in certs], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Certificate.objects.filter(enterprise=firm_b).exists()
    rows = AuditLog.objects.filter(object_type="enterprises.certificate", action="delete")
    assert sorted(int(r.object_id) for r in rows) == sorted(c.pk for c in certs)
    assert all(r.via == "admin" and r.enterprise_id == firm_b.pk for r in rows)


def test_inline_rows_saved_in_admin_are_audited(admin_client: Any, firm_b: Any) -> None:
    url = f"/admin/enterprises/enterprise/{firm_b.pk}/change/"
    admin_save(
        admin_client,
        url,
        **{
            "former_names-TOTAL_FORMS": "1",
            "former_names-0-name": "镇B老化工厂",
            "former_names-0-enterprise": str(firm_b.pk),
        },
    )
    entry = AuditLog.objects.get(object_type="enterprises.formername", via="admin")
    assert entry.action == "create" and entry.enterprise_id == firm_b.pk


def test_deleting_an_enterprise_in_admin_is_a_soft_delete(
    admin_client: Any, staff: Any, firm_b: Any
) -> None:
    facts = YearlyFacts.objects.filter(enterprise=firm_b).count()
    response = admin_client.post(
        f"/admin/enterprises/enterprise/{firm_b.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=firm_b.pk).exists()
    kept = Enterprise.deleted_objects.get(pk=firm_b.pk)
    assert kept.deleted_reason == "管理后台删除"
    assert YearlyFacts.objects.filter(enterprise=firm_b).count() == facts
    entry = AuditLog.objects.get(object_type="enterprises.enterprise", action="delete")
    assert entry.via == "admin" and entry.note == "管理后台删除"


def test_fact_revisions_are_never_deleted(admin_client: Any, staff: Any, firm_b: Any) -> None:
    from kechuang.core.errors import PermissionDenied

    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        source="tax",
        recorded_on=dt.date(2021, 5, 1),
        values={"revenue_yuan": Decimal("45000000")},
    )
    revision = FactRevision.objects.filter(facts__enterprise=firm_b).first()
    assert revision is not None
    url = f"/admin/enterprises/factrevision/{revision.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    with pytest.raises(PermissionDenied, match="不能删除"):
        revision.delete()
    with pytest.raises(PermissionDenied, match="不能删除"):
        FactRevision.objects.filter(pk=revision.pk).delete()
    with pytest.raises(PermissionDenied, match="不能删除"), transaction.atomic():
        revision.facts.delete()  # nor through a cascade
    assert FactRevision.objects.filter(pk=revision.pk).exists()


def test_admin_does_not_move_workflows_or_edit_facts(
    admin_client: Any, firm_b: Any, staff: Any
) -> None:
    from kechuang.cultivation.models import PoolMembership
    from kechuang.cultivation.services import pool_propose

    membership = pool_propose(
        actor=staff, enterprise=firm_b, on=dt.date(2021, 6, 1), reason="研发投入高"
    )
    assert isinstance(membership, PoolMembership)
    status, grade = membership.status, membership.grade_override
    url = f"/admin/cultivation/poolmembership/{membership.pk}/change/"
    response = admin_client.post(url, {"status": "left", "grade_override": "C"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.status, membership.grade_override) == (status, grade)
    facts = YearlyFacts.objects.filter(enterprise=firm_b).first()
    assert facts is not None
    url = f"/admin/enterprises/yearlyfacts/{facts.pk}/change/"
    assert admin_client.post(url, {"employees": "1"}).status_code == 403


def test_every_admin_action_offered_writes_the_audit_log(rf: Any, superuser: Any) -> None:
    """delete_selected deletes through the audited delete_queryset; any other action
    must be marked as writing the log itself (a framework's own action is not offered)."""
    request = rf.get("/admin/")
    request.user = superuser
    unaudited = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name, (fn, _name, _label) in model_admin.get_actions(request).items()
        if name != "delete_selected" and not getattr(fn, "kc_audited", False)
    ]
    assert unaudited == []


def test_cleaning_up_login_lockouts_in_admin_is_audited(admin_client: Any, settings: Any) -> None:
    from axes.models import AccessAttempt
    from django.utils import timezone

    def attempt(username: str, hours_ago: int) -> Any:
        made = AccessAttempt.objects.create(
            username=username,
            ip_address="10.0.0.8",
            user_agent="浏览器",
            http_accept="*/*",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=5,
        )
        AccessAttempt.objects.filter(pk=made.pk).update(
            attempt_time=timezone.now() - dt.timedelta(hours=hours_ago)
        )
        return made

    expired, current = attempt("qiye", 48), attempt("kjj", 0)
    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [current.pk]},
    )
    assert response.status_code == 302
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [current.pk]
    entry = AuditLog.objects.get(object_type="axes.accessattempt")
    assert (entry.action, entry.via, int(entry.object_id)) == ("delete", "admin", expired.pk)
    assert entry.note == "管理后台清理已过期的登录失败记录" and entry.actor_name == "管理员"
    assert entry.before["username"] == "qiye" and entry.before["ip_address"] == "10.0.0.8"
    # read in Chinese on /audit/ (axes' own names are English)
    from kechuang.core.audit_text import type_label

    assert type_label(entry.object_type) == "登录失败记录"
    labels = [label for label, _before, _after in entry.changed_fields()]
    assert "用户名" in labels and "IP地址" in labels
    assert not [label for label in labels if label.isascii()], labels
