"""The editor's text: Chinese keys and values both ways (round trip), a key it does not
know refused with its line and nothing written, and a set's problems led by their line."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kechuang.core.errors import ValidationFailed
from kechuang.points import services, settext
from kechuang.points.models import PointSet
from tests.points.conftest import YEAR, small_set


def _without_system(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("version", "year_from")}


@pytest.mark.parametrize(
    "data", [services.shipped_data(2020), small_set()], ids=["default", "small"]
)
def test_the_text_round_trips_and_shows_no_english_key(data):
    text = settext.to_text(data)
    keys = re.findall(r"^\s*-?\s*([^\s:{][^:{]*?):", text, re.M) + re.findall(
        r"[{,]\s*([^:{},]+?):", text
    )
    assert keys and not [k for k in keys if re.search(r"[A-Za-z]", k)], keys
    for word in ("higher", "lower", "percentile", "thresholds", "rd_expense:", "field", "ratio"):
        assert word not in text
    read = settext.from_text(text)
    assert read.problems == [] and read.data == _without_system(data)


def test_the_text_reads_chinese_values_back_to_codes():
    read = settext.from_text(
        "分组:\n- {编号: t, 名称: 技术}\n发展阶段:\n- {编号: s1, 名称: 小, 销售收入低于（万元）: 500}\n"
        "- {编号: s2, 名称: 大}\n指标:\n- 编号: x\n  名称: 研发\n  分组: 技术\n"
        "  数据来源: {比值: [研发费用（当年）, 销售收入（当年）]}\n  方向: 越小越好\n  计分方法: 分档\n"
        "  分档门槛:\n  - {不低于: 1, 得分比例: 100}\n  权重: {小: 100, 大: 100}\n"
    )
    ind = read.data["indicators"][0]
    assert ind["group"] == "t" and ind["direction"] == "lower" and ind["method"] == "thresholds"
    assert ind["source"] == {"ratio": ["rd_expense", "revenue"]}
    assert ind["weights"] == {"s1": 100, "s2": 100}
    assert ind["thresholds"] == [{"at_least": 1, "score": 100}]


@pytest.mark.django_db
def test_an_unknown_key_is_refused_with_its_line_and_nothing_is_written(staff, county):
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    before = dict(draft.data)
    text = services.set_text(draft).replace(
        "  步长说明: 再投入研发费用10万元", "  步长描述: 再投入"
    )
    line = text.splitlines().index("  步长描述: 再投入") + 1
    with pytest.raises(ValidationFailed) as exc:
        services.set_save_text(actor=staff, point_set=draft, text=text)
    assert f"第{line}行：指标的一项没有“步长描述”这一项" in exc.value.lines()[0]
    assert "步长说明" in exc.value.lines()[0]
    assert PointSet.objects.get(pk=draft.pk).data == before


@pytest.mark.django_db
def test_a_problem_names_its_line_and_chinese_key(staff, county):
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    text = services.set_text(draft).replace("  方向: 越大越好\n", "")
    text = text.replace("  名称: 有效发明专利\n", "  名称: 有效发明专利\n  方向: 越多越好\n", 1)
    problems = services.set_save_text(actor=staff, point_set=draft, text=text)
    # the item's first line (its 编号)
    line = (
        next(n for n, t in enumerate(text.splitlines(), start=1) if t == "  名称: 有效发明专利") - 1
    )
    assert f"第{line}行：指标“有效发明专利”的方向须为“越大越好”或“越小越好”" in problems
    text = services.set_text(draft).replace("  步长说明: 再增加1件发明专利\n", "", 1)
    problems = services.set_save_text(actor=staff, point_set=draft, text=text)
    assert any(
        p.endswith("设了提升步长，须写明步长说明（如“再增加1件发明专利”）") for p in problems
    )
    assert all(not re.search(r"[A-Za-z]", p) for p in problems), problems
