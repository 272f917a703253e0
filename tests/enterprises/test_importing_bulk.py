"""A facts import (raw bulk INSERT) writes the facts, revisions and audit entries that
recording the same values one by one through the service writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.errors import ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.enterprises import importing
from kechuang.enterprises.facts import FACT_FIELDS
from kechuang.enterprises.models import FactRevision, YearlyFacts
from kechuang.enterprises.services import facts_record
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

HEADERS = [
    "统一社会信用代码",
    "会计年度",
    *[f.header for f in FACT_FIELDS],
    "数据来源",
    "记录日期",
    "说明",
]


def _csv(rows: list[list[object]]) -> bytes:
    lines = [",".join(HEADERS)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _trail(facts: YearlyFacts) -> list[tuple]:
    revisions = [
        (r.source, r.recorded_on, r.recorded_by_id, r.changes, r.note)
        for r in FactRevision.objects.filter(facts=facts).order_by("id")
    ]
    logs = [
        (
            a.actor_id,
            a.actor_name,
            a.action,
            a.object_type,
            a.object_id,
            a.object_repr,
            a.enterprise_id,
            a.before,
            a.after,
            a.note,
        )
        for a in AuditLog.objects.filter(
            object_type="enterprises.yearlyfacts", object_id=str(facts.pk)
        ).order_by("id")
    ]
    values = {f.name: getattr(facts, f.name) for f in FACT_FIELDS}
    return [values, revisions, logs]


def test_new_and_changed_rows_write_what_the_service_writes(staff, regions):
    a = make_enterprise(staff, regions["town_b"], "甲公司")
    b = make_enterprise(staff, regions["town_b"], "乙公司")
    day = dt.date(2021, 3, 31)
    first = {
        "employees": 100,
        "tech_staff": 10,
        "revenue_yuan": Decimal("28005000.00"),
        "net_assets_yuan": Decimal("-1500.50"),
        "total_cost_yuan": Decimal("0.00"),
    }
    second = {
        "employees": 120,
        "revenue_yuan": Decimal("28005000.00"),
        "rd_expense_yuan": Decimal("1500000.01"),
    }
    # the service, value set by value set, on enterprise a
    facts_record(
        actor=staff,
        enterprise=a,
        fiscal_year=2019,
        values=first,
        source="statistics",
        recorded_on=day,
        note="初次",
        via="import",
    )
    facts_record(
        actor=staff,
        enterprise=a,
        fiscal_year=2019,
        values=second,
        source="tax",
        recorded_on=day,
        note="更正",
        via="import",
    )
    expected = _trail(YearlyFacts.objects.get(enterprise=a, fiscal_year=2019))
    # the same through two sheets on enterprise b
    plan = importing.import_run(
        actor=staff,
        kind="facts",
        filename="f.csv",
        commit=True,
        data=_csv(
            [
                [
                    b.uscc,
                    2019,
                    100,
                    10,
                    2800.5,
                    None,
                    None,
                    -0.15005,
                    None,
                    None,
                    None,
                    None,
                    0,
                    None,
                    None,
                    None,
                    "统计",
                    "2021-03-31",
                    "初次",
                ],
            ]
        ),
    )
    assert plan.counts["new"] == 1
    plan = importing.import_run(
        actor=staff,
        kind="facts",
        filename="f.csv",
        commit=True,
        data=_csv(
            [
                [
                    b.uscc,
                    2019,
                    120,
                    None,
                    "2800.5",
                    150.000001,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "税务",
                    "2021-03-31",
                    "更正",
                ],
            ]
        ),
    )
    assert [r.status for r in plan.rows] == ["changed"]
    assert plan.rows[0].changes == {
        "employees": (100, 120),
        "rd_expense_yuan": (None, "1500000.01"),
    }
    facts = YearlyFacts.objects.get(enterprise=b, fiscal_year=2019)
    got = _trail(facts)
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    assert [g[:4] + g[5:] for g in got[2]] == [
        (*e[:4], e[5].replace("甲公司", "乙公司"), b.pk, *e[7:]) for e in expected[2]
    ]
    assert got[2][0][5] == str(facts) and got[2][0][4] == str(facts.pk)


def test_errors_keep_their_row_column_and_order_and_write_nothing(staff, regions):
    a = make_enterprise(staff, regions["town_b"], "甲公司")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    data = _csv(
        [
            [
                a.uscc,
                2019,
                10,
                12,
                1,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "统计",
                None,
                None,
            ],
            [
                a.uscc,
                1979,
                "x",
                None,
                "1.1234567",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "统计",
                future,
                None,
            ],
            [
                "91320000MA1234567X",
                2019,
                1,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "统计",
                None,
                None,
            ],
            [
                a.uscc,
                2020,
                5,
                1,
                1,
                2,
                3,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "统计",
                future,
                None,
            ],
            [
                a.uscc,
                2020,
                5,
                1,
                1,
                2,
                1,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "统计",
                None,
                None,
            ],
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        importing.import_run(actor=staff, kind="facts", data=data, filename="f.csv", commit=True)
    # every error of each row: a cell that fails to parse does not hide the row's others
    lines = exc.value.lines()
    assert lines[3].startswith("第3行 会计年度: 应在1980年至")
    assert lines[:3] + lines[4:] == [
        "第2行 科技人员数: 科技人员数不能大于职工总数",
        "第3行 职工总数: “x”不是整数",
        "第3行 销售收入: 小数位不能超过6位",
        "第3行 记录日期: 不能晚于今天",
        "第4行 统一社会信用代码: 91320000MA1234567X 校验码应为 T（按GB 32100计算），请核对",
        "第5行 记录日期: 不能晚于今天",
        "第5行 境内研发费用: 境内研发费用不能大于研发费用",
        "第6行 会计年度: 与第5行重复（同一企业同一年度）",
    ]
    assert not YearlyFacts.objects.filter(enterprise=a).exists()
    assert not FactRevision.objects.exists()
