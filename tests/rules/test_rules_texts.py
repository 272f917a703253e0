"""Policy numbers live in the dated parameter files only: the criterion modules hold no
literal equal to a parameter value, and criterion, remedy and doc texts follow a dated
parameter change."""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from kechuang.rules.docs import render
from kechuang.rules.evaluate import assess
from kechuang.rules.explain import records
from kechuang.rules.fields import MICRO
from kechuang.rules.model import RuleSet, text
from kechuang.rules.parameters import ratio
from kechuang.rules.rulesets import RULESETS

ROOT = Path(__file__).resolve().parents[2] / "kechuang" / "rules" / "rulesets"
HNTE = RULESETS["hnte-2016"]
TECH_SME = RULESETS["tech-sme-2017"]
POOL = RULESETS["jiangsu-pool-2018"]

# Numbers that are not policy, wherever they occur.
ALLOWED = {
    Fraction(0): "nothing: zero points, a zero count, a lower bound of 0",
    Fraction(1): "one: one item (1项Ⅰ类), the identity in 1 + r, the next integer",
    Fraction(100): "per cent",
}
# Structural numbers, per module (path under rulesets/). Each needs a reason.
STRUCTURAL = {
    # Midpoints are halves ((lo + hi + 1) // 2, 2 × cap); the growth rate is
    # ½(V2/V1 + V3/V2) − 1; "two of the three fiscal years" present.
    ("hnte/score.py", Fraction(2)): "halves and the two-year case of the growth rate",
    # The three fiscal years y1–y3 of 195号 十（四） (all three present).
    ("hnte/score.py", Fraction(3)): "three fiscal years",
    # The score midpoint (lo + hi + 1) // 2.
    ("tech_sme/criteria.py", Fraction(2)): "the midpoint",
}
# Numbers in texts that are references, not values: document numbers (〔2016〕32号,
# 2018年), clause items (（一）1, 条件5), USCC positions (第3–4位), field names (y3, V2).
REFERENCE = re.compile(r"〔\d+〕|\d+[号年位]|）\d+|条件\d+|[A-Za-z_]\d+|\d+–\d+位")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(value: Any, out: set[Fraction]) -> None:
    """Every number in a parameter value: ints, and ratios both as "10%" → 1/10 and 10."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        out.add(Fraction(str(value)))
    elif isinstance(value, str):
        try:
            r = ratio(value)
        except ValueError:
            return
        out.add(r)
        if value.strip().endswith("%"):
            out.add(r * 100)
    elif isinstance(value, dict):
        for v in value.values():
            _numbers(v, out)
    else:
        for v in value:
            _numbers(v, out)


# Numbers the texts derive from a parameter, searched for as well: 195号 writes the HNTE
# pass line as "70分以上（不含70分）", one below `score_pass_min`.
DERIVED = {"hnte-2016": lambda p: [p.int("score_pass_min") - 1]}


def _parameter_values(rulesets: list[RuleSet]) -> set[Fraction]:
    out: set[Fraction] = set()
    for rs in rulesets:
        for p in rs.parameters.parameters.values():
            for v in p.values:
                _numbers(v.value, out)
        if rs.id in DERIVED:
            for on in rs.parameters.change_dates():
                _numbers(DERIVED[rs.id](rs.params_on(on)), out)
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _date_arguments(tree: ast.AST) -> set[int]:
    """Literals inside `date(…)`: calendar dates (effective_from), not thresholds."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "date":
            out |= {id(a) for a in node.args}
    return out


def _offenders(path: Path, root: Path, values: set[Fraction]) -> list[str]:
    rel = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _date_arguments(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in skip:
            continue
        if type(node.value) in (int, float):
            numbers = [Fraction(str(node.value))]
        elif isinstance(node.value, str):
            numbers = [Fraction(n) for n in NUMBER.findall(REFERENCE.sub(" ", node.value))]
        else:
            continue
        for n in numbers:
            if n in values and n not in ALLOWED and (rel, n) not in STRUCTURAL:
                found.append(f"{rel}:{node.lineno}: {node.value!r} ({n})")
    return found


def test_no_criterion_module_writes_a_parameter_value_as_a_literal() -> None:
    # Every rule set's values, for every module: a policy number of one rule set has no
    # business in another's code either.
    values = _parameter_values(list(RULESETS.values()))
    assert {Fraction(71), Fraction(70), Fraction(60), Fraction(10)} <= values
    modules = sorted(ROOT.rglob("*.py"))
    assert {p.relative_to(ROOT).as_posix() for p in modules} >= {
        "hnte/criteria.py",
        "hnte/score.py",
        "tech_sme/criteria.py",
        "provincial_pool/criteria.py",
    }
    offenders = [line for path in modules for line in _offenders(path, ROOT, values)]
    assert offenders == []


def test_the_literal_search_finds_a_pass_line_written_beside_its_parameter(tmp_path: Path) -> None:
    values = _parameter_values([HNTE])
    module = tmp_path / "hnte" / "bad.py"
    module.parent.mkdir()
    module.write_text(
        '"""Docstrings may cite 71."""\n'
        "NEED = 71\n"
        'NOTE = "须高于70分"\n'
        'RULE = f"≥ {NEED}，[7, 8]"\n'
        'CLAUSE = "国科发火〔2016〕195号 十（一）3；条件5；y3；第3–4位"\n'
        "ON = date(2016, 1, 1)\n"
        "MID = (LO + HI + 1) // 2\n",
        encoding="utf-8",
    )
    found = _offenders(module, tmp_path, values)
    assert [line.split(" (", 1)[0] for line in found] == [
        "hnte/bad.py:2: 71",
        "hnte/bad.py:3: '须高于70分'",
        "hnte/bad.py:4: '，[7, 8]'",
        "hnte/bad.py:4: '，[7, 8]'",
        "hnte/bad.py:7: 2",
    ]


# ---------------------------------------------------------------------------
# A dated parameter change reaches the texts


def _with_new_values(rs: RuleSet, tmp_path: Path, start: date, values: dict[str, Any]) -> RuleSet:
    """`rs` with a copy of its parameter files plus a new dated value per name."""
    target = tmp_path / rs.id
    shutil.copytree(rs.parameters_dir, target)
    (source,) = sorted(target.glob("*.yaml"))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for name, value in values.items():
        data["parameters"][name]["values"].append(
            {"from": start, "value": value, "source": "测试：假设的新版本"}
        )
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return replace(rs, parameters_dir=target)


def _facts(as_of: list[date], **values: Any) -> pl.DataFrame:
    return pl.DataFrame({"as_of": as_of, **{k: [v] * len(as_of) for k, v in values.items()}})


def _criterion(result: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in result["criteria"] if c["id"] == cid)


HNTE_FACTS: dict[str, Any] = {
    "uscc": "91321283MA1MXXXX0X",
    "name": "甲公司",
    "registered_on": date(2015, 1, 1),
    "employees": 100,
    "tech_staff": 11,
    "revenue_y3": 4000 * MICRO,
    "rd_expense_y3": 100 * MICRO,
    "ip_class1": 0,
    "ip_class2": 0,
    "conversions_3y": 3,
    "score_tech_advancement": 8,
    "score_core_support": 8,
    "score_standards": 2,
    "score_conversion": 18,
    "score_rd_mgmt_system": 6,
    "score_rd_institution": 6,
    "score_conversion_incentive": 4,
    "score_talent_system": 4,
    "score_net_asset_growth": 10,
}


def test_a_new_pass_line_changes_the_hnte_texts_from_its_date(tmp_path: Path) -> None:
    # From 2026 (hypothetically): pass line 76, tech staff 12 %, a Ⅰ类 IP worth [9, 10].
    tiers = dict(HNTE.parameters.parameters["ip_count_tiers"].values[-1].value)
    tiers["class1"] = [9, 10]
    rs = _with_new_values(
        HNTE,
        tmp_path,
        date(2026, 1, 1),
        {"score_pass_min": 76, "tech_staff_ratio": "12%", "ip_count_tiers": tiers},
    )
    old, new = date(2025, 6, 30), date(2026, 6, 30)
    # Score: IP 8+8+0+0+2, conversion 18, management 20, growth 10+0 → exactly 66.
    results = list(records(assess(_facts([old, new], **HNTE_FACTS), [rs], as_of=old), [rs]))
    before, after = (_criterion(r, "hnte.innovation_score") for r in results)
    assert before["passed"] is False and after["passed"] is False
    assert "须高于70分" in before["note"] and "须高于75分" in after["note"]
    assert before["remedy"] == (
        "总分下限66分，距71分差5分。取得1项Ⅰ类知识产权（如发明专利）：知识产权数量由[0, 0]升至[7, 8]，总分下限+8"
    )
    assert after["remedy"] == (
        "总分下限66分，距76分差10分。取得1项Ⅰ类知识产权（如发明专利）：知识产权数量由[0, 0]升至[9, 10]，总分下限+10"
    )
    assert before["threshold"] == 71 and after["threshold"] == 76
    staff_before, staff_after = (_criterion(r, "hnte.tech_staff_ratio") for r in results)
    assert staff_before["passed"] is True and staff_after["passed"] is False
    assert "达到12人" in staff_after["remedy"]

    doc = render(rs)
    assert "自2016-01-01起：创新能力评价总分 > 70（整数即 ≥ 71）" in doc
    assert "自2026-01-01起：创新能力评价总分 > 75（整数即 ≥ 76）" in doc
    assert "自2026-01-01起：科技人员数 ÷ 职工总数 ≥ 12%" in doc
    assert "自2026-01-01起：Ⅰ类≥1 → [9,10]" in doc
    assert "| 自2016-01-01起：8<br>自2026-01-01起：10 |" in doc
    # Unchanged texts stay as they were.
    assert "| 境内研发费用合计 ÷ 存续年度研发费用合计 ≥ 60% |" in doc
    assert render(HNTE) == (Path(ROOT.parents[2]) / "docs" / "rules" / "hnte-2016.md").read_text(
        encoding="utf-8"
    )


def test_a_new_tech_sme_pass_score_changes_label_rule_and_remedy(tmp_path: Path) -> None:
    rs = _with_new_values(
        TECH_SME, tmp_path, date(2026, 1, 1), {"pass_score": 65, "max_employees": 300}
    )
    old, new = date(2025, 6, 30), date(2026, 6, 30)
    facts = _facts(
        [old, new],
        uscc="91321283MA1MXXXX0X",
        name="乙公司",
        employees=200,
        tech_staff=20,
        revenue_y3=3000 * MICRO,
        total_assets=3000 * MICRO,
        total_cost=2500 * MICRO,
        rd_expense_y3=30 * MICRO,
        ip_class1=0,
        ip_class2=0,
        prohibited_industry=False,
        major_incident=False,
        credit_blacklisted=False,
    )
    results = list(records(assess(facts, [rs], as_of=old), [rs]))
    before, after = (_criterion(r, "tech_sme.score") for r in results)
    assert "不低于60分" in before["label"] and "不低于65分" in after["label"]
    assert "须≥60分" in before["remedy"] and "须≥65分" in after["remedy"]
    size_before, size_after = (_criterion(r, "tech_sme.size_limits") for r in results)
    assert size_before["label"].startswith("职工总数不超过500人、年销售收入不超过2亿元")
    assert size_after["label"].startswith("职工总数不超过300人")
    doc = render(rs)
    assert "自2026-01-01起：总分下限 ≥ 65 且科技人员得分确定大于0为通过" in doc
    assert "自2026-01-01起：职工总数 ≤ 300 且" in doc


def test_the_pool_reports_score_items_with_the_hnte_texts() -> None:
    on = POOL.parameters.change_dates()[0]
    hp = HNTE.params_on(on)
    pool_items = {s.id: s for s in POOL.subscores}
    for s in HNTE.subscores:
        assert text(pool_items[s.id].rule, POOL.params_on(on)) == text(s.rule, hp)


@pytest.mark.parametrize("rs", list(RULESETS.values()), ids=lambda rs: rs.id)
def test_every_text_fills_from_the_parameters_in_force(rs: RuleSet) -> None:
    for on in rs.parameters.change_dates():
        p = rs.params_on(on)
        for cr in rs.criteria:
            assert text(cr.label, p) and text(cr.rule, p)
        for reading in rs.readings:
            assert text(reading, p)
