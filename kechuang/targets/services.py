"""Writes: statistics, targets and assessment weights. Every service takes keyword
arguments and an `actor`, checks permission, runs in one transaction and writes the
audit log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import visible_regions
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.targets.indicators import INDICATORS, STATISTIC_KEYS, statistic_label
from kechuang.targets.models import AssessmentWeight, RegionalStatistic, Target
from kechuang.targets.permissions import (
    can_enter_statistics,
    can_enter_statistics_for,
    can_manage_targets,
    can_set_target_for,
    statistic_regions,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
COMPARISONS = {"≥": "gte", ">=": "gte", ">": "gt", "=": "eq", "＞": "gt", "＝": "eq"}


class _IndicatorChoices(dict[str, str]):
    """label → id of the catalogue, read when used: apps add indicators at start-up,
    after this module may have been imported."""

    def __init__(self, *, statistics: bool) -> None:
        super().__init__()
        self.statistics = statistics

    def _fill(self) -> None:
        fresh = {i.label: i.id for i in INDICATORS.values()}
        if self.statistics:
            fresh.update({s.label: s.id for s in STATISTIC_KEYS.values()})
        if len(fresh) != dict.__len__(self):
            self.clear()
            self.update(fresh)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __getitem__(self, key: str) -> str:
        self._fill()
        return super().__getitem__(key)

    def __iter__(self) -> Any:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def values(self) -> Any:
        self._fill()
        return super().values()

    def items(self) -> Any:
        self._fill()
        return super().items()


def _indicator_choices(*, statistics: bool) -> dict[str, str]:
    return _IndicatorChoices(statistics=statistics)


YEAR_ALIASES = ("年份", "会计年度", "统计年度", "考核年度")

STATISTIC_COLUMNS = [
    Column(
        "region",
        "区域代码",
        "text",
        required=True,
        help="如 321283（泰兴市）",
        aliases=("区域", "区划代码", "行政区划代码"),
    ),
    Column("year", "年度", "year", required=True, aliases=YEAR_ALIASES),
    Column(
        "key",
        "指标",
        "choice",
        required=True,
        choices=_indicator_choices(statistics=True),
        aliases=("统计项", "指标代码"),
    ),
    Column(
        "value",
        "数值",
        "decimal",
        required=True,
        may_be_negative=True,
        help="按指标单位填写：金额万元、比重填百分数（2.65 表示 2.65%）",
    ),
    Column("source", "来源", "text", max_length=120, help="如 泰州统计年鉴2020"),
    Column("note", "备注", "text", max_length=200),
]

TARGET_COLUMNS = [
    Column(
        "region",
        "区域代码",
        "text",
        required=True,
        help="县（市、区）或镇、园区的代码",
        aliases=("区域", "区划代码", "行政区划代码"),
    ),
    Column("year", "年度", "year", required=True, aliases=YEAR_ALIASES),
    Column(
        "indicator",
        "指标",
        "choice",
        required=True,
        choices=_indicator_choices(statistics=False),
        aliases=("指标代码",),
    ),
    Column(
        "comparison",
        "比较方式",
        "choice",
        choices={"≥": "gte", ">": "gt", "=": "eq"},
        help="≥（不少于，默认）、>（超过）或 =（等于）",
    ),
    Column("value", "目标值", "decimal", required=True),
    Column("note", "说明", "text", max_length=200),
]


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _check_year(year: Any, errors: list[FieldError], row: int | None = None) -> None:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        errors.append(FieldError("year", "年度", f"应为{MIN_YEAR}–{MAX_YEAR}之间的年份", row))


def _region(code_or_region: Any, errors: list[FieldError], row: int | None = None) -> Region | None:
    if isinstance(code_or_region, Region):
        return code_or_region
    region = Region.objects.filter(code=str(code_or_region or "").strip()).first()
    if region is None:
        errors.append(FieldError("region", "区域代码", f"“{code_or_region}”不是已登记的区域", row))
    return region


# -- statistics --------------------------------------------------------------------------


def _statistic_write(
    *,
    actor: Any,
    region: Region,
    year: int,
    key: str,
    value: Decimal,
    source: str,
    note: str,
    via: str,
) -> tuple[RegionalStatistic, str]:
    label = statistic_label(key)
    assert label is not None
    _require(can_enter_statistics_for(actor, region))
    existing = RegionalStatistic.objects.filter(region=region, year=year, key=key).first()
    before = snapshot(existing) if existing else None
    stat = existing or RegionalStatistic(region=region, year=year, key=key)
    stat.value, stat.unit, stat.source, stat.note = value, label[1], source, note
    if (
        existing
        and before
        and Decimal(before["value"]) == value
        and before["source"] == source
        and before["note"] == note
    ):
        return existing, "unchanged"
    stat.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    stat.save()
    audit_log(
        actor=actor,
        action="update" if existing else "create",
        obj=stat,
        before=before,
        after=snapshot(stat),
        via=via,
    )
    return stat, "changed" if existing else "new"


def statistic_save(
    *,
    actor: Any,
    region: Region | str,
    year: int,
    key: str,
    value: Decimal | int | str,
    source: str = "",
    note: str = "",
    via: str = "web",
) -> RegionalStatistic:
    """Enter (or correct) one statistic of one region and year."""
    _require(can_enter_statistics(actor))
    errors: list[FieldError] = []
    reg = _region(region, errors)
    _check_year(year, errors)
    if statistic_label(key) is None:
        errors.append(FieldError("key", "指标", f"“{key}”不是指标或统计项"))
    try:
        dec = Decimal(str(value))
        if not dec.is_finite():
            raise ArithmeticError
    except (ArithmeticError, ValueError):
        errors.append(FieldError("value", "数值", f"“{value}”不是数字"))
        dec = Decimal(0)
    if errors or reg is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        stat, _ = _statistic_write(
            actor=actor,
            region=reg,
            year=year,
            key=key,
            value=dec,
            source=source.strip(),
            note=note.strip(),
            via=via,
        )
    return stat


def statistic_delete(*, actor: Any, statistic: RegionalStatistic, via: str = "web") -> None:
    _require(can_enter_statistics_for(actor, statistic.region))
    with transaction.atomic():
        audit_log(actor=actor, action="delete", obj=statistic, before=snapshot(statistic), via=via)
        statistic.delete()


def _parse_sheet(
    data: bytes, filename: str, columns: list[Column], kind: str
) -> tuple[list[tuple[int, dict[str, Any]]], list[FieldError], ImportPlan]:
    table = read_table(data, filename, max_rows=20000)
    index, warnings = map_columns(table, columns)
    if not table.rows:
        raise ValidationFailed([], "文件中没有数据行")
    rows, errors = parse_rows(table, columns, index)
    plan = ImportPlan(kind, warnings=warnings, total=len(table.rows))
    return rows, errors, plan


def statistics_import(
    *, actor: Any, data: bytes, filename: str, commit: bool, via: str = "import"
) -> ImportPlan:
    """All rows valid, or nothing is written; errors name the row and column. The plan
    of a preview carries every error of every row; a commit with errors raises them."""
    _require(can_enter_statistics(actor))
    rows, parse_errors, plan = _parse_sheet(data, filename, STATISTIC_COLUMNS, "statistics")
    failed_cells = {e.row for e in parse_errors}
    seen: dict[tuple[Any, Any, Any], int] = {}
    clean: list[tuple[int, Region, dict[str, Any]]] = []
    for row_no, values in rows:
        row_errors: list[FieldError] = []
        region = _region(values.get("region"), row_errors, row_no)
        _check_year(values.get("year"), row_errors, row_no)
        dup = (values.get("region"), values.get("year"), values.get("key"))
        if None not in dup:
            if dup in seen:
                row_errors.append(FieldError("key", "指标", f"与第{seen[dup]}行重复", row_no))
            else:
                seen[dup] = row_no
        plan.errors.extend(row_errors)
        if not row_errors and region is not None and row_no not in failed_cells:
            clean.append((row_no, region, values))
    with transaction.atomic():
        for row_no, region, v in clean:
            existing = RegionalStatistic.objects.filter(
                region=region, year=v["year"], key=v["key"]
            ).first()
            key = f"{region.name} {v['year']} {v['key']}"
            if existing is None:
                status, before = "new", None
            elif (
                existing.value == v["value"]
                and existing.source == (v.get("source") or "")
                and existing.note == (v.get("note") or "")
            ):
                status, before = "unchanged", str(existing.value)
            else:
                status, before = "changed", str(existing.value)
            plan.rows.append(
                RowResult(row_no, status, key, changes={"数值": (before, str(v["value"]))})
            )
        plan.finish(total=plan.total or 0, parse_errors=parse_errors)
        if commit and plan.errors:
            raise ValidationFailed(plan.errors)
        if commit:
            for _row_no, region, v in clean:
                _statistic_write(
                    actor=actor,
                    region=region,
                    year=v["year"],
                    key=v["key"],
                    value=v["value"],
                    source=v.get("source") or "",
                    note=v.get("note") or "",
                    via=via,
                )
            plan.imported = True
    return plan


# -- targets -----------------------------------------------------------------------------


def _target_region_ok(region: Region) -> bool:
    return region.kind == Region.Kind.COUNTY or region.is_area


def _target_write(
    *,
    actor: Any,
    region: Region,
    year: int,
    indicator: str,
    value: Decimal,
    comparison: str,
    note: str,
    via: str,
) -> tuple[Target, str]:
    _require(can_set_target_for(actor, region))
    existing = Target.objects.filter(region=region, year=year, indicator=indicator).first()
    before = snapshot(existing) if existing else None
    if (
        existing
        and existing.value == value
        and existing.comparison == comparison
        and existing.note == note
    ):
        return existing, "unchanged"
    target = existing or Target(region=region, year=year, indicator=indicator)
    target.value, target.comparison, target.note = value, comparison, note
    target.set_by = actor if getattr(actor, "is_authenticated", False) else None
    target.save()
    audit_log(
        actor=actor,
        action="update" if existing else "create",
        obj=target,
        before=before,
        after=snapshot(target),
        via=via,
    )
    return target, "changed" if existing else "new"


def _target_errors(
    region: Region | None,
    year: Any,
    indicator: str,
    comparison: str,
    value: Any,
    row: int | None = None,
) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_year(year, errors, row)
    if region is not None and not _target_region_ok(region):
        errors.append(FieldError("region", "区域代码", "目标只能下达到县（市、区）或镇、园区", row))
    if indicator not in INDICATORS:
        errors.append(FieldError("indicator", "指标", f"“{indicator}”不是指标", row))
    if comparison not in Target.Comparison.values:
        errors.append(FieldError("comparison", "比较方式", "应为 ≥、> 或 =", row))
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        errors.append(FieldError("value", "目标值", "应为不小于0的数字", row))
    return errors


def target_save(
    *,
    actor: Any,
    region: Region | str,
    year: int,
    indicator: str,
    value: Decimal | int | str,
    comparison: str = "gte",
    note: str = "",
    via: str = "web",
) -> Target:
    """Set (or change) one target of one region and year."""
    _require(can_manage_targets(actor))
    errors: list[FieldError] = []
    reg = _region(region, errors)
    comparison = COMPARISONS.get(comparison, comparison)
    try:
        dec: Any = Decimal(str(value))
    except ArithmeticError:
        dec = None
    errors += _target_errors(reg, year, indicator, comparison, dec)
    if errors or reg is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        target, _ = _target_write(
            actor=actor,
            region=reg,
            year=year,
            indicator=indicator,
            value=dec,
            comparison=comparison,
            note=note.strip(),
            via=via,
        )
    return target


def target_delete(*, actor: Any, target: Target, via: str = "web") -> None:
    _require(can_set_target_for(actor, target.region))
    with transaction.atomic():
        audit_log(actor=actor, action="delete", obj=target, before=snapshot(target), via=via)
        target.delete()


def targets_import(
    *, actor: Any, data: bytes, filename: str, commit: bool, via: str = "import"
) -> ImportPlan:
    """All rows valid, or nothing is written; errors name the row and column. The plan
    of a preview carries every error of every row; a commit with errors raises them."""
    _require(can_manage_targets(actor))
    rows, parse_errors, plan = _parse_sheet(data, filename, TARGET_COLUMNS, "targets")
    failed_cells = {e.row for e in parse_errors}
    seen: dict[tuple[Any, Any, Any], int] = {}
    clean: list[tuple[int, Region, dict[str, Any]]] = []
    for row_no, values in rows:
        row_errors: list[FieldError] = []
        region = _region(values.get("region"), row_errors, row_no)
        values["comparison"] = values.get("comparison") or "gte"
        row_errors += _target_errors(
            region,
            values.get("year"),
            values.get("indicator") or "",
            values["comparison"],
            values.get("value"),
            row_no,
        )
        dup = (values.get("region"), values.get("year"), values.get("indicator"))
        if None not in dup:
            if dup in seen:
                row_errors.append(FieldError("indicator", "指标", f"与第{seen[dup]}行重复", row_no))
            else:
                seen[dup] = row_no
        plan.errors.extend(row_errors)
        if not row_errors and region is not None and row_no not in failed_cells:
            clean.append((row_no, region, values))
    with transaction.atomic():
        for row_no, region, v in clean:
            existing = Target.objects.filter(
                region=region, year=v["year"], indicator=v["indicator"]
            ).first()
            key = f"{region.name} {v['year']} {v['indicator']}"
            note = v.get("note") or ""
            if existing is None:
                status, before = "new", None
            elif (
                existing.value == v["value"]
                and existing.comparison == v["comparison"]
                and existing.note == note
            ):
                status, before = "unchanged", str(existing.value)
            else:
                status, before = "changed", str(existing.value)
            plan.rows.append(
                RowResult(row_no, status, key, changes={"数值": (before, str(v["value"]))})
            )
        plan.finish(total=plan.total or 0, parse_errors=parse_errors)
        if commit and plan.errors:
            raise ValidationFailed(plan.errors)
        if commit:
            for _row_no, region, v in clean:
                _target_write(
                    actor=actor,
                    region=region,
                    year=v["year"],
                    indicator=v["indicator"],
                    value=v["value"],
                    comparison=v["comparison"],
                    note=v.get("note") or "",
                    via=via,
                )
            plan.imported = True
    return plan


# -- assessment weights ------------------------------------------------------------------


def weight_save(
    *, actor: Any, year: int, indicator: str, weight: Decimal | int | str, via: str = "web"
) -> AssessmentWeight | None:
    """Set one indicator's weight in a year's assessment; weight 0 removes it."""
    _require(can_manage_targets(actor))
    errors: list[FieldError] = []
    _check_year(year, errors)
    if indicator not in INDICATORS:
        errors.append(FieldError("indicator", "指标", f"“{indicator}”不是指标"))
    try:
        dec = Decimal(str(weight))
        if not dec.is_finite() or dec < 0:
            raise ArithmeticError
    except ArithmeticError:
        errors.append(FieldError("weight", "权重", "应为不小于0的数字"))
        dec = Decimal(0)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        existing = AssessmentWeight.objects.filter(year=year, indicator=indicator).first()
        before = snapshot(existing) if existing else None
        if dec == 0:
            if existing:
                audit_log(actor=actor, action="delete", obj=existing, before=before, via=via)
                existing.delete()
            return None
        obj = existing or AssessmentWeight(year=year, indicator=indicator)
        obj.weight = dec
        obj.set_by = actor if getattr(actor, "is_authenticated", False) else None
        obj.save()
        audit_log(
            actor=actor,
            action="update" if existing else "create",
            obj=obj,
            before=before,
            after=snapshot(obj),
            via=via,
        )
    return obj


# -- exports in the import layout (they import back unchanged) ---------------------------


def _fmt_value(value: Decimal) -> Decimal:
    return value.normalize() if value == value.to_integral() else value


def statistics_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    _require(can_enter_statistics(actor))
    qs = (
        RegionalStatistic.objects.filter(region__in=statistic_regions(actor))
        .select_related("region")
        .order_by("region__sort_order", "region__code", "year", "key")
    )
    if region:
        qs = qs.filter(region__code=region)
    if year:
        qs = qs.filter(year=year)
    headers = [c.header for c in STATISTIC_COLUMNS]
    rows = [
        [s.region.code, s.year, s.key, _fmt_value(Decimal(s.value)), s.source, s.note] for s in qs
    ]
    return headers, rows


def targets_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    _require(can_manage_targets(actor))
    qs = (
        Target.objects.filter(region__in=visible_regions(actor))
        .select_related("region")
        .order_by("year", "region__sort_order", "region__code", "indicator")
    )
    if region:
        qs = qs.filter(region__code=region)
    if year:
        qs = qs.filter(year=year)
    symbol = {"gte": "≥", "gt": ">", "eq": "="}
    headers = [c.header for c in TARGET_COLUMNS]
    rows = [
        [
            t.region.code,
            t.year,
            t.indicator,
            symbol[t.comparison],
            _fmt_value(Decimal(t.value)),
            t.note,
        ]
        for t in qs
    ]
    return headers, rows
