"""Rule set `jiangsu-pool-2018` — 江苏省高新技术企业培育库入库条件.

Single source (a 2018 provincial notice quoting 《省高企培育资金管理办法》); the values are
data (parameters/*.yaml) the bureau edits each year. Spec: ../shared/spec/rules-local.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from kechuang.rules import common, texts
from kechuang.rules.common import Stages
from kechuang.rules.exact import c
from kechuang.rules.model import Criterion, Plan, RuleSet
from kechuang.rules.parameters import Params
from kechuang.rules.rulesets.hnte import criteria as hnte
from kechuang.rules.rulesets.hnte import score

RID = "jiangsu-pool-2018"
DOC = "2018年江苏省高新技术企业培育库入库通知（引《省高企培育资金管理办法》）"
RD_SUM_2Y = "_pool_rd_sum_2y"
REV_SUM_2Y = "_pool_rev_sum_2y"
NOTICE = "入库条件依据单一来源（2018年通知），请以当年江苏省高企培育库入库通知为准"

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "pool.registered_one_year",
        "在江苏省境内注册成立一年以上",
        f"{DOC} 条件1",
        "天",
        lambda p: (
            f"统一社会信用代码第3–4位为{p['province_prefix']}（江苏），"
            f"且评价日期 − 成立日期 ≥ {p.int('min_registered_days')} 个日历日"
        ),
        ("as_of",),
    ),
    Criterion(
        "pool.never_hnte",
        "未被认定为高新技术企业",
        f"{DOC} 条件1",
        "是/否",
        "“曾认定高企”为否（有效期内高企视为曾认定）",
    ),
    Criterion(
        "pool.core_ip",
        "拥有对主要产品（服务）在技术上发挥核心支持作用的知识产权的所有权",
        f"{DOC} 条件2",
        "是/否",
        "同 hnte.core_ip",
        ("ip_class2", "core_ip"),
    ),
    Criterion(
        "pool.tech_domain",
        "主要产品（服务）的核心技术属于《国家重点支持的高新技术领域》规定的范围",
        f"{DOC} 条件3",
        "领域代码",
        "同 hnte.tech_domain",
    ),
    Criterion(
        "pool.tech_staff_ratio",
        "科技人员占企业当年职工总数的比例",
        f"{DOC} 条件4",
        "比例",
        lambda p: f"科技人员数 ÷ 职工总数 ≥ {texts.pct(p['tech_staff_ratio'])}",
        ("tech_staff",),
    ),
    Criterion(
        "pool.rd_expense_ratio",
        "近两个会计年度研究开发费用总额占同期销售收入总额的比例",
        f"{DOC} 条件5",
        "比例",
        lambda p: (
            f"第二、三年研发费用合计 ÷ 同期销售收入合计 ≥ {texts.pct(p['rd_expense_ratio'])}"
            "（第二年未填时只计第三年）"
        ),
        ("rd_expense_y3",),
    ),
    Criterion(
        "pool.rd_domestic_ratio",
        "在中国境内发生的研究开发费用总额占全部研究开发费用总额的比例",
        f"{DOC} 条件5",
        "比例",
        lambda p: (
            f"境内研发费用合计 ÷ 存续年度研发费用合计 ≥ {texts.pct(p['rd_domestic_ratio'])}"
            "（输入无两年口径的境内数，按 hnte-2016 口径计算，标记存疑）"
        ),
        ("rd_domestic_3y", "rd_expense_y3"),
    ),
    Criterion(
        "pool.hightech_income_ratio",
        "近一年高新技术产品（服务）收入占企业同期总收入的比例",
        f"{DOC} 条件6",
        "比例",
        lambda p: (
            "高新技术产品收入 ÷ （收入总额 − 不征税收入）≥ " + texts.pct(p["hightech_income_ratio"])
        ),
        ("hightech_income",),
    ),
)
BY_ID = {cr.id: cr for cr in CRITERIA}


def hnte_params(p: Params) -> Params:
    """The hnte-2016 parameters of the score reported beside these conditions."""
    return hnte.RULESET.parameters.at(max(p.on, hnte.RULESET.effective_from))


def plan(p: Params) -> Plan:
    """Conditions 1–6 gate the verdict; condition 7 (创新能力) is reported, not gated."""
    hp = hnte_params(p)
    two = ("y2", "y3")
    steps = [
        [
            *hnte.prepare_exprs(),
            common.sum_over_years("rd_expense", two).alias(RD_SUM_2Y),
            common.sum_over_years("revenue", two).alias(REV_SUM_2Y),
        ],
        score.objective_exprs(hp),
        score.applied_exprs(),
        score.total_exprs(hp, RID),
    ]
    stages = Stages()
    stages.extend(
        common.registered_days(
            BY_ID["pool.registered_one_year"],
            p.int("min_registered_days"),
            region_prefix=str(p["province_prefix"]),
        )
    )
    never = pl.when(c("hnte_valid") == True).then(pl.lit(False)).otherwise(c("hnte_ever").not_())  # noqa: E712
    stages.extend(
        common.criterion(
            BY_ID["pool.never_hnte"],
            passed=never,
            remedy=pl.when(never.is_null())
            .then(pl.lit("补充填报是否曾认定高新技术企业后重新评价"))
            .otherwise(pl.lit("已认定过高新技术企业，不再入培育库")),
        )
    )
    stages.extend(common.core_ip(BY_ID["pool.core_ip"]))
    stages.extend(common.tech_domain(BY_ID["pool.tech_domain"]))
    stages.extend(
        common.tech_staff_ratio(BY_ID["pool.tech_staff_ratio"], p.ratio("tech_staff_ratio"))
    )
    stages.extend(
        common.rd_expense_ratio(
            BY_ID["pool.rd_expense_ratio"],
            c(RD_SUM_2Y),
            c(REV_SUM_2Y),
            [(None, p.ratio("rd_expense_ratio"))],
            "研发费用/销售收入（近两年合计）",
        )
    )
    stages.extend(
        common.rd_domestic_ratio(
            BY_ID["pool.rd_domestic_ratio"],
            c(hnte.RD_SUM),
            p.ratio("rd_domestic_ratio"),
            extra_note="（按全部存续年度计算：输入没有近两年境内研发费用）",
        )
    )
    stages.extend(
        common.hightech_income_ratio(
            BY_ID["pool.hightech_income_ratio"], p.ratio("hightech_income_ratio")
        )
    )
    return Plan(
        [*steps, *stages.plan(), hnte.verdict_exprs(RID, [cr.id for cr in CRITERIA])],
        stages.late,
    )


RULESET = RuleSet(
    id=RID,
    title="江苏省高新技术企业培育库入库",
    sources=(DOC,),
    effective_from=date(2018, 1, 1),
    effective_to=None,
    national=False,
    criteria=CRITERIA,
    subscores=tuple(s.with_params(hnte_params) for s in score.SUBSCORES),
    has_score=True,
    parameters_dir=Path(__file__).parent / "parameters",
    plan=plan,
    notices=(NOTICE,),
    readings=(
        "条件7“创新能力达到相应要求”未公布门槛：按 hnte-2016 计算总分区间，仅供参考，不作判定。",
        "近两年研发费用比例：第二年销售收入未填时只计第三年。",
        "境内研发费用占比按全部存续年度计算（输入没有两年口径的境内研发费用），标记存疑。",
    ),
)
