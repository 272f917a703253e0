"""The operation log page (bureau staff)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.core import selectors
from kechuang.core.audit_text import ACTION_LABELS, with_related_names
from kechuang.core.models import AuditLog
from kechuang.core.web import Column, Filter, Listing, choice_param, text_param


def _changes(entry: AuditLog) -> str:
    parts = [f"{name}：{before} → {after}" for name, before, after in entry.changed_fields()]
    if entry.note:
        parts.append(f"说明：{entry.note}")
    return "；".join(parts)


def _object(entry: AuditLog) -> str:
    return f"{entry.type_label}：{entry.object_repr}"


AUDIT = Listing(
    name="audit",
    title="操作日志",
    columns=[
        Column("at", "时间", sort="at", css="text-nowrap"),
        Column("actor_name", "操作人", sort="actor_name"),
        Column("action", "操作", value="action_label"),
        Column("object_repr", "对象", value=_object),
        Column("changes", "变更", value=_changes, template="core/cells/changes.html"),
        Column("via", "途径", value="via_label"),
    ],
    filters=[Filter("action", "操作", choices=list(ACTION_LABELS.items()))],
    # the names the page's changes refer to: one query per related model
    decorate=lambda entries, _filters: with_related_names(list(entries)),
    default_sort="-at",
    page_size=50,
    empty="无记录",
    table_id="audit-table",
)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    raw = choice_param(request, "enterprise", _digits(text_param(request, "enterprise")))
    enterprise_id = int(raw) if raw else None

    def rows(filters: dict[str, Any]) -> Any:
        return selectors.audit_list(
            actor=request.user, enterprise_id=enterprise_id, action=filters["action"]
        )

    table = AUDIT.build(request, rows)
    return table.export_response() or render(request, "core/audit_list.html", {"table": table})


def _digits(raw: str | None) -> list[str]:
    """`raw` as the one allowed choice when it is a plain number."""
    text = (raw or "").strip()
    return [text] if text.isdecimal() and len(text) < 19 else []
