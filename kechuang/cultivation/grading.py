"""Grades of the reserve pool (A 可申报 / B 一年内可达 / C 长期培育, and 到期重认定) and
the pass probability the forecast sums. The rule is documented in docs/cultivation.md;
its parameters are data: `grading.yaml` beside this module (each value with its reason),
and the HNTE pass score from the `hnte-2016` parameters in force on the as-of date.

Every grade is computed from the rules engine's result for `hnte-2016` (criteria,
score interval, remedies and the numeric fix columns `<criterion>|fix|<key>`), run
vectorized over all the enterprises asked for, from the registry's current records:
a change of facts re-grades at the next read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.enterprises.assessment import engine_results, registry_records
from kechuang.enterprises.models import Certificate, Enterprise
from kechuang.rules import inputs
from kechuang.rules.exact import pct_text
from kechuang.rules.fields import MICRO
from kechuang.rules.model import fix_col
from kechuang.rules.parameters import ratio
from kechuang.rules.rulesets import RULESETS

HNTE = "hnte-2016"
POOL = "jiangsu-pool-2018"
SCORE = "hnte.innovation_score"
INCIDENT = "hnte.no_major_incident"
# Conditions a firm can meet within one fiscal year, each with how far it may be off.
CLOSABLE = (
    "hnte.registered_one_year",
    "hnte.tech_staff_ratio",
    "hnte.rd_expense_ratio",
    "hnte.rd_domestic_ratio",
    "hnte.hightech_income_ratio",
)
PARAMETERS_FILE = Path(__file__).with_name("grading.yaml")


@dataclass(frozen=True)
class GradingParameters:
    """The values of `grading.yaml` (what each means: its `source` there)."""

    max_wait_days: int  # registration: the first date it may apply falls within this
    tech_staff_share: Fraction  # more tech staff ≤ this share of headcount …
    tech_staff_min: int  # … or this many people, whichever is more
    rd_growth: int  # extra R&D ≤ this × last year's R&D
    hightech_gap: Fraction  # high-tech income share at most this far below the bar
    score_year_gain: int  # expected score within this of the pass score
    fix_success: Fraction  # chance that a planned remedy is in place by the application
    ready_p_score: Fraction  # A needs a score pass probability of at least this
    renewal_years: int  # a certificate ending within this many years after as-of → R


def load_grading_parameters(path: Path = PARAMETERS_FILE) -> GradingParameters:
    """Read and check `path`: every field present once, each with a value and a source;
    ratios ("5%") read exactly."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: 不是参数表")
    wanted = get_type_hints(GradingParameters)
    if set(data) != set(wanted):
        raise ValueError(f"{path}: 参数应为 {sorted(wanted)}，实为 {sorted(data)}")
    values: dict[str, Any] = {}
    for name, kind in wanted.items():
        entry = data[name]
        if not isinstance(entry, dict) or "value" not in entry:
            raise ValueError(f"{path}: {name} 缺少 value")
        if not str(entry.get("source") or "").strip():
            raise ValueError(f"{path}: {name} 缺少 source")
        values[name] = ratio(entry["value"]) if kind is Fraction else int(entry["value"])
    return GradingParameters(**values)


@cache
def grading_parameters() -> GradingParameters:
    return load_grading_parameters()


def pass_min(as_of: dt.date) -> int:
    """The HNTE pass score (195号 十: above 70, i.e. ≥ 71) in force on `as_of`."""
    return RULESETS[HNTE].params_on(as_of).int("score_pass_min")


GRADE_LABELS = {
    "A": "A 可申报",
    "B": "B 一年内可达",
    "C": "C 长期培育",
    "R": "到期重认定",
    "H": "有效期内高企",
}


@dataclass
class Grade:
    enterprise_id: int
    code: str  # A | B | C | R | H (after override)
    computed: str  # the rule's grade (before override)
    pass_min: int  # the HNTE pass score on the as-of date
    override_reason: str = ""
    readiness: str = ""  # for R/H: the A/B/C the rule gives (a renewal is an application too)
    score: dict[str, int] = field(default_factory=dict)
    p_score: Fraction = Fraction(0)
    p: Fraction = Fraction(0)  # pass probability if it applied in this year's batches
    failing: list[dict[str, Any]] = field(default_factory=list)  # conditions false
    unknown: list[dict[str, Any]] = field(default_factory=list)  # conditions unknown (data missing)
    blockers: list[str] = field(default_factory=list)  # why C
    remedies: list[str] = field(default_factory=list)
    expected_score: int = 0
    hnte_valid_until: dt.date | None = None
    pool_verdict: str | None = None

    @property
    def label(self) -> str:
        return GRADE_LABELS[self.code]

    @property
    def has_unknown(self) -> bool:
        return bool(self.unknown)

    @property
    def score_gap(self) -> int:
        return max(0, self.pass_min - self.expected_score)

    @property
    def distance(self) -> tuple[int, int, int]:
        """Sort key of "who is closest": conditions failing, then score gap, then unknowns."""
        return (len(self.failing), self.score_gap, len(self.unknown))

    @property
    def distance_text(self) -> str:
        parts = []
        if self.failing:
            parts.append(f"{len(self.failing)}项条件未达标")
        if self.score_gap:
            parts.append(f"预计得分{self.expected_score}分，差{self.score_gap}分")
        if self.unknown:
            parts.append(f"{len(self.unknown)}项数据待补")
        return "；".join(parts) or "已达申报条件"

    @property
    def p_percent(self) -> int:
        return round(float(self.p) * 100)


def score_probability(lo: int, hi: int, mid: int, *, pass_min: int) -> Fraction:
    """P(score ≥ pass_min) for a coached firm: the expert items fall in the upper half of
    the interval, i.e. the score is taken as uniform over the integers of [mid, hi]."""
    base = max(lo, mid)
    if hi < pass_min:
        return Fraction(0)
    if base >= pass_min:
        return Fraction(1)
    return Fraction(hi - pass_min + 1, hi - base + 1)


def expected_score(lo: int, hi: int, mid: int) -> int:
    """The mean of the coached-score model: midpoint of [mid, hi], rounded half up."""
    base = max(lo, mid)
    return int(Fraction(base + hi, 2) + Fraction(1, 2))


def _closable(
    cid: str,
    crit: Mapping[str, Any],
    fixes: Mapping[str, Any],
    frame_row: Mapping[str, Any],
    gp: GradingParameters,
) -> str | None:
    """None when the failing condition can be met within a fiscal year, else why not."""
    if cid == "hnte.registered_one_year":
        days = fixes.get("as_of")
        return (
            None
            if days is not None and days <= gp.max_wait_days
            else "成立不满一年且一年内无法满足"
        )
    if cid == "hnte.tech_staff_ratio":
        more = fixes.get("tech_staff")
        employees = frame_row.get("employees") or 0
        cap = max(gp.tech_staff_min, math.ceil(gp.tech_staff_share * employees))
        if more is not None and more <= cap:
            return None
        return f"科技人员缺口{more}人，超过一年可补足的{cap}人"
    if cid in ("hnte.rd_expense_ratio", "hnte.rd_domestic_ratio"):
        key = "rd_expense_y3" if cid == "hnte.rd_expense_ratio" else "rd_domestic_3y"
        more = fixes.get(key)
        last = frame_row.get("rd_expense_y3")
        if more is not None and last is not None and more <= gp.rd_growth * last:
            return None
        more_wan = "?" if more is None else f"{more / MICRO:,.2f}"
        return f"研发费用缺口{more_wan}万元，超过近一年研发投入"
    if cid == "hnte.hightech_income_ratio":
        value, threshold = crit.get("value"), crit.get("threshold")
        # Floats, as the result record displays them (compared as before the move to data).
        gap = float(gp.hightech_gap)
        if value is not None and threshold is not None and threshold - value <= gap:
            return None
        return f"高新技术产品收入占比差距超过{pct_text(gp.hightech_gap).removesuffix('%')}个百分点"
    return "该条件一年内难以满足"


def _grade_one(
    result: Mapping[str, Any],
    fixes: Mapping[str, dict[str, Any]],
    row: Mapping[str, Any],
    need: int,
) -> Grade:
    """The grade of one firm from its `hnte-2016` result; `need` is the pass score."""
    gp = grading_parameters()
    score = result.get("score") or {"lo": 0, "hi": 0, "mid": 0}
    g = Grade(enterprise_id=0, code="C", computed="C", pass_min=need, score=dict(score))
    g.p_score = score_probability(score["lo"], score["hi"], score["mid"], pass_min=need)
    g.expected_score = expected_score(score["lo"], score["hi"], score["mid"])
    fix_factor = Fraction(1)
    for crit in result["criteria"]:
        cid, passed = crit["id"], crit["passed"]
        if cid == SCORE or passed is True:
            continue
        entry = {
            "id": cid,
            "label": crit["label"],
            "remedy": crit.get("remedy") or "",
            "note": crit.get("note") or "",
        }
        if passed is None:
            # Unknown ≠ failure. Incidents are declared in the application, not registered.
            if cid != INCIDENT:
                g.unknown.append(entry)
            continue
        g.failing.append(entry)
        if entry["remedy"]:
            g.remedies.append(entry["remedy"])
        why = (
            _closable(cid, crit, fixes.get(cid, {}), row, gp)
            if cid in CLOSABLE
            else f"{crit['label']}：不满足且非一年内可补足"
        )
        if why:
            g.blockers.append(why)
        else:
            fix_factor *= gp.fix_success
    score_crit = next((c for c in result["criteria"] if c["id"] == SCORE), None)
    if score_crit and score_crit["passed"] is not True and score_crit.get("remedy"):
        g.remedies.append(score_crit["remedy"])
    lever = any(v is not None for v in fixes.get(SCORE, {}).values())
    # With data missing the interval is wide: only an upper bound below the pass score
    # rules it out.
    near = g.expected_score >= need - gp.score_year_gain or bool(g.unknown)
    score_reachable = lever or (score["hi"] >= need and near)
    if not score_reachable:
        g.blockers.append(
            f"创新能力评价预计{g.expected_score}分（区间[{score['lo']}, {score['hi']}]），"
            f"一年内难以超过{need - 1}分"
        )
    if g.blockers:
        g.computed = "C"
        g.p = Fraction(0)
    else:
        g.p = g.p_score * fix_factor
        ready = not g.failing and not g.unknown and g.p_score >= gp.ready_p_score
        g.computed = "A" if ready else "B"
    g.code = g.computed
    return g


def _frame(
    enterprises: Sequence[Enterprise], as_of: dt.date, rulesets: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(result records, evaluated rows with the fix columns), in enterprise order."""
    records = registry_records(enterprises, as_of)
    if not records:
        return [], []
    chosen = [RULESETS[r] for r in rulesets]
    try:
        # each firm's from the cache while its inputs are those already assessed
        per_firm, _warnings = engine_results(records, chosen, as_of, fix_columns=True)
    except inputs.InputError as exc:
        raise ValidationFailed([FieldError("input", "", line) for line in exc.errors]) from None
    results = [r for firm_results, _fix in per_firm for r in firm_results]
    rows = [fix for _results, fix in per_firm if fix is not None]
    return results, rows


def _fixes(row: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in row.items():
        if "|fix|" in key:
            cid, _fix, name = key.split("|")
            assert fix_col(cid, name) == key
            out.setdefault(cid, {})[name] = value
    return out


def hnte_expiry(enterprise_ids: Iterable[int], as_of: dt.date) -> dict[int, dt.date | None]:
    """The end of each enterprise's HNTE validity covering `as_of` (None: open-ended)."""
    out: dict[int, dt.date | None] = {}
    certs = Certificate.objects.valid_on(as_of).filter(
        kind=Certificate.Kind.HNTE, enterprise_id__in=list(enterprise_ids)
    )
    for eid, until in certs.values_list("enterprise_id", "valid_until"):
        if eid not in out or (until is not None and (out[eid] or dt.date.min) < until):
            out[eid] = until
    return out


def grade_enterprises(
    enterprises: Iterable[Enterprise],
    as_of: dt.date,
    *,
    overrides: Mapping[int, tuple[str, str]] | None = None,
    with_pool_check: bool = False,
) -> dict[int, Grade]:
    """Grades by enterprise id (one vectorized engine run). `overrides` maps an
    enterprise id to (grade, reason) set by bureau staff."""
    firms = list(enterprises)
    rulesets = [HNTE, POOL] if with_pool_check else [HNTE]
    results, rows = _frame(firms, as_of, rulesets)
    by_uscc_row = {r["uscc"]: r for r in rows}
    by_uscc_firm = {e.uscc: e for e in firms}
    valid_until = hnte_expiry([e.pk for e in firms], as_of)
    need = pass_min(as_of)
    renewal_years = grading_parameters().renewal_years
    grades: dict[int, Grade] = {}
    pool_verdicts: dict[str, str] = {}
    for res in results:
        if res["ruleset"] == POOL:
            pool_verdicts[res["uscc"]] = res["verdict"]
            continue
        firm = by_uscc_firm[res["uscc"]]
        row = by_uscc_row[res["uscc"]]
        g = _grade_one(res, _fixes(row), row, need)
        g.enterprise_id = firm.pk
        if firm.pk in valid_until:
            until = valid_until[firm.pk]
            g.hnte_valid_until = until
            g.readiness = g.computed
            renewing = until is not None and until.year <= as_of.year + renewal_years
            g.computed = "R" if renewing else "H"
            g.code = g.computed
        elif overrides and firm.pk in overrides:
            g.code, g.override_reason = overrides[firm.pk]
        grades[firm.pk] = g
    for uscc, verdict in pool_verdicts.items():
        grades[by_uscc_firm[uscc].pk].pool_verdict = verdict
    return grades


def grade_one(
    enterprise: Enterprise, as_of: dt.date, override: tuple[str, str] | None = None
) -> Grade:
    overrides = {enterprise.pk: override} if override else None
    return grade_enterprises([enterprise], as_of, overrides=overrides)[enterprise.pk]


def pool_entry_checks(
    enterprises: Sequence[Enterprise], as_of: dt.date
) -> dict[int, dict[str, Any]]:
    """The `jiangsu-pool-2018` result for entries (one vectorized run): verdict and the
    conditions not met or unknown, by enterprise id."""
    firms = list(enterprises)
    results, _rows = _frame(firms, as_of, [POOL])
    by_uscc = {e.uscc: e.pk for e in firms}
    return {
        by_uscc[res["uscc"]]: {
            "ruleset": POOL,
            "as_of": as_of.isoformat(),
            "verdict": res["verdict"],
            "failing": [
                {"id": c["id"], "label": c["label"], "remedy": c.get("remedy") or ""}
                for c in res["criteria"]
                if c["passed"] is False
            ],
            "unknown": [
                {"id": c["id"], "label": c["label"]} for c in res["criteria"] if c["passed"] is None
            ],
        }
        for res in results
    }


def pool_entry_check(enterprise: Enterprise, as_of: dt.date) -> dict[str, Any]:
    return pool_entry_checks([enterprise], as_of)[enterprise.pk]


VERDICT_LABELS = {"pass": "符合", "fail": "不符合", "uncertain": "待定（数据不全）"}
