"""What a rule set is: criteria, sub-scores, dated parameters and one vectorized evaluator.

A rule set's plan adds columns to a Polars frame of facts (one row per enterprise); the
column names follow `col()`. Explaining one enterprise runs the same evaluator on a one-row
frame (`explain.py`); there is no scalar copy of any rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from kechuang.rules.parameters import ParameterSet, Params, load

Verdict = Literal["pass", "fail", "uncertain"]
PASS: Verdict = "pass"
FAIL: Verdict = "fail"
UNCERTAIN: Verdict = "uncertain"

# Per-criterion output columns.
PASSED = "passed"  # Boolean, null = unknown
VALUE = "value"  # Float64, display only
THRESHOLD = "threshold"  # Float64, display only
AMBIGUOUS = "ambiguous"  # Boolean
NOTE = "note"  # String
REMEDY = "remedy"  # String
LO = "lo"
HI = "hi"


def col(owner: str, part: str) -> str:
    """The frame column holding `part` of criterion, sub-score or rule set `owner`."""
    return f"{owner}|{part}"


def fix_col(criterion_id: str, key: str) -> str:
    """The change (in the field's own units; days for dates) that a remedy proposes."""
    return f"{criterion_id}|fix|{key}"


@dataclass(frozen=True)
class Criterion:
    """One condition. `rule` is the plain statement documented in docs/rules."""

    id: str
    label: str
    clause: str
    unit: str
    rule: str
    fix_keys: tuple[str, ...] = ()  # fields a numeric remedy changes


@dataclass(frozen=True)
class SubScore:
    id: str
    label: str
    clause: str
    max: int
    rule: str
    expert_key: str | None = None  # the `score_*` input that may replace the interval


@dataclass(frozen=True)
class Late:
    """A text column filled after the plan's steps, only on the rows where `need` holds
    (null elsewhere): `text` is evaluated on those rows alone. Used for remedies, which
    only failed or unknown criteria carry."""

    name: str
    need: pl.Expr
    text: pl.Expr


@dataclass(frozen=True)
class Plan:
    """A rule set's plan: the `with_columns` steps that add its columns, in order, then
    the `late` text columns (see `Late`). Built once per (rule set, parameter date,
    detail) and cached by `evaluate.plan`."""

    steps: Sequence[Sequence[pl.Expr]]
    late: Sequence[Late] = ()


Planner = Callable[[Params], Plan]
ErrorCheck = Callable[[pl.LazyFrame, Params], pl.LazyFrame]


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    sources: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    national: bool
    criteria: tuple[Criterion, ...]
    subscores: tuple[SubScore, ...]
    has_score: bool
    parameters_dir: Path
    plan: Planner
    input_errors: ErrorCheck | None = None  # returns columns `_row`, `field`, `message`
    notices: tuple[str, ...] = ()  # warnings attached to every result
    readings: tuple[str, ...] = field(default=())  # documented interpretations

    @property
    def parameters(self) -> ParameterSet:
        return load(self.parameters_dir, self.id)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)
