"""Write assessment results (json, jsonl, csv, xlsx) and the input template (assess.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from kechuang.rules.cells import XLSX_OPTIONS, write_cells
from kechuang.rules.fields import FIELDS, Field
from kechuang.rules.inputs import FALSE_WORDS, HELP_MARK, TRUE_WORDS
from kechuang.rules.model import RuleSet, text
from kechuang.rules.table import table_columns
from kechuang.rules.tech_domains import DOMAINS

OUTPUT_FORMATS = ("json", "jsonl", "csv", "xlsx", "parquet")
PASSED_TEXT = {True: "是", False: "否", None: ""}
BOOL_CHOICES = ("是", "否")


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(doc: dict[str, Any], out: IO[str]) -> None:
    json.dump(doc, out, ensure_ascii=False, indent=2, default=_json_default)
    out.write("\n")


def write_jsonl(results: Iterable[dict[str, Any]], out: IO[str]) -> None:
    for r in results:
        out.write(json.dumps(r, ensure_ascii=False, default=_json_default))
        out.write("\n")


def table_row(r: dict[str, Any]) -> dict[str, Any]:
    score = r["score"] or {}
    row: dict[str, Any] = {
        "uscc": r["uscc"],
        "name": r["name"],
        "ruleset": r["ruleset"],
        "verdict": r["verdict"],
        "route": r["route"],
        "score_lo": score.get("lo"),
        "score_hi": score.get("hi"),
        "score_mid": score.get("mid"),
        "warnings": "；".join(r["warnings"]),
    }
    for c in r["criteria"]:
        row[c["id"]] = "" if c["passed"] is None else ("true" if c["passed"] else "false")
        row[f"{c['id']}.value"] = c["value"]
    return row


EXPLANATION_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "规则集",
    "条件",
    "条件名称",
    "依据",
    "数值",
    "门槛",
    "是否满足",
    "存疑",
    "说明",
    "整改建议",
)


VERDICT_TEXT = {"pass": "通过", "fail": "未通过", "uncertain": "待定"}
ROUTE_TEXT = {"score": "评分", "direct": "直通"}
COLUMN_HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "ruleset": "规则集",
    "verdict": "结论",
    "route": "途径",
    "score_lo": "得分下限",
    "score_hi": "得分上限",
    "score_mid": "得分中值",
    "warnings": "提示",
}


def ruleset_title(rs: RuleSet) -> str:
    """hnte-2016 → 高新技术企业认定（2016年版）."""
    year = rs.id.rsplit("-", 1)[-1]
    return f"{rs.title}（{year}年版）" if year.isdigit() else rs.title


def chinese_headers(cols: Sequence[str], rulesets: Sequence[RuleSet], as_of: date) -> list[str]:
    """The flat table's headers for people: criteria by their labels (thresholds as in
    force on `as_of`), values marked."""
    labels = {cr.id: text(cr.label, rs.params_on(as_of)) for rs in rulesets for cr in rs.criteria}
    out = []
    for c in cols:
        if c in COLUMN_HEADERS:
            out.append(COLUMN_HEADERS[c])
        elif c.endswith(".value") and c[: -len(".value")] in labels:
            out.append(f"{labels[c[: -len('.value')]]}（数值）")
        else:
            out.append(labels.get(c, c))
    return out


def _chinese_cell(col: str, value: Any, titles: dict[str, str], criteria: set[str]) -> Any:
    if col == "ruleset":
        return titles.get(value, value)
    if col == "verdict":
        return VERDICT_TEXT.get(value, value)
    if col == "route":
        return ROUTE_TEXT.get(value, value)
    if col in criteria:
        return {"true": "是", "false": "否"}.get(value, value)
    return value


def write_xlsx(
    results: Iterable[dict[str, Any]],
    rulesets: Sequence[RuleSet],
    path: Path,
    *,
    chinese: bool = False,
    as_of: date | None = None,
) -> None:
    """Sheet 结果: the flat table; sheet 说明: every criterion explained, one per row.

    `chinese=True` (the workbook the web page hands out) writes the 结果 sheet for
    people: Chinese headers (criteria by label), 通过/未通过/待定, 是/否 and rule-set
    titles. The default keeps the keys and codes of assess.md, which scripts read."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, **XLSX_OPTIONS})
    bold = wb.add_format({"bold": True})
    results_ws = wb.add_worksheet("结果")
    explain_ws = wb.add_worksheet("说明")
    cols = table_columns(rulesets)
    titles = {rs.id: ruleset_title(rs) for rs in rulesets} if chinese else {}
    criteria = {cr.id for rs in rulesets for cr in rs.criteria}
    results_ws.write_row(
        0, 0, chinese_headers(cols, rulesets, as_of or date.today()) if chinese else cols, bold
    )
    explain_ws.write_row(0, 0, EXPLANATION_HEADERS, bold)
    i = j = 0
    for r in results:
        row = table_row(r)
        if chinese:
            row = {c: _chinese_cell(c, v, titles, criteria) for c, v in row.items()}
        i += 1
        # names and codes come from the input: written as strings, never formulas
        write_cells(results_ws, i, [row.get(c) for c in cols])
        for c in r["criteria"]:
            j += 1
            write_cells(
                explain_ws,
                j,
                [
                    r["uscc"],
                    r["name"],
                    titles.get(r["ruleset"], r["ruleset"]),
                    c["id"],
                    c["label"],
                    c["clause"],
                    "" if c["value"] is None else c["value"],
                    "" if c["threshold"] is None else c["threshold"],
                    PASSED_TEXT[c["passed"]] or "未知",
                    "是" if c["ambiguous"] else "",
                    c["note"] or "",
                    c["remedy"] or "",
                ],
            )
    wb.close()


# ---------------------------------------------------------------------------
# Template


def help_text(f: Field) -> str:
    kind = {
        "text": "文本",
        "date": "日期 YYYY-MM-DD",
        "int": "整数（≥0）",
        "money": "金额（万元，最多6位小数" + ("，可为负" if f.may_be_negative else "，≥0") + "）",
        "bool": "是/否（也可填 true/false、1/0、Y/N）",
        "domain": "《国家重点支持的高新技术领域》代码（如 1.1）或名称",
        "score": f"专家评分，整数 0–{f.max_score}，须在客观数据允许的范围内",
    }[f.kind]
    parts = [kind]
    if f.required:
        parts.append("必填")
    if f.help:
        parts.append(f.help)
    parts.append(f"键名 {f.key}")
    return HELP_MARK + "；".join(parts) + "】"


def write_template(path: Path, rows: int = 1000) -> None:
    """An empty input sheet: header row, help row (marked 【…】, skipped on reading) and
    data-validation lists for booleans, domain codes, scores, counts, amounts and dates."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    ws = wb.add_worksheet("企业")
    codes_ws = wb.add_worksheet("技术领域代码")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    helpf = wb.add_format(
        {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}
    )
    codes_ws.write_row(0, 0, ["代码", "名称"], head)
    for k, (code, name) in enumerate(DOMAINS.items(), start=1):
        codes_ws.write_string(k, 0, code)
        codes_ws.write_string(k, 1, name)
    last = len(DOMAINS) + 1
    first_data, last_data = 2, rows + 1
    for i, f in enumerate(FIELDS):
        ws.write_string(0, i, f.header, head)
        ws.write_string(1, i, help_text(f), helpf)
        ws.set_column(i, i, 16 if f.kind != "text" else 22)
        rule: dict[str, Any] | None = None
        if f.kind == "bool":
            rule = {"validate": "list", "source": list(BOOL_CHOICES)}
        elif f.kind == "domain":
            rule = {
                "validate": "list",
                "source": f"='技术领域代码'!$A$2:$A${last}",
                "error_type": "warning",
            }
        elif f.kind == "score":
            rule = {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": f.max_score or 0,
            }
        elif f.kind == "int":
            rule = {"validate": "integer", "criteria": ">=", "value": 0}
        elif f.kind == "money":
            rule = (
                {"validate": "decimal", "criteria": "between", "minimum": -1e9, "maximum": 1e9}
                if f.may_be_negative
                else {"validate": "decimal", "criteria": ">=", "value": 0}
            )
        elif f.kind == "date":
            rule = {"validate": "date", "criteria": ">", "value": date(1900, 1, 1)}
        if rule is not None:
            rule.setdefault("error_title", f.header)
            rule.setdefault("error_message", help_text(f).strip("【】")[:250])
            ws.data_validation(first_data, i, last_data, i, rule)
        if f.kind == "date":
            ws.set_column(i, i, 14, wb.add_format({"num_format": "yyyy-mm-dd"}))
        if f.kind in ("text", "domain"):
            ws.set_column(i, i, 22, wb.add_format({"num_format": "@"}))
    ws.set_row(1, 60)
    ws.freeze_panes(2, 2)
    wb.close()


def render(
    results: list[dict[str, Any]], doc: dict[str, Any], fmt: str, rulesets: Sequence[RuleSet]
) -> str:
    """The text of a json/jsonl output (csv: `table.write_table_csv`; xlsx: `write_xlsx`)."""
    buf = io.StringIO()
    if fmt == "json":
        write_json(doc, buf)
    elif fmt == "jsonl":
        write_jsonl(results, buf)
    else:
        raise ValueError(fmt)
    return buf.getvalue()


__all__ = [
    "BOOL_CHOICES",
    "FALSE_WORDS",
    "OUTPUT_FORMATS",
    "TRUE_WORDS",
    "render",
    "write_template",
]
