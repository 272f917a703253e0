"""Shaping engine results for pages: labels, units, the score bar."""

from __future__ import annotations

from typing import Any

from kechuang.rules.rulesets import RULESETS

VERDICTS = {
    "pass": ("通过", "success"),
    "fail": ("未通过", "danger"),
    "uncertain": ("待定", "warning"),
}
SCORE_LINE = 71  # 工作指引: total > 70


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "比例":
        return f"{value * 100:.2f}%"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def present_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in results:
        rs = RULESETS[r["ruleset"]]
        label, color = VERDICTS[r["verdict"]]
        criteria = []
        for c in r["criteria"]:
            try:
                unit = rs.criterion(c["id"]).unit
            except KeyError:
                unit = ""
            criteria.append(
                {
                    **c,
                    "unit": unit,
                    "value_text": _fmt(c["value"], unit),
                    "threshold_text": _fmt(c["threshold"], unit),
                }
            )
        score = r.get("score")
        bar = None
        if score:
            bar = {
                "lo": score["lo"],
                "hi": score["hi"],
                "mid": score["mid"],
                "width": max(score["hi"] - score["lo"], 1),
                "line": SCORE_LINE,
                "gap": max(0, SCORE_LINE - score["lo"]),
            }
        out.append(
            {
                "id": rs.id,
                "title": rs.title,
                "verdict": r["verdict"],
                "verdict_label": label,
                "color": color,
                "route": r.get("route"),
                "score": score,
                "bar": bar,
                "criteria": criteria,
                "subscores": r.get("subscores", []),
                "warnings": r.get("warnings", []),
                "notices": list(rs.notices),
            }
        )
    return out


def present_counts(counts: dict[str, int]) -> list[dict[str, Any]]:
    """A registry run's `counts` ({"<ruleset>:<verdict>": n}) as one entry per rule set:
    its title and, in the order pass/fail/uncertain, each verdict's label, colour, count."""
    by_ruleset: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        ruleset, _, verdict = key.partition(":")
        by_ruleset.setdefault(ruleset, {})[verdict] = n
    out = []
    for ruleset, verdicts in by_ruleset.items():
        rs = RULESETS.get(ruleset)
        parts = [
            {"label": VERDICTS[v][0], "color": VERDICTS[v][1], "count": verdicts[v]}
            for v in VERDICTS
            if v in verdicts
        ]
        out.append({"id": ruleset, "title": rs.title if rs else ruleset, "parts": parts})
    return out
