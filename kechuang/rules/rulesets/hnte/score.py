"""高新技术企业创新能力评价 (工作指引 国科发火〔2016〕195号 十): sub-score intervals.

Each sub-item yields a closed integer interval [lo, hi] from the objective facts; a given
expert score (`score_*`) replaces it by a point, and must lie inside that interval (else
`expert_score_errors` reports an input error). Also used, for information, by
`jiangsu-pool-2018`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from kechuang.rules import texts
from kechuang.rules.exact import c, fmt_pct, join_text, lit_int, null_str, ratio_float
from kechuang.rules.model import AMBIGUOUS, HI, LO, SubScore, col
from kechuang.rules.parameters import Params, ratio

CLAUSE = "国科发火〔2016〕195号 十"
IP_GROUP = ("tech_advancement", "core_support", "ip_count", "ip_acquisition", "standards")
OTHERS = (
    "conversion",
    "rd_mgmt_system",
    "rd_institution",
    "conversion_incentive",
    "talent_system",
    "net_asset_growth",
    "revenue_growth",
)
N_YEARS = "_hnte_n_years"


def _expert_max(item: str) -> Callable[[Params], int]:
    def top(p: Params) -> int:
        return int(p["expert_item_max"][item])

    return top


def _expert_rule(item: str) -> Callable[[Params], str]:
    return lambda p: f"专家评分 [0, {_expert_max(item)(p)}]"


def _ip_count_max(p: Params) -> int:
    t: dict[str, Any] = p["ip_count_tiers"]
    return max(int(t["class1"][1]), *(int(x["points"][1]) for x in t["class2"]))


def _ip_count_rule(p: Params) -> str:
    t: dict[str, Any] = p["ip_count_tiers"]
    tiers = sorted(t["class2"], key=lambda x: -int(x["min"]))
    parts = []
    upper: int | None = None
    for x in tiers:
        low = int(x["min"])
        parts.append(f"{texts.count_range(low, upper)} → {texts.interval(x['points'])}")
        upper = low - 1
    top2 = int(tiers[0]["points"][1])
    return (
        f"Ⅰ类≥1 → {texts.interval(t['class1'])}；否则Ⅱ类{'，'.join(parts)}；"
        f"Ⅰ类未填 → [Ⅱ类档下限, {int(t['class1'][1])}]；Ⅰ类为0且Ⅱ类未填 → [0,{top2}]"
    )


def _ip_acquisition_max(p: Params) -> int:
    t: dict[str, list[int]] = p["ip_acquisition_points"]
    return max(int(v[1]) for v in t.values())


def _ip_acquisition_rule(p: Params) -> str:
    t: dict[str, list[int]] = p["ip_acquisition_points"]
    return (
        f"无知识产权 → {texts.interval(t['none'])}；"
        f"有且自主研发（或未填）→ {texts.interval(t['self_developed'])}；"
        f"仅受让、受赠、并购 → {texts.interval(t['acquired_only'])}；"
        f"数量未知 → {texts.interval(t['unknown'])}"
    )


def _standards_max(p: Params) -> int:
    t: dict[str, list[int]] = p["standards_points"]
    return max(int(v[1]) for v in t.values())


def _standards_rule(p: Params) -> str:
    t: dict[str, list[int]] = p["standards_points"]
    return (
        f"是 → {texts.interval(t['participated'])}；否 → {texts.interval(t['not_participated'])}；"
        f"未填 → [0,{_standards_max(p)}]"
    )


def _conversion_max(p: Params) -> int:
    return max(int(t["points"][1]) for t in p["conversion_tiers"])


def _conversion_rule(p: Params) -> str:
    tiers: list[dict[str, Any]] = p["conversion_tiers"]
    parts = []
    for t in tiers:
        op = ">" if t.get("above") else "≥"
        part = f"{op}{int(t['min_yearly'])} → {texts.interval(t['points'])}"
        if t.get("above"):
            part += "（年均不足1项按E档，标记存疑）"
        parts.append(part)
    return f"年均转化数（近三年转化数 ÷ 存续年数）{'；'.join(parts)}；0 → [0,0]"


def _growth_max(p: Params) -> int:
    return max(int(t["points"][1]) for t in p["growth_tiers"])


def _growth_rule(p: Params) -> str:
    tiers: list[dict[str, Any]] = p["growth_tiers"]
    parts = [
        f"{'>' if t.get('above') else '≥'}{texts.rate(t['min_rate'])} → {texts.interval(t['points'])}"
        for t in tiers
    ]
    bottom = tiers[-1]
    floor = f"{'≤' if bottom.get('above') else '<'}{texts.rate(bottom['min_rate'])} → [0,0]"
    return (
        f"r = ½(V2/V1 + V3/V2) − 1；{'；'.join(parts)}；{floor}。V1 = 0 按后两年；V2 = 0 → 0分；"
        f"仅两年按后两年、仅一年0分、负值按0（均标记存疑）；均未填 → [0,{_growth_max(p)}]"
    )


SUBSCORES: tuple[SubScore, ...] = (
    SubScore(
        "hnte.score.tech_advancement",
        "技术的先进程度",
        f"{CLAUSE}（一）1",
        _expert_max("tech_advancement"),
        _expert_rule("tech_advancement"),
        "score_tech_advancement",
    ),
    SubScore(
        "hnte.score.core_support",
        "对主要产品（服务）在技术上发挥核心支持作用",
        f"{CLAUSE}（一）2",
        _expert_max("core_support"),
        _expert_rule("core_support"),
        "score_core_support",
    ),
    SubScore(
        "hnte.score.ip_count",
        "知识产权数量",
        f"{CLAUSE}（一）3",
        _ip_count_max,
        _ip_count_rule,
        "score_ip_count",
    ),
    SubScore(
        "hnte.score.ip_acquisition",
        "知识产权获得方式",
        f"{CLAUSE}（一）4",
        _ip_acquisition_max,
        _ip_acquisition_rule,
        "score_ip_acquisition",
    ),
    SubScore(
        "hnte.score.standards",
        "参与编制标准（加分项）",
        f"{CLAUSE}（一）5",
        _standards_max,
        _standards_rule,
        "score_standards",
    ),
    SubScore(
        "hnte.score.conversion",
        "科技成果转化能力",
        f"{CLAUSE}（二）",
        _conversion_max,
        _conversion_rule,
        "score_conversion",
    ),
    SubScore(
        "hnte.score.rd_mgmt_system",
        "研究开发组织管理制度",
        f"{CLAUSE}（三）1",
        _expert_max("rd_mgmt_system"),
        _expert_rule("rd_mgmt_system"),
        "score_rd_mgmt_system",
    ),
    SubScore(
        "hnte.score.rd_institution",
        "研发机构及产学研合作",
        f"{CLAUSE}（三）2",
        _expert_max("rd_institution"),
        _expert_rule("rd_institution"),
        "score_rd_institution",
    ),
    SubScore(
        "hnte.score.conversion_incentive",
        "成果转化组织实施与激励",
        f"{CLAUSE}（三）3",
        _expert_max("conversion_incentive"),
        _expert_rule("conversion_incentive"),
        "score_conversion_incentive",
    ),
    SubScore(
        "hnte.score.talent_system",
        "人才培养、引进与绩效评价",
        f"{CLAUSE}（三）4",
        _expert_max("talent_system"),
        _expert_rule("talent_system"),
        "score_talent_system",
    ),
    SubScore(
        "hnte.score.net_asset_growth",
        "净资产增长率",
        f"{CLAUSE}（四）",
        _growth_max,
        _growth_rule,
        "score_net_asset_growth",
    ),
    SubScore(
        "hnte.score.revenue_growth",
        "销售收入增长率",
        f"{CLAUSE}（四）",
        _growth_max,
        "同净资产增长率，取销售收入",
        "score_revenue_growth",
    ),
)
BY_ITEM: dict[str, SubScore] = {s.id.removeprefix("hnte.score."): s for s in SUBSCORES}


def sid(item: str) -> str:
    return f"hnte.score.{item}"


def olo(item: str) -> str:
    return col(sid(item), "olo")


def ohi(item: str) -> str:
    return col(sid(item), "ohi")


def _pair(lo: int, hi: int) -> tuple[pl.Expr, pl.Expr]:
    return lit_int(lo), lit_int(hi)


def _objective(item: str, lo: pl.Expr, hi: pl.Expr, amb: pl.Expr | None = None) -> list[pl.Expr]:
    return [
        lo.cast(pl.Int64).alias(olo(item)),
        hi.cast(pl.Int64).alias(ohi(item)),
        (amb if amb is not None else pl.lit(False))
        .fill_null(False)
        .alias(col(sid(item), AMBIGUOUS)),
    ]


def _ip_count(p: Params) -> list[pl.Expr]:
    t: dict[str, Any] = p["ip_count_tiers"]
    c1lo, c1hi = t["class1"]
    tiers = sorted(t["class2"], key=lambda x: -int(x["min"]))
    ip1, ip2 = c("ip_class1"), c("ip_class2")

    def tier(x: pl.Expr, i: int) -> pl.Expr:
        out: pl.Expr = lit_int(0)
        for tt in reversed(tiers):
            out = pl.when(x >= int(tt["min"])).then(lit_int(int(tt["points"][i]))).otherwise(out)
        return out

    top2 = int(tiers[0]["points"][1])
    lo = (
        pl.when(ip1 >= 1)
        .then(lit_int(c1lo))
        .when(ip1 == 0)
        .then(pl.when(ip2.is_null()).then(lit_int(0)).otherwise(tier(ip2, 0)))
        .otherwise(tier(ip2.fill_null(0), 0))
    )
    hi = (
        pl.when(ip1 >= 1)
        .then(lit_int(c1hi))
        .when(ip1 == 0)
        .then(pl.when(ip2.is_null()).then(lit_int(top2)).otherwise(tier(ip2, 1)))
        .otherwise(lit_int(c1hi))
    )
    return _objective("ip_count", lo, hi)


def _ip_acquisition(p: Params) -> list[pl.Expr]:
    t: dict[str, list[int]] = p["ip_acquisition_points"]
    ip1, ip2 = c("ip_class1"), c("ip_class2")
    none = ((ip1 == 0) & (ip2 == 0)).fill_null(False)
    some = ((ip1 >= 1) | (ip2 >= 1)).fill_null(False)
    acquired = c("ip_self_developed") == False  # noqa: E712

    def pick(i: int) -> pl.Expr:
        return (
            pl.when(none)
            .then(lit_int(t["none"][i]))
            .when(some & acquired.fill_null(False))
            .then(lit_int(t["acquired_only"][i]))
            .when(some)
            .then(lit_int(t["self_developed"][i]))
            .otherwise(lit_int(t["unknown"][i]))
        )

    return _objective("ip_acquisition", pick(0), pick(1))


def _standards(p: Params) -> list[pl.Expr]:
    t: dict[str, list[int]] = p["standards_points"]
    s = c("standards")

    def pick(i: int) -> pl.Expr:
        return (
            pl.when(s == True)  # noqa: E712
            .then(lit_int(t["participated"][i]))
            .when(s == False)  # noqa: E712
            .then(lit_int(t["not_participated"][i]))
            .otherwise(lit_int(max(t["participated"][i], t["not_participated"][i]) if i else 0))
        )

    return _objective("standards", pick(0), pick(1))


def lowest_positive_conversion_tier(p: Params) -> list[int]:
    """Tier E, the lowest with points: where a yearly average in (0, 1) falls (reading)."""
    tiers: list[dict[str, Any]] = p["conversion_tiers"]
    points = [[int(x) for x in t["points"]] for t in tiers]
    return min((pts for pts in points if pts[0] > 0), key=lambda pts: pts[0])


def _conversion(p: Params) -> list[pl.Expr]:
    tiers: list[dict[str, Any]] = p["conversion_tiers"]
    top = max(int(t["points"][1]) for t in tiers)
    conv, n = c("conversions_3y"), c(N_YEARS)

    def pick(i: int) -> pl.Expr:
        out: pl.Expr = lit_int(0)
        for t in reversed(tiers):  # ascending, so the highest matching tier wins
            m = int(t["min_yearly"])
            cond = (conv > m * n) if t.get("above") else (conv >= m * n)
            out = pl.when(cond).then(lit_int(int(t["points"][i]))).otherwise(out)
        return out

    lowest_positive = lowest_positive_conversion_tier(p)[0]
    lo = (
        pl.when(conv.is_null())
        .then(lit_int(0))
        .when(conv == 0)
        .then(lit_int(0))
        .when(n == 0)
        .then(lit_int(lowest_positive))
        .otherwise(pick(0))
    )
    hi = (
        pl.when(conv.is_null() | (n == 0))
        .then(lit_int(top))
        .when(conv == 0)
        .then(lit_int(0))
        .otherwise(pick(1))
    )
    # Reading (rules-hnte-2016.md): a yearly average in (0, 1) is tier E, flagged.
    amb = (conv > 0) & (conv < n)
    return _objective("conversion", lo, hi, amb)


def _g(stem: str, part: str) -> str:
    """A helper column of the growth ratio of `stem` (materialized once, read by tiers)."""
    return f"_hnte_{stem}_g{part}"


def growth_exprs() -> list[pl.Expr]:
    """Stage 0: per stem, (N, D, state, ambiguous) with 1 + r = N / D exactly (Int128).

    state: 0 = unknown (no year), 1 = zero points, 2 = rate N/D − 1.
    """
    exprs: list[pl.Expr] = []
    for stem in ("net_assets", "revenue"):
        raw = [c(f"{stem}_{y}") for y in ("y1", "y2", "y3")]
        negative = pl.any_horizontal([(v < 0).fill_null(False) for v in raw])
        v1, v2, v3 = (pl.when(v < 0).then(lit_int(0)).otherwise(v).cast(pl.Int128) for v in raw)
        k = pl.sum_horizontal([v.is_not_null().cast(pl.Int64) for v in raw])
        three = (k == 3) & (v1 > 0)
        two = ((k == 3) & (v1 == 0)) | (k == 2)
        n = pl.when(three).then(v2 * v2 + v1 * v3).otherwise(v3)
        d = pl.when(three).then(2 * v1 * v2).otherwise(v2)
        state = (
            pl.when(k == 0)
            .then(lit_int(0))
            .when((k == 1) | (v2 == 0))
            .then(lit_int(1))
            .when(three | two)
            .then(lit_int(2))
            .otherwise(lit_int(1))
        )
        amb = negative | (k == 1) | (k == 2)
        exprs += [
            n.alias(_g(stem, "n")),
            d.alias(_g(stem, "d")),
            state.alias(_g(stem, "state")),
            amb.alias(_g(stem, "amb")),
        ]
    return exprs


def _growth(item: str, stem: str, p: Params) -> list[pl.Expr]:
    tiers: list[dict[str, Any]] = p["growth_tiers"]
    top = max(int(t["points"][1]) for t in tiers)
    n, d, state, amb = (c(_g(stem, part)) for part in ("n", "d", "state", "amb"))

    def pick(i: int) -> pl.Expr:
        out: pl.Expr = lit_int(0)
        for t in reversed(tiers):
            r = ratio(t["min_rate"])
            # 1 + r_actual = N/D ≥ 1 + r  ⇔  N·q ≥ (q + p)·D
            if t.get("above"):
                cond = n * r.denominator > d * (r.denominator + r.numerator)
            else:
                cond = n * r.denominator >= d * (r.denominator + r.numerator)
            out = pl.when(cond).then(lit_int(int(t["points"][i]))).otherwise(out)
        return out

    lo = pl.when(state == 0).then(lit_int(0)).when(state == 1).then(lit_int(0)).otherwise(pick(0))
    hi = pl.when(state == 0).then(lit_int(top)).when(state == 1).then(lit_int(0)).otherwise(pick(1))
    rate = pl.when(state == 2).then(ratio_float(n, d) - 1.0)
    return [*_objective(item, lo, hi, amb), rate.alias(col(sid(item), "rate"))]


def objective_exprs(p: Params) -> list[pl.Expr]:
    """Stage 1 (needs the N_YEARS and `growth_exprs` columns): every sub-item's objective
    interval."""
    maxima: dict[str, int] = p["expert_item_max"]
    exprs: list[pl.Expr] = []
    for item, top in maxima.items():
        exprs += _objective(item, lit_int(0), lit_int(int(top)))
    exprs += _ip_count(p)
    exprs += _ip_acquisition(p)
    exprs += _standards(p)
    exprs += _conversion(p)
    exprs += _growth("net_asset_growth", "net_assets", p)
    exprs += _growth("revenue_growth", "revenue", p)
    return exprs


def applied_exprs() -> list[pl.Expr]:
    """Stage 2: an expert score, when given, replaces the interval by a point."""
    exprs: list[pl.Expr] = []
    for s in SUBSCORES:
        item = s.id.removeprefix("hnte.score.")
        assert s.expert_key is not None
        e = c(s.expert_key)
        exprs.append(pl.when(e.is_not_null()).then(e).otherwise(c(olo(item))).alias(col(s.id, LO)))
        exprs.append(pl.when(e.is_not_null()).then(e).otherwise(c(ohi(item))).alias(col(s.id, HI)))
    return exprs


def _sum(items: Sequence[str], part: str) -> pl.Expr:
    return pl.sum_horizontal([c(col(sid(i), part)) for i in items])


def total_exprs(p: Params, owner: str) -> list[pl.Expr]:
    """Stage 3: total [lo, hi] and mid (sum of sub-item midpoints, half up), under `owner`."""
    cap = p.int("ip_group_max")
    ip_lo = pl.min_horizontal(_sum(IP_GROUP, LO), lit_int(cap))
    ip_hi = pl.min_horizontal(_sum(IP_GROUP, HI), lit_int(cap))
    ip_mid2 = pl.min_horizontal(_sum(IP_GROUP, LO) + _sum(IP_GROUP, HI), lit_int(2 * cap))
    mid2 = ip_mid2 + _sum(OTHERS, LO) + _sum(OTHERS, HI)
    amb = pl.any_horizontal([c(col(s.id, AMBIGUOUS)) for s in SUBSCORES])
    return [
        (ip_lo + _sum(OTHERS, LO)).alias(col(owner, "score_lo")),
        (ip_hi + _sum(OTHERS, HI)).alias(col(owner, "score_hi")),
        ((mid2 + 1) // 2).alias(col(owner, "score_mid")),
        ip_lo.alias(col(owner, "ip_lo")),
        amb.alias(col(owner, "score_ambiguous")),
    ]


def rate_note() -> pl.Expr:
    parts = []
    for item, text in (("net_asset_growth", "净资产增长率"), ("revenue_growth", "销售收入增长率")):
        rate = c(col(sid(item), "rate"))
        parts.append(
            pl.when(rate.is_not_null())
            .then(pl.concat_str([pl.lit(text), fmt_pct(rate)]))
            .otherwise(null_str())
        )
    return join_text(parts, "，")


def expert_score_errors(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rows whose expert score lies outside the objectively allowed interval.

    Needs the stage-1 columns; returns `_row`, `field`, `message`.
    """
    frames = []
    for s in SUBSCORES:
        item = s.id.removeprefix("hnte.score.")
        assert s.expert_key is not None
        e = c(s.expert_key)
        lo, hi = c(olo(item)), c(ohi(item))
        bad = e.is_not_null() & ((e < lo) | (e > hi))
        frames.append(
            lf.filter(bad).select(
                c("_row"),
                pl.lit(s.expert_key).alias("field"),
                pl.concat_str(
                    [
                        pl.lit("专家评分"),
                        e.cast(pl.String),
                        pl.lit("超出按客观数据允许的范围 ["),
                        lo.cast(pl.String),
                        pl.lit(", "),
                        hi.cast(pl.String),
                        pl.lit("]"),
                    ]
                ).alias("message"),
            )
        )
    return pl.concat(frames)
