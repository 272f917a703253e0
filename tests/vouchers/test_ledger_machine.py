"""Random sequences of applications, approvals, redemptions, expiries, cancellations and
corrections (hypothesis' state machine); after every step the books hold:

- per programme and per firm: budget = available + committed + paid, from the ledger;
- the programme's running totals equal the ledger's sums; none is below zero;
- no firm holds more than its yearly cap; nothing is spent beyond the budget;
- each voucher's entries agree with its stage: committed = approved − paid while it
  lives, nothing once it is closed; paid = what the voucher says was paid;
- a refused step (above the cap or ratio or budget, after expiry, a second payment)
  writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kechuang.core.errors import DomainError
from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import LedgerEntry, Voucher, VoucherProgramme
from kechuang.vouchers.workflow import LIVE
from tests.vouchers.conftest import make_programme, pdf

pytestmark = pytest.mark.django_db

ZERO = Decimal(0)
CAP = Decimal("30000")
BUDGET = Decimal("100000")
cents = st.integers(min_value=1, max_value=8_000_000).map(lambda c: Decimal(c) / 100)


def entries_now() -> int:
    return LedgerEntry.objects.count()


class VoucherBooks(RuleBasedStateMachine):
    staff: Any
    region: Any
    firms: list[Any]
    provider: Any

    def __init__(self) -> None:
        super().__init__()
        self.sid = transaction.savepoint()
        self.day = dt.date(2020, 3, 2)
        self.programme = make_programme(
            self.staff,
            self.region,
            budget=str(BUDGET),
            cap=str(CAP),
            validity_days=60,
            eligibility={},
        )
        self.vouchers: list[Voucher] = []

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.sid)

    def _refused(self, fn: Any) -> bool:
        """Run a step; a refusal must write nothing."""
        before = entries_now(), self._totals()
        try:
            with transaction.atomic():
                fn()
        except DomainError:
            assert (entries_now(), self._totals()) == before
            return False
        return True

    def _totals(self) -> tuple[Decimal, ...]:
        p = VoucherProgramme.objects.get(pk=self.programme.pk)
        return p.budget_yuan, p.available_yuan, p.committed_yuan, p.paid_yuan

    def _pick(self, i: int) -> Voucher | None:
        if not self.vouchers:
            return None
        v = self.vouchers[i % len(self.vouchers)]
        v.refresh_from_db()
        v.application.refresh_from_db()
        return v

    @rule(firm=st.integers(0, 3), fee=cents, days=st.integers(0, 5))
    def apply(self, firm: int, fee: Decimal, days: int) -> None:
        self.day += dt.timedelta(days=days)
        if self.day > dt.date(2020, 10, 31):
            return
        ok = self._refused(
            lambda: self.vouchers.append(
                services.voucher_apply(
                    actor=self.staff,
                    enterprise=self.firms[firm],
                    programme=self.programme,
                    provider=self.provider,
                    category="testing",
                    service="检测",
                    fee_yuan=fee,
                    on=self.day,
                )
            )
        )
        assert ok

    @rule(i=st.integers(0, 50), amount=cents)
    def approve(self, i: int, amount: Decimal) -> None:
        v = self._pick(i)
        if v is None:
            return
        p = VoucherProgramme.objects.get(pk=self.programme.pk)
        held = selectors.books(p, v.enterprise_id)
        fits = (
            v.application.stage == "applied"
            and amount <= services.fen(v.fee_yuan * p.subsidy_ratio)
            and amount <= CAP - held.committed - held.paid
            and amount <= p.available_yuan
        )
        done = self._refused(
            lambda: services.voucher_approve(
                actor=self.staff, voucher=v, amount_yuan=amount, on=self.day
            )
        )
        assert done == fits

    @rule(i=st.integers(0, 50), share=st.integers(1, 150))
    def redeem(self, i: int, share: int) -> None:
        """Take a voucher as far as it goes: evidence, contract, service, claim (the
        invoice `share` % of the estimated fee), check, pay."""
        v = self._pick(i)
        if v is None or v.application.stage not in LIVE:
            return
        stage = v.application.stage
        expired = v.expires_on is not None and self.day > v.expires_on
        s = self.staff
        if stage == "issued":
            services.voucher_attach(actor=s, voucher=v, kind="contract", file=pdf())
            assert (
                self._refused(
                    lambda: services.voucher_move(actor=s, voucher=v, to="contracted", on=self.day)
                )
                != expired
            )
        elif stage == "contracted":
            services.voucher_attach(actor=s, voucher=v, kind="invoice", file=pdf())
            services.voucher_attach(actor=s, voucher=v, kind="report", file=pdf())
            assert (
                self._refused(
                    lambda: services.voucher_move(actor=s, voucher=v, to="delivered", on=self.day)
                )
                != expired
            )
        elif stage == "delivered":
            invoice = services.fen(v.fee_yuan * share / 100) or Decimal("0.01")
            assert (
                self._refused(
                    lambda: services.voucher_claim(
                        actor=s, voucher=v, invoice_yuan=invoice, on=self.day
                    )
                )
                != expired
            )
        elif stage == "claimed":
            assert self._refused(
                lambda: services.voucher_move(actor=s, voucher=v, to="checked", on=self.day)
            )
        elif stage == "checked":
            assert self._refused(lambda: services.voucher_pay(actor=s, voucher=v, on=self.day))
            # and never twice
            assert not self._refused(lambda: services.voucher_pay(actor=s, voucher=v, on=self.day))

    @rule(days=st.integers(1, 40))
    def time_passes_and_vouchers_expire(self, days: int) -> None:
        self.day += dt.timedelta(days=days)
        services.vouchers_expire(actor=self.staff, on=self.day)

    @rule(i=st.integers(0, 50))
    def cancel(self, i: int) -> None:
        v = self._pick(i)
        if v is None:
            return
        closable = v.application.stage in ("applied", *LIVE)
        assert (
            self._refused(
                lambda: services.voucher_cancel(
                    actor=self.staff, voucher=v, reason="企业申请作废", on=self.day
                )
            )
            == closable
        )

    @rule(i=st.integers(0, 50), amount=cents)
    def correct_a_payment(self, i: int, amount: Decimal) -> None:
        v = self._pick(i)
        if v is None or v.paid_yuan == 0:
            return
        assert self._refused(
            lambda: services.payment_correct(
                actor=self.staff, voucher=v, amount_yuan=amount, on=self.day, note="退回"
            )
        ) == (amount <= v.paid_yuan)

    @invariant()
    def books_balance(self) -> None:
        p = VoucherProgramme.objects.get(pk=self.programme.pk)
        b = selectors.books(p)
        assert b.balanced and b.budget == BUDGET
        assert (b.budget, b.available, b.committed, b.paid) == self._totals()
        assert min(b.available, b.committed, b.paid) >= 0
        for firm in self.firms:
            fb = selectors.books(p, firm.pk)
            assert fb.budget == 0 and fb.available + fb.committed + fb.paid == 0
            assert ZERO <= fb.committed + fb.paid <= CAP
        for v in Voucher.objects.filter(programme=p).select_related("application"):
            vb = LedgerEntry.objects.filter(voucher=v)
            committed = sum((e.d_committed for e in vb), ZERO)
            paid = sum((e.d_paid for e in vb), ZERO)
            live = v.application.stage in LIVE
            assert committed == ((v.approved_yuan or ZERO) - v.paid_yuan if live else ZERO)
            assert paid == v.paid_yuan <= (v.approved_yuan or ZERO)


def test_the_books_hold_after_every_step(
    staff: Any, regions: Any, firms: Any, provider: Any
) -> None:
    VoucherBooks.staff = staff
    VoucherBooks.region = regions["county"]
    VoucherBooks.firms = firms
    VoucherBooks.provider = provider
    run_state_machine_as_test(
        VoucherBooks,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
