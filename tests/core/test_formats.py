"""One number format: the functions behind the `kc` template filters and the report."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template

from kechuang.core import formats


def test_money_counts_and_percentages_have_one_format():
    assert formats.wan(Decimal("5500000")) == "5,500,000.00"
    assert formats.yuan_as_wan(Decimal("12345000.00")) == "1,234.50"
    assert formats.count(Decimal("17.4")) == "17"
    assert formats.count(2021) == "2,021"
    assert formats.percent(Decimal("46.83")) == "46.8%"
    assert formats.ratio(Decimal("0.2656"), 2) == "26.56%"
    assert formats.measure_text(Decimal("5500000"), "万元") == "550.00亿元"
    assert formats.measure_text(Decimal("628.344"), "万元") == "628.34万元"
    assert formats.measure(Decimal("86.4"), "家") == "86"
    assert formats.wan(None) == "—" and formats.count("") == "—"


def test_dates_yes_no_and_ages_read_as_officials_write_them():
    assert formats.day(dt.date(2021, 6, 30)) == "2021-06-30"
    assert formats.day_cn(dt.date(2021, 6, 30)) == "2021年6月30日"
    assert formats.yesno(True) == "是" and formats.yesno("false") == "否"
    assert formats.yesno(None) == "—"
    assert formats.years(7346) == "20年" and formats.years(240) == "7个月"
    assert formats.verdict("fail") == "未通过" and formats.verdict("pass") == "通过"
    assert formats.ruleset_title("hnte-2016") == "高新技术企业认定（2016年版）"


def test_template_filters_use_the_same_functions():
    html = Template(
        "{% load kc %}{{ m|wan }} {{ y|yuan_wan }} {{ n|count }} {{ f|ratio }} {{ b|yesno_cn }}"
    ).render(Context({"m": Decimal("5500000"), "y": 12345000, "n": 32.0, "f": 0.5, "b": False}))
    assert html == "5,500,000.00 1,234.50 32 50.0% 否"
