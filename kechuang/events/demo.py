"""The demo county's events and publicity, through the services as the bureau's demo
user: 40 产学研对接 activities in 2020 (企业院校行 to 苏州大学, 南京航空航天大学, 贵州大学 …;
技术巡诊 by experts of 大连理工大学, 吉林大学, 南京工业大学, 江苏大学), 4 科技金融进孵化器
events, trainings and policy briefings, 43 articles in provincial and city media
(新华日报, 中国江苏网, 泰州日报 …: "40余篇", seed §一.5), and the first half of 2021
(roadshows, which the 2021 plan makes regular: ≥ 24 a year). Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.models import Region, User
from kechuang.core.registry import link_source
from kechuang.enterprises.models import Enterprise
from kechuang.events import services
from kechuang.events.models import Event

SEED = 2020
# The demo county's "now" (as the registry's demo: 2021 in progress), whatever the date.
LAST_DAY = dt.date(2021, 6, 30)
COUNTY = "321283"
# (year, kind) → how many; 2021 is the first half (today is 30 June in the demo).
PLAN: dict[tuple[int, str], int] = {
    (2019, "iur"): 24,
    (2019, "diagnosis"): 9,
    (2019, "finance"): 3,
    (2019, "training"): 6,
    (2020, "iur"): 28,
    (2020, "diagnosis"): 12,
    (2020, "finance"): 4,
    (2020, "training"): 8,
    (2020, "policy"): 6,
    (2021, "iur"): 9,
    (2021, "diagnosis"): 3,
    (2021, "finance"): 2,
    (2021, "training"): 4,
    (2021, "policy"): 3,
    (2021, "roadshow"): 12,
}
ARTICLES = {2019: 36, 2020: 43, 2021: 22}
COUNTY_LEVEL_ARTICLES = {2019: 15, 2020: 18, 2021: 9}

VISITED = [
    "苏州大学",
    "南京航空航天大学",
    "贵州大学",
    "南京工业大学",
    "江南大学",
    "江苏大学",
    "中国药科大学",
    "南京理工大学",
    "常州大学",
    "扬州大学",
]
DIAGNOSIS = ["大连理工大学", "吉林大学", "南京工业大学", "江苏大学"]
FIELDS = ["精细化工", "新材料", "生物医药", "高端装备", "节能环保", "电子信息"]
MEDIA = [
    ("新华日报", "provincial"),
    ("中国江苏网", "provincial"),
    ("交汇点新闻", "provincial"),
    ("泰州日报", "city"),
    ("泰州电视台", "city"),
    ("科技日报", "national"),
]
LOCAL_MEDIA = [("泰兴日报", "county"), ("泰兴电视台", "county")]
HEADLINES = [
    "泰兴市召开科技创新大会",
    "泰兴高企培育跑出加速度",
    "产学研合作助推泰兴产业升级",
    "泰兴“科技金融进孵化器”活动走进园区",
    "泰兴企业院校行架起校企合作桥梁",
    "泰兴科技特派员服务企业一线",
    "泰兴创新积分激发企业创新活力",
    "泰兴精细化工产业研究院实体化运行",
    "专家技术巡诊为泰兴企业把脉问诊",
]
INVESTORS = ["泰兴市产业投资基金", "江苏高投", "泰州金控", "苏州元禾", "紫金投资"]


def _day(rng: random.Random, year: int, last: dt.date | None) -> dt.date:
    start, end = dt.date(year, 1, 8), last or dt.date(year, 12, 25)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _title(kind: str, n: int, rng: random.Random) -> tuple[str, str, str]:
    field = FIELDS[n % len(FIELDS)]
    if kind == "iur":
        school = VISITED[n % len(VISITED)]
        return f"{field}企业走进{school}产学研对接活动", school, f"{school}"
    if kind == "diagnosis":
        school = DIAGNOSIS[n % len(DIAGNOSIS)]
        return f"{school}专家来泰技术巡诊（{field}）", "企业现场", school
    if kind == "finance":
        return (
            f"科技金融进孵化器（第{n + 1}场）",
            "泰兴市科技创业园",
            "、".join(rng.sample(INVESTORS, 2)),
        )
    if kind == "roadshow":
        return f"新技术成果发布暨项目路演（第{n + 1}期·{field}）", "泰兴市科创中心", ""
    if kind == "training":
        return f"{field}企业研发管理培训", "市科技局会议室", ""
    return f"科技创新政策宣讲会（{field}）", "市民服务中心", ""


def load_demo_events() -> int:
    if Event.objects.exists():
        return 0
    staff = User.objects.filter(username="kjj").first()
    county = Region.objects.filter(code=COUNTY).first()
    if staff is None or county is None:
        return 0
    today = LAST_DAY
    rng = random.Random(SEED)
    areas = list(Region.objects.filter(parent=county).order_by("code"))
    firms = list(
        Enterprise.objects.in_region(county)
        .exclude(tech_domain="")
        .select_related("region")
        .order_by("pk")
    )
    written = 0
    with transaction.atomic():
        for (year, kind), total in sorted(PLAN.items()):
            last = today if year == today.year else None
            for n in range(total):
                title, place, partners = _title(kind, n, rng)
                region = county if n % 3 or not areas else areas[n % len(areas)]
                held = _day(rng, year, last)
                financing = (
                    Decimal(rng.randint(5, 40) * 100) if kind in ("finance", "roadshow") else None
                )
                # drawn here, as before outcomes were records, so that the demo keeps its dates
                signed = rng.randint(1, 4) if kind == "iur" else 0
                e = services.event_save(
                    actor=staff,
                    via="demo",
                    data={
                        "kind": kind,
                        "title": title,
                        "held_on": held,
                        "place": place,
                        "region": region,
                        "organisers": "泰兴市科技局"
                        if region == county
                        else f"{region.name}、泰兴市科技局",
                        "partners": partners,
                        "outcomes": "达成合作意向，后续由科技局跟踪"
                        if kind in ("iur", "diagnosis")
                        else "",
                    },
                )
                written += 1 + _participants(staff, e, kind, firms, rng)
                written += _outcomes(staff, e, signed, financing)
        # One roadshow and one matchmaking still to come, open for registration.
        for kind, days in (("roadshow", 20), ("iur", 35)):
            title, place, partners = _title(kind, PLAN[(2021, kind)], rng)
            services.event_save(
                actor=staff,
                via="demo",
                data={
                    "kind": kind,
                    "title": title,
                    "held_on": today + dt.timedelta(days=days),
                    "place": place,
                    "region": county,
                    "organisers": "泰兴市科技局",
                    "partners": partners,
                    "open_for_registration": True,
                },
            )
            written += 1
        for year, total in ARTICLES.items():
            last = today if year == today.year else None
            for n in range(total + COUNTY_LEVEL_ARTICLES[year]):
                media, level = MEDIA[n % len(MEDIA)] if n < total else LOCAL_MEDIA[n % 2]
                services.article_save(
                    actor=staff,
                    via="demo",
                    data={
                        "region": county,
                        "media": media,
                        "level": level,
                        "published_on": _day(rng, year, last),
                        "title": f"{HEADLINES[n % len(HEADLINES)]}（{n + 1}）"[:200],
                        "link": f"https://news.example.cn/{year}/{n + 1:03d}.html",
                    },
                )
                written += 1
    return written


def _outcomes(actor: Any, e: Event, signed: int, financing: Decimal | None) -> int:
    """The event's outcomes as records: up to `signed` agreements of its enterprises
    signed within 30 days of it (matching's, through the frame's `LINKS`), and the
    financing intention (万元) from its first investor to its first enterprise."""
    n = 0
    firm_ids = list(
        e.participants.filter(enterprise__isnull=False)
        .order_by("id")
        .values_list("enterprise_id", flat=True)
    )
    source = link_source("agreement")
    if signed and source is not None and firm_ids:
        days = dt.timedelta(days=30)
        found = source.records(
            actor, enterprise_ids=firm_ids, since=e.held_on - days, until=e.held_on + days
        )
        for record in list(found)[:signed]:
            services.outcome_link_add(
                actor=actor, event=e, kind="agreement", ref=record.ref, via="demo"
            )
            n += 1
    if financing is not None:
        investor = (e.partners.split("、")[0] if e.partners else "") or INVESTORS[0]
        firm = Enterprise.objects.filter(pk=firm_ids[0]).first() if firm_ids else None
        services.intention_add(
            actor=actor,
            event=e,
            via="demo",
            data={"investor": investor, "enterprise": firm, "amount_wan": financing},
        )
        n += 1
    return n


def _participants(
    actor: Any, e: Any, kind: str, firms: list[Enterprise], rng: random.Random
) -> int:
    n = 0
    for firm in rng.sample(firms, k=min(len(firms), rng.randint(3, 8))):
        services.participant_add(
            actor=actor,
            event=e,
            role="enterprise",
            enterprise=firm,
            on=e.held_on - dt.timedelta(days=5),
            via="demo",
        )
        n += 1
    if kind in ("iur", "diagnosis"):
        services.participant_add(
            actor=actor,
            event=e,
            role="expert",
            via="demo",
            name=f"{e.partners or '高校'}专家组",
            on=e.held_on,
        )
        n += 1
    if kind in ("finance", "roadshow"):
        for inv in rng.sample(INVESTORS, 2):
            services.participant_add(
                actor=actor, event=e, role="investor", name=inv, on=e.held_on, via="demo"
            )
            n += 1
    if kind == "roadshow":
        for k in range(3):
            firm = rng.choice(firms)
            item = services.roadshow_item_add(
                actor=actor,
                event=e,
                via="demo",
                data={
                    "title": f"{firm.name[:6]}新技术成果（{k + 1}）",
                    "presenter": firm.name,
                    "enterprise": firm,
                    "summary": "新产品、新工艺成果发布",
                    "financing_sought_wan": str(rng.choice([200, 500, 1000])),
                },
            )
            for juror in ("张评委", "李评委", "王评委"):
                services.jury_score(
                    actor=actor, item=item, juror=juror, score=str(rng.randint(70, 95)), via="demo"
                )
            n += 4
    return n
