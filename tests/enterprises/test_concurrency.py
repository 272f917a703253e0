"""Two imports (or edits) of the same enterprises at once, on PostgreSQL: nothing is
lost, the audit's "before" is what was written over, and a clash is a conflict
message, never a database error. See tests/concurrency.py for how the order is fixed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from kechuang.core import imports
from kechuang.core.errors import Conflict
from kechuang.core.models import AuditLog, ImportBatch
from kechuang.enterprises.models import Enterprise, FactRevision, YearlyFacts
from tests.concurrency import Racers, outcomes, require_postgres, wait_for_waiters
from tests.conftest import make_enterprise, new_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _preview(actor: Any, kind: str, data: bytes) -> str:
    plan, batch = imports.import_preview(actor=actor, kind=kind, data=data, filename="s.csv")
    assert plan.ok, plan.errors
    return batch.token


def _confirm(actor: Any, token: str) -> Any:
    return lambda: imports.import_confirm(actor=actor, token=token)


def _race_behind_locked_rows(racers: Racers, pks: list[int]) -> list[tuple[str, Any]]:
    """Start the racers while the enterprises `pks` are locked; let go once both queue."""
    with transaction.atomic():
        list(Enterprise.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        racers.start()
        wait_for_waiters(2, racers)
    return racers.join()


def test_two_imports_changing_different_fields_keep_both(staff: Any, regions: Any) -> None:
    require_postgres()
    firms = [make_enterprise(staff, regions["park_a"], address="旧地址") for _ in range(3)]
    header = ["统一社会信用代码", "企业名称", "所属镇街/园区"]
    addresses = _preview(
        staff,
        "enterprises",
        _csv(
            [*header, "地址"],
            [[f.uscc, f.name, "园区A", f"新地址{i}"] for i, f in enumerate(firms)],
        ),
    )
    contacts = _preview(
        staff,
        "enterprises",
        _csv(
            [*header, "联系人"],
            [[f.uscc, f.name, "园区A", f"联系人{i}"] for i, f in enumerate(firms)],
        ),
    )
    results = _race_behind_locked_rows(
        Racers(_confirm(staff, addresses), _confirm(staff, contacts)), [f.pk for f in firms]
    )
    assert outcomes(results) == ["ok", "ok"]
    for i, firm in enumerate(firms):
        firm.refresh_from_db()
        assert (firm.address, firm.contact_name) == (f"新地址{i}", f"联系人{i}")
        first, second = AuditLog.objects.filter(
            object_type="enterprises.enterprise", object_id=str(firm.pk), action="update"
        ).order_by("pk")
        # the second import's "before" is what the first one wrote
        assert second.before is not None and first.after is not None
        assert second.before["address"] == first.after["address"]
        assert second.before["contact_name"] == first.after["contact_name"]


def test_two_imports_adding_the_same_firms_conflict_instead_of_failing(
    staff: Any, regions: Any
) -> None:
    require_postgres()
    codes = [new_uscc(), new_uscc()]
    header = ["统一社会信用代码", "企业名称", "所属镇街/园区", "地址"]
    first = _preview(
        staff,
        "enterprises",
        _csv(header, [[c, f"新企业{c[-4:]}有限公司", "园区A", "甲"] for c in codes]),
    )
    second = _preview(
        staff,
        "enterprises",
        _csv(header, [[c, f"新企业{c[-4:]}有限公司", "园区A", "乙"] for c in codes]),
    )
    racers = Racers(_confirm(staff, first), _confirm(staff, second))
    with transaction.atomic():
        # the same codes added (not yet committed) by a third user: both racers plan them
        # as new and then queue on the unique index
        for c in codes:
            make_enterprise(staff, regions["park_a"], uscc=c)
        racers.start()
        wait_for_waiters(2, racers)
        transaction.set_rollback(True)
    results = racers.join()
    assert outcomes(results) == ["Conflict", "ok"]
    conflict = next(r for s, r in results if s == "error")
    assert "其他用户刚刚新增" in conflict.message and codes[0] in conflict.message
    winner = {s: r for s, r in results}["ok"][1]  # the ImportBatch
    loser = second if winner.token == first else first
    assert ImportBatch.objects.get(token=loser).status == ImportBatch.Status.FAILED
    assert Enterprise.objects.filter(uscc__in=codes).count() == 2
    assert (
        AuditLog.objects.filter(object_type="enterprises.enterprise", action="create").count() == 2
    )


def _facts_sheet(firm: Any, revenue_wan: str, employees: int) -> bytes:
    return _csv(
        ["统一社会信用代码", "会计年度", "数据来源", "销售收入", "职工总数"],
        [[firm.uscc, 2020, "统计", revenue_wan, employees]],
    )


def test_a_second_import_of_a_year_added_meanwhile_is_refused(staff: Any, regions: Any) -> None:
    require_postgres()
    firm = make_enterprise(staff, regions["park_a"])
    first = _preview(staff, "facts", _facts_sheet(firm, "100", 10))
    second = _preview(staff, "facts", _facts_sheet(firm, "200", 20))
    results = _race_behind_locked_rows(
        Racers(_confirm(staff, first), _confirm(staff, second)), [firm.pk]
    )
    # both previews said "new"; the second would now write over the first's values
    assert outcomes(results) == ["StalePreview", "ok"]
    stale = next(r for s, r in results if s == "error")
    assert "预览之后，其他用户修改或新增了本表涉及的记录：第2行" in stale.message
    facts = YearlyFacts.objects.get(enterprise=firm, fiscal_year=2020)
    assert FactRevision.objects.filter(facts=facts).count() == 1


def test_a_confirm_after_someone_changed_a_previewed_row_writes_nothing(
    staff: Any, regions: Any
) -> None:
    from kechuang.enterprises.services import facts_record

    firm = make_enterprise(staff, regions["park_a"])
    facts_record(
        actor=staff,
        enterprise=firm,
        fiscal_year=2020,
        values={"revenue_yuan": Decimal("1000000")},
        source="statistics",
        recorded_on=dt.date(2021, 3, 1),
    )
    token = _preview(staff, "facts", _facts_sheet(firm, "300", 30))
    facts_record(
        actor=staff,
        enterprise=firm,
        fiscal_year=2020,
        values={"revenue_yuan": Decimal("2000000")},
        source="tax",
        recorded_on=dt.date(2021, 3, 2),
    )
    with pytest.raises(Conflict, match="第2行"):
        imports.import_confirm(actor=staff, token=token)
    assert YearlyFacts.objects.get(enterprise=firm).revenue_yuan == Decimal("2000000")
    assert ImportBatch.objects.get(token=token).status == ImportBatch.Status.FAILED


def test_a_double_confirm_writes_once(staff: Any, regions: Any) -> None:
    require_postgres()
    firm = make_enterprise(staff, regions["park_a"])
    token = _preview(staff, "facts", _facts_sheet(firm, "100", 10))
    racers = Racers(_confirm(staff, token), _confirm(staff, token))
    with transaction.atomic():
        ImportBatch.objects.select_for_update().get(token=token)
        racers.start()
        wait_for_waiters(2, racers)
    results = racers.join()
    assert outcomes(results) == ["Conflict", "ok"]
    assert FactRevision.objects.filter(facts__enterprise=firm).count() == 1


def test_two_first_recordings_of_a_year_both_land(staff: Any, regions: Any) -> None:
    require_postgres()
    from kechuang.enterprises.services import facts_record

    firm = make_enterprise(staff, regions["park_a"])

    def record(revenue: str) -> Any:
        return lambda: facts_record(
            actor=staff,
            enterprise=firm,
            fiscal_year=2020,
            values={"revenue_yuan": Decimal(revenue)},
            source="statistics",
            recorded_on=dt.date(2021, 3, 1),
        )

    results = _race_behind_locked_rows(Racers(record("1000000"), record("2000000")), [firm.pk])
    assert outcomes(results) == ["ok", "ok"]
    assert FactRevision.objects.filter(facts__enterprise=firm).count() == 2
