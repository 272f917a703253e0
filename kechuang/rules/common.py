"""Rule builders shared by several rule sets: each rule is written once, vectorized.

A builder returns `Stage`s of Polars expressions: `first` computes a criterion's
passed/value/threshold/ambiguous/note columns, `then` reads them to add the remedy and
the fix columns (the change a remedy proposes, in the field's own unit: 10⁻⁶ 万元 for
money, people or items for counts, days for dates, 1 = "set to 是" for booleans).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from fractions import Fraction

import polars as pl

from kechuang.rules.exact import (
    c,
    ceil_div,
    fmt_int,
    fmt_pct,
    fmt_wan,
    fmt_wan_up,
    kleene_all,
    lit_int,
    null_float,
    null_int,
    null_str,
    pct_text,
    ratio_at_least,
    ratio_at_least_q,
    ratio_float,
    wan_text,
)
from kechuang.rules.fields import MICRO, YEARS
from kechuang.rules.model import (
    AMBIGUOUS,
    NOTE,
    PASSED,
    REMEDY,
    THRESHOLD,
    VALUE,
    Criterion,
    Late,
    col,
    fix_col,
)
from kechuang.rules.tech_domains import DOMAINS, label

# False while building a "decisions only" plan: notes, remedies and fixes stay null.
DETAIL: ContextVar[bool] = ContextVar("DETAIL", default=True)


@contextmanager
def detail(enabled: bool) -> Iterator[None]:
    token = DETAIL.set(enabled)
    try:
        yield
    finally:
        DETAIL.reset(token)


@dataclass
class Stages:
    """`pre`: helper columns (materialized once, so that the rule's sub-expressions are
    not repeated in every output column that reads them); `first`: the criterion columns;
    `then`: fixes, which read `first`; `late`: remedies, rendered after the steps on the
    rows whose criterion is not passed only (`model.Late`)."""

    first: list[pl.Expr] = field(default_factory=list)
    then: list[pl.Expr] = field(default_factory=list)
    pre: list[pl.Expr] = field(default_factory=list)
    late: list[Late] = field(default_factory=list)

    def extend(self, other: Stages) -> None:
        self.pre.extend(other.pre)
        self.first.extend(other.first)
        self.then.extend(other.then)
        self.late.extend(other.late)

    def plan(self) -> list[list[pl.Expr]]:
        """The `with_columns` steps, in order (empty steps left out)."""
        return [step for step in (self.pre, self.first, self.then) if step]


def helper(owner: str, name: str) -> str:
    """The column of a helper value `name` of criterion `owner` (not an output)."""
    return f"_{owner}|{name}"


def criterion(
    crit: Criterion,
    *,
    passed: pl.Expr,
    value: pl.Expr | None = None,
    threshold: pl.Expr | None = None,
    ambiguous: pl.Expr | None = None,
    note: pl.Expr | None = None,
    remedy: pl.Expr | None = None,
    fixes: dict[str, pl.Expr] | None = None,
    fix_when_unknown: bool = False,
) -> Stages:
    """The output columns of one criterion. Fixes are proposed for a failed criterion
    (and, with `fix_when_unknown`, for an unknown one whose fix is sure to decide it)."""
    cid = crit.id
    if not DETAIL.get():
        note = remedy = None
        fixes = {}
    first = [
        passed.cast(pl.Boolean).alias(col(cid, PASSED)),
        (value if value is not None else null_float()).cast(pl.Float64).alias(col(cid, VALUE)),
        (threshold if threshold is not None else null_float())
        .cast(pl.Float64)
        .alias(col(cid, THRESHOLD)),
        (ambiguous if ambiguous is not None else pl.lit(False))
        .fill_null(False)
        .alias(col(cid, AMBIGUOUS)),
        (note if note is not None else null_str()).cast(pl.String).alias(col(cid, NOTE)),
    ]
    # The remedy column is null here; the text is filled later, on the rows whose
    # criterion is not passed (false or unknown) only.
    then = [null_str().alias(col(cid, REMEDY))]
    late = []
    if remedy is not None:
        not_passed = ~c(col(cid, PASSED)).fill_null(False)
        late.append(Late(col(cid, REMEDY), not_passed, remedy.cast(pl.String)))
    fixes = fixes or {}
    failed = c(col(cid, PASSED)) == False  # noqa: E712
    if fix_when_unknown:
        failed = failed.fill_null(True)
    for key in crit.fix_keys:
        expr = fixes.get(key, null_int())
        then.append(pl.when(failed).then(expr).otherwise(null_int()).alias(fix_col(cid, key)))
    return Stages(first, then, late=late)


def unknown_or(known_fail: pl.Expr, missing: str) -> pl.Expr:
    """Remedy text: `known_fail` when the criterion failed, else ask for the missing data."""
    return known_fail.fill_null(pl.lit(f"补充填报{missing}后重新评价"))


# ---------------------------------------------------------------------------
# Years


def present(stem: str, year: str) -> pl.Expr:
    return c(f"{stem}_{year}").is_not_null()


def n_present_years() -> pl.Expr:
    """Present fiscal years = those whose revenue is given (contiguous, ending at y3)."""
    return pl.sum_horizontal([present("revenue", y).cast(pl.Int64) for y in YEARS])


def sum_over_years(stem: str, years: Sequence[str]) -> pl.Expr:
    """Σ stem over the given years that are present (revenue given); null when a present
    year's value is missing or no year is present."""
    terms = [pl.when(present("revenue", y)).then(c(f"{stem}_{y}")).otherwise(0) for y in years]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    any_present = pl.any_horizontal([present("revenue", y) for y in years])
    return pl.when(any_present).then(total).otherwise(null_int())


# ---------------------------------------------------------------------------
# Shared criteria


def registered_days(crit: Criterion, min_days: int, region_prefix: str | None = None) -> Stages:
    """成立满 `min_days` 日: as_of − registered_on ≥ min_days (and, for provincial rule
    sets, registered in the province: USCC positions 3–4 = `region_prefix`)."""
    days = (c("as_of") - c("registered_on")).dt.total_days().cast(pl.Int64)
    ok_days = days >= min_days
    passed = ok_days
    in_region: pl.Expr | None = None
    # A firm's age as officials say it ("成立20年"); days only near the one-year line.
    whole_years = days * 100 // 36525
    note = (
        pl.when(days >= 365)
        .then(pl.concat_str([pl.lit("成立"), fmt_int(whole_years), pl.lit("年")]))
        .otherwise(pl.concat_str([pl.lit("成立"), fmt_int(days), pl.lit("天")]))
    )
    if region_prefix is not None:
        in_region = c("uscc").str.slice(2, len(region_prefix)) == region_prefix
        passed = ok_days & in_region
        note = pl.when(in_region).then(note).otherwise(pl.lit("统一社会信用代码显示非本省登记"))
    first_day = c("registered_on") + pl.duration(days=min_days)
    fail_text = pl.concat_str(
        [
            pl.lit("成立未满"),
            pl.lit(str(min_days)),
            pl.lit("天，最早可于"),
            first_day.dt.strftime("%Y-%m-%d"),
            pl.lit("申请"),
        ]
    )
    if in_region is not None:
        fail_text = pl.when(in_region).then(fail_text).otherwise(pl.lit("非本省登记企业，不适用"))
    fix = lit_int(min_days) - days
    if in_region is not None:
        fix = pl.when(in_region).then(fix).otherwise(null_int())
    return criterion(
        crit,
        passed=passed,
        value=days,
        threshold=pl.lit(float(min_days)),
        note=note,
        remedy=pl.when(passed.is_null())
        .then(pl.lit("补充填报成立日期后重新评价"))
        .otherwise(fail_text),
        fixes={"as_of": fix},
    )


def core_ip(crit: Criterion) -> Stages:
    """拥有核心知识产权: `core_ip`; when blank, inferred from the IP counts."""
    any_ip = (c("ip_class1") >= 1) | (c("ip_class2") >= 1)
    none = (c("ip_class1") == 0) & (c("ip_class2") == 0)
    inferred = (
        pl.when(any_ip.fill_null(False))
        .then(pl.lit(True))
        .when(none.fill_null(False))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    passed = pl.when(c("core_ip").is_not_null()).then(c("core_ip")).otherwise(inferred)
    note = (
        pl.when(c("core_ip").is_null() & inferred.is_not_null())
        .then(pl.lit("未填“拥有核心知识产权”，按知识产权数推断"))
        .otherwise(null_str())
    )
    fail = pl.lit(
        "取得至少1项与主要产品（服务）相关的知识产权（Ⅰ类如发明专利，或Ⅱ类如实用新型专利、软件著作权）"
    )
    remedy = (
        pl.when(passed.is_null()).then(pl.lit("补充填报知识产权情况后重新评价")).otherwise(fail)
    )
    return criterion(
        crit,
        passed=passed,
        value=(c("ip_class1") + c("ip_class2")),
        note=note,
        remedy=remedy,
        fixes={
            "ip_class2": pl.when(c("core_ip").is_null() & none)
            .then(lit_int(1))
            .otherwise(null_int()),
            "core_ip": pl.when(c("core_ip") == False).then(lit_int(1)).otherwise(null_int()),  # noqa: E712
        },
    )


def tech_domain(crit: Criterion) -> Stages:
    """属于《国家重点支持的高新技术领域》: a valid code (invalid codes are input errors)."""
    labels = {code: label(code) for code in DOMAINS}
    passed = (
        pl.when(c("tech_domain").is_not_null())
        .then(pl.lit(True))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    return criterion(
        crit,
        passed=passed,
        note=c("tech_domain").replace_strict(labels, default=None, return_dtype=pl.String),
        remedy=pl.lit("填报技术领域（《国家重点支持的高新技术领域》代码或名称）后重新评价"),
    )


def tech_staff_ratio(crit: Criterion, r: Fraction) -> Stages:
    """科技人员占职工总数比例 ≥ r (exact: tech_staff·q ≥ p·employees)."""
    t, e = c("tech_staff"), c("employees")
    passed = ratio_at_least(t, e, r)
    need = ceil_div(e * r.numerator, r.denominator)
    more = pl.max_horizontal(need - t, lit_int(0))
    note = pl.concat_str(
        [fmt_int(t), pl.lit("/"), fmt_int(e), pl.lit(" = "), fmt_pct(ratio_float(t, e))]
    )
    fail = pl.concat_str(
        [
            pl.lit("职工总数不变，再增加科技人员"),
            fmt_int(more),
            pl.lit("人（达到"),
            fmt_int(need),
            pl.lit("人）"),
        ]
    )
    return criterion(
        crit,
        passed=passed,
        value=ratio_float(t, e),
        threshold=pl.lit(float(r)),
        note=note,
        remedy=pl.when(passed.is_null())
        .then(pl.lit("补充填报职工总数（大于0）和科技人员数后重新评价"))
        .otherwise(fail),
        fixes={"tech_staff": more},
    )


def rd_expense_ratio(
    crit: Criterion,
    rd_sum: pl.Expr,
    rev_sum: pl.Expr,
    bands: Sequence[tuple[int | None, Fraction]],
    years_text: str,
) -> Stages:
    """研究开发费用总额占同期销售收入总额比例 ≥ the band threshold; the band is chosen
    by `revenue_y3` alone (`bands`: (upper bound in 10⁻⁶ 万元 inclusive or None, ratio))."""
    y3 = c("revenue_y3")
    p_expr: pl.Expr = lit_int(bands[-1][1].numerator)
    q_expr: pl.Expr = lit_int(bands[-1][1].denominator)
    thr: pl.Expr = pl.lit(float(bands[-1][1]))
    band_text: pl.Expr = pl.lit(_band_text(bands, len(bands) - 1))
    next_text: pl.Expr = null_str()
    for i in range(len(bands) - 2, -1, -1):
        upper, r = bands[i]
        assert upper is not None
        cond = y3 <= upper
        p_expr = pl.when(cond).then(lit_int(r.numerator)).otherwise(p_expr)
        q_expr = pl.when(cond).then(lit_int(r.denominator)).otherwise(q_expr)
        thr = pl.when(cond).then(pl.lit(float(r))).otherwise(thr)
        band_text = pl.when(cond).then(pl.lit(_band_text(bands, i))).otherwise(band_text)
        nxt = bands[i + 1][1]
        next_text = (
            pl.when(cond)
            .then(
                pl.lit(
                    f"注意：档位只按近一年销售收入确定，近一年销售收入超过{wan_text(upper)}万元时"
                    f"门槛降为{pct_text(nxt)}"
                )
            )
            .otherwise(next_text)
        )
    pre: list[pl.Expr] = []
    if len(bands) > 1:  # the band's p/q, once per row (read by passed, fix and remedy)
        pre = [p_expr.alias(helper(crit.id, "p")), q_expr.alias(helper(crit.id, "q"))]
        p_expr, q_expr = c(helper(crit.id, "p")), c(helper(crit.id, "q"))
    passed = ratio_at_least_q(rd_sum, rev_sum, p_expr, q_expr)
    value = ratio_float(rd_sum, rev_sum)
    more = ceil_div(rev_sum * p_expr - rd_sum * q_expr, q_expr)
    note = pl.concat_str(
        [
            pl.lit(years_text),
            fmt_wan(rd_sum),
            pl.lit("/"),
            fmt_wan(rev_sum),
            pl.lit(" = "),
            fmt_pct(value),
            pl.lit("；"),
            band_text,
        ]
    )
    fail = pl.concat_str(
        [
            pl.lit("销售收入不变，近一年（第三年）再列支研发费用"),
            fmt_wan_up(more),
            pl.lit("万元"),
            pl.concat_str([pl.lit("；"), next_text]).fill_null(pl.lit("")),
        ]
    )
    stages = criterion(
        crit,
        passed=passed,
        value=value,
        threshold=thr,
        note=note,
        remedy=pl.when(passed.is_null())
        .then(pl.lit("补充填报各存续年度的销售收入（大于0）和研发费用后重新评价"))
        .otherwise(fail),
        fixes={"rd_expense_y3": more},
    )
    stages.pre.extend(pre)
    return stages


def _band_text(bands: Sequence[tuple[int | None, Fraction]], i: int) -> str:
    upper, r = bands[i]
    lower = bands[i - 1][0] if i > 0 else None
    if len(bands) == 1:
        return f"门槛{pct_text(r)}"
    if lower is None:
        return f"近一年销售收入≤{wan_text(upper or 0)}万元，门槛{pct_text(r)}"
    if upper is None:
        return f"近一年销售收入>{wan_text(lower)}万元，门槛{pct_text(r)}"
    return f"近一年销售收入>{wan_text(lower)}万元且≤{wan_text(upper)}万元，门槛{pct_text(r)}"


def rd_domestic_ratio(
    crit: Criterion, rd_sum: pl.Expr, r: Fraction, extra_note: str = ""
) -> Stages:
    """境内研究开发费用占全部研究开发费用比例 ≥ r."""
    d = c("rd_domestic_3y")
    passed = ratio_at_least(d, rd_sum, r)
    value = ratio_float(d, rd_sum)
    # Extra domestic R&D x also raises the total: (D + x)·q ≥ p·(S + x).
    more = ceil_div(rd_sum * r.numerator - d * r.denominator, r.denominator - r.numerator)
    note = pl.concat_str(
        [
            fmt_wan(d),
            pl.lit("/"),
            fmt_wan(rd_sum),
            pl.lit(" = "),
            fmt_pct(value),
            pl.lit(extra_note),
        ]
    )
    fail = pl.concat_str([pl.lit("近一年在境内再发生研发费用"), fmt_wan_up(more), pl.lit("万元")])
    return criterion(
        crit,
        passed=passed,
        value=value,
        threshold=pl.lit(float(r)),
        ambiguous=pl.lit(bool(extra_note)),
        note=note,
        remedy=pl.when(passed.is_null())
        .then(pl.lit("补充填报境内研发费用和各年研发费用后重新评价"))
        .otherwise(fail),
        fixes={"rd_domestic_3y": more, "rd_expense_y3": more},
    )


def hightech_income_ratio(crit: Criterion, r: Fraction) -> Stages:
    """高新技术产品（服务）收入占总收入比例 ≥ r; 总收入 = 收入总额 − 不征税收入."""
    h = c("hightech_income")
    den = c("total_income") - c("non_taxable_income")
    passed = ratio_at_least(h, den, r)
    value = ratio_float(h, den)
    more = ceil_div(den * r.numerator - h * r.denominator, r.denominator)
    note = pl.concat_str(
        [
            fmt_wan(h),
            pl.lit("/("),
            fmt_wan(c("total_income")),
            pl.lit("−"),
            fmt_wan(c("non_taxable_income")),
            pl.lit(") = "),
            fmt_pct(value),
        ]
    )
    fail = pl.concat_str(
        [pl.lit("收入总额不变，高新技术产品（服务）收入再增加"), fmt_wan_up(more), pl.lit("万元")]
    )
    return criterion(
        crit,
        passed=passed,
        value=value,
        threshold=pl.lit(float(r)),
        note=note,
        remedy=pl.when(passed.is_null())
        .then(pl.lit("补充填报收入总额、不征税收入（无则填0）和高新技术产品收入后重新评价"))
        .otherwise(fail),
        fixes={"hightech_income": more},
    )


def flag_is_false(crit: Criterion, keys: Sequence[str], fail_text: str, missing: str) -> Stages:
    """Each of the boolean facts `keys` is 否 (blank = unknown)."""
    passed = kleene_all([c(k).not_() for k in keys])
    return criterion(
        crit,
        passed=passed,
        remedy=pl.when(passed.is_null())
        .then(pl.lit(f"补充填报{missing}后重新评价"))
        .otherwise(pl.lit(fail_text)),
    )


def micro(wan: int) -> int:
    return wan * MICRO
