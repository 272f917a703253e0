"""The voucher services: the whole life of a voucher, and every refusal — said in
Chinese, naming the field, writing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.programmes.models import Application, Attachment, Event
from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import LedgerEntry, Voucher, VoucherProgramme
from tests.vouchers.conftest import DAY, apply, make_programme, pdf, to_checked

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        LedgerEntry.objects.count(),
        Voucher.objects.count(),
        Application.objects.count(),
        Event.objects.count(),
        Attachment.objects.count(),
        AuditLog.objects.count(),
    )


def totals(p: Any) -> tuple[Decimal, ...]:
    p = VoucherProgramme.objects.get(pk=p.pk)
    return p.budget_yuan, p.available_yuan, p.committed_yuan, p.paid_yuan


def test_a_voucher_goes_from_application_to_payment_and_the_books_follow(
    staff: Any, officer_a: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider, fee="100000")
    assert v.application.stage == "applied" and v.code.startswith("KJQ2020")
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("40000"), on=DAY)
    v.refresh_from_db()
    assert v.expires_on == DAY + dt.timedelta(days=180)
    assert totals(programme) == (Decimal(1000000), Decimal(960000), Decimal(40000), Decimal(0))
    to_checked(staff, v, invoice="70000.02", on=dt.date(2020, 6, 1))
    v.refresh_from_db()
    assert v.claimed_yuan == Decimal("35000.01")  # half the invoice, down to the fen
    services.voucher_pay(actor=staff, voucher=v, on=dt.date(2020, 6, 10))
    v.refresh_from_db()
    assert v.application.stage == "paid" and v.paid_yuan == Decimal("35000.01")
    # the rest of the approval goes back to the budget
    assert totals(programme) == (
        Decimal(1000000),
        Decimal("964999.99"),
        Decimal(0),
        Decimal("35000.01"),
    )
    b = selectors.books(programme)
    assert b.balanced and (b.available, b.committed, b.paid) == totals(programme)[1:]
    kinds = list(LedgerEntry.objects.filter(voucher=v).values_list("kind", flat=True))
    assert kinds == ["commit", "pay", "release"]


def test_approval_above_the_subsidy_ratio_is_refused_and_writes_nothing(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider, fee="100000")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("50000.01"), on=DAY)
    assert "核定金额" in str(exc.value.errors[0]) and "服务费的50%" in exc.value.message
    assert "最多5.00万元" in exc.value.message
    assert counts() == before
    v.refresh_from_db()
    assert v.approved_yuan is None and v.application.stage == "applied"


def test_approval_above_the_firms_yearly_cap_is_refused(
    staff: Any, regions: Any, provider: Any, firms: Any
) -> None:
    p = make_programme(staff, regions["county"], cap="60000")
    first = apply(staff, firms[0], p, provider, fee="100000")
    services.voucher_approve(actor=staff, voucher=first, amount_yuan=Decimal("45000"), on=DAY)
    second = apply(staff, firms[0], p, provider, fee="100000")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_approve(
            actor=staff, voucher=second, amount_yuan=Decimal("15000.01"), on=DAY
        )
    assert "超过该企业本年度剩余上限" in exc.value.message and "剩余1.50万元" in exc.value.message
    assert counts() == before
    services.voucher_approve(actor=staff, voucher=second, amount_yuan=Decimal("15000"), on=DAY)


def test_approval_above_the_remaining_budget_is_refused(
    staff: Any, regions: Any, provider: Any, firms: Any
) -> None:
    p = make_programme(staff, regions["county"], budget="50000")
    a = apply(staff, firms[0], p, provider, fee="80000")
    services.voucher_approve(actor=staff, voucher=a, amount_yuan=Decimal("40000"), on=DAY)
    b = apply(staff, firms[1], p, provider, fee="80000")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_approve(actor=staff, voucher=b, amount_yuan=Decimal("10000.01"), on=DAY)
    assert "超过本年度剩余预算（可用1.00万元）" in exc.value.message
    assert counts() == before


def test_amounts_beyond_the_fen_or_not_positive_are_refused(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider)
    for bad, says in (
        (Decimal("100.001"), "精确到分"),
        (Decimal(0), "应大于0"),
        (Decimal(-5), "应大于0"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.voucher_approve(actor=staff, voucher=v, amount_yuan=bad, on=DAY)
        assert says in exc.value.message


def test_redeeming_an_expired_voucher_is_refused_and_writes_nothing(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    """The claim writes nothing; the voucher, used past its expiry, is expired first
    (automatic expiry: the release it owed), whoever tried."""
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    services.voucher_attach(actor=staff, voucher=v, kind="contract", file=pdf())
    services.voucher_move(actor=staff, voucher=v, to="contracted", on=DAY)
    services.voucher_attach(actor=staff, voucher=v, kind="invoice", file=pdf())
    services.voucher_attach(actor=staff, voucher=v, kind="report", file=pdf())
    services.voucher_move(actor=staff, voucher=v, to="delivered", on=DAY)
    late = DAY + dt.timedelta(days=181)
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_claim(actor=staff, voucher=v, invoice_yuan=Decimal("60000"), on=late)
    assert "已于2020年09月28日过期" in exc.value.message and "申请兑付" in exc.value.message
    v.refresh_from_db()
    assert v.invoice_yuan is None and v.claimed_yuan is None
    assert not v.application.events.filter(stage="claimed").exists()
    # the only write: the expiry that was due, released on the day after the validity
    assert v.application.stage == "expired" and "逾期未使用" in v.reason
    (release,) = LedgerEntry.objects.filter(voucher=v, kind="release")
    assert LedgerEntry.objects.count() == entries + 1
    assert release.on == dt.date(2020, 9, 29) and release.d_available == Decimal(30000)
    assert totals(programme)[1:] == (Decimal(1000000), Decimal(0), Decimal(0))
    # the bureau's run finds nothing left to expire
    assert services.vouchers_expire(actor=staff, on=late) == 0


def test_uploading_to_another_enterprises_voucher_is_refused_and_writes_nothing(
    staff: Any, enterprise_user: Any, programme: Any, provider: Any, firms: Any
) -> None:
    other = firms[0]  # not the enterprise user's firm
    v = apply(staff, other, programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    before = counts()
    with pytest.raises(PermissionDenied) as exc:
        services.voucher_attach(actor=enterprise_user, voucher=v, kind="contract", file=pdf())
    assert "不属于本区域" in exc.value.message
    assert counts() == before
    with pytest.raises(NotFound):  # nor can it see it
        selectors.voucher_get(actor=enterprise_user, pk=v.pk)


def test_an_enterprise_applies_for_itself_and_tracks_its_voucher(
    staff: Any, enterprise_user: Any, own_firm: Any, regions: Any, provider: Any
) -> None:
    p = make_programme(staff, regions["county"], eligibility={"certificates": ["hnte"]})
    v = services.voucher_apply(
        actor=enterprise_user,
        enterprise=own_firm,
        programme=p,
        provider=provider,
        category="design",
        service="工艺优化设计",
        fee_yuan=Decimal("20000"),
        on=DAY,
    )
    assert selectors.voucher_get(actor=enterprise_user, pk=v.pk) == v
    with pytest.raises(PermissionDenied):  # the bureau approves
        services.voucher_approve(actor=enterprise_user, voucher=v, amount_yuan=Decimal(1), on=DAY)
    services.voucher_cancel(actor=enterprise_user, voucher=v, reason="改由自有实验室完成", on=DAY)
    v.refresh_from_db()
    assert v.application.stage == "cancelled" and v.reason == "改由自有实验室完成"


def test_applications_outside_the_rule_are_refused_with_each_reason(
    staff: Any, regions: Any, provider: Any, firm_a: Any
) -> None:
    p = make_programme(staff, regions["county"])
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_apply(
            actor=staff,
            enterprise=firm_a,  # no certificate
            programme=p,
            provider=provider,
            category="novelty",  # not admitted this year
            service="",
            fee_yuan=Decimal("-1"),
            on=dt.date(2020, 11, 5),  # after the close
        )
    text = "；".join(exc.value.lines())
    assert "预计服务费" in text and "服务类别" in text and "服务内容" in text
    assert "申请日期" in text and "企业资质" in text and "年度科技创新券实施方案" in text
    assert Voucher.objects.count() == 0


def test_a_suspended_provider_takes_no_new_vouchers(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    services.provider_set_status(
        actor=staff, provider=provider, suspend=True, reason="资质过期", on=DAY
    )
    provider.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        apply(staff, firms[0], programme, provider)
    assert "已暂停：资质过期" in exc.value.message or "已暂停：资质过期" in "；".join(
        exc.value.lines()
    )


def test_the_workflow_refuses_money_moves_made_around_the_services(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    from kechuang.programmes.services import application_transition

    v = apply(staff, firms[0], programme, provider)
    with pytest.raises(PermissionDenied) as exc:
        application_transition(actor=staff, application=v.application, to="issued", on=DAY)
    assert "核定发券" in exc.value.message


def test_evidence_comes_before_the_step_that_needs_it(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    with pytest.raises(PermissionDenied) as exc:
        services.voucher_move(actor=staff, voucher=v, to="contracted", on=DAY)
    assert "请先上传服务合同" in exc.value.message


def test_a_voucher_is_paid_once(staff: Any, programme: Any, provider: Any, firms: Any) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    to_checked(staff, v, "60000", DAY)
    services.voucher_pay(actor=staff, voucher=v, on=DAY)
    before = counts()
    with pytest.raises(Conflict) as exc:
        services.voucher_pay(actor=staff, voucher=v, on=DAY)
    assert "不能兑付" in exc.value.message
    assert counts() == before


def test_a_wrong_payment_is_corrected_by_a_new_entry(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    to_checked(staff, v, "60000", DAY)
    services.voucher_pay(actor=staff, voucher=v, on=DAY)
    pay = LedgerEntry.objects.get(voucher=v, kind="pay")
    entry = services.payment_correct(
        actor=staff,
        voucher=v,
        amount_yuan=Decimal("1000"),
        on=DAY,
        note="发票含不予支持的费用，企业退回",
    )
    assert entry.corrects == pay and LedgerEntry.objects.get(pk=pay.pk).d_paid == Decimal(30000)
    assert totals(programme)[1:] == (Decimal(971000), Decimal(0), Decimal(29000))
    with pytest.raises(TypeError):
        pay.note = "改"
        pay.save()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=pay.pk).update(note="改")
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()


def test_budget_changes_are_entries_and_cannot_go_below_what_is_held(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("50000"), on=DAY)
    with pytest.raises(ValidationFailed) as exc:
        services.programme_budget_adjust(
            actor=staff, programme=programme, delta_yuan=Decimal("-950000.01"), on=DAY, note="调减"
        )
    assert "可用额度为负" in exc.value.message
    services.programme_budget_adjust(
        actor=staff, programme=programme, delta_yuan=Decimal("200000"), on=DAY, note="追加预算"
    )
    assert totals(programme) == (Decimal(1200000), Decimal(1150000), Decimal(50000), Decimal(0))


def test_the_expiry_command_expires_and_releases(
    staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    from django.core.management import call_command

    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    call_command("vouchers_expire", on=DAY + dt.timedelta(days=200))
    v.refresh_from_db()
    assert v.application.stage == "expired"
    assert totals(programme)[2] == 0
