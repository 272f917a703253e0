"""The annual report, written from the records: data → JSON / Markdown / Word / PDF.

`build_annual` computes every indicator of the catalogue for a region and year with
its target, progress and peer rank, and derives the three sections of the seed report
(一、年度工作情况；二、存在的短板和不足；三、下年度工作思路) as sentences and tables.
The renderers only lay it out.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import bureau_counties
from kechuang.core import periods
from kechuang.reports.formatting import fmt_number, fmt_percent, fmt_value
from kechuang.targets import growth
from kechuang.targets.indicators import INDICATORS, STATUS_LABELS, Evaluator, Value, json_number
from kechuang.targets.models import AssessmentWeight, Target
from kechuang.targets.selectors import (
    AREA_INDICATORS,
    PEER_INDICATORS,
    TREND_INDICATORS,
    Progress,
    areas_of,
    progress_of,
    targets_for,
)

APPENDIX_TITLE = "附录：暂无数据的指标"
APPENDIX_LEAD = "以下指标在本报告年度暂无记录或统计数据，正文和表格未列入其数值。"
# Word: A4 with the margins of 党政机关公文格式 (GB/T 9704-2012), in millimetres
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
SERIF_CJK = "Noto Serif CJK SC"  # body text (fonts-noto-cjk)
SANS_CJK = "Noto Sans CJK SC"  # headings, bold: 黑体-style
CMP_WORDS = {"gte": "不少于", "gt": "超过", "eq": ""}
CMP_SIGNS = {"gte": "≥", "gt": ">", "eq": "="}
FORMATS = ("json", "md", "docx", "pdf")


@dataclass
class IndicatorLine:
    value: Value
    progress: Progress
    peer_rank: int | None

    @property
    def ind(self) -> Any:
        return self.value.indicator


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    text_cols: int = 1  # leading columns of text (left-aligned); the rest are numbers


@dataclass
class Chart:
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass
class AnnualReport:
    year: int
    region: Region
    generated_on: dt.date
    lines: dict[str, IndicatorLine]
    peer_area: str  # 泰州
    work: list[str] = field(default_factory=list)  # 一、 paragraphs
    shortfalls: list[str] = field(default_factory=list)  # 二、
    plan: list[str] = field(default_factory=list)  # 三、
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    growth_notes: list[str] = field(default_factory=list)
    # 附录：暂无数据的指标 — each indicator without a value, once (with its target if any)
    missing: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.region.name}{self.year}年科技创新工作总结及{self.year + 1}年工作思路"

    def contract(self) -> dict[str, Any]:
        """The JSON of indicators.md (keys only grow)."""
        out: dict[str, Any] = {}
        for ind_id, line in self.lines.items():
            ind = line.ind
            target = line.progress.target
            out[ind_id] = {
                "label": ind.label,
                "unit": ind.unit,
                "value": json_number(line.value.value, ind),
                "target": None if target is None else json_number(Decimal(target.value), ind),
                "peer_rank": line.peer_rank,
                "records": line.value.records,
                "data_year": ind.data_year(self.year),
                "status": line.value.status,
                "source": line.value.source,
                "capability": ind.capability,
                "target_comparison": None if target is None else CMP_SIGNS[target.comparison],
                "progress": None
                if line.progress.progress is None
                else growth.percent(line.progress.progress, 2),
                "met": line.progress.met,
            }
        return {
            "year": self.year,
            "region": {"code": self.region.code, "name": self.region.name},
            "generated_on": self.generated_on.isoformat(),
            "indicators": out,
        }


def default_region(actor: Any = None) -> Region | None:
    """The county whose subtree holds the registry (the demo county), else the first;
    for a bureau user, among the counties they answer for (their own county)."""
    ev = Evaluator()
    counties = (
        bureau_counties(actor)
        if actor is not None
        else list(Region.objects.filter(kind=Region.Kind.COUNTY))
    )
    for r in counties:
        if ev.has_records(r):
            return r
    return counties[0] if counties else None


def _peer_area(region: Region) -> str:
    parent = region.parent
    if parent is None:
        return ""
    if region.is_area:
        return "全市各镇（园区）"
    return parent.short_name or re.sub(r"[市区县]$", "", parent.name)


def _rank_text(line: IndicatorLine, area: str) -> str:
    return f"，列{area}第{line.peer_rank}" if line.peer_rank else ""


def build_annual(
    *,
    region: Region,
    year: int,
    today: dt.date | None = None,
    with_charts: bool = True,
    actor: Any = None,
) -> AnnualReport:
    """The report of `region`; with an `actor`, figures from records only in their scope
    (other counties from their entered statistics: `Evaluator(actor=)`)."""
    ev = Evaluator(today=today or periods.today(), actor=actor)
    targets = targets_for(region, year)
    lines = {
        i: IndicatorLine(
            ev.value(i, region, ind.data_year(year)),
            progress_of(ev.value(i, region, ind.data_year(year)).value, targets.get(i), ev.today),
            ev.peer_rank(i, region, ind.data_year(year)),
        )
        for i, ind in INDICATORS.items()
    }
    report = AnnualReport(year, region, ev.today, lines, _peer_area(region))
    _work(report, ev)
    _shortfalls(report, ev)
    _plan(report)
    _tables(report, ev)
    if with_charts:
        _charts(report, ev)
    return report


def year_note(report: AnnualReport, ind: Any) -> str:
    """ "（2019年度）" after a figure of another year than the report's (`data_lag`)."""
    data_year = ind.data_year(report.year)
    return "" if data_year == report.year else f"（{data_year}年度）"


def _say(report: AnnualReport, ind_id: str, template: str) -> str | None:
    line = report.lines[ind_id]
    if line.value.value is None:
        return None
    return template.format(
        v=fmt_value(line.value.value, line.ind) + year_note(report, line.ind),
        rank=_rank_text(line, report.peer_area),
    )


def _work(report: AnnualReport, ev: Evaluator) -> None:
    y, place = report.year, "全市" if not report.region.is_area else f"{report.region.name}"
    parts = [
        _say(report, "hnte_new", "全年新认定国家高企{v}"),
        _say(report, "hnte_valid", "有效期内国家高企达{v}{rank}"),
        _say(report, "tech_sme_new", "新认定科技型中小微企业{v}{rank}"),
        _say(report, "pool_new", "新增省级高新技术企业培育入库企业{v}"),
    ]
    body = "；".join(p for p in parts if p)
    report.work.append(
        f"创新主体培育。{body}。"
        if body
        else "创新主体培育。本年度暂无高企、科技型中小企业和培育入库的记录。"
    )
    growth_line = report.lines["hnte_valid_growth_avg_3y"]
    if growth_line.value.value is not None:
        g = ev.value("hnte_valid", report.region, y)
        prev = ev.value("hnte_valid", report.region, y - 1)
        first = ev.value("hnte_valid", report.region, y - 3)
        yoy = growth.yoy(prev.value, g.value)
        cagr = growth.cagr(first.value, g.value, 3)
        report.work.append(
            f"高企总量增长。近三年高企总数年平均增长率为{fmt_value(growth_line.value.value, growth_line.ind)}"
            f"{_rank_text(growth_line, report.peer_area)}；{y}年同比增长{fmt_percent(yoy)}，"
            f"{y - 3}—{y}年复合年均增长率{fmt_percent(cagr)}。"
        )
        report.growth_notes = [
            growth.FORMULAS["yoy"],
            growth.FORMULAS["mean3"],
            growth.FORMULAS["cagr"],
        ]
    ht = _say(report, "hightech_output_wan", f"{place}完成高新技术产业产值{{v}}{{rank}}")
    share = _say(report, "hightech_output_share", "占规上工业产值比重{v}{rank}")
    if ht or share:
        report.work.append("高新技术产业发展。" + "，".join(p for p in (ht, share) if p) + "。")
    # the year the figure describes: its data year (a lag of one gives last year's ratio)
    rd = report.lines["rd_gdp_ratio"]
    rd_year = rd.ind.data_year(y)
    rd_value = rd.value
    if rd_value.value is None:
        prev_value = ev.value("rd_gdp_ratio", report.region, rd_year - 1)
        if prev_value.value is not None:
            rd_year, rd_value = rd_year - 1, prev_value
            rank = ev.peer_rank("rd_gdp_ratio", report.region, rd_year)
            rd = IndicatorLine(prev_value, rd.progress, rank)
    if rd_value.value is not None:
        report.work.append(
            f"科技研发投入。{rd_year}年度全社会研发经费占GDP的比重达"
            f"{fmt_value(rd_value.value, rd_value.indicator)}{_rank_text(rd, report.peer_area)}。"
        )
    covered = {
        "hnte_new",
        "hnte_valid",
        "tech_sme_new",
        "pool_new",
        "hnte_valid_growth_avg_3y",
        "hightech_output_wan",
        "hightech_output_share",
        "rd_gdp_ratio",
    }
    others = [
        f"{line.ind.label}{fmt_value(line.value.value, line.ind)}{year_note(report, line.ind)}"
        for i, line in report.lines.items()
        if i not in covered and line.value.value is not None
    ]
    if others:
        report.work.append("其他工作。" + "；".join(others) + "。")
    # indicators without a value: once, in the appendix (never in the text or tables)
    for line in report.lines.values():
        if line.value.value is not None:
            continue
        t = line.progress.target
        target = (
            ""
            if t is None
            else f"（{report.year}年目标{CMP_SIGNS[t.comparison]}"
            f"{fmt_value(Decimal(t.value), line.ind)}）"
        )
        report.missing.append(f"{line.ind.label}{year_note(report, line.ind)}{target}")


def _shortfalls(report: AnnualReport, ev: Evaluator) -> None:
    y = report.year
    for line in report.lines.values():
        p = line.progress
        if p.met is False and p.target is not None:
            report.shortfalls.append(
                f"{line.ind.label}{fmt_value(line.value.value, line.ind)}"
                f"{year_note(report, line.ind)}，未完成年度目标"
                f"（{CMP_SIGNS[p.target.comparison]}{fmt_value(Decimal(p.target.value), line.ind)}）"
                + (f"，完成率{fmt_percent(p.progress, 1)}" if p.progress is not None else "")
                + "。"
            )
    for ind_id in PEER_INDICATORS:
        line = report.lines[ind_id]
        if line.value.value is None:
            continue
        ahead = [
            v
            for v in ev.peer_values(ind_id, report.region, y)
            if v.region.pk != report.region.pk
            and v.value is not None
            and v.value > line.value.value
        ]
        if not ahead:
            continue
        ahead.sort(key=lambda v: v.value or 0, reverse=True)
        names = "和".join(f"{v.region.name}的{fmt_value(v.value, line.ind)}" for v in ahead[:3])
        extra = "等" if len(ahead) > 3 else ""
        report.shortfalls.append(
            f"{line.ind.label}为{fmt_value(line.value.value, line.ind)}{_rank_text(line, report.peer_area)}，"
            f"低于{names}{extra}。"
        )


def _plan(report: AnnualReport) -> None:
    nxt = report.year + 1
    targets = Target.objects.filter(region=report.region, year=nxt)
    phrases = []
    for t in sorted(
        targets,
        key=lambda t: list(INDICATORS).index(t.indicator) if t.indicator in INDICATORS else 999,
    ):
        ind = INDICATORS.get(t.indicator)
        if ind is None:
            continue
        phrases.append(
            f"{ind.label}{CMP_WORDS[t.comparison]}{fmt_value(Decimal(t.value), ind)}"
            + (f"（{t.note}）" if t.note else "")
        )
    if phrases:
        report.plan.append(f"{nxt}年主要目标：" + "；".join(phrases) + "。")
    else:
        report.plan.append(f"{nxt}年度目标尚未下达。")
    areas = Target.objects.filter(region__in=areas_of(report.region), year=nxt)
    n_areas = areas.values("region").distinct().count()
    if n_areas:
        report.plan.append(f"已将{nxt}年度目标分解下达到{n_areas}个镇（园区）。")
    weights = AssessmentWeight.objects.filter(year=nxt).order_by("-weight")
    if weights:
        report.plan.append(
            "纳入乡镇、园区绩效考核的指标及权重："
            + "、".join(
                f"{INDICATORS[w.indicator].label}{w.weight.normalize():f}"
                for w in weights
                if w.indicator in INDICATORS
            )
            + "。"
        )


def _tables(report: AnnualReport, ev: Evaluator) -> None:
    rows = []
    with_values = [line for line in report.lines.values() if line.value.value is not None]
    for n, line in enumerate(with_values, start=1):
        t = line.progress.target
        rows.append(
            [
                str(n),
                line.ind.label + year_note(report, line.ind),
                line.ind.unit,
                fmt_number(line.value.value, line.ind),
                "—"
                if t is None
                else f"{CMP_SIGNS[t.comparison]}{fmt_number(Decimal(t.value), line.ind)}",
                fmt_percent(line.progress.progress, 1)
                if line.progress.progress is not None
                else "—",
                str(line.peer_rank) if line.peer_rank else "—",
                STATUS_LABELS[line.value.status],
            ]
        )
    report.tables.append(
        Table(
            f"表1 {report.year}年主要指标完成情况",
            ["序号", "指标", "单位", "数值", "目标", "完成率", "排名", "来源"],
            rows,
            3,
        )
    )
    peers = ev.peers(report.region)
    if len(peers) > 1:
        prow = []
        for r in peers:
            prow.append(
                [r.name]
                + [
                    fmt_number(ev.value(i, r, report.year).value, INDICATORS[i])
                    for i in PEER_INDICATORS
                ]
            )
        report.tables.append(
            Table(
                f"表2 {report.peer_area}各地区对比（{report.year}年）",
                ["地区"]
                + [f"{INDICATORS[i].label}({INDICATORS[i].unit})" for i in PEER_INDICATORS],
                prow,
            )
        )
    areas = list(areas_of(report.region))
    if areas:
        arow = [
            [a.name]
            + [
                fmt_number(ev.value(i, a, report.year).value, INDICATORS[i])
                for i in AREA_INDICATORS
            ]
            for a in areas
        ]
        report.tables.append(
            Table(
                f"表3 各镇（街道、园区）情况（{report.year}年）",
                ["镇（园区）"] + [INDICATORS[i].label for i in AREA_INDICATORS],
                arow,
            )
        )


def _f(v: Decimal | None) -> float | None:
    return None if v is None else float(v.quantize(Decimal("0.01")))


def _charts(report: AnnualReport, ev: Evaluator) -> None:
    from kechuang.reports import charts

    years = list(range(report.year - 4, report.year + 1))
    series = {i: [_f(ev.value(i, report.region, y).value) for y in years] for i in TREND_INDICATORS}
    series = {i: s for i, s in series.items() if any(v is not None for v in s)}
    if series:
        report.charts.append(
            Chart(
                "图1 近五年科技创新主体发展情况",
                charts.trend_chart(years, series, {i: INDICATORS[i].label for i in series}),
            )
        )
    peers = ev.peers(report.region)
    if len(peers) > 1:
        vals = [_f(ev.value("hnte_valid", r, report.year).value) for r in peers]
        if sum(v is not None for v in vals) > 1:
            report.charts.append(
                Chart(
                    f"图2 {report.peer_area}各地区有效期内国家高企（{report.year}年）",
                    charts.bar_chart(
                        [r.short_name or r.name for r in peers],
                        vals,
                        "有效期内国家高企",
                        "家",
                        report.region.short_name or report.region.name,
                    ),
                )
            )
    areas = list(areas_of(report.region))
    if areas:
        vals = [_f(ev.value("hnte_valid", a, report.year).value) for a in areas]
        report.charts.append(
            Chart(
                f"图3 各镇（园区）有效期内国家高企（{report.year}年）",
                charts.bar_chart(
                    [a.short_name or a.name for a in areas],
                    vals,
                    "各镇（园区）有效期内国家高企",
                    "家",
                ),
            )
        )


# -- renderers --------------------------------------------------------------------------


def to_json(report: AnnualReport) -> str:
    """JSON with Decimals written as exact numbers (550.00, not 550.0)."""
    marks: dict[str, str] = {}

    def mark(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            token = f"__dec{len(marks)}__"
            marks[token] = f"{obj:f}"
            return token
        if isinstance(obj, dict):
            return {k: mark(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [mark(v) for v in obj]
        return obj

    text = json.dumps(mark(report.contract()), ensure_ascii=False, indent=2)
    return re.sub(r'"(__dec\d+__)"', lambda m: marks[m.group(1)], text)


def to_markdown(report: AnnualReport) -> str:
    out = [
        f"# {report.title}",
        "",
        f"生成日期：{report.generated_on:%Y-%m-%d}（由科创云根据记录自动生成）",
        "",
    ]
    out += [f"## 一、{report.year}年工作情况", ""]
    for n, p in enumerate(report.work, start=1):
        out += [f"{n}. {p}", ""]
    for t in report.tables:
        out += [
            f"**{t.title}**",
            "",
            "| " + " | ".join(t.headers) + " |",
            "|" + "---|" * len(t.headers),
        ]
        out += ["| " + " | ".join(r) + " |" for r in t.rows]
        out.append("")
    if report.growth_notes:
        out += ["注：" + "；".join(report.growth_notes) + "。", ""]
    out += ["## 二、存在的短板和不足", ""]
    out += [f"{n}. {s}" for n, s in enumerate(report.shortfalls, start=1)] or [
        "对照年度目标和周边地区，已有数据的各项指标均未落后。"
    ]
    out += ["", f"## 三、{report.year + 1}年工作思路", ""]
    out += [f"{n}. {s}" for n, s in enumerate(report.plan, start=1)]
    out.append("")
    if report.missing:
        out += [f"## {APPENDIX_TITLE}", "", APPENDIX_LEAD, ""]
        out += [f"{n}. {s}" for n, s in enumerate(report.missing, start=1)]
        out.append("")
    return "\n".join(out)


def _set_fonts(
    target: Any, font: str, *, size: float | None = None, bold: bool | None = None
) -> None:
    """A style's or run's font for Latin and East-Asian text (python-docx sets only the
    Latin one: w:rFonts/@w:eastAsia is set here)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    target.font.name = font
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    target.font.color.rgb = RGBColor(0, 0, 0)
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


# Table text is 五号 (10.5 pt): a CJK character is about 3.7 mm wide, a digit or Latin
# letter half that; "Table Grid" cells have 1.9 mm of padding on either side.
UNIT_MM = 1.9  # one half-width character
CELL_PAD_MM = 4.0
MIN_TEXT_UNITS = 12  # a text column never narrower than six CJK characters


def _text_units(text: str) -> int:
    """Width in half-width characters (a CJK character counts two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _column_widths(t: Table, total_mm: float) -> list[float]:
    """Widths in mm that sum to the page's text width. Numbers, units and short codes
    (the columns from `t.text_cols` on, and short text columns) get the width of their
    longest value so they never wrap; a header may take two lines. Whatever the page has
    left goes to the text columns (names, labels), which wrap if they must."""
    needs = []
    for j, head in enumerate(t.headers):
        longest = max((_text_units(r[j]) for r in t.rows), default=0)
        header = max(_text_units(head[: (len(head) + 1) // 2]), _text_units(head) // 2)
        needs.append(max(longest, header, 4))
    text = [j for j in range(len(needs)) if j < t.text_cols and needs[j] > MIN_TEXT_UNITS]
    natural = [n * UNIT_MM + CELL_PAD_MM for n in needs]
    spare = total_mm - sum(natural)
    if spare >= 0:
        grow = text or list(range(len(needs)))
        weight = sum(natural[j] for j in grow)
        return [w + (spare * w / weight if j in grow else 0) for j, w in enumerate(natural)]
    # Too wide: shrink the text columns first (down to MIN_TEXT_UNITS), then everything.
    floor = MIN_TEXT_UNITS * UNIT_MM + CELL_PAD_MM
    room = sum(natural[j] - floor for j in text)
    if room >= -spare:
        cut = -spare / room
        return [w - (w - floor) * cut if j in text else w for j, w in enumerate(natural)]
    widths = [floor if j in text else w for j, w in enumerate(natural)]
    scale = total_mm / sum(widths)
    return [w * scale for w in widths]


def _repeat_header_and_keep_rows(table: Any) -> None:
    """The header row repeats on every page; no row breaks across a page."""
    from docx.oxml.ns import qn

    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
        if i == 0:
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))


def _fill_row(
    cells: Any, values: list[str], widths: list[Any], text_cols: int, *, head: bool
) -> None:
    """One table row in Word: set widths, 五号 text, headers centred in 黑体, numbers right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for j, (cell, value) in enumerate(zip(cells, values, strict=True)):
        cell.width = widths[j]
        para = cell.paragraphs[0]
        para.paragraph_format.line_spacing = 1.0
        para.paragraph_format.first_line_indent = Pt(0)
        if head:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif j >= text_cols:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = para.add_run(value)
        _set_fonts(run, SANS_CJK if head else SERIF_CJK, size=10.5, bold=head)


def to_docx(report: AnnualReport) -> bytes:
    """Word as a bureau writes it: A4 with 公文 margins, a serif CJK body (三号), 黑体-style
    headings, tables of set widths, and the indicators without data in an appendix."""
    import io

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    text_mm = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
    normal = doc.styles["Normal"]
    _set_fonts(normal, SERIF_CJK, size=16)  # 三号
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for style_name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 16)):
        style = doc.styles[style_name]
        _set_fonts(style, SANS_CJK, size=size, bold=True)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
    caption_style = doc.styles["Caption"]
    _set_fonts(caption_style, SANS_CJK, size=12, bold=True)

    def body(text: str) -> None:
        para = doc.add_paragraph(text)
        para.paragraph_format.first_line_indent = Pt(32)  # two characters
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def caption(text: str, *, above: bool = False) -> None:
        cap = doc.add_paragraph(text, style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.keep_with_next = above  # a table's title stays with its table

    title = doc.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = doc.add_paragraph(
        f"生成日期：{report.generated_on:%Y-%m-%d}（由科创云根据记录自动生成）"
    )
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in meta.runs:
        run.font.size = Pt(12)
    doc.add_heading(f"一、{report.year}年工作情况", level=1)
    for n, p in enumerate(report.work, start=1):
        body(f"{n}. {p}")
    for chart in report.charts:
        doc.add_picture(io.BytesIO(chart.png), width=Mm(min(150, text_mm)))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.paragraphs[-1].paragraph_format.line_spacing = 1.0  # a fixed line would clip it
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the figure's caption
        caption(chart.title)
    for t in report.tables:
        caption(t.title, above=True)
        table = doc.add_table(rows=1, cols=len(t.headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Mm(w) for w in _column_widths(t, text_mm)]
        for col, width in zip(table.columns, widths, strict=True):
            col.width = width

        _fill_row(table.rows[0].cells, t.headers, widths, t.text_cols, head=True)
        for r in t.rows:
            _fill_row(table.add_row().cells, r, widths, t.text_cols, head=False)
        _repeat_header_and_keep_rows(table)
        doc.add_paragraph()
    if report.growth_notes:
        note = doc.add_paragraph("注：" + "；".join(report.growth_notes) + "。")
        for run in note.runs:
            run.font.size = Pt(12)
    doc.add_heading("二、存在的短板和不足", level=1)
    for n, s in enumerate(
        report.shortfalls or ["对照年度目标和周边地区，已有数据的各项指标均未落后。"], start=1
    ):
        body(f"{n}. {s}")
    doc.add_heading(f"三、{report.year + 1}年工作思路", level=1)
    for n, s in enumerate(report.plan, start=1):
        body(f"{n}. {s}")
    if report.missing:
        doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(APPENDIX_TITLE, level=1)
        body(APPENDIX_LEAD)
        for n, s in enumerate(report.missing, start=1):
            body(f"{n}. {s}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_pdf(report: AnnualReport) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "reports/annual_pdf.html",
        {"r": report, "appendix_title": APPENDIX_TITLE, "appendix_lead": APPENDIX_LEAD},
    )
    return bytes(HTML(string=html).write_pdf())


def render(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "json":
        return to_json(report).encode()
    if fmt == "md":
        return to_markdown(report).encode()
    if fmt == "docx":
        return to_docx(report)
    if fmt == "pdf":
        return to_pdf(report)
    raise ValueError(fmt)


CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
