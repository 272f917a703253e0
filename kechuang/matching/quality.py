"""Whether a cooperation agreement is 高质量, by the rule in `quality.yaml` (data: dated
versions, each criterion with its threshold, label and reason). Plain Python: it reads
the agreement's facts (amount, progress, status), never the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULE_FILE = Path(__file__).with_name("quality.yaml")


@dataclass(frozen=True)
class Facts:
    amount_yuan: Decimal
    signed_on: dt.date
    status: str
    progress: Sequence[tuple[str, dt.date, Decimal | None]]  # (kind, on, amount)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    high_quality: bool
    checks: tuple[Check, ...]
    source: str

    @property
    def missing(self) -> list[str]:
        return [c.label for c in self.checks if not c.passed]


@cache
def versions() -> list[dict[str, Any]]:
    data = yaml.safe_load(RULE_FILE.read_text(encoding="utf-8"))
    return sorted(data, key=lambda v: v["effective_from"], reverse=True)


def version_for(day: dt.date) -> dict[str, Any]:
    for v in versions():
        if v["effective_from"] <= day:
            return v
    return versions()[-1]


def stale_after_months(day: dt.date) -> int:
    return int(version_for(day)["stale_after_months"])


def judge(facts: Facts) -> Verdict:
    """Each criterion of the version in force on the signing day, with why it passed or
    failed; 高质量 when all pass."""
    rule = version_for(facts.signed_on)
    paid = sum((a or Decimal(0) for k, _, a in facts.progress if k == "payment"), Decimal(0))
    kinds = {k for k, _, _ in facts.progress}
    checks: list[Check] = []
    for c in rule["criteria"]:
        key = c["key"]
        if key == "amount":
            need = Decimal(str(c["min_amount_yuan"]))
            ok = facts.amount_yuan >= need
            detail = f"合同金额{facts.amount_yuan / 10000:.2f}万元，要求≥{need / 10000:.2f}万元"
        elif key == "executed":
            ok = bool(kinds & set(c["kinds"]))
            detail = "已有执行记录" if ok else "尚无项目启动或付款记录"
        elif key == "paid":
            share = Decimal(str(c["min_paid_share"]))
            ok = facts.amount_yuan > 0 and paid >= facts.amount_yuan * share
            detail = f"已付款{paid / 10000:.2f}万元，要求≥合同金额的{share * 100:.0f}%"
        elif key == "not_abandoned":
            ok = facts.status != "not_executed"
            detail = "未标记未执行" if ok else "已标记为未执行"
        else:
            raise ValueError(f"quality.yaml: unknown criterion {key!r}")
        checks.append(Check(key, c["label"], ok, detail))
    return Verdict(all(c.passed for c in checks), tuple(checks), rule["source"])
