from __future__ import annotations

from typing import Any

from django import forms

from kechuang.accounts.models import Region
from kechuang.targets.indicators import INDICATORS, STATISTIC_KEYS
from kechuang.targets.models import Target


def _indicator_choices(statistics: bool) -> list[tuple[str, str]]:
    out = [(i.id, f"{i.label}（{i.unit}）") for i in INDICATORS.values()]
    if statistics:
        out += [(s.id, f"{s.label}（{s.unit}）") for s in STATISTIC_KEYS.values()]
    return out


class StatisticForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.all(), label="区域", to_field_name="code", empty_label="（请选择）"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    key = forms.ChoiceField(label="指标/统计项", choices=())
    value = forms.DecimalField(
        label="数值",
        max_digits=24,
        decimal_places=6,
        help_text="按指标单位：金额万元，比重填百分数（2.65 表示 2.65%）",
    )
    source = forms.CharField(label="来源", max_length=120, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = _indicator_choices(True)  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.filter(kind__in=["county", "street", "town", "township", "park"]),
        label="区域",
        to_field_name="code",
        empty_label="（请选择）",
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    indicator = forms.ChoiceField(label="指标", choices=())
    comparison = forms.ChoiceField(label="比较方式", choices=Target.Comparison.choices)
    value = forms.DecimalField(label="目标值", max_digits=24, decimal_places=6, min_value=0)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = _indicator_choices(False)  # type: ignore[attr-defined]


class WeightForm(forms.Form):
    indicator = forms.ChoiceField(label="指标", choices=())
    weight = forms.DecimalField(
        label="权重", max_digits=8, decimal_places=2, min_value=0, help_text="填 0 表示不纳入考核"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = _indicator_choices(False)  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
