"""Reads of the programme frame, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from kechuang.accounts.scoping import is_bureau
from kechuang.core.errors import NotFound
from kechuang.programmes.models import (
    Application,
    Attachment,
    Call,
    Event,
    Objection,
    Publicity,
    PublicityEntry,
    Task,
    TaskQuerySet,
    Visit,
    application_scope_q,
)


def calls(programme: str, year: int | None = None) -> QuerySet[Call]:
    qs = Call.objects.filter(programme=programme)
    return qs.filter(year=year) if year is not None else qs


def call_get(*, programme: str, pk: int) -> Call:
    found = Call.objects.filter(programme=programme, pk=pk).first()
    if found is None:
        raise NotFound("申报批次不存在")
    return found


def application_queryset(actor: Any, programme: str) -> QuerySet[Application]:
    return (
        Application.objects.of(programme)
        .visible_to(actor)
        .select_related("enterprise", "enterprise__region", "call", "officer", "bureau_contact")
    )


def application_get(*, actor: Any, programme: str, pk: int) -> Application:
    found = application_queryset(actor, programme).filter(pk=pk).first()
    if found is None:
        raise NotFound("申报不存在或无权查看")
    return found


def events_of(application: Application) -> QuerySet[Event]:
    return application.events.select_related("by").order_by("on", "id")


def attachments_of(application: Application) -> QuerySet[Attachment]:
    return application.attachments.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def attachment_get(*, actor: Any, pk: int) -> Attachment:
    """An attachment the actor may read: one of an enterprise in their scope."""
    from kechuang.accounts.scoping import enterprise_scope_q

    found = (
        Attachment.objects.filter(enterprise_scope_q(actor, "enterprise__"), pk=pk)
        .select_related("enterprise")
        .first()
    )
    if found is None:
        raise NotFound("附件不存在或无权查看")
    return found


def task_queryset(actor: Any, programme: str | None = None) -> TaskQuerySet:
    qs = Task.objects.visible_to(actor)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.select_related("region", "enterprise", "call", "owner", "application")


def task_get(*, actor: Any, pk: int) -> Task:
    found = task_queryset(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("任务不存在或无权查看")
    return found


def visits_of(*, actor: Any, enterprise: Any = None, application: Any = None) -> QuerySet[Visit]:
    qs = Visit.objects.visible_to(actor).select_related("visitor", "application")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if application is not None:
        qs = qs.filter(application=application)
    return qs


def publicities(programme: str) -> QuerySet[Publicity]:
    return Publicity.objects.filter(programme=programme)


def publicity_entries(publicity: Publicity) -> QuerySet[PublicityEntry]:
    """Every line of a 公示 as it was published — an enterprise deleted since included:
    a 公示 is a public act whose window, objections and freeze refer to those lines, so
    deleting a firm afterwards does not rewrite it. `enterprise_deleted` marks those
    lines (`publicity_lines` shows the mark to bureau staff)."""
    return publicity.entries.select_related("application", "application__enterprise").annotate(
        enterprise_deleted=ExpressionWrapper(
            Q(application__enterprise__deleted_at__isnull=False), output_field=BooleanField()
        )
    )


def publicity_lines(*, actor: Any, publicity: Publicity) -> list[dict[str, Any]]:
    """The 公示's lines to show: rank, enterprise name, what was published, and — to
    bureau staff only — 已删除 on the line of an enterprise deleted after publication
    (its record page is gone; the line stays as published)."""
    staff = is_bureau(actor)

    def deleted(entry: PublicityEntry) -> bool:
        return staff and bool(getattr(entry, "enterprise_deleted", False))

    return [
        {
            "rank": e.rank,
            "name": e.application.party_name,
            "summary": e.summary,
            "deleted": deleted(e),
            "note": "已删除" if deleted(e) else "",
        }
        for e in publicity_entries(publicity)
    ]


def objections_of(*, actor: Any, publicity: Publicity) -> QuerySet[Objection]:
    return Objection.objects.filter(
        application_scope_q(actor, "entry__application__"), entry__publicity=publicity
    ).select_related("entry", "entry__application__enterprise", "resolved_by")
