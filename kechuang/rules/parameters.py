"""Dated rule parameters, read from YAML (OpenFisca style: every value cites its source).

File layout::

    ruleset: hnte-2016
    parameters:
      tech_staff_ratio:
        description: 科技人员占职工总数的比例下限
        unit: 比例
        values:
          - from: 2016-01-01
            value: "10%"
            source: 国科发火〔2016〕32号 第十一条（四）

A value applies from its `from` date until the next one. Ratios are written as exact
decimal strings ("10%", "0.05") and read as `Fraction`s; amounts are in 万元.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml


class ParameterError(ValueError):
    """A parameter file that is malformed, or a value not in force on a date."""


@dataclass(frozen=True)
class DatedValue:
    start: date
    value: Any
    source: str


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]  # sorted by start

    def at(self, on: date) -> DatedValue:
        found: DatedValue | None = None
        for dated in self.values:
            if dated.start <= on:
                found = dated
        if found is None:
            raise ParameterError(f"参数 {self.name} 在 {on.isoformat()} 尚未生效")
        return found


def ratio(raw: object) -> Fraction:
    """ "10%" → 1/10, "0.05" → 1/20, exactly."""
    text = str(raw).strip()
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100
    return Fraction(text)


@dataclass(frozen=True)
class Params:
    """The parameters of one rule set as in force on one date."""

    on: date
    values: dict[str, DatedValue]

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def ratio(self, name: str) -> Fraction:
        return ratio(self[name])

    def int(self, name: str) -> int:
        return int(self[name])

    def source(self, name: str) -> str:
        return self.values[name].source


@dataclass(frozen=True)
class ParameterSet:
    ruleset: str
    parameters: dict[str, Parameter]

    def at(self, on: date) -> Params:
        return Params(on, {name: p.at(on) for name, p in self.parameters.items()})

    def change_dates(self) -> list[date]:
        """Every date on which some value changes, ascending."""
        return sorted({v.start for p in self.parameters.values() for v in p.values})


def _load_file(path: Path) -> tuple[str, dict[str, Parameter]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "parameters" not in data:
        raise ParameterError(f"{path}: 缺少 parameters")
    out: dict[str, Parameter] = {}
    for name, spec in data["parameters"].items():
        values = []
        for item in spec["values"]:
            start = item["from"]
            if not isinstance(start, date):
                raise ParameterError(f"{path}: {name} 的 from 不是日期")
            source = str(item.get("source") or "").strip()
            if not source:
                raise ParameterError(f"{path}: {name} 缺少 source")
            values.append(DatedValue(start, item["value"], source))
        values.sort(key=lambda v: v.start)
        out[name] = Parameter(
            name, str(spec.get("description", "")), str(spec.get("unit", "")), tuple(values)
        )
    return str(data["ruleset"]), out


@cache
def load(directory: Path, ruleset: str) -> ParameterSet:
    """All `*.yaml` files in `directory` whose `ruleset` is `ruleset`, merged."""
    merged: dict[str, Parameter] = {}
    for path in sorted(directory.glob("*.yaml")):
        rid, params = _load_file(path)
        if rid == ruleset:
            merged.update(params)
    if not merged:
        raise ParameterError(f"{directory}: 没有规则集 {ruleset} 的参数")
    return ParameterSet(ruleset, merged)
