"""Login throttling (django-axes): after too many failures a username, and an address,
is refused even with the right password, with a Chinese message saying when to retry;
failures are logged; staff can unlock. Passwords like the username are refused."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from kechuang.accounts.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Kechuang-1"
LIMIT = 5


@pytest.fixture
def throttled() -> Any:
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT):
        yield


def login(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_lock_the_username_with_a_chinese_retry_time(
    client: Any, officer_a: Any, throttled: Any, caplog: Any
) -> None:
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(LIMIT - 1):
            assert login(client, "officer_a", "wrong").status_code == 200
        locked = login(client, "officer_a", "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录失败次数过多" in text and "之后再试" in text and "15 分钟" in text
    assert "AXES" in caplog.text and "officer_a" in caplog.text  # each failure logged
    # the right password no longer works, from this address or another
    for address in ("10.0.0.1", "10.0.0.2"):
        refused = login(client, "officer_a", PASSWORD, address)
        assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="officer_a").exists()


def test_one_address_trying_many_usernames_is_locked_out(
    client: Any, officer_a: Any, officer_b: Any, throttled: Any
) -> None:
    for i in range(LIMIT):
        login(client, f"guess{i}", "wrong", "10.0.0.9")
    assert login(client, "officer_b", PASSWORD, "10.0.0.9").status_code == 429
    ok = login(client, "officer_b", PASSWORD, "10.0.0.10")  # elsewhere, the user may log in
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(officer_b.pk)


def test_staff_unlock_a_username_with_a_command(
    client: Any, officer_a: Any, throttled: Any
) -> None:
    for _ in range(LIMIT):
        login(client, "officer_a", "wrong")
    assert login(client, "officer_a", PASSWORD, "10.0.0.3").status_code == 429
    call_command("axes_reset_username", "officer_a")
    call_command("axes_reset_ip", "10.0.0.1")
    assert login(client, "officer_a", PASSWORD).status_code == 302


def test_staff_unlock_in_the_admin_is_audited(client: Any, officer_a: Any, throttled: Any) -> None:
    from kechuang.core.models import AuditLog

    for _ in range(LIMIT):
        login(client, "officer_a", "wrong")
    root = make_user("root", "staff", is_staff=True, is_superuser=True)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    client.force_login(root)
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert AuditLog.objects.filter(object_type="axes.accessattempt", action="delete").count() == 1
    client.logout()
    assert login(client, "officer_a", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(
    client: Any, officer_a: Any, throttled: Any
) -> None:
    for _ in range(LIMIT - 1):
        login(client, "officer_a", "wrong")
    assert login(client, "officer_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert login(client, "officer_a", "wrong").status_code == 200


def test_tests_elsewhere_are_not_throttled(client: Any, officer_a: Any) -> None:
    for _ in range(LIMIT + 2):
        login(client, "officer_a", "wrong")
    assert login(client, "officer_a", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password", ["huangqiao", "huangqiao2021", "Huangqiao!", "黄桥镇干部", "13805260000"]
)
def test_passwords_like_the_username_name_or_phone_are_refused(password: str) -> None:
    user = User(username="huangqiao", display_name="黄桥镇干部", phone="13805260000")
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert any("过于相似" in m or "太短" in m for m in caught.value.messages)
    assert all(m.isascii() is False for m in caught.value.messages)  # Chinese, every one


def test_an_unrelated_password_is_accepted() -> None:
    user = User(username="huangqiao", display_name="黄桥镇干部", phone="13805260000")
    validate_password("Qz7-river-lantern", user)
