"""Shaping engine results for pages: labels, units, the score bar."""

from __future__ import annotations

from typing import Any

from kechuang.rules.rulesets import RULESETS

VERDICTS = {
    "pass": ("通过", "success"),
    "fail": ("未通过", "danger"),
    "uncertain": ("待定", "warning"),
}
# Criteria measured in points: the score criterion's threshold is the pass line the bar
# draws (71 for hnte-2016, 60 for tech-sme-2017, from each rule set's parameters).
SCORE_UNIT = "分"


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
        line = next(
            (
                int(c["threshold"])
                for c in criteria
                if c["unit"] == SCORE_UNIT and c.get("threshold") is not None
            ),
            None,
        )
        if score and line is not None:
            bar = {
                "lo": score["lo"],
                "hi": score["hi"],
                "mid": score["mid"],
                "width": max(score["hi"] - score["lo"], 1),
                "line": line,
                "gap": max(0, line - score["lo"]),
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
