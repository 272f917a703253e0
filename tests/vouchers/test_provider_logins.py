"""The bureau opens and closes a provider's login from the provider's page (a helper-role
user linked to the provider, with the password the bureau set, changed on first use);
that login sees the vouchers used with its provider and nothing else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.vouchers import services
from kechuang.vouchers.models import ProviderMember
from tests.test_scoping import ENTERPRISE_PARAMS, SKIP_PREFIXES, all_routes, fill
from tests.vouchers.conftest import DAY, apply

pytestmark = pytest.mark.django_db

PASSWORD = "Jigou#2020kc"


@pytest.fixture
def login(staff: Any, provider: Any) -> ProviderMember:
    return services.provider_login_create(
        actor=staff, provider=provider, username="jiance", password=PASSWORD, display_name="王工"
    )


def test_the_bureau_opens_a_login_from_the_provider_page(
    client_for: Any, staff: Any, provider: Any, client: Any
) -> None:
    c = client_for(staff)
    r = c.post(
        f"/vouchers/providers/{provider.pk}/logins/",
        {"username": "jiance", "password": PASSWORD, "display_name": "王工"},
        follow=True,
    )
    page = r.content.decode()
    assert "已开通机构账号" in page and "jiance" in page and "初始密码，待本人修改" in page
    member = ProviderMember.objects.get(provider=provider)
    assert member.user.role == "helper" and member.user.region is None
    assert member.must_change_password
    assert AuditLog.objects.filter(note__contains="开通").exists()
    assert client.login(username="jiance", password=PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "says"),
    [
        ("", PASSWORD, "登录名"),
        ("张三", PASSWORD, "登录名"),
        ("jiance2", "123", "初始密码"),
    ],
)
def test_a_bad_login_is_refused_naming_the_field_and_writes_nothing(
    staff: Any, provider: Any, username: str, password: str, says: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.provider_login_create(
            actor=staff, provider=provider, username=username, password=password
        )
    assert says in "；".join(exc.value.lines())
    assert not ProviderMember.objects.exists()


def test_a_taken_name_is_refused(staff: Any, provider: Any, login: ProviderMember) -> None:
    with pytest.raises(ValidationFailed, match="已被使用"):
        services.provider_login_create(
            actor=staff, provider=provider, username="JIANCE", password=PASSWORD
        )


def test_only_the_bureau_of_the_providers_county_opens_logins(
    client_for: Any, officer_a: Any, peer_bureau: Any, provider: Any
) -> None:
    for outsider in (officer_a, peer_bureau):
        with pytest.raises(PermissionDenied):
            services.provider_login_create(
                actor=outsider,
                provider=provider,
                username="x" + outsider.username,
                password=PASSWORD,
            )
        r = client_for(outsider).post(
            f"/vouchers/providers/{provider.pk}/logins/",
            {"username": "abc", "password": PASSWORD},
        )
        assert r.status_code == 404
    assert not ProviderMember.objects.exists()


def test_the_first_login_changes_the_password_then_sees_its_vouchers(
    client: Any, login: ProviderMember, staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal(20000), on=DAY)
    assert client.login(username="jiance", password=PASSWORD)
    r = client.get("/vouchers/provider/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/"
    assert client.get(f"/vouchers/{v.pk}/").status_code == 302
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xin#mima2021",
            "new_password2": "Xin#mima2021",
        },
    )
    assert changed.status_code == 302
    login.refresh_from_db()
    assert not login.must_change_password
    page = client.get("/vouchers/provider/").content.decode()
    assert v.code in page and firms[0].name in page
    assert client.get(f"/vouchers/{v.pk}/").status_code == 200
    assert v.code in client.get("/vouchers/?year=2020").content.decode()


def test_a_disabled_login_stops_working(
    client_for: Any, client: Any, staff: Any, login: ProviderMember
) -> None:
    client.force_login(login.user)
    r = client_for(staff).post(
        f"/vouchers/provider-logins/{login.pk}/status/", {"active": "0"}, follow=True
    )
    assert "已停用机构账号" in r.content.decode() and "已停用" in r.content.decode()
    login.user.refresh_from_db()
    assert not login.user.is_active
    # the open session is refused, and the password no longer logs in
    assert client.get("/vouchers/provider/").status_code in (302, 403)
    assert not client.login(username="jiance", password=PASSWORD)
    services.provider_login_set_active(actor=staff, member=login, active=True)
    assert client.login(username="jiance", password=PASSWORD)


def test_a_provider_login_sees_nothing_else_on_any_route(
    client: Any,
    login: ProviderMember,
    staff: Any,
    programme: Any,
    provider: Any,
    firms: Any,
) -> None:
    """Every route walked as the provider's login (its password changed): refused for a
    firm's record, never listing a firm whose vouchers were not used with it."""
    other = services.provider_save(
        actor=staff, data={"name": "另一家机构", "categories": ["testing"]}
    )
    firm_a = firms[1]  # a firm whose voucher was used with another provider
    apply(staff, firm_a, programme, other)
    mine = apply(staff, firms[0], programme, provider)
    user = login.user
    user.set_password("Xin#mima2021")
    user.save()
    client.force_login(user)
    own = {mine.pk, provider.pk, login.pk}
    before = AuditLog.objects.count()
    for route in all_routes():
        if route.startswith(SKIP_PREFIXES) or "openapi" in route or "docs" in route:
            continue
        url, params = fill(route, firm_a, "tok-none")
        if params & ENTERPRISE_PARAMS:
            if "vouchers/" in route and firm_a.pk in own:
                continue  # the number happens to name the provider's own record
            for method in ("get", "post"):
                response = (
                    client.get(url)
                    if method == "get"
                    else client.post(url, content_type="application/json", data={})
                )
                assert response.status_code in (403, 404, 405), (method, url, response.status_code)
        elif "token" in params:
            continue
        else:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404, 405), (url, response.status_code)
            body = response.content
            if response.get("Content-Type", "").startswith("application/vnd.openxml"):
                from kechuang.core.tabular import read_table

                body = str(read_table(body, "x.xlsx").rows).encode()
            assert firm_a.uscc.encode() not in body, url
            assert firm_a.name.encode() not in body, url
    assert AuditLog.objects.count() == before
    assert client.get(f"/vouchers/{mine.pk}/").status_code == 200


def test_a_provider_login_lands_on_its_provider_page(
    client: Any, login: ProviderMember, staff: Any, provider: Any
) -> None:
    form = {"username": "jiance", "password": PASSWORD}
    first = client.post("/accounts/login/", form, follow=True)
    assert first.redirect_chain[-1][0] == "/accounts/password/"  # its page asks this first
    new = {"old_password": PASSWORD, "new_password1": "Xin#mima2021"}
    client.post("/accounts/password/", {**new, "new_password2": "Xin#mima2021"})
    client.logout()
    form["password"] = "Xin#mima2021"
    r = client.post("/accounts/login/", form, follow=True)
    assert [url for url, _code in r.redirect_chain] == ["/", "/vouchers/provider/"]
    assert provider.name in r.content.decode()
    client.logout()
    staff.set_password(PASSWORD)
    staff.save()
    r = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert client.get(r["Location"])["Location"] == "/enterprises/"  # the others: the registry
