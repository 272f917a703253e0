"""科技活动 pages: parse → selector/service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from kechuang.core.web import Column, Filter, Listing
from kechuang.enterprises.selectors import enterprise_get
from kechuang.events import importing, selectors, services
from kechuang.events.models import Article, Event, Participant


def _organiser(user: Any) -> bool:
    return role_of(user) in ("staff", "officer")


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> Any:
    try:
        result = fn()
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
        return None
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, ok)
    return result if result is not None else True


def _years(request: HttpRequest) -> list[tuple[int, str]]:
    this = periods.today().year
    return [(y, f"{y}年") for y in range(this, this - 6, -1)]


EVENTS = Listing(
    name="events",
    title="科技活动",
    sheet=importing.events_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column("held_on", "举办日期", sort="held_on"),
        Column("title", "活动名称", link=lambda e: reverse("events:event", args=[e.pk])),
        Column(
            "kind",
            "活动类型",
            display=lambda v: Event.Kind(v).label,
            exported=lambda v: Event.Kind(v).label,
        ),
        Column("region.name", "主办区域"),
        Column("place", "地点"),
        Column("partners", "对接高校院所/机构"),
        Column("n_participants", "参与方", sort="n_participants", css="num"),
        Column("n_agreements", "现场签约（份）", sort="n_agreements", css="num"),
        Column("financing_yuan", "融资意向（万元）", money=True),
    ],
    filters=[
        Filter("year", "年度", kind="year", choices=_years, default=None),
        Filter("kind", "活动类型", choices=Event.Kind.choices),
        Filter("q", "名称/地点/机构", kind="text"),
    ],
    default_sort="-held_on",
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    table = EVENTS.build(request, lambda f: selectors.events(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "events/index.html",
        {"table": table, "can_organise": _organiser(request.user), "section": "events"},
    )


def _event_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: request.POST.get(k, "")
        for k in (
            "kind",
            "title",
            "held_on",
            "place",
            "organisers",
            "partners",
            "outcomes",
        )
    }
    data["open_for_registration"] = request.POST.get("open_for_registration") == "1"
    data["region"] = selectors.region_or_none(request.user, request.POST.get("region", ""))
    return data


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    if not _organiser(request.user):
        raise PermissionDenied("只有科技局和园区/乡镇可以登记活动")
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = _event_data(request)
        e = _run(request, lambda: services.event_save(actor=request.user, data=form), "活动已登记")
        if e:
            return redirect("events:event", e.pk)
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "kinds": Event.Kind.choices,
            "regions": selectors.organiser_regions(request.user),
            "section": "events",
        },
    )


@login_required
def event(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    return render(
        request,
        "events/event.html",
        {
            "e": e,
            **selectors.event_page(actor=request.user, event=e),
            "can_organise": _organiser(request.user),
            "roles": Participant.Role.choices,
            # every form of the page (参与方, 路演, outcomes) and a gone record's stored
            # name: whom the services let change this event (its area's organisers)
            "can_edit": services.can_organise(request.user, e.region)[0],
            "today": periods.today(),
            "section": "events",
            "can_register": role_of(request.user) == "enterprise"
            and e.open_for_registration
            and e.held_on >= periods.today(),
        },
    )


@login_required
@require_POST
def event_participant(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    role = request.POST.get("role", "")
    firm = None
    if role == "enterprise":
        try:
            firm = enterprise_get(actor=request.user, uscc=request.POST.get("uscc", ""))
        except NotFound:
            messages.error(request, "统一社会信用代码：找不到该企业或不属于本区域")
            return redirect("events:event", e.pk)
    _run(
        request,
        lambda: services.participant_add(
            actor=request.user,
            event=e,
            role=role,
            enterprise=firm,
            name=request.POST.get("name", ""),
            on=periods.today(),
        ),
        "参与方已登记",
    )
    return redirect("events:event", e.pk)


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    try:
        firm = enterprise_get(actor=request.user, uscc=request.POST.get("uscc", ""))
    except NotFound:
        messages.error(request, "统一社会信用代码：找不到该企业或无权为其报名")
        return redirect("events:event", e.pk)
    _run(
        request,
        lambda: services.registration_add(
            actor=request.user,
            event=e,
            enterprise=firm,
            on=periods.today(),
            note=request.POST.get("note", ""),
        ),
        "报名成功",
    )
    return redirect("events:event", e.pk)


@login_required
@require_POST
def event_item(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    data: dict[str, Any] = {
        k: request.POST.get(k, "")
        for k in ("title", "presenter", "summary", "financing_sought_wan")
    }
    _run(
        request,
        lambda: services.roadshow_item_add(actor=request.user, event=e, data=data),
        "路演项目已登记",
    )
    return redirect("events:event", e.pk)


@login_required
@require_POST
def event_score(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    raw = request.POST.get("item", "")
    item_pk = int(raw) if raw.isdecimal() and len(raw) < 12 else 0
    item = selectors.item_get(actor=request.user, event=e, pk=item_pk)
    _run(
        request,
        lambda: services.jury_score(
            actor=request.user,
            item=item,
            juror=request.POST.get("juror", ""),
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        ),
        "评分已登记",
    )
    return redirect("events:event", e.pk)


def _key(raw: str) -> int:
    return int(raw) if raw.isdecimal() and len(raw) < 12 else 0


@login_required
@require_POST
def event_link(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.outcome_link_add(
            actor=request.user,
            event=e,
            kind=request.POST.get("kind", ""),
            ref=request.POST.get("ref", ""),
        ),
        "成果已关联",
    )
    return redirect("events:event", e.pk)


@login_required
@require_POST
def event_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    row = selectors.link_get(actor=request.user, event=e, pk=_key(request.POST.get("link", "")))
    _run(
        request,
        lambda: services.outcome_link_remove(actor=request.user, link=row),
        "已取消关联",
    )
    return redirect("events:event", e.pk)


@login_required
@require_POST
def event_intention(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    data: dict[str, Any] = {
        k: request.POST.get(k, "") for k in ("investor", "amount_wan", "on", "note")
    }
    uscc = request.POST.get("uscc", "").strip()
    if uscc:
        try:
            data["enterprise"] = enterprise_get(actor=request.user, uscc=uscc)
        except NotFound:
            messages.error(request, "统一社会信用代码：找不到该企业或不属于本区域")
            return redirect("events:event", e.pk)
    _run(
        request,
        lambda: services.intention_add(actor=request.user, event=e, data=data),
        "融资意向已登记",
    )
    return redirect("events:event", e.pk)


@login_required
@require_POST
def event_intention_remove(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.event_get(actor=request.user, pk=pk)
    key = _key(request.POST.get("intention", ""))
    row = selectors.intention_get(actor=request.user, event=e, pk=key)
    _run(
        request,
        lambda: services.intention_remove(actor=request.user, intention=row),
        "融资意向已删除",
    )
    return redirect("events:event", e.pk)


ARTICLES = Listing(
    name="articles",
    title="宣传用稿",
    sheet=importing.articles_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column("published_on", "刊发日期", sort="published_on"),
        Column("media", "媒体", sort="media"),
        Column(
            "level",
            "媒体级别",
            display=lambda v: Article.Level(v).label,
            exported=lambda v: Article.Level(v).label,
        ),
        Column("title", "标题", link=lambda a: a.link or None),
        Column("region.name", "报送区域"),
        # the page shows a link named 原文; the export keeps the address (it re-imports)
        Column(
            "link", "链接", display=lambda v: "原文" if v else "—", link=lambda a: a.link or None
        ),
    ],
    filters=[
        Filter("year", "年度", kind="year", choices=_years, default=None),
        Filter("level", "媒体级别", choices=Article.Level.choices),
    ],
    default_sort="-published_on",
)


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    if not _organiser(request.user):
        raise PermissionDenied("宣传用稿由科技局和园区/乡镇登记")
    if request.method == "POST":
        data: dict[str, Any] = {
            k: request.POST.get(k, "") for k in ("media", "level", "published_on", "title", "link")
        }
        data["region"] = selectors.region_or_none(request.user, request.POST.get("region", ""))
        if _run(
            request, lambda: services.article_save(actor=request.user, data=data), "用稿已登记"
        ):
            return redirect("events:articles")
    table = ARTICLES.build(request, lambda f: selectors.articles(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "events/articles.html",
        {
            "table": table,
            "levels": Article.Level.choices,
            "today": periods.today(),
            "regions": selectors.organiser_regions(request.user),
            "section": "articles",
        },
    )
