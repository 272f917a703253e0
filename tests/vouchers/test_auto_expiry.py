"""Expiry without anybody acting: on a frozen clock, a voucher past its validity is
expired (release entry, audit) before any voucher page reads it; the service is
idempotent; the cron command stays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from kechuang.core.models import AuditLog
from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import LedgerEntry, Voucher
from tests.vouchers.conftest import DAY, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(staff: Any, programme: Any, provider: Any, firms: Any) -> Voucher:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal(30000), on=DAY)
    return v  # valid 180 days: to 2020-09-28


def _clock(settings: Any, day: str) -> Any:
    """The instance's today follows the (frozen) clock: no KECHUANG_TODAY."""
    settings.KECHUANG_TODAY = None
    return time_machine.travel(dt.datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def test_a_page_read_after_the_expiry_expires_and_releases(
    client_for: Any,
    enterprise_user: Any,
    staff: Any,
    issued: Voucher,
    programme: Any,
    settings: Any,
) -> None:
    with _clock(settings, "2020-09-28"):
        client_for(staff).get("/vouchers/?year=2020")
        issued.application.refresh_from_db()
        assert issued.application.stage == "issued"  # still valid on its last day
    with _clock(settings, "2020-10-05"):
        page = client_for(staff).get(f"/vouchers/{issued.pk}/").content.decode()
    issued.refresh_from_db()
    issued.application.refresh_from_db()
    assert issued.application.stage == "expired" and "已过期" in page
    assert "系统自动到期" in issued.reason
    release = LedgerEntry.objects.get(voucher=issued, kind="release")
    assert release.on == dt.date(2020, 9, 29) and release.d_available == Decimal(30000)
    b = selectors.books(programme)
    assert b.balanced and b.committed == 0 and b.available == b.budget
    assert AuditLog.objects.filter(via="auto").exists()


def test_the_service_is_idempotent(issued: Voucher, programme: Any, settings: Any) -> None:
    with _clock(settings, "2020-12-01"):
        assert services.vouchers_expire_due() == 1
        assert services.vouchers_expire_due() == 0
    assert LedgerEntry.objects.filter(voucher=issued, kind="release").count() == 1
    assert selectors.books(programme).balanced


def test_nothing_is_due_before_the_expiry(issued: Voucher, settings: Any) -> None:
    with _clock(settings, "2020-06-01"):
        assert services.vouchers_expire_due() == 0
    issued.application.refresh_from_db()
    assert issued.application.stage == "issued"


@pytest.mark.parametrize(
    "page",
    [
        "/vouchers/programmes/",
        "/vouchers/programmes/{p}/",
        "/vouchers/programmes/{p}/ledger/",
        "/vouchers/providers/{provider}/",
    ],
)
def test_every_voucher_page_expires_first(
    client_for: Any,
    staff: Any,
    issued: Voucher,
    programme: Any,
    provider: Any,
    settings: Any,
    page: str,
) -> None:
    with _clock(settings, "2021-01-10"):
        r = client_for(staff).get(page.format(p=programme.pk, provider=provider.pk))
    assert r.status_code == 200
    issued.application.refresh_from_db()
    assert issued.application.stage == "expired"


def test_the_cron_command_stays(issued: Voucher) -> None:
    from django.core.management import call_command

    call_command("vouchers_expire", on=dt.date(2021, 1, 1))
    issued.application.refresh_from_db()
    assert issued.application.stage == "expired"


def test_the_daily_schedule_expires_without_any_page_read(issued: Voucher, programme: Any) -> None:
    from kechuang.core import schedule

    job = next(j for j in schedule.jobs() if j.key == "vouchers-expire")
    run = schedule.run_job(job, dt.date(2020, 10, 5), trigger="manual")
    assert run is not None and run.status == "done" and "1张" in run.result
    issued.application.refresh_from_db()
    assert issued.application.stage == "expired"
    assert schedule.run_job(job, dt.date(2020, 10, 5), trigger="manual") is None  # once a day
    assert selectors.books(programme).balanced
