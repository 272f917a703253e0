"""Worked examples kept as data beside each rule set (`rulesets/*/cases/*.yaml`).

A case file has `ruleset`, `as_of`, a complete `base` enterprise and `cases`, each
overriding facts (null = blank) and stating what must hold. `check()` runs a case
through the same path as a user's file (parse → assess → records) and returns the list
of mismatches (empty = the example holds). Used by tests/rules and by docs/rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kechuang.rules.evaluate import assess
from kechuang.rules.explain import records
from kechuang.rules.inputs import InputError, from_records
from kechuang.rules.model import col
from kechuang.rules.rulesets import RULESETS

ROOT = Path(__file__).parent / "rulesets"
TOLERANCE = 1e-6  # display floats only; verdicts are exact


@dataclass(frozen=True)
class Case:
    ruleset: str
    id: str
    spec: str
    as_of: date
    facts: dict[str, Any]
    expect: dict[str, Any]
    path: Path

    @property
    def name(self) -> str:
        return f"{self.ruleset}/{self.id}"


def load_cases(root: Path = ROOT) -> list[Case]:
    out: list[Case] = []
    for path in sorted(root.glob("*/cases/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        base: dict[str, Any] = dict(data.get("base") or {})
        for item in data["cases"]:
            facts = {**base, **(item.get("facts") or {})}
            facts = {k: v for k, v in facts.items() if v is not None and k != "<<"}
            out.append(
                Case(
                    ruleset=str(data["ruleset"]),
                    id=str(item["id"]),
                    spec=str(item.get("spec", "")),
                    as_of=item.get("as_of", data["as_of"]),
                    facts=facts,
                    expect=dict(item.get("expect") or {}),
                    path=path,
                )
            )
    return out


def run(case: Case) -> tuple[dict[str, Any] | None, pl.DataFrame | None, list[str]]:
    """(result record, evaluated frame, input errors)."""
    rs = RULESETS[case.ruleset]
    try:
        parsed = from_records([case.facts], as_of=case.as_of)
    except InputError as exc:
        return None, None, exc.errors
    evaluated = assess(parsed.facts, [rs], as_of=case.as_of)
    return next(records(evaluated, [rs])), evaluated, []


def check(case: Case) -> list[str]:
    record, frame, errors = run(case)
    exp = case.expect
    problems: list[str] = []
    if "input_error" in exp:
        want = str(exp["input_error"])
        if not any(want in e for e in errors):
            problems.append(f"expected an input error containing {want!r}, got {errors}")
        return problems
    if errors or record is None or frame is None:
        return [f"unexpected input errors: {errors}"]
    by_id = {c["id"]: c for c in record["criteria"]}
    subs = {s["id"]: s for s in record["subscores"]}

    def expect_equal(what: str, got: object, want: object) -> None:
        if got != want:
            problems.append(f"{what}: got {got!r}, want {want!r}")

    if "verdict" in exp:
        expect_equal("verdict", record["verdict"], exp["verdict"])
    if "route" in exp:
        expect_equal("route", record["route"], exp["route"])
    for k, v in (exp.get("score") or {}).items():
        expect_equal(f"score.{k}", (record["score"] or {}).get(k), v)
    for cid, v in (exp.get("criteria") or {}).items():
        expect_equal(f"{cid}.passed", by_id[cid]["passed"], v)
    for part, key in (("values", "value"), ("thresholds", "threshold")):
        for cid, v in (exp.get(part) or {}).items():
            got = by_id[cid][key]
            if got is None or abs(float(got) - float(v)) > TOLERANCE:
                problems.append(f"{cid}.{key}: got {got!r}, want {v!r}")
    for cid, v in (exp.get("ambiguous") or {}).items():
        expect_equal(f"{cid}.ambiguous", by_id[cid]["ambiguous"], v)
    for sid, (lo, hi) in (exp.get("subscores") or {}).items():
        expect_equal(f"{sid}", [subs[sid]["lo"], subs[sid]["hi"]], [lo, hi])
    for sid, v in (exp.get("subscore_ambiguous") or {}).items():
        expect_equal(f"{sid}.ambiguous", subs[sid]["ambiguous"], v)
    for sid, (lo, hi) in (exp.get("objective") or {}).items():
        got = [frame.get_column(col(sid, "olo")).item(), frame.get_column(col(sid, "ohi")).item()]
        expect_equal(f"{sid} objective", got, [lo, hi])
    for part, key in (("remedy_contains", "remedy"), ("note_contains", "note")):
        for cid, text in (exp.get(part) or {}).items():
            got = by_id[cid][key] or ""
            if str(text) not in got:
                problems.append(f"{cid}.{key}: {got!r} lacks {text!r}")
    if "warning_contains" in exp:
        if not any(str(exp["warning_contains"]) in w for w in record["warnings"]):
            problems.append(f"warnings {record['warnings']} lack {exp['warning_contains']!r}")
    return problems
