"""Writing the audit log. Services call these inside their transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from kechuang.core.models import AuditLog


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-ready data (foreign keys as ids)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.attname != "id"]
    return {name: jsonable(getattr(obj, name)) for name in names}


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return str(getattr(actor, "display_name", "") or actor.get_username())


def build_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    enterprise_id: int | None = None,
    via: str = "",
    note: str = "",
) -> AuditLog:
    return AuditLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        enterprise_id=enterprise_id,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        via=via,
        note=note[:300],
    )


def audit_log(**kwargs: Any) -> AuditLog:
    entry = build_entry(**kwargs)
    entry.save()
    return entry


def audit_bulk(entries: list[AuditLog]) -> None:
    AuditLog.objects.bulk_create(entries, batch_size=1000)


ENTRY_FIELDS = (
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "enterprise_id",
    "before",
    "after",
    "via",
    "note",
)


class EntryRows:
    """Audit entries of one actor about objects of one model, gathered as plain rows
    and written with one bulk INSERT (`kechuang.core.bulk`): the rows `build_entry` and
    `audit_bulk` would write, without an AuditLog instance per entry. `object_repr` is
    what `str(obj)` gives."""

    def __init__(self, *, actor: Any, model: type[models.Model]) -> None:
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.actor_name = _actor_name(actor)
        self.object_type = model._meta.label_lower
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        *,
        action: str,
        object_id: Any,
        object_repr: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        enterprise_id: int | None = None,
        via: str = "",
        note: str = "",
    ) -> None:
        self.rows.append(
            (
                self.actor_id,
                self.actor_name,
                action,
                self.object_type,
                str(object_id),
                object_repr[:200],
                enterprise_id,
                dict(before) if before is not None else None,
                dict(after) if after is not None else None,
                via,
                note[:300],
            )
        )

    def write(self) -> None:
        from kechuang.core.bulk import insert_rows

        insert_rows(AuditLog, ENTRY_FIELDS, self.rows)
        self.rows = []
