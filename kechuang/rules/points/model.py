"""An innovation-points indicator set (企业科技创新积分指标体系) as data, and its checks.

The official 泰州 point table was not available (spec/rules-local.md, `innovation-points`),
so an indicator set is editable, versioned data: groups (技术创新 / 成长经营 / 辅助),
indicators (what each reads, its unit and direction), weights per enterprise stage
(初创期 / 成长期 / 稳定期, split by revenue), the scoring method per indicator, bonus and
negative items and the tiers. `IndicatorSet.parse` reads the plain dict a YAML file or a
database row holds and lists every problem in Chinese; nothing half-valid is returned.

Weights and points are exact: weights are given with at most two decimals and kept as
integer hundredths; points are integer hundredths of a point (`cents`), so that every
explanation sums to its total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from kechuang.rules.fields import MICRO

# -- the inputs a set may read ------------------------------------------------------------------

Kind = Literal["money", "int", "bool"]


@dataclass(frozen=True)
class PointField:
    """One fact the scoring reads, per enterprise and year (money in 10⁻⁶ 万元, Int64)."""

    key: str
    label: str
    kind: Kind
    unit: str


POINT_FIELDS: dict[str, PointField] = {
    f.key: f
    for f in (
        PointField("revenue", "销售收入（当年）", "money", "万元"),
        PointField("revenue_prev", "销售收入（上年）", "money", "万元"),
        PointField("net_assets", "净资产（当年末）", "money", "万元"),
        PointField("net_assets_prev", "净资产（上年末）", "money", "万元"),
        PointField("rd_expense", "研发费用（当年）", "money", "万元"),
        PointField("hightech_income", "高新技术产品（服务）收入", "money", "万元"),
        PointField("tax_paid", "纳税总额", "money", "万元"),
        PointField("tech_contract_amount", "技术合同成交额", "money", "万元"),
        PointField("employees", "职工总数", "int", "人"),
        PointField("tech_staff", "科技人员数", "int", "人"),
        PointField("invention_patents", "有效发明专利", "int", "件"),
        PointField("other_ip", "其他有效知识产权（实用新型、软件著作权等）", "int", "件"),
        PointField("rd_institutions", "市级以上研发机构", "int", "个"),
        PointField("talents", "市级以上人才项目入选人数", "int", "人"),
        PointField("awards", "市级以上科技奖励", "int", "项"),
        PointField("hnte_valid", "有效期内高新技术企业", "bool", ""),
        PointField("tech_sme", "入库科技型中小企业", "bool", ""),
        PointField("major_incident", "发生重大安全、质量、环境事故", "bool", ""),
        PointField("credit_blacklisted", "列入严重失信主体名单", "bool", ""),
    )
}

# -- the set ---------------------------------------------------------------------------------

Direction = Literal["higher", "lower"]
SourceKind = Literal["field", "ratio", "growth"]
Method = Literal["percentile", "thresholds"]


@dataclass(frozen=True)
class Source:
    """What an indicator reads: a field, a ratio of two fields (num / den, den > 0), or
    a growth rate (cur / prev − 1, prev > 0). Anything missing makes the value unknown."""

    kind: SourceKind
    fields: tuple[str, ...]

    @property
    def display_unit(self) -> str:
        if self.kind == "field":
            return POINT_FIELDS[self.fields[0]].unit
        return "%"

    @property
    def is_money(self) -> bool:
        return self.kind == "field" and POINT_FIELDS[self.fields[0]].kind == "money"


@dataclass(frozen=True)
class Threshold:
    at_least: Fraction  # in the indicator's display unit (万元, 件, %)
    score: int  # 0–100: the share of the weight earned


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    group: str
    source: Source
    direction: Direction
    weights: dict[str, int]  # stage id → weight in hundredths of a point
    method: Method = "percentile"
    thresholds: tuple[Threshold, ...] = ()
    step: Fraction | None = None  # one unit of improvement, in the display unit
    step_text: str = ""  # "再增加1件发明专利"

    @property
    def unit(self) -> str:
        return self.source.display_unit


@dataclass(frozen=True)
class Item:
    """A bonus (加分) or negative (扣分) item: `points` (hundredths) when `field` is true."""

    id: str
    label: str
    field: str
    points: int


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    revenue_below: Fraction | None  # 万元; None for the last stage


@dataclass(frozen=True)
class Tier:
    id: str
    label: str
    top: Fraction  # the share of its stage cohort, by rank: 1/20 = the top 5 %


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    version: int
    title: str
    year_from: int
    source: str
    groups: dict[str, str]
    stages: tuple[Stage, ...]
    indicators: tuple[Indicator, ...]
    bonus: tuple[Item, ...]
    negative: tuple[Item, ...]
    tiers: tuple[Tier, ...]

    @property
    def fields(self) -> list[str]:
        """Every input the set reads (revenue always: it decides the stage)."""
        out = ["revenue"]
        for ind in self.indicators:
            out += [f for f in ind.source.fields if f not in out]
        for item in (*self.bonus, *self.negative):
            if item.field not in out:
                out.append(item.field)
        return out

    def stage_label(self, stage_id: str) -> str:
        return next(s.label for s in self.stages if s.id == stage_id)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    @classmethod
    def parse(cls, data: Any) -> IndicatorSet:
        """A set from its plain form; `InvalidSet` lists every problem."""
        return _Parser(data).run()


class InvalidSet(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def hundredths(value: Any) -> int | None:
    """ "7.5" / 7.5 / 8 → 750 / 750 / 800; None when not a number with ≤ 2 decimals."""
    if isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    scaled = d * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def fraction(value: Any) -> Fraction | None:
    """ "5%" → 1/20, "10" → 10, 2.5 → 5/2; None when not a number."""
    text = str(value).strip()
    try:
        if text.endswith("%"):
            return Fraction(Decimal(text[:-1])) / 100
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def money_micro(wan: Fraction) -> int:
    """万元 → 10⁻⁶ 万元 (exact when the amount has at most 6 decimals; else rounded up)."""
    scaled = wan * MICRO
    return -((-scaled.numerator) // scaled.denominator)


# The editor's Chinese names of the keys a problem names (kechuang.points.settext).
_KEY_NAMES = {"id": "编号", "label": "名称", "title": "名称"}
_SOURCE_NAMES = {"field": "数据项", "ratio": "比值", "growth": "增长率"}


class _Parser:
    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.problems: list[str] = [] if isinstance(data, dict) else ["指标体系不是一个映射"]
        self.stage_labels: dict[str, str] = {}

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def text(self, data: dict[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str | int) or not str(value).strip():
            self.problem(f"{where}缺少“{_KEY_NAMES.get(key, key)}”")
            return ""
        return str(value).strip()

    def run(self) -> IndicatorSet:
        d = self.data
        set_id = self.text(d, "id", "指标体系")
        title = self.text(d, "title", "指标体系")
        version = d.get("version", 1)
        year_from = d.get("year_from")
        if not isinstance(version, int) or version < 1:
            self.problem("版本号须为正整数")
            version = 1
        if not isinstance(year_from, int) or not 2000 <= year_from <= 2100:
            self.problem("起始年度须为2000–2100之间的年份")
            year_from = 0
        groups = self.groups(d.get("groups"))
        stages = self.stages(d.get("stages"))
        stage_ids = [s.id for s in stages]
        self.stage_labels = {s.id: s.label for s in stages}
        indicators = self.indicators(d.get("indicators"), groups, stage_ids)
        bonus = self.items(d.get("bonus") or [], "加分项")
        negative = self.items(d.get("negative") or [], "扣分项")
        tiers = self.tiers(d.get("tiers") or [])
        for stage in stage_ids:
            total = sum(ind.weights.get(stage, 0) for ind in indicators)
            if indicators and total != 100_00:
                label = next(s.label for s in stages if s.id == stage)
                self.problem(f"{label}各指标权重合计为{Decimal(total) / 100:g}，须为100")
        ids = [i.id for i in indicators] + [i.id for i in (*bonus, *negative)]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(f"编号“{dup}”重复")
        if self.problems:
            raise InvalidSet(self.problems)
        return IndicatorSet(
            id=set_id,
            version=version,
            title=title,
            year_from=year_from,
            source=str(d.get("source") or ""),
            groups=groups,
            stages=tuple(stages),
            indicators=tuple(indicators),
            bonus=tuple(bonus),
            negative=tuple(negative),
            tiers=tuple(tiers),
        )

    def groups(self, raw: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        if not isinstance(raw, list) or not raw:
            self.problem("至少要有一个指标分组（分组）")
            return out
        for n, g in enumerate(raw, start=1):
            if not isinstance(g, dict):
                self.problem(f"第{n}个分组格式不对")
                continue
            gid, label = self.text(g, "id", f"第{n}个分组"), self.text(g, "label", f"第{n}个分组")
            if gid:
                out[gid] = label
        return out

    def stages(self, raw: Any) -> list[Stage]:
        out: list[Stage] = []
        if not isinstance(raw, list) or not raw:
            self.problem("至少要有一个企业发展阶段（发展阶段）")
            return out
        last: Fraction | None = Fraction(-1)
        for n, s in enumerate(raw, start=1):
            if not isinstance(s, dict):
                self.problem(f"第{n}个阶段格式不对")
                continue
            where = f"阶段“{s.get('label') or n}”"
            sid, label = self.text(s, "id", where), self.text(s, "label", where)
            below = s.get("revenue_below")
            bound = None if below is None else fraction(below)
            if below is not None and (bound is None or bound <= 0):
                self.problem(f"{where}的销售收入上限须为正数（万元）")
            is_last = n == len(raw)
            if is_last and below is not None:
                self.problem(f"最后一个阶段“{label}”不应设销售收入上限")
            if not is_last and below is None:
                self.problem(f"{where}须设销售收入上限（销售收入低于（万元））")
            if bound is not None and last is not None and bound <= last:
                self.problem(f"{where}的销售收入上限须大于前一阶段的上限")
            last = bound if bound is not None else last
            out.append(Stage(sid, label, bound))
        return out

    def indicators(self, raw: Any, groups: dict[str, str], stages: list[str]) -> list[Indicator]:
        out: list[Indicator] = []
        if not isinstance(raw, list) or not raw:
            self.problem("至少要有一项指标（指标）")
            return out
        for n, r in enumerate(raw, start=1):
            if not isinstance(r, dict):
                self.problem(f"第{n}项指标格式不对")
                continue
            where = f"指标“{r.get('label') or r.get('id') or n}”"
            iid, label = self.text(r, "id", where), self.text(r, "label", where)
            group = str(r.get("group") or "")
            if group not in groups:
                self.problem(f"{where}的分组“{group}”不存在")
            source = self.source(r.get("source"), where)
            direction = r.get("direction", "higher")
            if direction not in ("higher", "lower"):
                self.problem(f"{where}的方向须为“越大越好”或“越小越好”")
                direction = "higher"
            weights: dict[str, int] = {}
            raw_w = r.get("weights")
            if not isinstance(raw_w, dict):
                self.problem(f"{where}缺少各阶段权重（权重）")
                raw_w = {}
            for stage, value in raw_w.items():
                if stage not in stages:
                    self.problem(f"{where}的权重写了不存在的阶段“{stage}”")
                    continue
                w = hundredths(value)
                if w is None or w < 0:
                    self.problem(
                        f"{where}在“{self.stage_labels.get(stage, stage)}”的权重“{value}”"
                        "不是不小于0、至多两位小数的数"
                    )
                    continue
                weights[stage] = w
            method = r.get("method", "percentile")
            thresholds: list[Threshold] = []
            if method == "thresholds":
                thresholds = self.thresholds(r.get("thresholds"), where)
            elif method != "percentile":
                self.problem(f"{where}的计分方法须为“同阶段百分位”或“分档”")
                method = "percentile"
            step = None
            if r.get("step") is not None:
                step = fraction(r["step"])
                if step is None or step <= 0:
                    self.problem(f"{where}的提升步长须为正数")
                    step = None
                elif not r.get("step_text"):
                    self.problem(f"{where}设了提升步长，须写明步长说明（如“再增加1件发明专利”）")
            if source is None:
                continue
            out.append(
                Indicator(
                    id=iid,
                    label=label,
                    group=group,
                    source=source,
                    direction=direction,
                    weights=weights,
                    method=method,
                    thresholds=tuple(thresholds),
                    step=step,
                    step_text=str(r.get("step_text") or ""),
                )
            )
        return out

    def source(self, raw: Any, where: str) -> Source | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.problem(f"{where}的数据来源须为数据项、比值或增长率之一")
            return None
        kind, value = next(iter(raw.items()))
        fields = (value,) if kind == "field" else tuple(value) if isinstance(value, list) else ()
        want = {"field": 1, "ratio": 2, "growth": 2}.get(kind)
        if want is None or len(fields) != want:
            self.problem(
                f"{where}的数据来源“{_SOURCE_NAMES.get(kind, kind)}”写法不对"
                "（数据项: 名称；比值或增长率: [名称, 名称]）"
            )
            return None
        ok = True
        for f in fields:
            if f not in POINT_FIELDS:
                self.problem(f"{where}读取的字段“{f}”不在企业库可读的数据项中")
                ok = False
            elif POINT_FIELDS[f].kind == "bool":
                self.problem(
                    f"{where}读取的“{POINT_FIELDS[f].label}”是是/否项，只能用作加分或扣分项"
                )
                ok = False
        return Source(kind, fields) if ok else None

    def thresholds(self, raw: Any, where: str) -> list[Threshold]:
        out: list[Threshold] = []
        if not isinstance(raw, list) or not raw:
            self.problem(f"{where}按分档计分，须列出分档门槛")
            return out
        for n, t in enumerate(raw, start=1):
            at = fraction(t.get("at_least")) if isinstance(t, dict) else None
            score = t.get("score") if isinstance(t, dict) else None
            if at is None or not isinstance(score, int) or not 0 <= score <= 100:
                self.problem(f"{where}第{n}档须写“不低于”（数值）和“得分比例”（0–100的整数）")
                continue
            if out and (at <= out[-1].at_least or score < out[-1].score):
                self.problem(f"{where}第{n}档的门槛和得分须逐档升高")
            out.append(Threshold(at, score))
        return out

    def items(self, raw: Any, kind: str) -> list[Item]:
        out: list[Item] = []
        if not isinstance(raw, list):
            self.problem(f"{kind}须为列表")
            return out
        for n, r in enumerate(raw, start=1):
            if not isinstance(r, dict):
                self.problem(f"第{n}个{kind}格式不对")
                continue
            where = f"{kind}“{r.get('label') or n}”"
            iid, label = self.text(r, "id", where), self.text(r, "label", where)
            field = str(r.get("field") or "")
            if field not in POINT_FIELDS or POINT_FIELDS[field].kind != "bool":
                self.problem(f"{where}读取的“{field}”不是企业库中的是/否项")
            points = hundredths(r.get("points"))
            if points is None or points <= 0:
                self.problem(f"{where}的分值须为正数（至多两位小数）")
                points = 0
            out.append(Item(iid, label, field, points))
        return out

    def tiers(self, raw: Any) -> list[Tier]:
        out: list[Tier] = []
        if not isinstance(raw, list):
            self.problem("档次须为列表")
            return out
        for n, r in enumerate(raw, start=1):
            top = fraction(r.get("top")) if isinstance(r, dict) else None
            if not isinstance(r, dict) or top is None or not 0 < top <= 1:
                self.problem(f"第{n}档须写“排名前（比例）”（占本阶段企业的比例，如 5%）")
                continue
            where = f"第{n}档"
            tid, label = self.text(r, "id", where), self.text(r, "label", where)
            if out and top <= out[-1].top:
                self.problem(f"{where}“{label}”的比例须大于上一档")
            out.append(Tier(tid, label, top))
        return out
