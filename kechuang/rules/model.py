"""What a rule set is: criteria, sub-scores, dated parameters and one vectorized evaluator.

A rule set's plan adds columns to a Polars frame of facts (one row per enterprise); the
column names follow `col()`. Explaining one enterprise runs the same evaluator on a one-row
frame (`explain.py`); there is no scalar copy of any rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from kechuang.rules.parameters import ParameterSet, Params, load

# A text for people (criterion rule, label, score-item rule, reading): fixed, or filled
# from the parameters in force, so that a dated parameter change changes it too.
Text = str | Callable[[Params], str]
Number = int | Callable[[Params], int]


def text(t: Text, p: Params) -> str:
    """`t` with the parameters `p` filled in."""
    return t if isinstance(t, str) else t(p)


def number(n: Number, p: Params) -> int:
    return n if isinstance(n, int) else n(p)


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
    """One condition. `rule` is the plain statement documented in docs/rules; `label`
    and `rule` quote numbers from the parameters only (`text`)."""

    id: str
    label: Text
    clause: str
    unit: str
    rule: Text
    fix_keys: tuple[str, ...] = ()  # fields a numeric remedy changes


@dataclass(frozen=True)
class SubScore:
    id: str
    label: str
    clause: str
    max: Number
    rule: Text
    expert_key: str | None = None  # the `score_*` input that may replace the interval

    def with_params(self, convert: Callable[[Params], Params]) -> SubScore:
        """The same item, its texts filled from `convert(p)`: for a rule set that
        reports another rule set's score (jiangsu-pool-2018 reports hnte-2016's)."""
        max_, rule = self.max, self.rule
        return replace(
            self,
            max=max_ if isinstance(max_, int) else lambda p: max_(convert(p)),
            rule=rule if isinstance(rule, str) else lambda p: rule(convert(p)),
        )


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
    readings: tuple[Text, ...] = field(default=())  # documented interpretations

    @property
    def parameters(self) -> ParameterSet:
        return load(self.parameters_dir, self.id)

    def params_on(self, on: date) -> Params:
        """The parameters the evaluator uses for `on`: those in force then, or the first
        ones for a date before every value (as `evaluate` does)."""
        dates = self.parameters.change_dates()
        return self.parameters.at(max(on, dates[0]))

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)
