"""Innovation points: the indicator set's checks, scoring by hand, exact explanations and
gains checked against re-scoring."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kechuang.rules.points import (
    POINT_FIELDS,
    IndicatorSet,
    InvalidSet,
    default_set,
    explain,
    scoring,
)
from kechuang.rules.points import score as score_points
from kechuang.rules.points.scoring import AT_STAKE, RANK, STAGE, TIER, TOTAL, c, weight

M = 1_000_000  # 10⁻⁶ 万元 per 万元

MONEY = [k for k, f in POINT_FIELDS.items() if f.kind == "money"]


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Rows with every field (missing keys are unknown); money given in 万元."""
    full = []
    for n, r in enumerate(rows):
        row: dict[str, Any] = {"key": r.get("key", n)}
        for key, f in POINT_FIELDS.items():
            v = r.get(key)
            row[key] = None if v is None else (int(v * M) if f.kind == "money" else v)
        full.append(row)
    schema = {
        "key": pl.Int64,
        **{k: (pl.Boolean if f.kind == "bool" else pl.Int64) for k, f in POINT_FIELDS.items()},
    }
    return pl.DataFrame(full, schema=schema)


def two_indicator_set(w_patents: int = 60, w_staff: int = 40) -> dict[str, Any]:
    return {
        "id": "t",
        "title": "测试",
        "year_from": 2020,
        "groups": [{"id": "tech", "label": "技术创新"}],
        "stages": [{"id": "all", "label": "全部"}],
        "indicators": [
            {
                "id": "patents",
                "label": "发明专利",
                "group": "tech",
                "source": {"field": "invention_patents"},
                "weights": {"all": w_patents},
                "step": 1,
                "step_text": "再增加1件发明专利",
            },
            {
                "id": "staff",
                "label": "科技人员",
                "group": "tech",
                "source": {"field": "tech_staff"},
                "weights": {"all": w_staff},
                "step": 1,
                "step_text": "再增加1名科技人员",
            },
        ],
        "tiers": [{"id": "a", "label": "第一档", "top": "20%"}],
    }


def test_the_default_set_is_valid_and_says_it_is_not_official() -> None:
    s = default_set()
    assert "非官方" in s.source
    for stage in s.stages:
        assert sum(i.weights[stage.id] for i in s.indicators) == 100_00
    assert [st.label for st in s.stages] == ["初创期", "成长期", "稳定期"]


def test_a_bad_draft_names_every_problem() -> None:
    data = yaml.safe_load(yaml.safe_dump(two_indicator_set(60, 39)))
    data["indicators"][1]["group"] = "nope"
    data["indicators"].append(
        {
            "id": "patents",
            "label": "重复",
            "group": "tech",
            "source": {"field": "hnte_valid"},
            "weights": {"all": 1, "later": 2},
        }
    )
    data["indicators"].append(
        {
            "id": "x",
            "label": "不存在的数据",
            "group": "tech",
            "source": {"ratio": ["rd_expense", "no_such"]},
            "weights": {"all": 0},
        }
    )
    with pytest.raises(InvalidSet) as err:
        IndicatorSet.parse(data)
    problems = err.value.problems
    assert "指标“科技人员”的分组“nope”不存在" in problems
    assert any("“有效期内高新技术企业”是是/否项" in p for p in problems)
    assert "指标“重复”的权重写了不存在的阶段“later”" in problems
    assert "指标“不存在的数据”读取的字段“no_such”不在企业库可读的数据项中" in problems
    assert "全部各指标权重合计为99，须为100" in problems
    # The duplicate id is only reported once the sources are readable; the weights sum
    # counts what could be read.
    assert all("Traceback" not in p for p in problems)


def test_scores_ranks_and_a_raised_weight_as_computed_by_hand() -> None:
    # Five firms, one stage. Patents 0,1,1,3,5; staff 10,4,8,2,6.
    df = frame(
        [
            {"revenue": 100, "invention_patents": p, "tech_staff": s}
            for p, s in ((0, 10), (1, 4), (1, 8), (3, 2), (5, 6))
        ]
    )
    s = IndicatorSet.parse(two_indicator_set(60, 40))
    out = score_points(df, s)
    # patents beaten: 0,1,1,3,4 of N−1 = 4 → 60·b/4 = 0, 15, 15, 45, 60
    assert out[c("patents", "cents")].to_list() == [0, 1500, 1500, 4500, 6000]
    # staff beaten: 4,1,3,0,2 → 40·b/4 = 40, 10, 30, 0, 20
    assert out[c("staff", "cents")].to_list() == [4000, 1000, 3000, 0, 2000]
    assert out[TOTAL].to_list() == [4000, 2500, 4500, 4500, 8000]
    assert out[RANK].to_list() == [4, 5, 2, 2, 1]  # a tie shares the better rank
    assert out[TIER].to_list() == [None, None, None, None, "a"]  # top 20 % of 5 = 1 firm
    # Raise the staff weight to 70 (patents 30): staff-heavy firm 0 moves from 4th to 1st.
    out = score_points(df, IndicatorSet.parse(two_indicator_set(30, 70)))
    # patents 30·b/4: 0, 7.5, 7.5, 22.5, 30; staff 70·b/4: 70, 17.5, 52.5, 0, 35
    assert out[TOTAL].to_list() == [7000, 2500, 6000, 2250, 6500]
    assert out[RANK].to_list() == [1, 4, 3, 5, 2]


def test_rounding_is_half_up_per_indicator_and_the_total_is_their_sum() -> None:
    # N − 1 = 3: 10·1/3 = 3.333… → 3.33; 10·2/3 = 6.666… → 6.67.
    df = frame([{"revenue": 1, "invention_patents": p, "tech_staff": 0} for p in range(4)])
    out = score_points(df, IndicatorSet.parse(two_indicator_set(10, 90)))
    assert out[c("patents", "cents")].to_list() == [0, 333, 667, 1000]
    assert out[TOTAL].to_list() == [0, 333, 667, 1000]  # staff all tied at 0: beat nobody


def test_unknown_is_never_zero() -> None:
    df = frame(
        [
            {"revenue": 100, "invention_patents": 2, "tech_staff": 5},
            {"revenue": 100, "invention_patents": None, "tech_staff": 3},
            {"revenue": None, "invention_patents": 9, "tech_staff": 9},
        ]
    )
    s = IndicatorSet.parse(two_indicator_set(60, 40))
    out = score_points(df, s)
    # Firm 0 is alone with a known patent count in its stage: the whole weight.
    assert out[c("patents", "cents")].to_list() == [6000, None, None]
    assert out[AT_STAKE].to_list() == [0, 6000, None]
    assert out[STAGE].to_list() == ["all", "all", None]
    assert out[TOTAL][2] is None and out[RANK][2] is None
    why = explain(out.row(1, named=True), s)
    assert why.notes == ["缺少数据的指标和加分项最多还可得60.00分"]
    assert explain(out.row(2, named=True), s).notes == [
        "缺少当年销售收入，无法确定发展阶段，未计分"
    ]


def test_stages_split_by_revenue_and_rank_within_their_cohort() -> None:
    s = default_set()
    df = frame([{"revenue": r} for r in (499.999999, 500, 9999, 10000, None)])
    assert score_points(df, s)[STAGE].to_list() == [
        "startup",
        "growth",
        "growth",
        "mature",
        None,
    ]


def test_bonus_and_negative_items() -> None:
    data = two_indicator_set()
    data["bonus"] = [{"id": "b", "label": "高企", "field": "hnte_valid", "points": 5}]
    data["negative"] = [{"id": "n", "label": "失信", "field": "credit_blacklisted", "points": 30}]
    s = IndicatorSet.parse(data)
    df = frame(
        [
            {"revenue": 1, "invention_patents": 1, "tech_staff": 1, "hnte_valid": True},
            {"revenue": 1, "invention_patents": 1, "tech_staff": 1, "credit_blacklisted": True},
            {
                "revenue": 1,
                "invention_patents": 1,
                "tech_staff": 1,
                "hnte_valid": False,
                "credit_blacklisted": False,
            },
        ]
    )
    out = score_points(df, s)
    assert out[TOTAL].to_list() == [500, -3000, 0]
    assert out[AT_STAKE].to_list() == [0, 500, 0]  # firm 1's 高企 status is unknown
    assert out["negative_unknown"].to_list() == [3000, 0, 0]


# -- properties over random counties --------------------------------------------------------


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly known, sometimes unknown."""
    return st.one_of(values, values, values, st.none())


firm = st.fixed_dictionaries(
    {
        "revenue": maybe(st.sampled_from([100, 300, 800, 5000, 20000])),  # full cohorts
        "revenue_prev": maybe(st.integers(0, 30000)),
        "net_assets": maybe(st.integers(-500, 5000)),
        "net_assets_prev": maybe(st.integers(-500, 5000)),
        "rd_expense": maybe(st.integers(0, 12).map(lambda x: 5 * x)),  # ties and near ties
        "hightech_income": maybe(st.integers(0, 20000)),
        "tax_paid": maybe(st.integers(0, 12).map(lambda x: 5 * x)),
        "tech_contract_amount": maybe(st.sampled_from([0, 0, 5, 10, 15, 300])),
        "employees": maybe(st.integers(0, 300)),
        "tech_staff": maybe(st.integers(0, 6)),
        "invention_patents": maybe(st.integers(0, 3)),
        "other_ip": maybe(st.integers(0, 4)),
        "rd_institutions": maybe(st.integers(0, 3)),
        "talents": maybe(st.integers(0, 2)),
        "awards": maybe(st.integers(0, 2)),
        "hnte_valid": maybe(st.booleans()),
        "tech_sme": maybe(st.booleans()),
        "major_incident": maybe(st.booleans()),
        "credit_blacklisted": maybe(st.booleans()),
    }
)
county = st.lists(firm, min_size=1, max_size=40)
big_county = st.lists(firm, min_size=12, max_size=40)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(county)
def test_every_explanation_sums_to_its_total_exactly(rows: list[dict[str, Any]]) -> None:
    s = default_set()
    out = score_points(frame(rows), s)
    for i in range(out.height):
        row = out.row(i, named=True)
        why = explain(row, s)
        if row[STAGE] is None:
            assert why.total is None and not why.lines
            continue
        assert sum(line.cents or 0 for line in why.lines) == row[TOTAL]
        stage = row[STAGE]
        stake = sum(
            weight(ind, stage) for ind in s.indicators if row[c(ind.id, "cents")] is None
        ) + sum(b.points for b in s.bonus if row[c(b.id, "cents")] is None)
        assert row[AT_STAKE] == stake
        for ind in s.indicators:  # never more than the weight, never below zero
            got = row[c(ind.id, "cents")]
            assert got is None or 0 <= got <= weight(ind, stage)


# The stepped field indicators of the default set, and the input each one moves.
FIELD_STEPS = {
    ind.id: ind.source.fields[0]
    for ind in default_set().indicators
    if ind.source.kind == "field" and ind.step is not None
}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(big_county, st.data())
def test_a_gain_is_what_rescoring_with_the_step_applied_gives(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    s = default_set()
    out = score_points(frame(rows), s)
    ind_id = data.draw(st.sampled_from(sorted(FIELD_STEPS)))
    ind, key = s.indicator(ind_id), FIELD_STEPS[ind_id]
    for i, row in enumerate(out.iter_rows(named=True)):
        if row[STAGE] is None or rows[i][key] is None:
            assert row.get(c(ind_id, "gain")) is None
    known = [i for i, r in enumerate(rows) if r[key] is not None and out[STAGE][i] is not None]
    if not known:
        return
    i = data.draw(st.sampled_from(known))
    row = out.row(i, named=True)
    moved = copy.deepcopy(rows)
    assert ind.step is not None
    moved[i][key] = rows[i][key] + int(ind.step)
    again = score_points(frame(moved), s).row(i, named=True)
    assert again[c(ind_id, "cents")] == row[c(ind_id, "cents")] + row[c(ind_id, "gain")]
    # Others can only lose points when this firm overtakes them: the rank it reaches is
    # the one promised or better.
    assert again[RANK] <= row[c(ind_id, "rank_after")] <= row[RANK]


def test_explanations_name_the_cheapest_gains() -> None:
    s = IndicatorSet.parse(two_indicator_set(60, 40))
    df = frame(
        [
            {"revenue": 1, "invention_patents": p, "tech_staff": t}
            for p, t in ((0, 0), (0, 0), (0, 1), (3, 2), (5, 3))
        ]
    )
    out = score_points(df, s)
    assert out[TOTAL].to_list() == [0, 0, 2000, 7500, 10000]
    why = explain(out.row(0, named=True), s)
    assert (why.rank, why.total) == (4, 0)
    # One more patent leaves the two firms it ties with behind: 60·2/4 = 30 points; one
    # more tech staff beats firm 1 only (and ties firm 2): 40·1/4 = 10.
    assert [str(g) for g in why.gains] == [
        "再增加1件发明专利 → +30.00分，排名 4 → 至少第3名",
        "再增加1名科技人员 → +10.00分，排名 4 → 至少第4名",
    ]
    assert why.lines[0].reading == "在全部5家有数据的企业中高于0家"


@settings(max_examples=30, deadline=None, derandomize=True)
@given(big_county)
def test_every_way_of_ranking_gives_the_same_scores(rows: list[dict[str, Any]]) -> None:
    """Whole numbers are ranked by counting, by a packed sort or by argsort, and totals
    by counting or sorting, whichever fits: forced down each path, the results agree."""
    s = default_set()
    lower = {"tax_paid", "revenue_growth", "talents"}
    variant = dataclasses.replace(
        s,
        indicators=tuple(
            dataclasses.replace(i, direction="lower") if i.id in lower else i for i in s.indicators
        ),
    )
    df = frame(rows)
    knobs = ("_COUNTING_SPAN", "_COUNT_PER_VALUE", "_PACKED_BITS", "_TOTALS_SPAN")
    shipped = {name: getattr(scoring, name) for name in knobs}
    for iset in (s, variant):
        expected = score_points(df, iset)
        try:
            for bits in (63, 0):  # packed sort, then argsort
                for name, value in zip(knobs, (0, 0, bits, 0), strict=True):
                    setattr(scoring, name, value)
                assert_frame_equal(score_points(df, iset), expected, check_exact=True)
        finally:
            for name, value in shipped.items():
                setattr(scoring, name, value)
