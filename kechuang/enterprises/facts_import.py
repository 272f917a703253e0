"""The yearly-facts import of a clean sheet, column by column (Polars).

`plan_facts` gives the plan and the writes that `importing._plan_facts` gives for the
same sheet (same rows, statuses and changes; the same facts, revisions and audit
entries), parsing and checking whole columns at once. It handles the sheets imports
mostly are: every cell parses, every enterprise is known and editable, no check
fails. On anything else (an error of any kind, a cell it has no exact column rule for
such as -0.0) it returns None and the row-by-row path plans the sheet, so that errors,
their wording and their order come from one place.

Money is carried as integer fen (yuan × 100 = 万元 × 10⁶) and written as the text
`str()` of the Decimal the row-by-row path would hold (`Decimal(fen).scaleb(-2)`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import numpy as np
import numpy.ma  # Polars reads it when it takes a numpy array: load it with us)
import polars as pl

from kechuang.core.audit import ENTRY_FIELDS, _actor_name, jsonable
from kechuang.core.bulk import _json_dumps, insert_columns
from kechuang.core.models import AuditLog
from kechuang.core.money import FAST_WAN_LIMIT
from kechuang.core.tabular import Column, ParseError, Table
from kechuang.enterprises import validation as v
from kechuang.enterprises.facts import FACT_FIELDS
from kechuang.enterprises.models import Enterprise, FactRevision, YearlyFacts
from kechuang.enterprises.permissions import can_edit_enterprise
from kechuang.enterprises.selectors import enterprise_queryset
from kechuang.enterprises.services import _differs

MAX_FEN = int(v.MAX_MONEY_YUAN * 100)  # |fen| above it: "数值过大"
_NONE = type(None)
_FACT_NAME = {f.key: f.name for f in FACT_FIELDS}
_FACT_NAMES = [f.name for f in FACT_FIELDS]
_MONEY_NAMES = {f.name for f in FACT_FIELDS if f.kind == "money"}
_PAIRS = [(small, big) for small, big, _m in v._FACT_PAIRS]


def money_fen(col: Column, raws: Sequence[Any]) -> pl.Series | None:
    """Fen (Int64, null for blank) of a 万元 column: `col.parse(raw)` × 100 for every
    cell, or None when a cell fails to parse or parses to a value fen cannot carry
    (-0.00, or beyond what the check of facts accepts).

    Floats go through the rule of `money.float_wan_to_yuan`, vectorized: the candidate
    fen = round(raw × 10⁶) is the value when fen / 10⁶ == raw, which below 2³² one
    6-decimal number at most satisfies (so the rounding mode of the candidate does not
    matter). Other cells, and floats the rule does not settle, are parsed one by one."""
    types = set(map(type, raws))
    if types <= {float, _NONE}:
        floats: Sequence[Any] = raws
        odd: list[int] = []
    else:
        floats = [r if type(r) is float else None for r in raws]
        odd = [i for i, r in enumerate(raws) if r is not None and type(r) is not float]
    series = pl.Series(floats, dtype=pl.Float64)
    # numpy, not Polars, for the arithmetic: a Polars division by a constant may be a
    # multiplication by its reciprocal, which is not the correctly rounded quotient
    present = ~series.is_null().to_numpy()
    x = series.fill_null(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        candidate = np.round(x * 1e6)
        exact = (np.abs(x) < FAST_WAN_LIMIT) & (candidate / 1e6 == x)
        exact &= (x != 0) if col.may_be_negative else (x > 0)
        plus_zero = (x == 0) & ~np.signbit(x)  # +0.0 (-0.0 parses to -0.00)
        settled = exact | plus_zero
        fen = pl.Series(np.where(exact, candidate, 0).astype(np.int64)).set(
            pl.Series(~present), None
        )
    unsettled = np.flatnonzero(present & ~settled)
    odd += unsettled.tolist()
    if not odd:
        return fen
    values = fen.to_list()
    for i in odd:
        try:
            d = col.parse(raws[i])
        except ParseError:
            return None
        if d is None:
            values[i] = None
            continue
        if d.is_zero() and d.is_signed():
            return None
        f = int(d.scaleb(2))
        if Decimal(f).scaleb(-2) != d or abs(f) > MAX_FEN:
            return None
        values[i] = f
    return pl.Series(values, dtype=pl.Int64)


def yuan_text(fen: pl.Expr) -> pl.Expr:
    """`str(Decimal(fen).scaleb(-2))`: "-1234.05", "0.00" (null stays null)."""
    a = fen.abs()
    return pl.concat_str(
        [
            pl.when(fen < 0).then(pl.lit("-")).otherwise(pl.lit("")),
            (a // 100).cast(pl.String),
            pl.lit("."),
            (a % 100).cast(pl.String).str.zfill(2),
        ]
    )


def _is_json_plain(text: str) -> bool:
    return json.dumps(text) == f'"{text}"'


def plan_facts(
    actor: Any, table: Table, columns: Sequence[Column], index: dict[str, int], plan: Any
) -> Callable[[], None] | None:
    """Fill `plan.rows` and return the writes, or return None (leaving `plan` as it
    is) when the sheet is not one this path settles."""
    from kechuang.core.imports import RowResult

    present = [(c, index[c.key]) for c in columns if c.key in index]  # no info columns
    n = len(table.rows)
    width = max(i for _, i in present) + 1
    cells = [r if len(r) >= width else [*r, *[None] * (width - len(r))] for _, r in table.rows]
    raw_columns = list(zip(*map(itemgetter(*[i for _, i in present]), cells), strict=True))
    parsed: dict[str, list[Any]] = {}
    fen: dict[str, pl.Series] = {}  # fact name → fen
    try:
        for (col, _), raws in zip(present, raw_columns, strict=True):
            if col.kind == "money_wan":
                series = money_fen(col, raws)
                if series is None:
                    return None
                fen[_FACT_NAME[col.key]] = series
            else:
                parsed[col.key] = _parse_column(col, raws)
    except ParseError:
        return None
    counts: dict[str, list[Any]] = {
        _FACT_NAME[k]: vals for k, vals in parsed.items() if k in _FACT_NAME
    }
    names = [f.name for f in FACT_FIELDS if f.name in counts or f.name in fen]
    if not names:
        return None
    today = v.today()

    # enterprises: each code once; all known, visible and editable
    codes = [(raw or "").replace(" ", "").upper() for raw in parsed["uscc"]]
    distinct = list(dict.fromkeys(codes))
    known: dict[str, tuple[int, str, int, str]] = {}
    for i in range(0, len(distinct), 900):
        for pk, code, name, region_id, path in Enterprise.objects.filter(
            uscc__in=distinct[i : i + 900]
        ).values_list("pk", "uscc", "name", "region_id", "region__path"):
            known[code] = (pk, name, region_id, path)
    if len(known) != len(distinct):
        return None
    ids = [k[0] for k in known.values()]
    visible: set[int] = set()
    for i in range(0, len(ids), 900):
        visible.update(
            enterprise_queryset(actor).filter(pk__in=ids[i : i + 900]).values_list("pk", flat=True)
        )
    for pk, _name, region_id, path in known.values():
        # the attributes can_edit_enterprise reads, without a model instance per firm
        stand_in: Any = SimpleNamespace(
            pk=pk, id=pk, region_id=region_id, region=SimpleNamespace(pk=region_id, path=path)
        )
        if pk not in visible or not can_edit_enterprise(actor, stand_in)[0]:
            return None

    # years, sources, dates
    years: list[Any] = parsed["fiscal_year"]
    if any(v.check_fiscal_year(y, on=today) for y in set(years)):
        return None
    recorded = parsed.get("recorded_on") or [None] * n
    recorded = [d or today for d in recorded]
    if max(recorded) > today:
        return None
    # 数据来源 may be absent or blank on rows that change nothing (checked below)
    sources: list[str | None] = parsed["source"] if "source" in parsed else [None] * n
    days = {d: d.isoformat() for d in set(recorded)}
    if not all(map(_is_json_plain, [*{s for s in sources if s}, *days.values()])):
        return None
    notes = [t or "" for t in parsed["note"]] if "note" in parsed else [""] * n

    eids = [known[c][0] for c in codes]
    keys = list(zip(eids, years, strict=True))
    if len(set(keys)) != n:
        return None  # an enterprise and year twice

    # checks of the values: those of check_facts (types and signs hold by parsing)
    frame = pl.DataFrame(
        {
            **{name: pl.Series(counts[name], dtype=pl.Int64) for name in names if name in counts},
            **{name: fen[name] for name in names if name in fen},
        }
    )
    money_present = [name for name in names if name in fen]
    if (
        money_present
        and frame.select(
            pl.any_horizontal([pl.col(m).abs() > MAX_FEN for m in money_present]).any()
        ).item()
    ):
        return None

    existing: dict[tuple[int, int], tuple[Any, ...]] = {}
    year_set = set(years)
    for i in range(0, len(ids), 900):
        for row in YearlyFacts.objects.filter(
            enterprise_id__in=ids[i : i + 900], fiscal_year__in=year_set
        ).values_list("pk", "enterprise_id", "fiscal_year", *_FACT_NAMES):
            existing[(row[1], row[2])] = row
    is_new = [k not in existing for k in keys]
    pairs = [(a, b) for a, b in _PAIRS if a in frame.columns and b in frame.columns]
    if pairs:
        bad = frame.select(
            pl.Series("new", is_new)
            & pl.any_horizontal([(pl.col(a) > pl.col(b)).fill_null(False) for a, b in pairs])
        ).to_series()
        if bad.any():
            return None

    # after-values as the changes hold them: ints, money as text
    texts = frame.select(
        *[pl.col(name) for name in names if name in counts],
        *[yuan_text(pl.col(name)).alias(name) for name in money_present],
    )
    after_cols = {name: texts[name].to_list() for name in names}

    # rows with facts already recorded: the row-by-row comparison
    rows: list[Any] = []
    work: list[int] = []  # positions of the new and changed rows
    changed: dict[int, tuple[tuple[Any, ...], dict[str, Any], dict[str, tuple[Any, Any]]]] = {}
    nones = repeat(None)
    row_nos = [r for r, _ in table.rows]
    names_of = {name: i for i, name in enumerate(_FACT_NAMES)}
    after_rows = zip(*[after_cols[name] for name in names], strict=True) if names else repeat(())
    for k, (after, code, year) in enumerate(zip(after_rows, codes, years, strict=False)):
        _pk, ent_name, *_r = known[code]
        if is_new[k]:
            if None in after:
                changes = {
                    n_: (None, a) for n_, a in zip(names, after, strict=True) if a is not None
                }
            else:
                changes = dict(zip(names, zip(nones, after, strict=False), strict=False))
            rows.append(RowResult(row_nos[k], "new", f"{code} {year}", ent_name, changes))
            work.append(k)
            continue
        current_row = existing[keys[k]]
        current = {name: current_row[3 + names_of[name]] for name in _FACT_NAMES}
        values = {
            n_: Decimal(a) if n_ in _MONEY_NAMES else a
            for n_, a in zip(names, after, strict=True)
            if a is not None
        }
        if v.check_facts(values, current):
            return None
        changes = {
            n_: (jsonable(current.get(n_)), jsonable(val))
            for n_, val in values.items()
            if _differs(current.get(n_), val)
        }
        status = "changed" if changes else "unchanged"
        rows.append(RowResult(row_nos[k], status, f"{code} {year}", ent_name, changes))
        if changes:
            work.append(k)
            changed[k] = (current_row, values, changes)
    if any(not sources[k] for k in work):
        return None  # a row to write has no source: the row-by-row path says which
    plan.rows.extend(rows)

    def apply() -> None:
        from kechuang.enterprises.importing import FACT_INSERT_FIELDS

        recorder_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        new_pos = [k for k in work if k not in changed]
        new = pl.Series("new", is_new)
        # the facts
        if new_pos:
            new_texts = texts.filter(new)
            fact_columns: dict[str, Sequence[Any]] = {
                "enterprise_id": [eids[k] for k in new_pos],
                "fiscal_year": [years[k] for k in new_pos],
            }
            for name in FACT_INSERT_FIELDS[2:]:
                if name in counts:
                    fact_columns[name] = [counts[name][k] for k in new_pos]
                elif name in fen:
                    fact_columns[name] = new_texts[name].to_list()
                else:
                    fact_columns[name] = [None] * len(new_pos)
            insert_columns(YearlyFacts, fact_columns, raw=money_present)
        if changed:
            instances = {
                f.pk: f
                for f in YearlyFacts.objects.filter(pk__in=[c[0][0] for c in changed.values()])
            }
            changed_fields: set[str] = set()
            updated = []
            for _row, values, _c in changed.values():
                facts = instances[_row[0]]
                for name, val in values.items():
                    setattr(facts, name, val)
                changed_fields.update(values)
                updated.append(facts)
            YearlyFacts.objects.bulk_update(
                updated, sorted(changed_fields | {"updated_at"}), batch_size=500
            )
        new_ids: dict[tuple[int, int], int] = {}
        by_enterprise = sorted({eids[k] for k in new_pos})
        new_years = {years[k] for k in new_pos}
        for i in range(0, len(by_enterprise), 900):
            new_ids.update(
                ((e, y), pk)
                for pk, e, y in YearlyFacts.objects.filter(
                    enterprise_id__in=by_enterprise[i : i + 900], fiscal_year__in=new_years
                ).values_list("pk", "enterprise_id", "fiscal_year")
            )
        # JSON of the new rows' changes and audit "after", as json.dumps writes them
        new_changes: list[str] = []
        new_after: list[str] = []
        if new_pos:
            pieces = new_texts.select(
                *[
                    pl.concat_str(
                        [pl.lit(f'"{name}": [null, '), _json_value(name, name in fen), pl.lit("]")]
                    ).alias(f"c:{name}")
                    for name in names
                ],
                *[
                    pl.concat_str([pl.lit(f'"{name}": '), _json_value(name, name in fen)]).alias(
                        f"a:{name}"
                    )
                    for name in names
                ],
            )
            lead = [f'{{"fiscal_year": {years[k]}' for k in new_pos]  # '{"fiscal_year": 2020'
            tail = [
                f'"source": "{sources[k]}", "recorded_on": "{days[recorded[k]]}"}}' for k in new_pos
            ]
            both = pieces.with_columns(pl.Series("lead", lead), pl.Series("tail", tail)).select(
                pl.concat_str(
                    [
                        pl.lit("{"),
                        pl.concat_str(
                            [pl.col(f"c:{name}") for name in names],
                            separator=", ",
                            ignore_nulls=True,
                        ),
                        pl.lit("}"),
                    ]
                ).alias("changes"),
                pl.concat_str(
                    [pl.col("lead"), *[pl.col(f"a:{name}") for name in names], pl.col("tail")],
                    separator=", ",
                    ignore_nulls=True,
                ).alias("after"),
            )
            new_changes = both["changes"].to_list()
            new_after = both["after"].to_list()
        dumps = _json_dumps()
        changes_json: list[str] = []
        before_json: list[str | None] = []
        after_json: list[str] = []
        facts_ids: list[int] = []
        j = 0
        for k in work:
            if k in changed:
                current_row, _values, changes = changed[k]
                facts_ids.append(current_row[0])
                changes_json.append(dumps(changes))
                before_json.append(dumps({n_: c[0] for n_, c in changes.items()}))
                after_json.append(
                    dumps(
                        {
                            "fiscal_year": years[k],
                            **{n_: c[1] for n_, c in changes.items()},
                            "source": sources[k],
                            "recorded_on": days[recorded[k]],
                        }
                    )
                )
            else:
                facts_ids.append(new_ids[keys[k]])
                changes_json.append(new_changes[j])
                before_json.append(None)
                after_json.append(new_after[j])
                j += 1
        m = len(work)
        work_notes = [notes[k] for k in work]
        insert_columns(
            FactRevision,
            {
                "facts_id": facts_ids,
                "source": [sources[k] for k in work],
                "recorded_on": [recorded[k] for k in work],
                "recorded_by_id": [recorder_id] * m,
                "changes": changes_json,
                "note": work_notes,
            },
            raw=("changes",),
        )
        audit = dict.fromkeys(ENTRY_FIELDS)
        audit.update(
            actor_id=[recorder_id] * m,
            actor_name=[_actor_name(actor)] * m,
            action=["update" if k in changed else "create" for k in work],
            object_type=[YearlyFacts._meta.label_lower] * m,
            object_id=list(map(str, facts_ids)),
            object_repr=[f"{known[codes[k]][1]} {years[k]}年度"[:200] for k in work],
            enterprise_id=[eids[k] for k in work],
            before=before_json,
            after=after_json,
            via=["import"] * m,
            note=[t[:300] for t in work_notes],
        )
        insert_columns(AuditLog, audit, raw=("before", "after"))  # type: ignore[arg-type]

    return apply


def _json_value(name: str, is_money: bool) -> pl.Expr:
    """A value (of `texts`) as json.dumps writes it: ints bare, money text quoted (null
    stays null)."""
    if is_money:
        return pl.concat_str([pl.lit('"'), pl.col(name), pl.lit('"')])
    return pl.col(name).cast(pl.String)


def _parse_column(col: Column, raws: Sequence[Any]) -> list[Any]:
    """`[col.parse(raw) for raw in raws]` (raises its ParseError): floats of an integer
    column vectorized, a text column by its distinct texts, others cell by cell."""
    types = set(map(type, raws))
    if col.kind in ("int", "year") and types <= {float, _NONE}:
        series = pl.Series(raws, dtype=pl.Float64)
        present = ~series.is_null().to_numpy()
        x = series.fill_null(0.0).to_numpy()
        with np.errstate(invalid="ignore"):
            # Column.parser's rule: 0 ≤ raw < 2⁵³ and integral → int(raw)
            exact = present & (x >= 0) & (x < 2.0**53) & (np.floor(x) == x)
        values = pl.Series(np.where(exact, x, 0).astype(np.int64)).to_list()
        for i in np.flatnonzero(~exact).tolist():
            values[i] = col.parse(raws[i])
        return values
    parse = col.parser()
    if types <= {str, _NONE}:
        # a str cell's value depends on the str alone (None: blank)
        by_text = {raw: parse(raw) for raw in set(raws)}
        return list(map(by_text.__getitem__, raws))
    return [parse(raw) for raw in raws]
