"""Financing intentions recorded at events as a sheet (活动融资意向: 万元 in the sheet, yuan
kept; every row valid or nothing written; an export imports back unchanged, an officer's
only with the firms they see), and in the events API's event detail with the agreements
linked to the event, scoped as the page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.core.tabular import write_rows_xlsx
from kechuang.events import services
from kechuang.events.models import FinancingIntention
from kechuang.matching import services as matching

pytestmark = pytest.mark.django_db
KIND = "event_financing"


@pytest.fixture
def held(staff: Any, regions: Any, firm_a: Any, firm_b: Any) -> Any:
    e = services.event_save(
        actor=staff,
        data={
            "kind": "finance",
            "title": "科技金融进孵化器",
            "held_on": "2020-05-10",
            "place": "科创中心",
            "region": regions["county"],
            "organisers": "泰兴市科技局",
        },
    )
    for investor, firm, wan, note in (
        ("泰州创投", firm_a, "50", ""),
        ("江苏银行", firm_b, "120.5", "苏科贷"),
        ("泰兴农商行", None, "30", "未指明企业"),
    ):
        services.intention_add(
            actor=staff,
            event=e,
            data={"investor": investor, "enterprise": firm, "amount_wan": wan, "note": note},
        )
    return e


def sheet(headers: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows)
    return buf.getvalue()


def exported(actor: Any) -> tuple[list[str], list[list[Any]]]:
    headers, rows = imports.export_rows(actor=actor, kind=KIND)
    return headers, [list(r) for r in rows]


def run(actor: Any, data: bytes, commit: bool = False) -> Any:
    return imports.import_run(actor=actor, kind=KIND, data=data, filename="x.xlsx", commit=commit)


def test_the_export_is_in_wan_and_imports_back_unchanged(staff: Any, held: Any) -> None:
    headers, rows = exported(staff)
    assert headers[5] == "意向金额（万元）"
    assert sorted(r[5] for r in rows) == [Decimal("30.00"), Decimal("50.00"), Decimal("120.50")]
    plan = run(staff, sheet(headers, rows), commit=True)
    assert plan.errors == [] and plan.counts["unchanged"] == plan.counts["rows"] == 3


def test_an_export_into_an_emptied_table_writes_the_same_intentions(staff: Any, held: Any) -> None:
    headers, rows = exported(staff)
    FinancingIntention.objects.all().delete()
    plan = run(staff, sheet(headers, rows), commit=True)
    assert plan.counts["new"] == 3
    assert exported(staff)[1] == rows
    assert FinancingIntention.objects.get(investor="江苏银行").amount_yuan == Decimal("1205000")


def test_a_changed_amount_is_corrected_in_yuan(staff: Any, held: Any) -> None:
    headers, rows = exported(staff)
    row = next(r for r in rows if r[2] == "泰州创投")
    row[5] = "65.25"
    plan = run(staff, sheet(headers, rows), commit=True)
    assert plan.counts["changed"] == 1 and plan.counts["unchanged"] == 2
    assert FinancingIntention.objects.get(investor="泰州创投").amount_yuan == Decimal("652500")


def test_bad_rows_are_named_and_nothing_is_written(staff: Any, held: Any) -> None:
    headers, rows = exported(staff)
    rows.append(["科技金融进孵化器", dt.date(2020, 5, 10), "新投资人", "", "", "80", None, ""])
    rows.append(["没有这场活动", dt.date(2020, 5, 10), "某创投", "", "", "10", None, ""])
    rows.append(["科技金融进孵化器", dt.date(2020, 5, 10), "某银行", "", "", "-3", None, ""])
    rows.append(
        [
            "科技金融进孵化器",
            dt.date(2020, 5, 10),
            "某基金",
            "91320000MA00000000",
            "",
            "5",
            None,
            "",
        ]
    )
    with pytest.raises(ValidationFailed) as err:
        run(staff, sheet(headers, rows), commit=True)
    said = [str(e) for e in err.value.errors]
    assert any(
        s.startswith("第6行 活动名称: 找不到2020-05-10举办的“没有这场活动”") for s in said
    ), said
    assert any(s.startswith("第7行 意向金额:") for s in said), said
    assert any(s.startswith("第8行 企业统一社会信用代码:") for s in said), said
    assert not any(s.startswith("第5行") for s in said)
    assert FinancingIntention.objects.count() == 3  # the good new row was not written either


def test_a_twin_intention_is_refused(staff: Any, held: Any, firm_a: Any) -> None:
    with pytest.raises(ValidationFailed, match="已登记"):
        services.intention_add(
            actor=staff,
            event=held,
            data={"investor": "泰州创投", "enterprise": firm_a, "amount_wan": "1"},
        )


def test_an_officer_exports_only_the_firms_they_see_and_it_imports_back(
    officer_a: Any, held: Any, firm_b: Any
) -> None:
    headers, rows = exported(officer_a)
    assert {r[2] for r in rows} == {"泰州创投", "泰兴农商行"}
    assert firm_b.uscc not in str(rows)
    plan = run(officer_a, sheet(headers, rows))
    assert plan.errors == [] and plan.counts["unchanged"] == 2


def test_an_enterprise_cannot_import_intentions(enterprise_user: Any) -> None:
    with pytest.raises(Exception, match="只有科技局和园区/乡镇"):
        run(enterprise_user, b"")


def test_the_event_detail_carries_its_intentions_and_linked_agreements(
    client_for: Any, staff: Any, officer_a: Any, officer_b: Any, held: Any, firm_a: Any
) -> None:
    inst = matching.institution_save(actor=staff, data={"name": "江南大学", "kind": "university"})
    a = matching.agreement_sign(
        actor=staff,
        enterprise=firm_a,
        data={
            "title": "植酸酶产业化",
            "content": "中试",
            "amount_wan": "35.5",
            "signed_on": "2020-05-12",
            "institution": inst,
        },
    )
    services.outcome_link_add(actor=staff, event=held, kind="agreement", ref=a.pk)
    one = client_for(staff).get(f"/api/v1/events/{held.pk}").json()
    assert {(i["investor"], i["amount_yuan"]) for i in one["intentions"]} == {
        ("泰州创投", "500000.00"),
        ("江苏银行", "1205000.00"),
        ("泰兴农商行", "300000.00"),
    }
    [agreement] = one["agreements"]
    assert agreement["agreement_id"] == a.pk and agreement["amount_yuan"] == "355000.00"
    assert agreement["signed_on"] == "2020-05-12" and "植酸酶产业化" in agreement["title"]
    # 镇B's officer sees the county's event, not 园区A's firm, its intention or agreement
    other = client_for(officer_b).get(f"/api/v1/events/{held.pk}").json()
    assert {i["investor"] for i in other["intentions"]} == {"江苏银行", "泰兴农商行"}
    assert other["agreements"][0]["agreement_id"] is None
    assert firm_a.name not in str(other) and "植酸酶" not in str(other)
