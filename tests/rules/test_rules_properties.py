"""Properties of the engine over generated enterprises (hypothesis, fixed budget)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.rules.evaluate import assess
from kechuang.rules.explain import explain, records
from kechuang.rules.fields import BY_KEY, MONEY_KEYS
from kechuang.rules.inputs import from_records
from kechuang.rules.model import PASSED, col, fix_col
from kechuang.rules.rulesets import RULESETS
from kechuang.rules.uscc import generate

AS_OF = date(2025, 6, 15)
ALL = list(RULESETS.values())
SETTINGS = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def given_amount(max_milli: int, *, negative: bool = False) -> st.SearchStrategy[str]:
    """An amount in 万元 with up to 3 decimals, as text."""
    lo = -max_milli if negative else 0
    return st.integers(lo, max_milli).map(lambda m: str(Decimal(m) / 1000))


def amount(max_milli: int, *, negative: bool = False) -> st.SearchStrategy[str | None]:
    value = given_amount(max_milli, negative=negative)
    return st.one_of(st.none(), value, value, value, value)  # blank one time in five


def maybe(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), s, s, s, s)


@st.composite
def enterprise(draw: st.DrawFn, max_milli: int = 30_000_000) -> dict[str, Any]:
    years = draw(
        st.sampled_from([(), ("y3",), ("y2", "y3"), ("y1", "y2", "y3"), ("y1", "y2", "y3")])
    )
    na_years = draw(st.sampled_from([(), ("y3",), ("y2", "y3"), ("y1", "y2", "y3")]))
    employees = draw(maybe(st.integers(0, 600)))
    rec: dict[str, Any] = {
        "name": "企业",
        "registered_on": draw(
            maybe(st.integers(0, 2000).map(lambda d: (date(2020, 1, 1) + timedelta(d)).isoformat()))
        ),
        "employees": employees,
        "tech_staff": draw(maybe(st.integers(0, employees or 50))),
        "rd_domestic_3y": draw(amount(max_milli)),
        "total_income": draw(amount(max_milli)),
        "non_taxable_income": draw(amount(max_milli // 10)),
        "hightech_income": draw(amount(max_milli)),
        "total_assets": draw(amount(max_milli)),
        "total_cost": draw(amount(max_milli)),
        "ip_class1": draw(maybe(st.integers(0, 2))),
        "ip_class2": draw(maybe(st.integers(0, 6))),
        "conversions_3y": draw(maybe(st.integers(0, 20))),
        "tech_domain": draw(st.sampled_from(["1.1", "8", "软件", None])),
        "score_tech_advancement": draw(maybe(st.integers(0, 8))),
        "score_rd_mgmt_system": draw(maybe(st.integers(0, 6))),
    }
    for key in (
        "ip_self_developed", "core_ip", "standards", "major_incident", "credit_blacklisted",
        "prohibited_industry", "hnte_ever", "hnte_valid", "national_award_5y",
    ):  # fmt: skip
        rec[key] = draw(st.sampled_from(["是", "否", "否", "否", None]))
    for y in years:
        rec[f"revenue_{y}"] = draw(given_amount(max_milli))
        rec[f"rd_expense_{y}"] = draw(amount(max_milli // 10))
    for y in na_years:
        rec[f"net_assets_{y}"] = draw(given_amount(max_milli, negative=True))
    return rec


def frame(recs: list[dict[str, Any]]) -> pl.DataFrame:
    rng = random.Random(7)
    rows = []
    for r in recs:
        rows.append({"uscc": generate(rng), **{k: v for k, v in r.items() if v is not None}})
    # Every row carries every key (null where blank) so the records agree on columns.
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return from_records([{k: r.get(k) for k in keys} for r in rows], as_of=AS_OF).facts


@SETTINGS
@given(st.lists(enterprise(), min_size=1, max_size=4))
def test_vectorized_rows_equal_one_row_explanations(recs: list[dict[str, Any]]) -> None:
    facts = frame(recs)
    together = list(records(assess(facts, ALL, as_of=AS_OF), ALL))
    one_by_one = [
        r for i in range(facts.height) for r in explain(facts.slice(i, 1), ALL, as_of=AS_OF)
    ]
    assert together == one_by_one


@SETTINGS
@given(st.lists(enterprise(), min_size=1, max_size=6))
def test_verdict_never_contradicts_criteria(recs: list[dict[str, Any]]) -> None:
    for r in records(assess(frame(recs), ALL, as_of=AS_OF), ALL):
        passed = [c["passed"] for c in r["criteria"]]
        if r["ruleset"] == "tech-sme-2017":
            eligible = passed[:4]
            if False in eligible:
                assert r["verdict"] == "fail"
            if r["verdict"] == "pass":
                assert all(eligible) and (passed[4] is True or r["route"] == "direct")
            if r["verdict"] == "fail":
                assert False in eligible or passed[4] is False
        else:
            if False in passed:
                assert r["verdict"] == "fail"
            elif None in passed:
                assert r["verdict"] == "uncertain"
            else:
                assert r["verdict"] == "pass"
        if r["score"] is not None:
            assert r["score"]["lo"] <= r["score"]["mid"] <= r["score"]["hi"]


def apply_fixes(facts: pl.DataFrame, fixes: dict[str, int]) -> pl.DataFrame:
    exprs = []
    for key, delta in fixes.items():
        kind = BY_KEY[key].kind
        if kind == "date":
            exprs.append(pl.col(key) + timedelta(days=delta))
        elif kind == "bool":
            exprs.append(pl.lit(bool(delta)).alias(key))
        else:
            exprs.append(pl.col(key) + delta)
    return facts.with_columns(exprs)


@SETTINGS
@given(st.lists(enterprise(), min_size=1, max_size=6))
def test_every_remedy_applied_to_the_facts_passes_its_criterion(recs: list[dict[str, Any]]) -> None:
    facts = frame(recs)
    evaluated = assess(facts, ALL, as_of=AS_OF)
    fixed_rows: list[pl.DataFrame] = []
    targets: list[str] = []
    for rs in ALL:
        for cr in rs.criteria:
            if not cr.fix_keys:
                continue
            for i in range(facts.height):
                row = evaluated.row(i, named=True)
                fixes = {
                    k: row[fix_col(cr.id, k)]
                    for k in cr.fix_keys
                    if row[fix_col(cr.id, k)] is not None
                }
                if fixes:
                    fixed_rows.append(apply_fixes(facts.slice(i, 1), fixes))
                    targets.append(cr.id)
    if not fixed_rows:
        return
    again = assess(pl.concat(fixed_rows), ALL, as_of=AS_OF)
    for i, cid in enumerate(targets):
        assert again.row(i, named=True)[col(cid, PASSED)] is True, (cid, fixed_rows[i].to_dicts())


@SETTINGS
@given(st.lists(enterprise(max_milli=5_000), min_size=1, max_size=4), st.integers(1, 3))
def test_scaling_every_amount_by_a_power_of_ten_changes_no_verdict(
    recs: list[dict[str, Any]], n: int
) -> None:
    facts = frame(recs)
    scaled = facts.with_columns([pl.col(k) * 10**n for k in MONEY_KEYS])
    before = [(r["ruleset"], r["verdict"]) for r in records(assess(facts, ALL, as_of=AS_OF), ALL)]
    after = [(r["ruleset"], r["verdict"]) for r in records(assess(scaled, ALL, as_of=AS_OF), ALL)]
    assert before == after


def seeded_batch(n: int, seed: int = 42) -> list[dict[str, Any]]:
    """Plain seeded enterprises, mostly complete, so that many criteria fail."""
    rng = random.Random(seed)

    def wan(hi: float) -> str:
        return str(Decimal(rng.randint(0, int(hi * 1000))) / 1000)

    out = []
    for _ in range(n):
        employees = rng.randint(1, 600)
        revenue = [wan(30000) for _ in range(3)]
        out.append(
            {
                "name": "企业",
                "registered_on": (date(2023, 1, 1) + timedelta(rng.randint(0, 900))).isoformat(),
                "employees": employees,
                "tech_staff": rng.randint(0, employees // 2),
                **{f"revenue_y{i + 1}": revenue[i] for i in range(3)},
                **{f"rd_expense_y{i + 1}": wan(float(revenue[i]) * 0.08) for i in range(3)},
                **{f"net_assets_y{i + 1}": wan(10000) for i in range(3)},
                "rd_domestic_3y": wan(3000),
                "total_income": wan(30000),
                "non_taxable_income": wan(100),
                "hightech_income": wan(20000),
                "total_assets": wan(30000),
                "total_cost": wan(30000),
                "ip_class1": rng.choice([0, 0, 0, 1]),
                "ip_class2": rng.randint(0, 6),
                "conversions_3y": rng.randint(0, 20),
                "tech_domain": "1.1",
                "core_ip": rng.choice(["是", "否", None]),
                "major_incident": "否",
                "credit_blacklisted": "否",
                "prohibited_industry": "否",
                "hnte_ever": "否",
                "standards": rng.choice(["是", "否"]),
                "score_tech_advancement": rng.randint(0, 8),
                "score_core_support": rng.randint(0, 8),
                "score_rd_mgmt_system": rng.randint(0, 6),
                "score_rd_institution": rng.randint(0, 6),
                "score_conversion_incentive": rng.randint(0, 4),
                "score_talent_system": rng.randint(0, 4),
            }
        )
    return out


def test_remedies_on_a_seeded_batch_pass_every_criterion_they_target() -> None:
    facts = frame(seeded_batch(300))
    evaluated = assess(facts, ALL, as_of=AS_OF)
    fixed_rows: list[pl.DataFrame] = []
    targets: list[str] = []
    for rs in ALL:
        for cr in rs.criteria:
            for i in range(facts.height):
                row = evaluated.row(i, named=True)
                fixes = {
                    k: row[fix_col(cr.id, k)]
                    for k in cr.fix_keys
                    if row[fix_col(cr.id, k)] is not None
                }
                if fixes:
                    fixed_rows.append(apply_fixes(facts.slice(i, 1), fixes))
                    targets.append(cr.id)
    assert len(set(targets)) >= 10  # most remedies are exercised
    again = assess(pl.concat(fixed_rows), ALL, as_of=AS_OF)
    failures = [
        (cid, fixed_rows[i].to_dicts()[0])
        for i, cid in enumerate(targets)
        if again.row(i, named=True)[col(cid, PASSED)] is not True
    ]
    assert failures == []
