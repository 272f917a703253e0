"""Bearer tokens: writes work through a real HTTP server (no CSRF question for a token),
session writes still need the CSRF token; tokens expire, die with a password change,
and are listed and revoked by their owner (page and API); the admin cannot re-own one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kechuang.accounts.models import ApiToken, User
from kechuang.accounts.services import api_token_create, api_token_user
from kechuang.core.errors import ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.enterprises.models import Enterprise
from tests.conftest import make_user, new_uscc

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_bearer_token_writes_work_through_a_live_server(live_server: Any, staff: Any) -> None:
    _token, key = api_token_create(actor=staff, name="脚本")
    code = new_uscc()
    created = requests.post(
        f"{live_server.url}/api/v1/enterprises",
        json={"uscc": code, "name": "令牌公司", "region": "321283401"},
        headers=bearer(key),
        timeout=30,
    )
    assert created.status_code == 201, created.text
    patched = requests.patch(
        f"{live_server.url}/api/v1/enterprises/{code}",
        json={"is_above_scale": "是"},
        headers=bearer(key),
        timeout=30,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["is_above_scale"] is True
    assert Enterprise.objects.get(uscc=code).is_above_scale is True
    # A wrong key is 401 in the one error shape, not a CSRF 403.
    wrong = requests.post(
        f"{live_server.url}/api/v1/enterprises", json={}, headers=bearer("kc_wrong"), timeout=30
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthenticated"


def test_session_writes_still_need_the_csrf_token(live_server: Any, staff: Any) -> None:
    web = requests.Session()
    page = web.get(f"{live_server.url}/accounts/login/", timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf is not None
    logged_in = web.post(
        f"{live_server.url}/accounts/login/",
        data={"username": "staff", "password": "pw-Kechuang-1", "csrfmiddlewaretoken": csrf[1]},
        timeout=30,
    )
    assert logged_in.status_code == 200 and "sessionid" in web.cookies
    body = {"uscc": new_uscc(), "name": "会话公司", "region": "321283401"}
    forged = web.post(f"{live_server.url}/api/v1/enterprises", json=body, timeout=30)
    assert forged.status_code == 403
    assert not Enterprise.objects.filter(uscc=body["uscc"]).exists()
    allowed = web.post(
        f"{live_server.url}/api/v1/enterprises",
        json=body,
        headers={"X-CSRFToken": web.cookies["csrftoken"]},
        timeout=30,
    )
    assert allowed.status_code == 201, allowed.text


def test_session_write_without_csrf_is_refused_by_the_app(staff: Any, regions: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        "/api/v1/enterprises",
        data={"uscc": new_uscc(), "name": "会话公司", "region": "321283401"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_token_expires(client: Any, staff: Any) -> None:
    token, key = api_token_create(actor=staff, days=1)
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=1))) < dt.timedelta(minutes=1)
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401
    token.refresh_from_db()
    assert token.state == "已过期"


def test_default_lifetime_is_the_setting(staff: Any, settings: Any) -> None:
    settings.API_TOKEN_DAYS = 30
    token, _key = api_token_create(actor=staff)
    days = (token.expires_at - token.created_at).days
    assert days in (29, 30)
    with pytest.raises(ValidationFailed) as refused:
        api_token_create(actor=staff, days=31)
    assert refused.value.lines() == ["有效天数: 应为1到30之间的整数"]


def test_only_the_hash_is_stored(staff: Any) -> None:
    token, key = api_token_create(actor=staff)
    token.refresh_from_db()
    assert key not in str(token.__dict__.values())
    assert token.key_hash == ApiToken.hash_key(key)


def _live(user: User) -> int:
    return ApiToken.objects.live().filter(user=user).count()


def test_password_change_page_revokes_tokens(client: Any, staff: Any) -> None:
    _t, key = api_token_create(actor=staff)
    client.force_login(staff)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-Kechuang-1",
            "new_password1": "另一个-Strong-pass-9",
            "new_password2": "另一个-Strong-pass-9",
        },
    )
    assert response.status_code == 302
    assert _live(staff) == 0 and api_token_user(key) is None
    token = ApiToken.objects.get(user=staff)
    assert token.state == "已吊销（密码已更改）"


def test_admin_password_change_revokes_tokens(client: Any, staff: Any) -> None:
    admin_user = make_user("root", "staff", is_staff=True, is_superuser=True)
    api_token_create(actor=staff)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{staff.pk}/password/",
        {
            "password1": "另一个-Strong-pass-9",
            "password2": "另一个-Strong-pass-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _live(staff) == 0


def test_changepassword_command_revokes_tokens(staff: Any, monkeypatch: Any) -> None:
    api_token_create(actor=staff)
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass",
        lambda prompt="": "另一个-Strong-pass-9",
    )
    call_command("changepassword", "staff")
    assert _live(staff) == 0


def test_saving_a_user_without_a_new_password_keeps_tokens(staff: Any) -> None:
    api_token_create(actor=staff)
    staff.refresh_from_db()
    staff.display_name = "新名字"
    staff.save()
    assert _live(staff) == 1


def test_owner_lists_creates_and_revokes_on_the_page(
    client: Any, staff: Any, officer_a: Any
) -> None:
    _other, _ = api_token_create(actor=officer_a, name="别人的")
    client.force_login(staff)
    page = client.get("/accounts/tokens/").content.decode()
    assert "还没有令牌" in page and "别人的" not in page
    assert 'href="/accounts/tokens/"' in page  # in the account menu
    created = client.post("/accounts/tokens/", {"name": "统计脚本", "days": "7"})
    html = created.content.decode()
    key = re.search(r'value="(kc_[^"]+)"', html)
    assert key is not None and "只显示这一次" in html
    assert api_token_user(key[1]) == staff
    again = client.get("/accounts/tokens/").content.decode()
    assert key[1] not in again and "统计脚本" in again and "有效" in again
    bad = client.post("/accounts/tokens/", {"name": "x", "days": "abc"}).content.decode()
    assert "有效天数: 应为整数" in bad
    prefix = key[1][:8]
    # Another user's prefix is not found, and changes nothing.
    client.force_login(officer_a)
    assert client.post("/accounts/tokens/revoke/", {"prefix": prefix}).status_code == 404
    client.force_login(staff)
    response = client.post("/accounts/tokens/revoke/", {"prefix": prefix}, follow=True)
    assert "已吊销令牌" in response.content.decode()
    assert api_token_user(key[1]) is None
    assert AuditLog.objects.filter(object_type="accounts.apitoken").count() >= 3


def test_owner_lists_and_revokes_through_the_api(client: Any, staff: Any, officer_a: Any) -> None:
    token, key = api_token_create(actor=staff, name="脚本")
    other, other_key = api_token_create(actor=officer_a)
    listed = client.get("/api/v1/tokens", headers=bearer(key)).json()
    assert [(t["prefix"], t["name"], t["live"]) for t in listed] == [(token.prefix, "脚本", True)]
    # A token may not mint another; a logged-in session may.
    minted = client.post("/api/v1/tokens", {"name": "x"}, "application/json", headers=bearer(key))
    assert minted.status_code == 403
    client.force_login(staff)
    made = client.post("/api/v1/tokens", {"name": "会话创建", "days": 5}, "application/json")
    assert made.status_code == 201 and made.json()["key"].startswith("kc_")
    client.logout()
    refused = client.delete(f"/api/v1/tokens/{other.prefix}", headers=bearer(key))
    assert refused.status_code == 404 and api_token_user(other_key) == officer_a
    revoked = client.delete(f"/api/v1/tokens/{token.prefix}", headers=bearer(key))
    assert revoked.status_code == 200 and revoked.json()["state"] == "已吊销（本人吊销）"
    assert client.get("/api/v1/tokens", headers=bearer(key)).status_code == 401


def test_admin_cannot_re_own_a_token(client: Any, staff: Any, officer_a: Any) -> None:
    admin_user = make_user("root", "staff", is_staff=True, is_superuser=True)
    token, key = api_token_create(actor=officer_a)
    client.force_login(admin_user)
    url = f"/admin/accounts/apitoken/{token.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="user"' not in form
    client.post(
        url,
        {
            "user": staff.pk,
            "name": "改名",
            "expires_at_0": "2099-01-01",
            "expires_at_1": "00:00:00",
        },
    )
    token.refresh_from_db()
    assert token.user == officer_a and api_token_user(key) == officer_a
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_docs_and_openapi_are_for_logged_in_users(client: Any, staff: Any) -> None:
    anonymous = client.get("/api/v1/openapi.json")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/docs").status_code == 302
    _t, key = api_token_create(actor=staff)
    assert (
        "/api/v1/tokens" in client.get("/api/v1/openapi.json", headers=bearer(key)).json()["paths"]
    )
    client.force_login(staff)
    assert client.get("/api/v1/openapi.json").status_code == 200
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert asset.startswith("/"), asset  # every asset from this site


def test_token_command_shows_expiry(staff: Any, capsys: Any) -> None:
    call_command("token", "create", "staff", "--days", "10")
    captured = capsys.readouterr()
    assert captured.out.strip().startswith("kc_") and "到期" in captured.err
    call_command("token", "list", "staff")
    assert "有效" in capsys.readouterr().out
