"""The operation log as an officer reads it: actions, object types and field names in
Chinese (the models' verbose names), values in their units (万元, 是/否, choice labels,
the related record's name instead of its id, local times)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from kechuang.core import formats

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "transition": "环节变更",
    "grade": "分级调整",
    "restore": "恢复",
    "purge": "清除文件",
}
VIA_LABELS = {
    "web": "网页",
    "api": "接口",
    "cli": "命令行",
    "import": "导入",
    "admin": "管理后台",
    "demo": "演示数据",
    "job": "后台任务",
    "test": "测试",
}
# Bookkeeping columns an officer has no use for in the trail.
HIDDEN = {"id", "version", "created_at", "updated_at", "unique_key", "pinyin", "pinyin_initials"}
EXTRA_LABELS = {
    "former_names": "曾用名",
    "source": "数据来源",
    "recorded_on": "记录日期",
    "files": "文件",
}


# Third-party models whose own names are English (axes: login failures and lockouts,
# whose deletes and clean-ups the admin logs).
FOREIGN_TYPE_LABELS = {
    "axes.accessattempt": "登录失败记录",
    "axes.accesslog": "登录记录",
    "axes.accessfailurelog": "登录失败日志",
    "axes.accessattemptexpiration": "登录失败记录到期时间",
}
FOREIGN_FIELD_LABELS = {
    "username": "用户名",
    "ip_address": "IP地址",
    "user_agent": "浏览器标识",
    "http_accept": "浏览器接受的类型",
    "path_info": "访问路径",
    "attempt_time": "时间",
    "logout_time": "退出时间",
    "get_data": "查询参数",
    "post_data": "提交的数据",
    "failures_since_start": "连续失败次数",
    "locked_out": "已锁定",
    "expires_at": "到期时间",
    "access_attempt": "登录失败记录",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def via_label(via: str) -> str:
    return VIA_LABELS.get(via, via)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    if object_type in FOREIGN_TYPE_LABELS:
        return FOREIGN_TYPE_LABELS[object_type]
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _fields(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    if model is None:
        return {}
    out: dict[str, models.Field[Any, Any]] = {}
    for f in model._meta.concrete_fields:
        out[f.name] = f
        out[f.attname] = f
    for m2m in model._meta.many_to_many:
        out[m2m.name] = m2m
    return out


# The names of the records a page's entries refer to, read in one query per related
# model (`related_names`): {(model, str(pk)): name}.
Names = dict[tuple[type[models.Model], str], str]


def _related_name(field: models.Field[Any, Any], value: object, names: Names | None) -> str:
    related = field.related_model
    if related is None or isinstance(related, str):
        return str(value)
    if names is not None and (related, str(value)) in names:
        return names[(related, str(value))]
    if names is not None and related in {model for model, _pk in names}:
        return f"（已删除，编号{value}）"  # read with the page's others, and not found
    obj = related._base_manager.filter(pk=value).first()  # deleted records too
    return str(obj) if obj is not None else f"（已删除，编号{value}）"


def related_names(entries: Iterable[Any]) -> Names:
    """The names of every record `entries` (audit log rows) refer to by a foreign key,
    one query per related model rather than one per value; deleted records included."""
    wanted: dict[type[models.Model], set[object]] = {}
    for entry in entries:
        fields = _fields(_model(entry.object_type))
        for row in (entry.before or {}, entry.after or {}):
            for key, value in row.items():
                field = fields.get(key)
                if field is None or not (field.is_relation and field.many_to_one):
                    continue
                related = field.related_model
                if related is None or isinstance(related, str):
                    continue
                if value is None or value == "" or isinstance(value, dict | list | bool):
                    continue
                wanted.setdefault(related, set()).add(value)
    names: Names = {}
    for model, pks in wanted.items():
        try:
            found = list(model._base_manager.filter(pk__in=pks))
        except (ValueError, TypeError, ValidationError):
            continue  # a value that is no key of the model: looked up one by one
        # an empty entry still says the model was read (its missing keys are deleted)
        names[(model, "")] = ""
        for obj in found:
            names[(model, str(obj.pk))] = str(obj)
    return names


def value_text(
    field: models.Field[Any, Any] | None, key: str, value: object, names: Names | None = None
) -> str:
    """One stored value as the page shows it (`names`: the page's `related_names`)."""
    if value is None or value == "":
        return formats.BLANK
    if isinstance(value, bool):
        return formats.yesno(value)
    if field is not None:
        if field.is_relation and field.many_to_one:
            return _related_name(field, value, names)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DecimalField) and key.endswith("_yuan"):
            return formats.yuan_as_wan(value)  # the label says 万元
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.minute(moment)
        if isinstance(field, models.DecimalField | models.FloatField):
            return formats.number(
                value, field.decimal_places if hasattr(field, "decimal_places") else 2
            )
    if isinstance(value, Decimal | float):
        return formats.number(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or formats.BLANK
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items()) or formats.BLANK
    return str(value)


def _label(field: models.Field[Any, Any] | None, key: str) -> str:
    if field is None:
        return EXTRA_LABELS.get(key, key)
    model = getattr(field, "model", None)
    if model is not None and model._meta.label_lower in FOREIGN_TYPE_LABELS:
        return FOREIGN_FIELD_LABELS.get(field.name, str(field.verbose_name))
    label = str(field.verbose_name)
    if label == field.name.replace("_", " ") and field.related_model is not None:
        label = str(field.related_model._meta.verbose_name)
    if key.endswith("_yuan"):
        label = label.replace("（元）", "（万元）") if "（元）" in label else f"{label}（万元）"
    return label


def changed_fields(
    object_type: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    names: Names | None = None,
) -> list[tuple[str, str, str]]:
    """(Chinese label, before, after) for each shown value that differs; `names`: the
    related records' names read beforehand for a whole page (`related_names`)."""
    model = _model(object_type)
    fields = _fields(model)
    before = before or {}
    after = after or {}
    shown = getattr(model, "audit_value", None)  # a model may show its own values (stages)
    rows = []
    for key in dict.fromkeys([*before.keys(), *after.keys()]):
        old, new = before.get(key), after.get(key)
        if key in HIDDEN or old == new or (old in (None, "", {}, []) and new in (None, "", {}, [])):
            continue
        field = fields.get(key)
        rows.append(
            (
                _label(field, key),
                _shown(shown, field, key, old, before, names),
                _shown(shown, field, key, new, after, names),
            )
        )
    return rows


def _shown(
    own: Any,
    field: models.Field[Any, Any] | None,
    key: str,
    value: object,
    row: dict[str, Any],
    names: Names | None = None,
) -> str:
    if own is not None:
        text = own(key, value, row)
        if text is not None:
            return str(text)
    return value_text(field, key, value, names)


def with_related_names(entries: list[Any]) -> list[Any]:
    """`entries`, each told the names of the records the whole list refers to, so that
    showing their changes costs one query per related model, not one per value."""
    names = related_names(entries)
    for entry in entries:
        entry.related_names = names
    return entries
