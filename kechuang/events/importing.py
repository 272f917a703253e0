"""The sheets of 科技活动: events and publicity articles, each exported in the layout it
imports, so that an export imports back unchanged. Every row valid or nothing written."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import role_of, visible_regions
from kechuang.core.imports import ImportPlan
from kechuang.core.money import yuan_to_wan
from kechuang.core.sheets import Layout, RowError, Sheet, each, one, run_sheet
from kechuang.core.tabular import Column
from kechuang.events import services
from kechuang.events.models import Article, Event, FinancingIntention

EVENT_KINDS = {label: code for code, label in Event.Kind.choices}
LEVELS = {label: code for code, label in Article.Level.choices}

EVENT_COLUMNS = [
    Column("title", "活动名称", "text", required=True, max_length=120),
    Column("kind", "活动类型", "choice", required=True, choices=EVENT_KINDS),
    Column("held_on", "举办日期", "date", required=True),
    Column("place", "地点", "text", required=True, max_length=120),
    Column("region", "主办区域", "text", required=True, max_length=60),
    Column("organisers", "主办/承办单位", "text", required=True, max_length=200),
    Column("partners", "对接高校院所/机构", "text", max_length=300),
    Column("open_for_registration", "接受企业报名", "bool"),
    Column("outcomes", "活动成效", "text", max_length=2000),
]
ARTICLE_COLUMNS = [
    Column("media", "媒体", "text", required=True, max_length=60),
    Column("level", "媒体级别", "choice", required=True, choices=LEVELS),
    Column("published_on", "刊发日期", "date", required=True),
    Column("title", "标题", "text", required=True, max_length=200),
    Column("link", "链接", "text", max_length=300),
    Column("region", "报送区域", "text", required=True, max_length=60),
]


def can_import(actor: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer"):
        return True, ""
    return False, "只有科技局和园区/乡镇可以导入活动和宣传用稿"


def _regions(actor: Any) -> dict[str, Any]:
    """Regions by code and by name: the actor's own first (a name may recur elsewhere),
    then the others, so that an unchanged row of the county's event an officer sees
    reads back; writing one is the service's to refuse."""
    found: dict[str, Any] = {}
    for r in [*visible_regions(actor).order_by("path"), *Region.objects.order_by("path")]:
        found.setdefault(r.code, r)
        found.setdefault(r.name, r)
    return found


def _region(v: dict[str, Any], lk: Any, label: str) -> Any:
    return one(lk["regions"], v["region"], "region", label, "不是区域名称或代码")


# events: keyed by title and day


def _event_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from kechuang.events.selectors import events

    found: dict[tuple[str, Any], Event] = {}
    for e in events(actor=actor).order_by("-id"):
        found[(e.title, e.held_on)] = e
    return {"regions": _regions(actor), "events": found}


def _event_current(lk: Any, e: Event) -> dict[str, Any]:
    return {
        "title": e.title,
        "kind": e.kind,
        "held_on": e.held_on,
        "place": e.place,
        "region": e.region.name,
        "organisers": e.organisers,
        "partners": e.partners,
        "open_for_registration": e.open_for_registration,
        "outcomes": e.outcomes,
    }


def _event_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    region = _region(v, lk, "主办区域")
    v = {
        **v,
        "region": region.name,
        "_region": region,
        "open_for_registration": bool(v.get("open_for_registration")),
    }
    return (v["title"], v["held_on"]), v


def _event_save(actor: Any, v: dict[str, Any], old: Event | None, lk: Any) -> None:
    services.event_save(
        actor=actor,
        data={**v, "region": v["_region"]},
        event=old,
        via="import",
    )


EVENTS = Sheet(
    kind="events",
    columns=EVENT_COLUMNS,
    lookups=_event_lookups,
    resolve=_event_resolve,
    existing=lambda lk, key: lk["events"].get(key),
    current=_event_current,
    save=_event_save,
    label=lambda v: f"{v['held_on']:%Y-%m-%d} {v['title']}",
)


def events_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(EVENTS, actor=actor, data=data, filename=filename, commit=commit)


def events_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    from kechuang.events.selectors import events

    return events_sheet(actor, events(actor=actor, year=year).order_by("held_on", "id"))


def events_sheet(actor: Any, records: Any) -> Layout:
    """活动 in the layout they import, for these events (a list's rows, say)."""
    kinds = dict(Event.Kind.choices)
    rows = (
        [
            e.title,
            kinds[e.kind],
            e.held_on,
            e.place,
            e.region.name,
            e.organisers,
            e.partners,
            "是" if e.open_for_registration else "否",
            e.outcomes,
        ]
        for e in each(records, "region")
    )
    return [c.header for c in EVENT_COLUMNS], rows


# articles: keyed by media, title and day


def _article_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from kechuang.events.selectors import articles

    found: dict[tuple[str, str, Any], Article] = {}
    for a in articles(actor=actor).order_by("-id"):
        found[(a.media, a.title, a.published_on)] = a
    return {"regions": _regions(actor), "articles": found}


def _article_current(lk: Any, a: Article) -> dict[str, Any]:
    return {
        "media": a.media,
        "level": a.level,
        "published_on": a.published_on,
        "title": a.title,
        "link": a.link,
        "region": a.region.name,
    }


def _article_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    region = _region(v, lk, "报送区域")
    v = {**v, "region": region.name, "_region": region}
    return (v["media"], v["title"], v["published_on"]), v


def _article_save(actor: Any, v: dict[str, Any], old: Article | None, lk: Any) -> None:
    services.article_save(
        actor=actor, data={**v, "region": v["_region"]}, article=old, via="import"
    )


ARTICLES = Sheet(
    kind="publicity_articles",
    columns=ARTICLE_COLUMNS,
    lookups=_article_lookups,
    resolve=_article_resolve,
    existing=lambda lk, key: lk["articles"].get(key),
    current=_article_current,
    save=_article_save,
    label=lambda v: f"{v['media']}《{v['title']}》",
)


def articles_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(ARTICLES, actor=actor, data=data, filename=filename, commit=commit)


def articles_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    from kechuang.events.selectors import articles

    return articles_sheet(actor, articles(actor=actor, year=year).order_by("published_on", "id"))


def articles_sheet(actor: Any, records: Any) -> Layout:
    levels = dict(Article.Level.choices)
    rows = (
        [a.media, levels[a.level], a.published_on, a.title, a.link, a.region.name]
        for a in each(records, "region")
    )
    return [c.header for c in ARTICLE_COLUMNS], rows


# financing intentions: of an event (named by its title and day), keyed by the investor,
# the enterprise and the day; the amount in 万元 (kept in yuan)

INTENTION_COLUMNS = [
    Column("event", "活动名称", "text", required=True, max_length=120),
    Column("held_on", "举办日期", "date", required=True),
    Column("investor", "投资机构/银行", "text", required=True, max_length=100),
    Column("uscc", "企业统一社会信用代码", "text", max_length=30, help="可空：未指明企业"),
    Column("enterprise_name", "企业名称", "text", info=True),
    Column("amount_yuan", "意向金额（万元）", "money_wan", required=True),
    Column("on", "日期", "date", help="可空：活动举办日期"),
    Column("note", "备注", "text", max_length=200),
]


def _intention_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from kechuang.enterprises.selectors import enterprise_queryset
    from kechuang.events.selectors import events

    seen = events(actor=actor).order_by("-id")
    found: dict[tuple[str, Any], Event] = {}
    for e in seen:
        found[(e.title, e.held_on)] = e
    codes = {str(v.get("uscc") or "").strip() for v in rows} - {""}
    firms = {e.uscc: e for e in enterprise_queryset(actor).filter(uscc__in=codes)}
    stored = {
        (i.event_id, i.investor, i.enterprise_id, i.on): i
        for i in FinancingIntention.objects.filter(
            event__in=[e.pk for e in found.values()]
        ).select_related("enterprise")
    }
    return {"events": found, "firms": firms, "intentions": stored}


def _intention_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    event = lk["events"].get((v["event"], v["held_on"]))
    if event is None:
        raise RowError(
            "event", "活动名称", f"找不到{v['held_on']:%Y-%m-%d}举办的“{v['event']}”，或无权查看"
        )
    firm = one(lk["firms"], v.get("uscc"), "uscc", "企业统一社会信用代码", "不在企业库中或无权导入")
    on = v.get("on") or event.held_on
    v = {**v, "on": on, "uscc": firm.uscc if firm else "", "_event": event, "_firm": firm}
    return (event.pk, v["investor"], firm.pk if firm else None, on), v


def _intention_current(lk: Any, i: FinancingIntention) -> dict[str, Any]:
    return {
        "event": i.event.title,
        "held_on": i.event.held_on,
        "investor": i.investor,
        "uscc": i.enterprise.uscc if i.enterprise else "",
        "amount_yuan": i.amount_yuan,
        "on": i.on,
        "note": i.note,
    }


def _intention_save(actor: Any, v: dict[str, Any], old: FinancingIntention | None, lk: Any) -> None:
    services.intention_save(
        actor=actor,
        event=v["_event"],
        data={
            "investor": v["investor"],
            "enterprise": v["_firm"],
            "amount_yuan": v["amount_yuan"],
            "on": v["on"],
            "note": v.get("note") or "",
        },
        intention=old,
        via="import",
    )


INTENTIONS = Sheet(
    kind="event_financing",
    columns=INTENTION_COLUMNS,
    lookups=_intention_lookups,
    resolve=_intention_resolve,
    existing=lambda lk, key: lk["intentions"].get(key),
    current=_intention_current,
    save=_intention_save,
    label=lambda v: f"{v['event']} {v['investor']}",
)


def intentions_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(INTENTIONS, actor=actor, data=data, filename=filename, commit=commit)


def intentions_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    """The intentions recorded at the events the actor sees (of `year`), each of an
    enterprise the actor sees or of none: another area's firm is neither named nor
    listed, and a re-import leaves its row alone."""
    from kechuang.events.selectors import intentions

    return intentions_sheet(actor, intentions(actor=actor, year=year))


def intentions_sheet(actor: Any, records: Any) -> Layout:
    rows = (
        [
            i.event.title,
            i.event.held_on,
            i.investor,
            i.enterprise.uscc if i.enterprise else "",
            i.enterprise.name if i.enterprise else "",
            yuan_to_wan(i.amount_yuan),
            i.on,
            i.note,
        ]
        for i in each(records, "event", "enterprise")
    )
    return [c.header for c in INTENTION_COLUMNS], rows
