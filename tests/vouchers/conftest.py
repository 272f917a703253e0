"""A voucher programme of 2020 in the small county of tests/conftest.py, two providers,
and firms holding a tech-SME certificate (the programme's eligibility)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_enterprise

YEAR = 2020
OPENS = dt.date(2020, 3, 1)
DAY = dt.date(2020, 4, 1)


def certify(staff: Any, firm: Any, n: int) -> Any:
    from kechuang.enterprises.services import certificate_save

    certificate_save(
        actor=staff,
        enterprise=firm,
        data={
            "kind": "tech_sme",
            "number": f"20203212830{n:05d}",
            "issued_on": dt.date(2020, 2, 1),
        },
    )
    return firm


def make_programme(
    staff: Any, region: Any, budget: str = "1000000", cap: str = "200000", **extra: Any
) -> Any:
    from kechuang.vouchers import services

    return services.programme_create(
        actor=staff,
        region=region,
        on=dt.date(2020, 2, 20),
        data={
            "year": extra.pop("year", YEAR),
            "budget_yuan": Decimal(budget),
            "subsidy_ratio": Decimal("0.5"),
            "cap_yuan": Decimal(cap),
            "validity_days": extra.pop("validity_days", 180),
            "categories": ["testing", "design", "ip"],
            "evidence": ["contract", "invoice", "report"],
            "eligibility": extra.pop(
                "eligibility", {"certificates": ["hnte", "tech_sme"], "min_points": 60}
            ),
            "opens_on": OPENS,
            "closes_on": dt.date(2020, 10, 31),
            **extra,
        },
    )


@pytest.fixture
def programme(staff: Any, regions: Any) -> Any:
    return make_programme(staff, regions["county"])


@pytest.fixture
def provider(staff: Any) -> Any:
    from kechuang.vouchers import services

    return services.provider_save(
        actor=staff, data={"name": "泰兴市检验检测中心", "categories": ["testing", "design"]}
    )


@pytest.fixture
def firms(staff: Any, regions: Any) -> list[Any]:
    return [
        certify(staff, make_enterprise(staff, regions["town_b" if i % 2 else "park_a"]), i)
        for i in range(4)
    ]


@pytest.fixture
def own_firm(staff: Any, enterprise_user: Any) -> Any:
    """The enterprise user's firm (镇B, with an HNTE certificate of 2019)."""
    return enterprise_user.membership.enterprise


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def apply(
    staff: Any, firm: Any, programme: Any, provider: Any, fee: str = "100000", on: dt.date = DAY
) -> Any:
    from kechuang.vouchers import services

    return services.voucher_apply(
        actor=staff,
        enterprise=firm,
        programme=programme,
        provider=provider,
        category="testing",
        service="产品性能检测",
        fee_yuan=Decimal(fee),
        on=on,
    )


def to_checked(staff: Any, voucher: Any, invoice: str, on: dt.date) -> Any:
    """Contract, service, evidence, claim and check, all on `on`."""
    from kechuang.vouchers import services

    services.voucher_attach(actor=staff, voucher=voucher, kind="contract", file=pdf("合同.pdf"))
    services.voucher_move(actor=staff, voucher=voucher, to="contracted", on=on)
    services.voucher_attach(actor=staff, voucher=voucher, kind="invoice", file=pdf("发票.pdf"))
    services.voucher_attach(actor=staff, voucher=voucher, kind="report", file=pdf("报告.pdf"))
    services.voucher_move(actor=staff, voucher=voucher, to="delivered", on=on)
    services.voucher_claim(actor=staff, voucher=voucher, invoice_yuan=Decimal(invoice), on=on)
    services.voucher_move(actor=staff, voucher=voucher, to="checked", on=on)
    return voucher
