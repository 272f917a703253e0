"""The demo county's funds, tax relief and loans (C6), so that the 2020 report gives the
seed's figures: "及时足额发放高企培育资金930万元；市本级发放2019年度创新发展先导区奖补资金
5861.21万元；科技企业2019年度所得税减免6.29亿元" and "为15家企业发放“苏科贷”贷款7840万元，
同比增长29.8%".

Design (not in the seed): 高企培育资金 15万元 to each of 62 firms entering the provincial
pool in 2020; 先导区奖补 of 2019 (paid in 2020) to 36 firms; income-tax relief of 2018 and
2019 for the firms holding a valid HNTE certificate (15 % rate) and for R&D super
deduction, split by their R&D spending; 苏科贷 2019 6040万元 (12 firms; 7840 ÷ 6040 − 1 =
29.80 %), 2020 7840万元 (15 firms), 2021 in progress; a few other sci-tech loans.
Written in bulk; rows keyed as the import sheets key them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.models import Region
from kechuang.core.audit import audit_log
from kechuang.enterprises.models import Certificate, YearlyFacts
from kechuang.finance.models import FundPayment, Loan, TaxRelief

SEED = 2020_0930
COUNTY = "321283"
CULTIVATION_FUND_2020 = Decimal("9300000")  # 930万元
CULTIVATION_FIRMS = 62  # × 15万元
PILOT_ZONE_2019 = Decimal("58612100")  # 5861.21万元
TAX_RELIEF_2019 = Decimal("629000000")  # 6.29亿元
TAX_RELIEF_2018 = Decimal("512000000")  # demo design
SUKEDAI = {
    2019: (Decimal("60400000"), 12),
    2020: (Decimal("78400000"), 15),
    2021: (Decimal("41000000"), 8),
}
BANKS = [
    "江苏银行泰兴支行",
    "中国银行泰兴支行",
    "农业银行泰兴支行",
    "泰兴农商银行",
    "交通银行泰兴支行",
]
HUNDRED_K = Decimal(100000)


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def _split(
    total: Decimal, n: int, rng: random.Random, unit: Decimal, weights: list[float] | None = None
) -> list[Decimal]:
    """`n` positive amounts in multiples of `unit` (the last takes the rest) adding up to
    exactly `total`."""
    w = weights or [rng.uniform(0.4, 1.6) for _ in range(n)]
    scale = total / unit / Decimal(str(sum(w)))
    out = [max(unit, (Decimal(str(x)) * scale).quantize(Decimal(1)) * unit) for x in w[:-1]]
    out.append(total - sum(out, Decimal(0)))
    if out[-1] <= 0:
        raise RuntimeError("无法拆分金额")
    return out


def load_demo_finance(actor: Any) -> int:
    """Idempotent: a second call does nothing."""
    if FundPayment.objects.exists() or Loan.objects.exists():
        return 0
    county = Region.objects.get(code=COUNTY)
    rng = random.Random(SEED)
    funds: list[FundPayment] = []
    with transaction.atomic():
        pool20 = sorted(
            Certificate.objects.filter(kind="provincial_pool", issued_on__year=2020)
            .in_region(county)
            .values_list("enterprise_id", flat=True)
            .distinct()
        )
        for firm in rng.sample(pool20, CULTIVATION_FIRMS):
            funds.append(
                FundPayment(
                    enterprise_id=firm,
                    kind="hnte_cultivation",
                    programme="省高企培育库入库企业培育资金",
                    fiscal_year=2020,
                    amount_yuan=CULTIVATION_FUND_2020 / CULTIVATION_FIRMS,
                    paid_on=_d(2020, 11, 18),
                    document="泰科发〔2020〕48号",
                )
            )
        hnte19 = sorted(
            Certificate.objects.filter(kind="hnte")
            .in_region(county)
            .valid_on(_d(2019, 12, 31))
            .values_list("enterprise_id", flat=True)
            .distinct()
        )
        pilots = rng.sample(hnte19, 36)
        for firm, amount in zip(
            pilots, _split(PILOT_ZONE_2019, 36, rng, Decimal("0.01")), strict=True
        ):
            funds.append(
                FundPayment(
                    enterprise_id=firm,
                    kind="pilot_zone",
                    programme="2019年度创新发展先导区奖补",
                    fiscal_year=2019,
                    amount_yuan=amount,
                    paid_on=_d(2020, 6, 28),
                    document="泰政办〔2020〕31号",
                )
            )
        for firm in rng.sample(hnte19, 20):
            funds.append(
                FundPayment(
                    enterprise_id=firm,
                    kind="project",
                    programme="泰兴市科技计划项目经费",
                    fiscal_year=2020,
                    amount_yuan=Decimal(rng.randrange(5, 40)) * 10000,
                    paid_on=_d(2020, 9, rng.randrange(1, 28)),
                    document="泰科发〔2020〕36号",
                )
            )
        FundPayment.objects.bulk_create(funds, batch_size=500)
        reliefs: list[TaxRelief] = []
        for year, amount in ((2018, TAX_RELIEF_2018), (2019, TAX_RELIEF_2019)):
            firms = sorted(
                Certificate.objects.filter(kind="hnte")
                .in_region(county)
                .valid_on(_d(year, 12, 31))
                .values_list("enterprise_id", flat=True)
                .distinct()
            )
            rd = dict(
                YearlyFacts.objects.filter(enterprise_id__in=firms, fiscal_year=year).values_list(
                    "enterprise_id", "rd_expense_yuan"
                )
            )
            weights = [float(rd.get(f) or 100000) for f in firms]
            amounts = _split(amount, len(firms), rng, Decimal("0.01"), weights)
            for firm, total in zip(firms, amounts, strict=True):
                deduction = (total * Decimal(str(rng.uniform(0.3, 0.5)))).quantize(Decimal("0.01"))
                for kind, part in (("hnte_rate", total - deduction), ("rd_deduction", deduction)):
                    reliefs.append(
                        TaxRelief(
                            enterprise_id=firm,
                            year=year,
                            kind=kind,
                            amount_yuan=part,
                            source="国家税务总局泰兴市税务局",
                        )
                    )
        TaxRelief.objects.bulk_create(reliefs, batch_size=1000)
        loans: list[Loan] = []
        candidates = sorted(
            YearlyFacts.objects.filter(fiscal_year=2019, revenue_yuan__gte=20_000_000)
            .filter(enterprise__region__path__startswith=county.path)
            .values_list("enterprise_id", flat=True)
        )
        n = 0
        for year, (amount, firms_n) in SUKEDAI.items():
            firms = rng.sample(candidates, firms_n)
            for firm, part in zip(firms, _split(amount, firms_n, rng, HUNDRED_K), strict=True):
                n += 1
                granted = _d(
                    year, rng.randrange(1, 7 if year == 2021 else 13), rng.randrange(1, 28)
                )
                due = granted + dt.timedelta(days=365)
                repaid = due < _d(2021, 6, 30)
                loans.append(
                    Loan(
                        enterprise_id=firm,
                        product=Loan.SU_KE_DAI,
                        bank=rng.choice(BANKS),
                        contract_no=f"SKD{year}{n:04d}",
                        amount_yuan=part,
                        granted_on=granted,
                        due_on=due,
                        rate_percent=Decimal(rng.choice(["4.350", "4.500", "4.785"])),
                        guarantee=rng.choice(["省科技贷款风险补偿资金池", "信用", "担保公司担保"]),
                        status=Loan.Status.REPAID if repaid else Loan.Status.OUTSTANDING,
                        repaid_yuan=part if repaid else Decimal(0),
                        repaid_on=due if repaid else None,
                    )
                )
        for firm in rng.sample(candidates, 6):  # other sci-tech loans: not 苏科贷
            n += 1
            granted = _d(2020, rng.randrange(1, 13), rng.randrange(1, 28))
            loans.append(
                Loan(
                    enterprise_id=firm,
                    product="科技成果转化贷",
                    bank=rng.choice(BANKS),
                    contract_no=f"KJD2020{n:04d}",
                    amount_yuan=Decimal(rng.randrange(2, 10)) * 1_000_000,
                    granted_on=granted,
                    due_on=granted + dt.timedelta(days=730),
                    rate_percent=Decimal("4.650"),
                    guarantee="知识产权质押",
                )
            )
        Loan.objects.bulk_create(loans, batch_size=500)
        audit_log(
            actor=actor,
            action="create",
            obj=county,
            via="demo",
            note=f"演示数据：政策资金{len(funds)}笔，所得税减免{len(reliefs)}条，科技贷款{len(loans)}笔",
        )
    return len(funds) + len(reliefs) + len(loans)
