"""Rule set `tech-sme-2017` — 科技型中小企业评价 (国科发政〔2017〕115号 第六–八条).

Spec: ../shared/spec/rules-tech-sme-2017.md. Data year: y3 (the last full fiscal year).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from kechuang.rules import common, texts
from kechuang.rules.common import Stages, criterion
from kechuang.rules.exact import (
    c,
    ceil_div,
    fmt_int,
    fmt_pct,
    fmt_wan,
    fmt_wan_up,
    join_text,
    kleene_all,
    kleene_any,
    lit_int,
    null_int,
    null_str,
    pct_text,
    ratio_at_least,
    ratio_float,
)
from kechuang.rules.fields import MICRO
from kechuang.rules.model import (
    AMBIGUOUS,
    HI,
    LO,
    PASSED,
    Criterion,
    Plan,
    RuleSet,
    SubScore,
    col,
)
from kechuang.rules.parameters import Params, ratio

RID = "tech-sme-2017"
DOC = "国科发政〔2017〕115号"

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "tech_sme.resident_enterprise",
        "在中国境内（不包括港、澳、台地区）注册的居民企业",
        f"{DOC} 第六条（一）",
        "代码",
        "统一社会信用代码有效（校验码不符只作警告，见 uscc.md；无效代码为输入错误）",
    ),
    Criterion(
        "tech_sme.size_limits",
        lambda p: (
            f"职工总数不超过{p.int('max_employees')}人、"
            f"年销售收入不超过{texts.yuan_wan(p.int('max_revenue'))}、"
            f"资产总额不超过{texts.yuan_wan(p.int('max_total_assets'))}"
        ),
        f"{DOC} 第六条（二）",
        "人/万元",
        lambda p: (
            f"职工总数 ≤ {p.int('max_employees')} 且 "
            f"近一年销售收入 ≤ {p.int('max_revenue')}万元 且 "
            f"资产总额 ≤ {p.int('max_total_assets')}万元"
        ),
    ),
    Criterion(
        "tech_sme.permitted_industry",
        "企业提供的产品和服务不属于国家规定的禁止、限制和淘汰类",
        f"{DOC} 第六条（三）",
        "是/否",
        "“属禁止限制淘汰类”为否",
    ),
    Criterion(
        "tech_sme.no_incident_or_blacklist",
        "企业在填报上一年及当年内未发生重大安全、重大质量事故和严重环境违法、科研严重失信行为，且企业未列入经营异常名录和严重违法失信企业名单",
        f"{DOC} 第六条（四）",
        "是/否",
        "“重大安全质量环境事故”与“列入经营异常或失信名单”均为否",
    ),
    Criterion(
        "tech_sme.score",
        lambda p: (
            "企业根据科技型中小企业评价指标进行综合评价所得分值"
            f"不低于{p.int('pass_score')}分，且科技人员指标得分不得为0分"
        ),
        f"{DOC} 第六条（五）、第七条",
        "分",
        lambda p: (
            f"总分下限 ≥ {p.int('pass_score')} 且科技人员得分确定大于0为通过；"
            f"总分上限 < {p.int('pass_score')} 或科技人员得分确定为0为不通过；否则未知"
        ),
        ("tech_staff", "rd_expense_y3", "total_cost", "ip_class2", "ip_class1"),
    ),
)
BY_ID = {cr.id: cr for cr in CRITERIA}


def _top(p: Params, name: str) -> int:
    return max(pts for _, pts in tiers(p, name))


def _rd_top(p: Params) -> int:
    return max(_top(p, "rd_revenue_tiers"), _top(p, "rd_cost_tiers"))


def _tier_text(p: Params, name: str, first_unit: str = "") -> str:
    """ "≥30% 20分；≥25% 16；…" (the unit written after the first tier's points only)."""
    return "；".join(
        f"≥{pct_text(r)} {pts}{first_unit if i == 0 else ''}"
        for i, (r, pts) in enumerate(tiers(p, name))
    )


def _ip_rule(p: Params) -> str:
    ipp: dict[str, Any] = p["ip_points"]
    c1 = int(ipp["class1"])
    c2 = sorted(((int(x["min"]), int(x["points"])) for x in ipp["class2"]), key=lambda x: -x[0])
    parts = []
    upper: int | None = None
    for low, pts in c2:
        parts.append(f"{texts.count_range(low, upper)} {pts}")
        upper = low - 1
    if upper is not None and upper >= 0:  # below the lowest tier: no points
        parts.append(f"{texts.count_range(0, upper)} 0")
    return (
        f"Ⅰ类≥1 {c1}分；否则Ⅱ类{'；'.join(parts)}。Ⅰ类未填 → [Ⅱ类档分, {c1}]；"
        f"Ⅰ类为0且Ⅱ类未填 → [0, {c2[0][1]}]"
    )


SUBSCORES: tuple[SubScore, ...] = (
    SubScore(
        "tech_sme.score.tech_staff",
        "科技人员指标",
        f"{DOC} 第七条（一）",
        lambda p: _top(p, "tech_staff_tiers"),
        lambda p: (
            f"科技人员数 ÷ 职工总数：{_tier_text(p, 'tech_staff_tiers', '分')}；以下0分；"
            f"无法计算 → [0, {_top(p, 'tech_staff_tiers')}]"
        ),
    ),
    SubScore(
        "tech_sme.score.rd",
        "研发投入指标",
        f"{DOC} 第七条（二）",
        _rd_top,
        lambda p: (
            f"方式一 研发费用 ÷ 销售收入：{_tier_text(p, 'rd_revenue_tiers')}；"
            f"方式二 研发费用 ÷ 成本费用支出总额：{_tier_text(p, 'rd_cost_tiers')}；"
            f"取较高者，无法计算的方式不计，均无法计算 → [0, {_rd_top(p)}]"
        ),
    ),
    SubScore(
        "tech_sme.score.ip",
        "科技成果指标",
        f"{DOC} 第七条（三）",
        lambda p: int(p["ip_points"]["class1"]),
        _ip_rule,
    ),
)
DIRECT_GROUNDS: tuple[tuple[str, str], ...] = (
    ("hnte_valid", "有效期内高新技术企业资格"),
    ("national_award_5y", "近五年内获得过国家级科技奖励，并在获奖单位中排在前三名"),
    ("provincial_rd_institution", "拥有经认定的省部级以上研发机构"),
    ("standard_lead_5y", "近五年内主导制定过国际标准、国家标准或行业标准"),
)


def tiers(p: Params, name: str) -> list[tuple[Fraction, int]]:
    """(minimum ratio, points), highest first."""
    raw: list[dict[str, Any]] = p[name]
    return sorted(((ratio(t["min"]), int(t["points"])) for t in raw), key=lambda t: -t[0])


def tier_points(num: pl.Expr, den: pl.Expr, table: list[tuple[Fraction, int]]) -> pl.Expr:
    out: pl.Expr = lit_int(0)
    for r, pts in reversed(table):  # lowest first, so the highest satisfied tier wins
        out = pl.when(ratio_at_least(num, den, r)).then(lit_int(pts)).otherwise(out)
    return out


def _sid(name: str, part: str) -> str:
    return col(f"tech_sme.score.{name}", part)


def score_exprs(p: Params) -> list[pl.Expr]:
    """第七条: the three indicators as intervals (a missing fact widens its interval)."""
    t, e = c("tech_staff"), c("employees")
    staff_known = t.is_not_null() & (e > 0)
    staff_pts = tier_points(t, e, tiers(p, "tech_staff_tiers"))
    staff_top = max(pts for _, pts in tiers(p, "tech_staff_tiers"))

    rd, rev, cost = c("rd_expense_y3"), c("revenue_y3"), c("total_cost")
    opt1_ok = rd.is_not_null() & (rev > 0)
    opt2_ok = rd.is_not_null() & (cost > 0)
    pts1 = pl.when(opt1_ok).then(tier_points(rd, rev, tiers(p, "rd_revenue_tiers")))
    pts2 = pl.when(opt2_ok).then(tier_points(rd, cost, tiers(p, "rd_cost_tiers")))
    rd_top = max(pts for _, pts in tiers(p, "rd_revenue_tiers"))
    rd_pts = pl.max_horizontal(pts1, pts2)  # nulls ignored: an option that cannot be computed

    ipp: dict[str, Any] = p["ip_points"]
    c1 = int(ipp["class1"])
    c2 = sorted(((int(x["min"]), int(x["points"])) for x in ipp["class2"]), key=lambda x: -x[0])
    ip1, ip2 = c("ip_class1"), c("ip_class2")

    def c2pts(x: pl.Expr) -> pl.Expr:
        out: pl.Expr = lit_int(0)
        for m, pts in reversed(c2):
            out = pl.when(x >= m).then(lit_int(pts)).otherwise(out)
        return out

    ip_lo = (
        pl.when(ip1 >= 1)
        .then(lit_int(c1))
        .when(ip1 == 0)
        .then(pl.when(ip2.is_null()).then(lit_int(0)).otherwise(c2pts(ip2)))
        .otherwise(c2pts(ip2.fill_null(0)))
    )
    ip_hi = (
        pl.when(ip1 >= 1)
        .then(lit_int(c1))
        .when(ip1 == 0)
        .then(pl.when(ip2.is_null()).then(lit_int(c2[0][1])).otherwise(c2pts(ip2)))
        .otherwise(lit_int(c1))
    )
    return [
        pl.when(staff_known).then(staff_pts).otherwise(lit_int(0)).alias(_sid("tech_staff", LO)),
        pl.when(staff_known)
        .then(staff_pts)
        .otherwise(lit_int(staff_top))
        .alias(_sid("tech_staff", HI)),
        pts1.alias("_sme_rd_pts1"),
        pts2.alias("_sme_rd_pts2"),
        rd_pts.fill_null(0).alias(_sid("rd", LO)),
        rd_pts.fill_null(rd_top).alias(_sid("rd", HI)),
        ip_lo.alias(_sid("ip", LO)),
        ip_hi.alias(_sid("ip", HI)),
        *(pl.lit(False).alias(_sid(n, AMBIGUOUS)) for n in ("tech_staff", "rd", "ip")),
    ]


def total_exprs() -> list[pl.Expr]:
    names = ("tech_staff", "rd", "ip")
    lo = pl.sum_horizontal([c(_sid(n, LO)) for n in names])
    hi = pl.sum_horizontal([c(_sid(n, HI)) for n in names])
    return [
        lo.alias(col(RID, "score_lo")),
        hi.alias(col(RID, "score_hi")),
        ((lo + hi + 1) // 2).alias(col(RID, "score_mid")),
    ]


def _size(p: Params) -> Stages:
    """第六条（二）: employees ≤ 500, revenue_y3 ≤ 2亿, total_assets ≤ 2亿 (all inclusive)."""
    max_e = p.int("max_employees")
    max_rev = p.int("max_revenue") * MICRO
    max_assets = p.int("max_total_assets") * MICRO
    checks = [c("employees") <= max_e, c("revenue_y3") <= max_rev, c("total_assets") <= max_assets]
    passed = kleene_all(checks)
    over = join_text(
        [
            pl.when(c("employees") > max_e).then(
                pl.concat_str(
                    [pl.lit("职工总数"), fmt_int(c("employees")), pl.lit(f"人>{max_e}人")]
                )
            ),
            pl.when(c("revenue_y3") > max_rev).then(
                pl.concat_str(
                    [
                        pl.lit("近一年销售收入"),
                        fmt_wan(c("revenue_y3")),
                        pl.lit(f"万元>{p.int('max_revenue')}万元"),
                    ]
                )
            ),
            pl.when(c("total_assets") > max_assets).then(
                pl.concat_str(
                    [
                        pl.lit("资产总额"),
                        fmt_wan(c("total_assets")),
                        pl.lit(f"万元>{p.int('max_total_assets')}万元"),
                    ]
                )
            ),
        ],
        "；",
    )
    return criterion(
        BY_ID["tech_sme.size_limits"],
        passed=passed,
        note=over,
        remedy=pl.when(passed.is_null())
        .then(pl.lit("补充填报职工总数、近一年销售收入和资产总额后重新评价"))
        .otherwise(
            pl.lit("超出科技型中小企业规模上限，不属于评价范围（有效期内高企资格亦不能豁免）")
        ),
    )


def _h(name: str) -> pl.Expr:
    return c(f"_sme_{name}")


def _cheapest(target: pl.Expr, options: list[tuple[int, pl.Expr]]) -> pl.Expr:
    """The change for the lowest tier whose points ≥ target (null if none)."""
    out: pl.Expr = null_int()
    for pts, change in sorted(options, key=lambda o: -o[0]):
        out = pl.when(target <= pts).then(change).otherwise(out)
    return out


def remedy_helpers(p: Params) -> list[list[pl.Expr]]:
    """Staged helper columns for the score remedy (materialized: keeps the plan small).

    First make 科技人员 points > 0 (people), then close the gap to 60 with one lever:
    R&D money (cheaper option of the two), more tech staff, Ⅱ类 IP, one Ⅰ类 IP; else
    R&D to full marks plus one Ⅰ类 IP.
    """
    need = p.int("pass_score")
    lo = c(col(RID, "score_lo"))
    t_lo, t_hi = c(_sid("tech_staff", LO)), c(_sid("tech_staff", HI))
    rd, rev, cost = c("rd_expense_y3"), c("revenue_y3"), c("total_cost")
    t, e = c("tech_staff"), c("employees")
    ip1, ip2 = c("ip_class1"), c("ip_class2")
    staff_tiers = tiers(p, "tech_staff_tiers")
    low_r, low_pts = staff_tiers[-1]
    rev_tiers = tiers(p, "rd_revenue_tiers")
    cost_tiers = tiers(p, "rd_cost_tiers")
    ipp: dict[str, Any] = p["ip_points"]

    def rd_by_revenue(r: Fraction) -> pl.Expr:
        return ceil_div(rev * r.numerator - rd * r.denominator, r.denominator)

    def rd_by_cost(r: Fraction) -> pl.Expr:
        # Extra R&D x is also a cost: (R + x)/(C + x) ≥ p/q.
        return ceil_div(cost * r.numerator - rd * r.denominator, r.denominator - r.numerator)

    stage1 = [
        pl.when(t_hi == 0)
        .then(ceil_div(e * low_r.numerator - t * low_r.denominator, low_r.denominator))
        .otherwise(lit_int(0))
        .alias("_sme_staff_min"),
        pl.when(t_hi == 0).then(lit_int(low_pts)).otherwise(t_lo).alias("_sme_t_new"),
    ]
    stage2 = [(lit_int(need) - (lo - t_lo + _h("t_new"))).alias("_sme_deficit")]
    deficit = _h("deficit")
    rd_target = c(_sid("rd", LO)) + deficit
    ip_target = c(_sid("ip", LO)) + deficit
    full = lit_int(max(pts for _, pts in rev_tiers))
    stage3 = [
        pl.min_horizontal(
            pl.when(rev > 0).then(
                _cheapest(rd_target, [(pts, rd_by_revenue(r)) for r, pts in rev_tiers])
            ),
            pl.when(cost > 0).then(
                _cheapest(rd_target, [(pts, rd_by_cost(r)) for r, pts in cost_tiers])
            ),
        ).alias("_sme_x_rd"),
        _cheapest(
            _h("t_new") + deficit,
            [
                (pts, ceil_div(e * r.numerator - t * r.denominator, r.denominator))
                for r, pts in staff_tiers
            ],
        ).alias("_sme_staff_more"),
        pl.when(ip1 == 0)
        .then(
            _cheapest(
                ip_target,
                [
                    (int(x["points"]), pl.max_horizontal(lit_int(int(x["min"])) - ip2, lit_int(0)))
                    for x in ipp["class2"]
                ],
            )
        )
        .alias("_sme_c2_more"),
        pl.when((ip1 == 0) & (ip_target <= int(ipp["class1"])))
        .then(lit_int(1))
        .alias("_sme_c1_more"),
        pl.min_horizontal(
            pl.when(rev > 0).then(
                _cheapest(full, [(pts, rd_by_revenue(r)) for r, pts in rev_tiers])
            ),
            pl.when(cost > 0).then(
                _cheapest(full, [(pts, rd_by_cost(r)) for r, pts in cost_tiers])
            ),
        ).alias("_sme_x_full"),
    ]
    done = deficit <= 0
    use_rd = ~done & _h("x_rd").is_not_null()
    use_staff = ~done & ~use_rd & _h("staff_more").is_not_null()
    use_c2 = ~done & ~use_rd & ~use_staff & _h("c2_more").is_not_null()
    use_c1 = ~done & ~use_rd & ~use_staff & ~use_c2 & _h("c1_more").is_not_null()
    combo = (
        ~done & ~use_rd & ~use_staff & ~use_c2 & ~use_c1 & _h("x_full").is_not_null() & (ip1 == 0)
    )
    staff_fix = (
        pl.when(use_staff)
        .then(pl.max_horizontal(_h("staff_more"), _h("staff_min")))
        .otherwise(_h("staff_min"))
    )
    stage4 = [
        pl.when(use_rd).then(_h("x_rd")).when(combo).then(_h("x_full")).alias("_sme_fix_rd"),
        pl.when(staff_fix > 0).then(staff_fix).alias("_sme_fix_staff"),
        pl.when(use_c1 | combo).then(lit_int(1)).alias("_sme_fix_c1"),
        pl.when(use_c2).then(_h("c2_more")).alias("_sme_fix_c2"),
    ]
    return [stage1, stage2, stage3, stage4]


def _score(p: Params) -> Stages:
    """第六条（五）: total ≥ 60 and 科技人员 points not 0; remedy from `remedy_helpers`."""
    need = p.int("pass_score")
    lo, hi = c(col(RID, "score_lo")), c(col(RID, "score_hi"))
    t_lo, t_hi = c(_sid("tech_staff", LO)), c(_sid("tech_staff", HI))
    passed = (
        pl.when((lo >= need) & (t_lo > 0))
        .then(pl.lit(True))
        .when((hi < need) | (t_hi == 0))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    pts1, pts2 = c("_sme_rd_pts1"), c("_sme_rd_pts2")
    used = (
        pl.when(pts1.is_not_null() & pts2.is_not_null() & (pts2 > pts1))
        .then(pl.lit("方式二（研发费用/成本费用支出总额）"))
        .when(pts1.is_not_null())
        .then(pl.lit("方式一（研发费用/销售收入）"))
        .when(pts2.is_not_null())
        .then(pl.lit("方式二（研发费用/成本费用支出总额）"))
    )
    rd, rev, cost = c("rd_expense_y3"), c("revenue_y3"), c("total_cost")
    t, e = c("tech_staff"), c("employees")
    note = join_text(
        [
            pl.concat_str(
                [pl.lit("总分区间["), fmt_int(lo), pl.lit(", "), fmt_int(hi), pl.lit("]")]
            ),
            pl.concat_str(
                [
                    pl.lit("科技人员"),
                    fmt_pct(ratio_float(t, e)),
                    pl.lit("得"),
                    fmt_int(t_lo),
                    pl.lit("分"),
                ]
            ),
            pl.concat_str(
                [pl.lit("研发投入按"), used, pl.lit("得"), fmt_int(c(_sid("rd", LO))), pl.lit("分")]
            ),
            pl.concat_str(
                [
                    pl.lit("方式一 "),
                    fmt_pct(ratio_float(rd, rev)),
                    pl.lit(" 得"),
                    fmt_int(pts1),
                    pl.lit("分"),
                ]
            ),
            pl.concat_str(
                [
                    pl.lit("方式二 "),
                    fmt_pct(ratio_float(rd, cost)),
                    pl.lit(" 得"),
                    fmt_int(pts2),
                    pl.lit("分"),
                ]
            ),
            c(col(RID, "direct_note")),
        ]
    )
    known = lo == hi
    plan = join_text(
        [
            pl.concat_str(
                [pl.lit("职工总数不变，增加科技人员"), fmt_int(_h("fix_staff")), pl.lit("人")]
            ),
            pl.concat_str(
                [
                    pl.lit("近一年再投入研发费用"),
                    fmt_wan_up(_h("fix_rd")),
                    pl.lit("万元（计入成本费用，销售收入不变）"),
                ]
            ),
            pl.concat_str([pl.lit("再取得Ⅱ类知识产权"), fmt_int(_h("fix_c2")), pl.lit("项")]),
            pl.when(_h("fix_c1").is_not_null()).then(pl.lit("取得1项Ⅰ类知识产权（如发明专利）")),
        ],
        "，并且",
    )
    gap_text = pl.concat_str(
        [pl.lit("总分"), fmt_int(lo), pl.lit(f"分，须≥{need}分且科技人员得分不为0。")]
    )
    remedy = (
        pl.when(known & plan.is_not_null())
        .then(pl.concat_str([gap_text, plan]))
        .otherwise(
            pl.lit(
                "补充填报职工总数、科技人员数、研发费用、销售收入或成本费用、知识产权数后重新评价"
            )
        )
    )
    return criterion(
        BY_ID["tech_sme.score"],
        passed=passed,
        value=c(col(RID, "score_mid")),
        threshold=pl.lit(float(need)),
        note=note,
        remedy=remedy,
        fixes={
            "tech_staff": pl.when(known).then(_h("fix_staff")),
            "rd_expense_y3": pl.when(known).then(_h("fix_rd")),
            "total_cost": pl.when(known & cost.is_not_null()).then(_h("fix_rd")),
            "ip_class2": pl.when(known).then(_h("fix_c2")),
            "ip_class1": pl.when(known).then(_h("fix_c1")),
        },
    )


def plan(p: Params) -> Plan:
    """第六条 eligibility, 第七条 score, 第八条 direct confirmation (国科发政〔2017〕115号)."""
    grounds = [c(k) == True for k, _ in DIRECT_GROUNDS]  # noqa: E712
    direct_note: pl.Expr = null_str()
    for (_k, text), g in reversed(list(zip(DIRECT_GROUNDS, grounds, strict=True))):
        direct_note = (
            pl.when(g.fill_null(False))
            .then(pl.lit(f"符合第八条直接确认条件：{text}"))
            .otherwise(direct_note)
        )
    steps = [score_exprs(p), [*total_exprs(), direct_note.alias(col(RID, "direct_note"))]]
    if common.DETAIL.get():
        steps += remedy_helpers(p)
    stages = Stages()
    stages.extend(
        criterion(
            BY_ID["tech_sme.resident_enterprise"],
            passed=pl.when(c("uscc").is_not_null()).then(pl.lit(True)),
            note=c("uscc"),
            remedy=pl.lit("补充填报统一社会信用代码"),
        )
    )
    stages.extend(_size(p))
    stages.extend(
        common.flag_is_false(
            BY_ID["tech_sme.permitted_industry"],
            ["prohibited_industry"],
            "产品和服务属于国家规定的禁止、限制和淘汰类，不符合条件",
            "是否属禁止限制淘汰类",
        )
    )
    stages.extend(
        common.flag_is_false(
            BY_ID["tech_sme.no_incident_or_blacklist"],
            ["major_incident", "credit_blacklisted"],
            "存在重大事故或列入经营异常名录、严重违法失信名单；须事故期满并移出名单后再申请",
            "是否发生重大事故、是否列入经营异常或失信名单",
        )
    )
    stages.extend(_score(p))
    # 第六条（一）至（四）: every criterion but the score.
    elig = kleene_all([c(col(cr.id, PASSED)) for cr in CRITERIA if cr.id != "tech_sme.score"])
    score_ok = c(col("tech_sme.score", PASSED))
    direct = kleene_any(grounds).fill_null(False)
    verdict = (
        pl.when(elig == False)  # noqa: E712
        .then(pl.lit("fail"))
        .when(elig & direct)
        .then(pl.lit("pass"))
        .when(elig & score_ok)
        .then(pl.lit("pass"))
        .when(score_ok == False)  # noqa: E712
        .then(pl.lit("fail"))
        .otherwise(pl.lit("uncertain"))
    )
    route = pl.when((elig == True) & direct).then(pl.lit("direct")).otherwise(pl.lit("score"))  # noqa: E712
    return Plan(
        [
            *steps,
            *stages.plan(),
            [verdict.alias(col(RID, "verdict")), route.alias(col(RID, "route"))],
        ],
        stages.late,
    )


RULESET = RuleSet(
    id=RID,
    title="科技型中小企业评价",
    sources=("《科技型中小企业评价办法》国科发政〔2017〕115号",),
    effective_from=date(2017, 5, 3),
    effective_to=None,
    national=True,
    criteria=CRITERIA,
    subscores=SUBSCORES,
    has_score=True,
    parameters_dir=Path(__file__).parent / "parameters",
    plan=plan,
    readings=(
        "数据年度为近一年（第三年）。",
        "研发投入两种方式都计算，取较高分并注明所用方式（办法允许企业选择其一）。",
        "第八条直接确认须第六条（一）至（四）成立；有效期内高企资格不能豁免规模上限。",
    ),
)
