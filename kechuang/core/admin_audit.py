"""The admin writes the audit log like every other path.

Every ModelAdmin on the site derives from `AuditedMixin` (through `AuditedAdmin`, or
beside a third-party admin class; `tests/core/test_admin_audit.py` walks the registry): a save is one audit row with the
values before and after (many-to-many fields by name, secrets hidden), an inline row is
its own row, and a delete writes one row per object the cascade removes — read before
anything is deleted, in the admin's own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import models, router
from django.forms import BaseModelFormSet
from django.http import HttpRequest

from kechuang.core.audit import EntryRows, audit_log, snapshot

# Stored hashes are never copied into the log; a change shows as a change.
SECRET_FIELDS = frozenset({"password", "key_hash"})
HIDDEN_BEFORE = "（原值，已隐藏）"
HIDDEN_AFTER = "（已更改，已隐藏）"


def enterprise_of(obj: models.Model) -> int | None:
    """The enterprise an object belongs to, for the enterprise page's trail."""
    if obj._meta.label_lower == "enterprises.enterprise":
        return int(obj.pk)
    for path in ("enterprise_id", "facts.enterprise_id", "application.enterprise_id"):
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if isinstance(value, int):
            return value
    return None


def admin_snapshot(obj: models.Model) -> dict[str, Any]:
    """Concrete values and many-to-many members (by name) of a saved object."""
    values = snapshot(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
    return values


def hide_secrets(before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    for name in SECRET_FIELDS:
        old = before.pop(name, None) if before is not None else None
        new = after.pop(name, None) if after is not None else None
        if before is not None and after is not None and old != new:
            before[name], after[name] = HIDDEN_BEFORE, HIDDEN_AFTER


def audit_change(
    request: HttpRequest,
    obj: models.Model,
    before: dict[str, Any] | None,
    *,
    note: str = "",
) -> None:
    after = admin_snapshot(obj)
    hide_secrets(before, after)
    if before is not None and before == after:
        return
    audit_log(
        actor=request.user,
        action="update" if before is not None else "create",
        obj=obj,
        before=before,
        after=after,
        enterprise_id=enterprise_of(obj),
        via="admin",
        note=note,
    )


def audit_deletion(request: HttpRequest, objs: Iterable[models.Model], *, note: str = "") -> None:
    """One row per object that deleting `objs` removes, cascades included."""
    objs = list(objs)
    if not objs:
        return
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    for model, instances in collector.data.items():
        rows = EntryRows(actor=request.user, model=model)
        for obj in instances:
            before = admin_snapshot(obj)
            hide_secrets(before, None)
            rows.add(
                action="delete",
                object_id=obj.pk,
                object_repr=str(obj),
                before=before,
                enterprise_id=enterprise_of(obj),
                via="admin",
                note=note if obj in objs else f"随删除连带删除{note and '：' + note}",
            )
        rows.write()


def stored(obj: models.Model) -> dict[str, Any] | None:
    """The values in the database now (the form has already changed `obj`)."""
    if obj.pk is None:
        return None
    current = type(obj)._base_manager.filter(pk=obj.pk).first()
    return admin_snapshot(current) if current is not None else None


def audited_action(fn: Any) -> Any:
    """Mark an admin action that writes the audit log itself; `AuditedMixin` offers no
    action that is not marked (besides `delete_selected`, which deletes through the
    audited `delete_queryset`), so a framework's own action cannot change rows unlogged."""
    fn.kc_audited = True
    return fn


def audit_removed(
    request: HttpRequest, model: type[models.Model], before: dict[Any, models.Model], note: str
) -> int:
    """One delete row for each object of `before` (read before an action ran) that is no
    longer in the database; how many."""
    still = set(model._base_manager.filter(pk__in=list(before)).values_list("pk", flat=True))
    rows = EntryRows(actor=request.user, model=model)
    gone = 0
    for pk, obj in before.items():
        if pk in still:
            continue
        values = admin_snapshot(obj)
        hide_secrets(values, None)
        rows.add(
            action="delete",
            object_id=pk,
            object_repr=str(obj),
            before=values,
            enterprise_id=enterprise_of(obj),
            via="admin",
            note=note,
        )
        gone += 1
    rows.write()
    return gone


class AuditedMixin:
    """Save and delete paths of a ModelAdmin, audited."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        return {
            name: action
            for name, action in actions.items()
            if name == "delete_selected" or getattr(action[0], "kc_audited", False)
        }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = stored(obj) if change else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        # Many-to-many values land in save_related; the row is written there.
        request._kc_audit_before = before  # type: ignore[attr-defined]
        request._kc_audit_obj = obj  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = getattr(request, "_kc_audit_obj", None)
        if obj is not None:
            audit_change(request, obj, getattr(request, "_kc_audit_before", None))
            request._kc_audit_obj = None  # type: ignore[attr-defined]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores: dict[Any, dict[str, Any] | None] = {}
        if isinstance(formset, BaseModelFormSet):
            for inline_form in formset.initial_forms:
                if inline_form.instance.pk is not None:
                    befores[inline_form.instance.pk] = stored(inline_form.instance)
        deleted = [f.instance for f in getattr(formset, "deleted_forms", []) if f.instance.pk]
        audit_deletion(request, deleted)
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in getattr(formset, "new_objects", []):
            audit_change(request, obj, None)
        for obj, _fields in getattr(formset, "changed_objects", []):
            audit_change(request, obj, befores.get(obj.pk))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_deletion(request, [obj])
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        audit_deletion(request, list(queryset))
        super().delete_queryset(request, queryset)  # type: ignore[misc]


class AuditedAdmin(AuditedMixin, admin.ModelAdmin[Any]):
    """The base of every ModelAdmin on the site."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_bureau", False)) and super().has_module_permission(
            request
        )
