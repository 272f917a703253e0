"""Rule set `hnte-2016` — 高新技术企业认定 (国科发火〔2016〕32号 第十一条; 195号 十).

Nine criteria for the eight conditions of 第十一条 ((五) has two). Spec:
../shared/spec/rules-hnte-2016.md.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from kechuang.rules import common, texts
from kechuang.rules.common import Stages, criterion, helper
from kechuang.rules.exact import (
    c,
    fmt_int,
    join_text,
    kleene_all,
    lit_int,
    null_int,
)
from kechuang.rules.fields import MICRO
from kechuang.rules.model import PASSED, Criterion, Plan, RuleSet, col
from kechuang.rules.parameters import Params, ratio
from kechuang.rules.rulesets.hnte import score
from kechuang.rules.rulesets.hnte.score import N_YEARS, SUBSCORES, sid

RID = "hnte-2016"
DOC32 = "国科发火〔2016〕32号"
RD_SUM = "_hnte_rd_sum"
REV_SUM = "_hnte_rev_sum"

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "hnte.registered_one_year",
        "企业申请认定时须注册成立一年以上",
        f"{DOC32} 第十一条（一）",
        "天",
        lambda p: f"评价日期 − 成立日期 ≥ {p.int('min_registered_days')} 个日历日",
        ("as_of",),
    ),
    Criterion(
        "hnte.core_ip",
        "拥有对主要产品（服务）在技术上发挥核心支持作用的知识产权的所有权",
        f"{DOC32} 第十一条（二）",
        "是/否",
        "“拥有核心知识产权”为是；未填时：任一类知识产权数≥1为是，两类均为0为否，否则未知",
        ("ip_class2", "core_ip"),
    ),
    Criterion(
        "hnte.tech_domain",
        "主要产品（服务）发挥核心支持作用的技术属于《国家重点支持的高新技术领域》规定的范围",
        f"{DOC32} 第十一条（三）",
        "领域代码",
        "技术领域为《国家重点支持的高新技术领域》的代码或名称；未填为未知（无效代码为输入错误）",
    ),
    Criterion(
        "hnte.tech_staff_ratio",
        "从事研发和相关技术创新活动的科技人员占企业当年职工总数的比例",
        f"{DOC32} 第十一条（四）",
        "比例",
        lambda p: f"科技人员数 ÷ 职工总数 ≥ {texts.pct(p['tech_staff_ratio'])}",
        ("tech_staff",),
    ),
    Criterion(
        "hnte.rd_expense_ratio",
        "近三个会计年度研究开发费用总额占同期销售收入总额的比例",
        f"{DOC32} 第十一条（五）",
        "比例",
        lambda p: (
            "存续年度研发费用合计 ÷ 同期销售收入合计 ≥ 档位门槛；档位只按近一年销售收入："
            + band_rule(p)
        ),
        ("rd_expense_y3",),
    ),
    Criterion(
        "hnte.rd_domestic_ratio",
        "在中国境内发生的研究开发费用总额占全部研究开发费用总额的比例",
        f"{DOC32} 第十一条（五）",
        "比例",
        lambda p: f"境内研发费用合计 ÷ 存续年度研发费用合计 ≥ {texts.pct(p['rd_domestic_ratio'])}",
        ("rd_domestic_3y", "rd_expense_y3"),
    ),
    Criterion(
        "hnte.hightech_income_ratio",
        "近一年高新技术产品（服务）收入占企业同期总收入的比例",
        f"{DOC32} 第十一条（六）",
        "比例",
        lambda p: (
            "高新技术产品收入 ÷ （收入总额 − 不征税收入）≥ " + texts.pct(p["hightech_income_ratio"])
        ),
        ("hightech_income",),
    ),
    Criterion(
        "hnte.innovation_score",
        "企业创新能力评价应达到相应要求",
        f"{DOC32} 第十一条（七）；国科发火〔2016〕195号 十",
        "分",
        lambda p: (
            f"创新能力评价总分 > {above(p)}（整数即 ≥ {p.int('score_pass_min')}）；"
            f"总分区间下限≥{p.int('score_pass_min')}为通过，上限≤{above(p)}为不通过，否则未知"
        ),
        ("ip_class1", "conversions_3y"),
    ),
    Criterion(
        "hnte.no_major_incident",
        "企业申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
        f"{DOC32} 第十一条（八）",
        "是/否",
        "“重大安全质量环境事故”为否",
    ),
)
BY_ID = {cr.id: cr for cr in CRITERIA}


def above(p: Params) -> int:
    """The score the total must exceed (195号 十: 70分以上，不含70分): one below the
    integer pass line `score_pass_min`."""
    return p.int("score_pass_min") - 1


def band_rule(p: Params) -> str:
    """ "≤5000万元 5%，>5000万元且≤2亿元 4%，>2亿元 3%" from `rd_expense_bands`."""
    parts = []
    lower: int | None = None
    for b in p["rd_expense_bands"]:
        up = b["revenue_up_to"]
        pct = texts.pct(b["ratio"])
        if lower is None:
            parts.append(f"≤{texts.yuan_wan(up)} {pct}")
        elif up is None:
            parts.append(f">{texts.yuan_wan(lower)} {pct}")
        else:
            parts.append(f">{texts.yuan_wan(lower)}且≤{texts.yuan_wan(up)} {pct}")
        lower = up
    return "，".join(parts)


def bands(p: Params) -> list[tuple[int | None, Fraction]]:
    out: list[tuple[int | None, Fraction]] = []
    for b in p["rd_expense_bands"]:
        up = b["revenue_up_to"]
        out.append((None if up is None else int(up) * MICRO, ratio(b["ratio"])))
    return out


def prepare_exprs() -> list[pl.Expr]:
    years = ("y1", "y2", "y3")
    return [
        common.n_present_years().alias(N_YEARS),
        common.sum_over_years("rd_expense", years).alias(RD_SUM),
        common.sum_over_years("revenue", years).alias(REV_SUM),
        *score.growth_exprs(),
    ]


def _innovation(p: Params) -> tuple[list[list[pl.Expr]], Stages]:
    """第十一条（七）: score > 70; the remedy names the cheapest objective levers."""
    cr = BY_ID["hnte.innovation_score"]
    lo, hi, mid = c(col(RID, "score_lo")), c(col(RID, "score_hi")), c(col(RID, "score_mid"))
    need = p.int("score_pass_min")
    passed = (
        pl.when(lo >= need)
        .then(pl.lit(True))
        .when(hi < need)
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    note = join_text(
        [
            pl.concat_str(
                [
                    pl.lit("总分区间["),
                    fmt_int(lo),
                    pl.lit(", "),
                    fmt_int(hi),
                    pl.lit(f"]，须高于{above(p)}分"),
                ]
            ),
            score.rate_note(),
        ]
    )

    # Lever 1: one Ⅰ类 IP (only when the count is known to be 0 and no expert fixed it).
    cap = p.int("ip_group_max")
    acq = c("score_ip_acquisition")
    class1 = p["ip_count_tiers"]["class1"]
    c1lo = int(class1[0])
    d_new = pl.when(acq.is_not_null()).then(acq).otherwise(lit_int(1))
    ip_items_lo = [c(col(sid(i), "lo")) for i in ("tech_advancement", "core_support", "standards")]
    new_ip_lo = pl.min_horizontal(pl.sum_horizontal(ip_items_lo) + c1lo + d_new, lit_int(cap))
    l1_ok = (
        (c("ip_class1") == 0) & c("score_ip_count").is_null() & (acq.is_null() | (acq >= 1))
    ).fill_null(False)
    gain1 = pl.when(l1_ok).then(new_ip_lo - c(col(RID, "ip_lo"))).otherwise(lit_int(0))

    # Lever 2: more conversions (yearly average × present years), no expert score given.
    conv, n = c("conversions_3y"), c(N_YEARS)
    conv_lo = c(col(sid("conversion"), "lo"))
    l2_ok = (conv.is_not_null() & (n >= 1) & c("score_conversion").is_null()).fill_null(False)
    tiers: list[dict[str, Any]] = sorted(p["conversion_tiers"], key=lambda t: int(t["points"][0]))

    def conv_plan(base: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        """The fewest extra conversions so that base − conv_lo + tier lo ≥ need."""
        extra: pl.Expr = null_int()
        target: pl.Expr = null_int()
        for t in reversed(tiers):  # highest first; lower tiers override when enough
            pts = int(t["points"][0])
            m = int(t["min_yearly"])
            required = (n * m + 1) if t.get("above") else (n * m)
            enough = (base - conv_lo + pts) >= need
            extra = (
                pl.when(enough)
                .then(pl.max_horizontal(required - conv, lit_int(0)))
                .otherwise(extra)
            )
            target = pl.when(enough).then(required).otherwise(target)
        return extra, target

    def h(name: str) -> pl.Expr:
        return c(helper(cr.id, name))

    extra_alone, target_alone = conv_plan(lo)
    extra_both, target_both = conv_plan(lo + h("gain1"))
    # Two helper steps: the levers, then the plan that combines them.
    levers = [
        gain1.alias(helper(cr.id, "gain1")),
        l1_ok.alias(helper(cr.id, "l1_ok")),
        l2_ok.alias(helper(cr.id, "l2_ok")),
    ]
    plans = [
        extra_alone.alias(helper(cr.id, "extra_alone")),
        target_alone.alias(helper(cr.id, "target_alone")),
        extra_both.alias(helper(cr.id, "extra_both")),
        target_both.alias(helper(cr.id, "target_both")),
    ]
    gain1, l1_ok, l2_ok = h("gain1"), h("l1_ok"), h("l2_ok")
    extra_alone, target_alone = h("extra_alone"), h("target_alone")
    extra_both, target_both = h("extra_both"), h("target_both")
    alone1 = l1_ok & ((lo + gain1) >= need)
    alone2 = ~alone1 & l2_ok & extra_alone.is_not_null()
    both = ~alone1 & ~alone2 & l1_ok & l2_ok & extra_both.is_not_null()
    choice = [
        alone1.alias(helper(cr.id, "alone1")),
        alone2.alias(helper(cr.id, "alone2")),
        both.alias(helper(cr.id, "both")),
    ]
    alone1, alone2, both = h("alone1"), h("alone2"), h("both")

    gap = pl.max_horizontal(lit_int(need) - lo, lit_int(0))
    head = pl.concat_str(
        [pl.lit("总分下限"), fmt_int(lo), pl.lit(f"分，距{need}分差"), fmt_int(gap), pl.lit("分")]
    )
    t1 = pl.concat_str(
        [
            pl.lit("取得1项Ⅰ类知识产权（如发明专利）：知识产权数量由["),
            fmt_int(c(col(sid("ip_count"), "lo"))),
            pl.lit(", "),
            fmt_int(c(col(sid("ip_count"), "hi"))),
            pl.lit(f"]升至{texts.interval(class1, ', ')}，总分下限+"),
            fmt_int(gain1),
        ]
    )

    def t2(extra: pl.Expr, target: pl.Expr) -> pl.Expr:
        return pl.concat_str(
            [
                pl.lit("近三年科技成果转化数再增加"),
                fmt_int(extra),
                pl.lit("项（达到"),
                fmt_int(target),
                pl.lit("项）"),
            ]
        )

    lever_text = (
        pl.when(alone1)
        .then(t1)
        .when(alone2)
        .then(t2(extra_alone, target_alone))
        .when(both)
        .then(pl.concat_str([t1, pl.lit("，并且"), t2(extra_both, target_both)]))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit(
                        "客观指标不足以补足，须提升专家评分项（技术先进程度、核心支持作用、研发组织管理水平）；当前总分区间上限"
                    ),
                    fmt_int(hi),
                    pl.lit("分"),
                ]
            )
        )
    )
    remedy = pl.concat_str([head, pl.lit("。"), lever_text])
    stages = criterion(
        cr,
        passed=passed,
        value=mid,
        threshold=pl.lit(float(need)),
        ambiguous=c(col(RID, "score_ambiguous")),
        note=note,
        remedy=remedy,
        fixes={
            "ip_class1": pl.when(alone1 | both).then(lit_int(1)).otherwise(null_int()),
            "conversions_3y": pl.when(alone2)
            .then(extra_alone)
            .when(both)
            .then(extra_both)
            .otherwise(null_int()),
        },
        fix_when_unknown=True,
    )
    # The helpers serve the remedy and the fixes only ("decisions only" skips them).
    steps = [levers, plans, choice] if common.DETAIL.get() else []
    return steps, stages


def plan(p: Params) -> Plan:
    """All nine criteria, the score and the verdict (国科发火〔2016〕32号 第十一条)."""
    steps = [
        prepare_exprs(),
        score.objective_exprs(p),
        score.applied_exprs(),
        score.total_exprs(p, RID),
    ]
    innovation_steps, innovation = _innovation(p)
    stages = Stages()
    stages.extend(
        common.registered_days(BY_ID["hnte.registered_one_year"], p.int("min_registered_days"))
    )
    stages.extend(common.core_ip(BY_ID["hnte.core_ip"]))
    stages.extend(common.tech_domain(BY_ID["hnte.tech_domain"]))
    stages.extend(
        common.tech_staff_ratio(BY_ID["hnte.tech_staff_ratio"], p.ratio("tech_staff_ratio"))
    )
    stages.extend(
        common.rd_expense_ratio(
            BY_ID["hnte.rd_expense_ratio"],
            c(RD_SUM),
            c(REV_SUM),
            bands(p),
            "研发费用/销售收入（存续年度合计）",
        )
    )
    stages.extend(
        common.rd_domestic_ratio(
            BY_ID["hnte.rd_domestic_ratio"], c(RD_SUM), p.ratio("rd_domestic_ratio")
        )
    )
    stages.extend(
        common.hightech_income_ratio(
            BY_ID["hnte.hightech_income_ratio"], p.ratio("hightech_income_ratio")
        )
    )
    stages.extend(innovation)
    stages.extend(
        common.flag_is_false(
            BY_ID["hnte.no_major_incident"],
            ["major_incident"],
            "申请前一年内发生重大安全、重大质量事故或严重环境违法行为，须满一年后再申请",
            "是否发生重大安全质量环境事故",
        )
    )
    return Plan(
        [
            *steps,
            *innovation_steps,
            *stages.plan(),
            verdict_exprs(RID, [cr.id for cr in CRITERIA]),
        ],
        stages.late,
    )


def verdict_exprs(rid: str, criteria_ids: list[str]) -> list[pl.Expr]:
    """fail if any criterion is false; pass if all are true; otherwise uncertain."""
    all_ok = kleene_all([c(col(cid, PASSED)) for cid in criteria_ids])
    verdict = (
        pl.when(all_ok.is_null())
        .then(pl.lit("uncertain"))
        .when(all_ok)
        .then(pl.lit("pass"))
        .otherwise(pl.lit("fail"))
    )
    return [verdict.alias(col(rid, "verdict")), pl.lit("score").alias(col(rid, "route"))]


def input_errors(lf: pl.LazyFrame, p: Params) -> pl.LazyFrame:
    """Expert scores outside the objectively allowed interval (rules-hnte-2016.md)."""
    lf = lf.with_columns(prepare_exprs()).with_columns(score.objective_exprs(p))
    return score.expert_score_errors(lf)


RULESET = RuleSet(
    id=RID,
    title="高新技术企业认定",
    sources=(
        "《高新技术企业认定管理办法》国科发火〔2016〕32号",
        "《高新技术企业认定管理工作指引》国科发火〔2016〕195号",
    ),
    effective_from=date(2016, 1, 1),
    effective_to=None,
    national=True,
    criteria=CRITERIA,
    subscores=SUBSCORES,
    has_score=True,
    parameters_dir=Path(__file__).parent / "parameters",
    plan=plan,
    input_errors=input_errors,
    readings=(
        lambda p: (
            f"“注册成立一年以上”按评价日期与成立日期相差不少于{p.int('min_registered_days')}"
            "个日历日计。"
        ),
        "存续年度 = 填报了销售收入的会计年度（须连续且以第三年结束）。",
        lambda p: (
            "年均科技成果转化数大于0而不足1项时按E档"
            f"{texts.interval(score.lowest_positive_conversion_tier(p), ', ')}计，标记存疑。"
        ),
        "成长性：只有两年数据时按后两年计算，只有一年时计0分，出现负值按0计，均标记存疑。",
        lambda p: (
            "总分中点 = 各子项区间中点之和，四舍五入"
            f"（知识产权一级指标封顶{p.int('ip_group_max')}分）。"
        ),
    ),
)
