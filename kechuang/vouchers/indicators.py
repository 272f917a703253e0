"""What the vouchers brought, as indicators (spec/indicators.md, C5): the amount
redeemed, the firms that used vouchers and their R&D spending, the leverage (R&D per
yuan redeemed) and its change on the year before, and the unredeemed rate — unused
vouchers being the known failure of voucher schemes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.targets.indicators import (
    COUNT,
    PERCENT,
    WAN,
    Computed,
    Evaluator,
    Indicator,
    RecordRow,
)
from kechuang.vouchers.models import wan_text

WAN_YUAN = Decimal(10000)


def _memo(ev: Evaluator, key: tuple[Any, ...], fn: Any) -> Any:
    """One answer per evaluator (one request or report): the four figures of a year
    share whether a programme covers it and which firms redeemed."""
    cache: dict[tuple[Any, ...], Any] = ev.__dict__.setdefault("_vouchers_memo", {})
    if key not in cache:
        cache[key] = fn()
    return cache[key]


def _covered(ev: Evaluator, region: Any, year: int) -> bool:
    from kechuang.vouchers import selectors as s

    return bool(_memo(ev, ("covered", region.pk, year), lambda: s.has_programme(region, year)))


def _firms(ev: Evaluator, region: Any, year: int) -> list[int]:
    from kechuang.vouchers import selectors as s

    return list(_memo(ev, ("firms", region.pk, year), lambda: s.redeeming_firms(region, year)))


def _redeemed(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.vouchers import selectors as s

    if not _covered(ev, region, year):
        return Computed(None, 0)
    total, n = s.redeemed(region, year)

    def rows() -> list[RecordRow]:
        out = []
        for e in (
            s.paid_in(region, year)
            .select_related("voucher", "enterprise", "enterprise__region")
            .order_by("on", "id")
        ):
            out.append(
                RecordRow(
                    e.enterprise_id,
                    e.enterprise.name if e.enterprise else "—",
                    e.enterprise.region.name if e.enterprise else "—",
                    "创新券兑付",
                    f"{e.voucher.code if e.voucher else ''} {e.get_kind_display()}".strip(),
                    e.on,
                    e.d_paid / WAN_YUAN,
                )
            )
        return out

    return Computed(total / WAN_YUAN, n, rows)


def _firm_rows(region: Any, year: int, with_rd: bool) -> list[RecordRow]:
    from kechuang.enterprises.models import Enterprise, YearlyFacts
    from kechuang.vouchers import selectors as s

    firms = s.redeeming_firms(region, year)
    rd = dict(
        YearlyFacts.objects.filter(enterprise_id__in=firms, fiscal_year=year).values_list(
            "enterprise_id", "rd_expense_yuan"
        )
    )
    out = []
    for f in Enterprise.objects.filter(pk__in=firms).select_related("region").order_by("name"):
        amount = rd.get(f.pk)
        out.append(
            RecordRow(
                f.pk,
                f.name,
                f.region.name,
                "年度数据" if with_rd else "创新券企业",
                f"{year}年度研发费用" if with_rd else f"{year}年兑付创新券",
                None,
                None if amount is None or not with_rd else Decimal(amount) / WAN_YUAN,
            )
        )
    return out


def _enterprises(ev: Evaluator, region: Any, year: int) -> Computed:

    if not _covered(ev, region, year):
        return Computed(None, 0)
    n = len(_firms(ev, region, year))
    return Computed(Decimal(n), n, lambda: _firm_rows(region, year, False))


def _rd_driven(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.vouchers import selectors as s

    if not _covered(ev, region, year):
        return Computed(None, 0)
    total, n = s.rd_of(_firms(ev, region, year), year)
    return Computed(
        None if total is None else total / WAN_YUAN, n, lambda: _firm_rows(region, year, True)
    )


def _leverage(ev: Evaluator, region: Any, year: int) -> Computed:
    rd = ev.value("voucher_rd_driven_wan", region, year)
    paid = ev.value("voucher_redeemed_wan", region, year)
    if rd.value is None or not paid.value:
        return Computed(None, 0)
    return Computed(
        rd.value / paid.value,
        rd.records + paid.records,
        lambda: ev.records("voucher_redeemed_wan", region, year),
    )


def _leverage_yoy(ev: Evaluator, region: Any, year: int) -> Computed:
    now = ev.value("voucher_leverage", region, year)
    before = ev.value("voucher_leverage", region, year - 1)
    if now.value is None or not before.value:
        return Computed(None, 0)
    return Computed(
        (now.value / before.value - 1) * 100,
        now.records + before.records,
        lambda: ev.records("voucher_redeemed_wan", region, year),
    )


def _unredeemed(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.vouchers import selectors as s

    if not _covered(ev, region, year):
        return Computed(None, 0)
    approved, left, n = s.unredeemed(region, year, ev.today)
    if not approved:
        return Computed(None, n)

    def rows() -> list[RecordRow]:
        return [
            RecordRow(
                v.enterprise_id,
                v.enterprise.name,
                v.enterprise.region.name,
                "创新券",
                f"{v.code} {v.application.stage_label}：核定{wan_text(v.approved_yuan)}，已兑付{wan_text(v.paid_yuan)}",
                v.issued_on,
                ((v.approved_yuan or 0) - v.paid_yuan) / WAN_YUAN,
            )
            for v in s.issued_of_year(region, year)
            .select_related("enterprise", "enterprise__region", "application")
            .order_by("code")
            if (v.approved_yuan or 0) > v.paid_yuan
        ]

    return Computed(left / approved * 100, n, rows)


INDICATORS = [
    Indicator(
        "voucher_redeemed_wan",
        "兑现科技创新券",
        WAN,
        "C5",
        "当年兑付（兑现）的创新券金额：台账中当年日期的兑付分录之和（含更正），企业在区域内",
        "records",
        2,
        _redeemed,
    ),
    Indicator(
        "voucher_enterprises",
        "使用创新券企业",
        COUNT,
        "C5",
        "当年有创新券兑付（净额大于0）的企业数",
        "records",
        0,
        _enterprises,
    ),
    Indicator(
        "voucher_rd_driven_wan",
        "创新券企业研发投入",
        WAN,
        "C5",
        "当年兑付创新券的企业当年度研发费用之和（年度数据；未填报的企业不计）",
        "records",
        2,
        _rd_driven,
    ),
    Indicator(
        "voucher_leverage",
        "创新券带动研发投入倍数",
        "倍",
        "C5",
        "创新券企业研发投入 ÷ 兑现创新券金额（财政资金杠杆）",
        "derived",
        2,
        _leverage,
    ),
    Indicator(
        "voucher_leverage_yoy",
        "创新券带动倍数同比变化",
        PERCENT,
        "C5",
        "（当年带动倍数 ÷ 上年带动倍数 − 1）× 100",
        "derived",
        2,
        _leverage_yoy,
    ),
    Indicator(
        "voucher_unredeemed_rate",
        "创新券未兑现率",
        PERCENT,
        "C5",
        "当年方案已核定发券金额中尚未兑付（过期、作废或仍未使用）的比例",
        "records",
        2,
        _unredeemed,
    ),
]
