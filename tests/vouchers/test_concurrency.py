"""20 threads approving and redeeming against one small budget at once, on PostgreSQL:
the budget is never overspent, no voucher is paid twice, the books balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import LedgerEntry, Voucher, VoucherProgramme
from tests.concurrency import Racers, require_postgres, wait_for_waiters
from tests.conftest import make_enterprise
from tests.vouchers.conftest import DAY, apply, certify, make_programme, to_checked

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_threads_never_overspend_and_never_pay_twice(
    staff: Any, regions: Any, provider: Any
) -> None:
    require_postgres()
    # a small budget: 5 × 200 committed to five checked claims, room for 5 more approvals
    p = make_programme(staff, regions["county"], budget="2000", cap="1000", eligibility={})
    firms = [certify(staff, make_enterprise(staff, regions["park_a"]), i) for i in range(15)]
    checked = []
    for firm in firms[:5]:
        v = apply(staff, firm, p, provider, fee="400")
        services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("200"), on=DAY)
        checked.append(to_checked(staff, v, invoice="400", on=dt.date(2020, 5, 1)))
    waiting = [apply(staff, firm, p, provider, fee="400") for firm in firms[5:15]]
    pay_day = dt.date(2020, 6, 1)

    def approve(v: Voucher) -> Any:
        return lambda: services.voucher_approve(
            actor=staff, voucher=v, amount_yuan=Decimal("200"), on=pay_day
        )

    def pay(v: Voucher) -> Any:
        return lambda: services.voucher_pay(actor=staff, voucher=v, on=pay_day)

    # 10 approvals of 200 against 1,000 available; each checked claim paid by two threads
    fns = [approve(v) for v in waiting] + [pay(v) for v in checked for _ in range(2)]
    racers = Racers(*fns)
    with transaction.atomic():
        # hold the programme: every racer queues behind its lock, then they run at once
        list(VoucherProgramme.objects.select_for_update().filter(pk=p.pk))
        racers.start()
        wait_for_waiters(20, racers)
    results = racers.join()
    approvals, payments = results[:10], results[10:]
    assert sum(1 for s, _ in approvals if s == "ok") == 5
    refused = [r for s, r in approvals if s != "ok"]
    assert all("超过本年度剩余预算" in r.message for r in refused)
    assert sum(1 for s, _ in payments if s == "ok") == 5
    assert LedgerEntry.objects.filter(programme=p, kind="pay").count() == 5
    assert LedgerEntry.objects.filter(programme=p, kind="commit").count() == 10
    p.refresh_from_db()
    b = selectors.books(p)
    assert (
        b.balanced and b.available == 0 and b.committed == Decimal(1000) and b.paid == Decimal(1000)
    )
    assert (p.available_yuan, p.committed_yuan, p.paid_yuan) == (b.available, b.committed, b.paid)
    assert (
        sorted(Voucher.objects.filter(programme=p).values_list("paid_yuan", flat=True))
        == [0] * 10 + [200] * 5
    )
