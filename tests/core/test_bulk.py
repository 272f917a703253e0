"""The raw bulk INSERT writes what bulk_create writes (on SQLite and PostgreSQL), and
the fast paths of money and sheet parsing give what the exact paths give."""

from __future__ import annotations

import datetime as dt
import gc
import math
import random
from decimal import Decimal, InvalidOperation

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from kechuang.core import money
from kechuang.core.audit import EntryRows, audit_bulk, build_entry
from kechuang.core.bulk import column_adapter, field_adapter, insert_rows
from kechuang.core.errors import FieldError
from kechuang.core.models import AuditLog
from kechuang.core.tabular import Column, ParseError, Table, parse_rows
from kechuang.enterprises.facts import FACT_FIELDS
from kechuang.enterprises.models import FactRevision, YearlyFacts
from tests.conftest import make_enterprise

FACT_NAMES = [f.name for f in FACT_FIELDS]


def _stored(model, exclude: set[str]) -> list[tuple]:
    """Every stored row of `model`'s table as the database holds it (raw SQL, in id order)."""
    cols = [f.column for f in model._meta.concrete_fields if f.column not in exclude]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(qn, cols))} FROM {qn(model._meta.db_table)} ORDER BY {qn('id')}"
        )
        return [tuple(r) for r in cursor.fetchall()]


# -- insert_rows against bulk_create ------------------------------------------------------


@pytest.mark.django_db
def test_facts_rows_are_stored_as_bulk_create_stores_them(staff, regions):
    firms = [make_enterprise(staff, regions["town_b"]) for _ in range(2)]
    values = [
        {
            "employees": 120,
            "tech_staff": 0,
            "revenue_yuan": Decimal("28005000.00"),
            "rd_expense_yuan": Decimal("1500000.01"),
            "net_assets_yuan": Decimal("-0.50"),
        },
        {
            "total_assets_yuan": Decimal("0.00"),
            "net_assets_yuan": Decimal("-0.00"),
            "hightech_output_yuan": Decimal("123456789012.34"),
            "conversions": 7,
        },
        {},
    ]
    rows = [
        (firm.pk, 2018 + i, *[v.get(n) for n in FACT_NAMES])
        for firm in firms
        for i, v in enumerate(values)
    ]
    YearlyFacts.objects.bulk_create(
        [
            YearlyFacts(
                enterprise_id=r[0], fiscal_year=r[1], **dict(zip(FACT_NAMES, r[2:], strict=True))
            )
            for r in rows
        ]
    )
    by_orm = _stored(YearlyFacts, {"id", "updated_at"})
    YearlyFacts.objects.all().delete()
    assert insert_rows(YearlyFacts, ("enterprise_id", "fiscal_year", *FACT_NAMES), rows) == len(
        rows
    )
    assert _stored(YearlyFacts, {"id", "updated_at"}) == by_orm
    assert YearlyFacts.objects.filter(updated_at__isnull=True).count() == 0
    read = YearlyFacts.objects.get(enterprise=firms[0], fiscal_year=2018)
    assert read.revenue_yuan == Decimal("28005000.00") and read.net_assets_yuan == Decimal("-0.50")


@pytest.mark.django_db
def test_revision_and_audit_rows_are_stored_as_bulk_create_stores_them(staff, regions):
    firm = make_enterprise(staff, regions["town_b"])
    facts = YearlyFacts.objects.create(enterprise=firm, fiscal_year=2019, employees=5)
    changes = [
        {"employees": (None, 5), "revenue_yuan": (None, "1234.50")},
        {"note": ['引号"与\\反斜杠', "换行\n和 emoji 🙂"], "x": [1.5, True, None]},
        {},
    ]
    AuditLog.objects.all().delete()
    FactRevision.objects.bulk_create(
        [
            FactRevision(
                facts=facts,
                source="tax",
                recorded_on=dt.date(2020, 3, 1),
                recorded_by=staff,
                changes={k: list(v) for k, v in c.items()},
                note="说明",
            )
            for c in changes
        ]
    )
    audit_bulk(
        [
            build_entry(
                actor=staff,
                action="update",
                obj=facts,
                before={"a": 1} if i else None,
                after={"fiscal_year": 2019, **c},
                enterprise_id=firm.pk,
                via="import",
                note="说" * 400,
            )
            for i, c in enumerate(changes)
        ]
    )
    revisions = _stored(FactRevision, {"id", "recorded_at"})
    audit = _stored(AuditLog, {"id", "at"})
    # Revisions are never deleted: the second set is stored beside the first.
    first_ids = set(FactRevision.objects.values_list("pk", flat=True))
    AuditLog.objects.all().delete()
    insert_rows(
        FactRevision,
        ("facts_id", "source", "recorded_on", "recorded_by_id", "changes", "note"),
        [(facts.pk, "tax", dt.date(2020, 3, 1), staff.pk, c, "说明") for c in changes],
    )
    entries = EntryRows(actor=staff, model=YearlyFacts)
    for i, c in enumerate(changes):
        entries.add(
            action="update",
            object_id=facts.pk,
            object_repr=str(facts),
            before={"a": 1} if i else None,
            after={"fiscal_year": 2019, **c},
            enterprise_id=firm.pk,
            via="import",
            note="说" * 400,
        )
    entries.write()
    assert _stored(FactRevision, {"id", "recorded_at"}) == revisions + revisions
    assert _stored(AuditLog, {"id", "at"}) == audit
    second = FactRevision.objects.exclude(pk__in=first_ids).order_by("id")
    assert [r.changes for r in second] == [{k: list(v) for k, v in c.items()} for c in changes]
    now = timezone.now()
    for log in AuditLog.objects.all():
        assert abs((log.at - now).total_seconds()) < 60
        assert log.actor == staff and log.object_repr == str(facts)


@pytest.mark.django_db
def test_anonymous_actor_and_empty_insert(staff):
    entries = EntryRows(actor=None, model=AuditLog)
    entries.add(action="create", object_id=7, object_repr="x" * 300)
    entries.write()
    log = AuditLog.objects.get()
    assert (log.actor_id, log.actor_name, log.object_id, len(log.object_repr)) == (
        None,
        "系统",
        "7",
        200,
    )
    assert log.before is None and log.after is None
    assert insert_rows(AuditLog, ("action",), []) == 0


def test_unknown_or_repeated_field_is_refused():
    with pytest.raises(ValueError, match="no concrete field"):
        insert_rows(AuditLog, ("nope",), [])
    with pytest.raises(ValueError, match="twice"):
        insert_rows(AuditLog, ("action", "action"), [])


@pytest.mark.django_db
def test_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="values"):
        insert_rows(AuditLog, ("action", "via"), [("create",)])


# -- adapters against get_db_prep_save ---------------------------------------------------

SAMPLES = [
    None,
    0,
    7,
    -3,
    2**40,
    True,
    False,
    "",
    "文本",
    "12",
    1.5,
    Decimal("1.50"),
    Decimal("-0.00"),
    Decimal("NaN"),
    Decimal("Infinity"),
    dt.date(2020, 2, 29),
    dt.datetime(2021, 3, 4, 5, 6, 7, 89, tzinfo=dt.UTC),
    {"a": [None, "1.00"]},
    [1, "二"],
    {"t": (1, 2)},
]


def _outcome(fn, value):
    try:
        out = fn(value)
    except (ValidationError, TypeError, ValueError, OverflowError, InvalidOperation) as exc:
        return ("error", type(exc))
    return ("value", type(out), str(getattr(out, "obj", out)))


@pytest.mark.django_db
@pytest.mark.parametrize("model", [YearlyFacts, FactRevision, AuditLog])
def test_field_and_column_adapters_equal_get_db_prep_save(model):
    for field in model._meta.concrete_fields:
        one = field_adapter(field, connection)
        column = column_adapter(field, connection)
        for value in SAMPLES:
            if (
                isinstance(value, dt.datetime) is False
                and field.get_internal_type() == "DateTimeField"
            ):
                continue  # naive datetimes warn; other values are no datetimes
            expected = _outcome(lambda v, f=field: f.get_db_prep_save(v, connection), value)
            assert _outcome(one, value) == expected, (field.name, value)
            if expected[0] == "value":
                got = column([value, value])
                assert [_outcome(lambda v: v, g) for g in got] == [expected, expected], (
                    field.name,
                    value,
                )


# -- money and sheet parsing -------------------------------------------------------------


def _exact_wan_to_yuan(raw: float) -> Decimal | str:
    """The definition: the float's shortest repr, at most 6 decimals, × 10 000, to cents."""
    if not math.isfinite(raw):
        return "not a number"
    wan = Decimal(repr(raw))
    exponent = wan.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > 6:
        return "too many decimals"
    try:
        return (wan * 10000).quantize(Decimal("0.01"))
    except InvalidOperation:  # beyond 28 digits: the exact path raises it as well
        return "invalid operation"


def _floats() -> list[float]:
    rng = random.Random(7)
    out = [
        0.0,
        -0.0,
        1e-6,
        -1e-6,
        5e-7,
        1e-7,
        0.1,
        0.3,
        2.675,
        1e15,
        123456789.123456,
        4294967295.999999,
        4294967296.0,
        -4294967296.5,
        2.0**32 - 2.0**-20,
        1e16,
        1e22,
        math.inf,
        -math.inf,
        math.nan,
        9.999999,
        10.000001,
        99999.9999995,
        0.0000015,
    ]
    for _ in range(20000):
        places = rng.randint(0, 9)
        out.append(round(rng.uniform(-1e7, 1e9), places))
        out.append(rng.uniform(-1000, 1000))
        out.append(rng.randint(-(10**12), 10**12) / 10 ** rng.randint(0, 8))
    return out


def test_float_wan_to_yuan_fast_path_is_exact():
    for raw in _floats():
        fast = money.float_wan_to_yuan(raw)
        expected = _exact_wan_to_yuan(raw)
        if fast is not None:
            assert isinstance(expected, Decimal) and str(fast) == str(expected), raw
        got: Decimal | str
        try:
            got = money.wan_to_yuan(raw)
        except money.MoneyError as exc:
            got = "not a number" if "不是数字" in str(exc) else "too many decimals"
        except InvalidOperation:
            got = "invalid operation"
        assert str(got) == str(expected), raw


def _outcome_of_parse(parse, raw):
    try:
        return ("ok", type(parse(raw)), str(parse(raw)))
    except ParseError as exc:
        return ("error", str(exc))
    except InvalidOperation:  # a number beyond 28 digits: both paths raise it
        return ("invalid operation",)


COLUMNS = [
    Column("n", "整数", "int"),
    Column("y", "年度", "year", required=True),
    Column("m", "金额（万元）", "money_wan"),
    Column("neg", "净资产（万元）", "money_wan", may_be_negative=True),
    Column("req", "必填金额（万元）", "money_wan", required=True),
    Column("t", "文本", "text", max_length=4),
    Column("d", "日期", "date"),
    Column("c", "来源", "choice", required=True, choices={"统计": "statistics", "税务": "tax"}),
    Column("b", "是否", "bool"),
]
RAWS = [
    None,
    "",
    "  ",
    0,
    5,
    -5,
    True,
    False,
    0.0,
    -0.0,
    3.0,
    2.5,
    -2.5,
    1e-7,
    2.0**53,
    2.0**60,
    math.nan,
    math.inf,
    "12",
    " 12 ",
    "1,234.5",
    "三千",
    "2021-03-31",
    "2021/3/1",
    "2021-02-30",
    "统计",
    "statistics",
    "税务 ",
    "是",
    "否",
    "长长长长长",
    44000.0,
    dt.date(2020, 1, 2),
    dt.datetime(2020, 1, 2, 3, 4),
    2**70,
    1.0,
    *_floats()[:3000],
]


def test_column_parser_equals_parse():
    for col in COLUMNS:
        parse = col.parser()
        for raw in [*RAWS, *RAWS]:  # twice: memoised answers too
            assert _outcome_of_parse(parse, raw) == _outcome_of_parse(col.parse, raw), (
                col.key,
                raw,
            )


def _reference_parse_rows(table, columns, index):
    out, errors = [], []
    present = [(c, index[c.key]) for c in columns if c.key in index]
    for row_no, cells in table.rows:
        values = {}
        for col, i in present:
            raw = cells[i] if i < len(cells) else None
            try:
                values[col.key] = col.parse(raw)
            except ParseError as exc:
                errors.append(FieldError(col.key, col.label, str(exc), row_no))
        out.append((row_no, values))
    return out, errors


def test_parse_rows_equals_cell_by_cell_parsing():
    rng = random.Random(3)
    rows = []
    for n in range(400):
        width = rng.randint(0, len(COLUMNS) + 1)  # ragged rows, as a CSV gives
        rows.append((n + 2, [rng.choice(RAWS[:40]) for _ in range(width)]))
    table = Table([c.header for c in COLUMNS], rows)
    index = {c.key: i for i, c in enumerate(COLUMNS)}
    index.pop("b")
    got = parse_rows(table, COLUMNS, index)
    expected = _reference_parse_rows(table, COLUMNS, index)
    assert [(n, list(v.items())) for n, v in got[0]] == [
        (n, list(v.items())) for n, v in expected[0]
    ]
    assert [str(e) for e in got[1]] == [str(e) for e in expected[1]] and got[1]
    clean = Table(
        table.headers, [(2, [1.0, 2020.0, 1.5, -1.5, 2.0, "文本", "2021-03-31", "统计", "是"])]
    )
    assert parse_rows(clean, COLUMNS, index) == _reference_parse_rows(clean, COLUMNS, index)
    assert parse_rows(Table([], []), COLUMNS, index) == ([], [])


@pytest.mark.django_db
def test_import_leaves_garbage_collection_as_it_was(staff, firm_b):
    from kechuang.core.errors import ValidationFailed
    from kechuang.enterprises import importing

    csv = f"统一社会信用代码,会计年度,职工总数,数据来源\n{firm_b.uscc},2016,80,统计\n".encode()
    assert gc.isenabled()
    importing.import_run(actor=staff, kind="facts", data=csv, filename="f.csv", commit=True)
    assert gc.isenabled()
    with pytest.raises(ValidationFailed):
        importing.import_run(
            actor=staff,
            kind="facts",
            data=csv.replace(b",80,", b",-1,"),
            filename="f.csv",
            commit=True,
        )
    assert gc.isenabled()
    gc.disable()
    try:
        importing.import_run(actor=staff, kind="facts", data=csv, filename="f.csv", commit=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
