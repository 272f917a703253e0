"""The city demo (`kechuang demo --city`): the demo county 泰兴市 as `load.py` loads it,
plus the five other 泰州 counties with generated enterprises, each county's bureau user
and a town officer, and the city bureau user (市科技局).

The other counties' records are drawn by the demo generator from a second seed
(`CITY_SEED`) — one draw of about 1,490 firms (the generator's 泰兴 seed firms are real
泰兴 companies and are left out), shared among the five counties by `share`, renamed
into each county (USCC region code and check digit, names, addresses, areas,
certificate numbers). Their figures are whatever the records give: nothing is
calibrated, and the one-county demo's figures (spec/indicators.md) are untouched, since
泰兴市's own records are the same.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kechuang.accounts.models import Region, User
from kechuang.demo import calibration as cal
from kechuang.demo.generate import PARKS, DemoData, Firm, generate
from kechuang.demo.load import DEMO_PASSWORD, LoadResult, import_rows, load_demo
from kechuang.demo.regions import CITY_CODE, COUNTY_CODE, REGIONS, RegionSpec, demo_areas
from kechuang.rules import uscc

CITY_SEED = cal.SEED + 1
K = Region.Kind


@dataclass(frozen=True)
class PeerCounty:
    code: str
    name: str
    short: str
    share: float  # of the second draw's firms
    areas: tuple[tuple[str, str, str], ...]  # (code suffix, name, kind); parks last
    bureau: tuple[str, str]  # username, display name
    officer: tuple[str, str, str]  # username, display name, area code suffix


# Area names are real streets, towns and parks of each county; the codes follow the
# scheme of regions.py (streets 0xx, towns 1xx, parks 4xx) and are Kechuang's own.
PEER_COUNTIES: tuple[PeerCounty, ...] = (
    PeerCounty(
        "321202",
        "海陵区",
        "海陵",
        0.22,
        (
            ("001", "城东街道", K.STREET),
            ("002", "城西街道", K.STREET),
            ("003", "京泰路街道", K.STREET),
            ("101", "九龙镇", K.TOWN),
            ("401", "海陵工业园区", K.PARK),
        ),
        ("hailing", "海陵区科技局 吴科长"),
        ("jiulong", "九龙镇 马助理", "101"),
    ),
    PeerCounty(
        "321203",
        "高港区",
        "高港",
        0.16,
        (
            ("001", "口岸街道", K.STREET),
            ("002", "刁铺街道", K.STREET),
            ("101", "大泗镇", K.TOWN),
            ("102", "白马镇", K.TOWN),
            ("401", "高港高新技术产业园区", K.PARK),
        ),
        ("gaogang", "高港区科技局 郑科长"),
        ("dasi", "大泗镇 冯助理", "101"),
    ),
    PeerCounty(
        "321204",
        "姜堰区",
        "姜堰",
        0.19,
        (
            ("001", "三水街道", K.STREET),
            ("002", "罗塘街道", K.STREET),
            ("101", "溱潼镇", K.TOWN),
            ("102", "张甸镇", K.TOWN),
            ("401", "姜堰经济开发区", K.PARK),
        ),
        ("jiangyan", "姜堰区科技局 褚科长"),
        ("qintong", "溱潼镇 卫助理", "101"),
    ),
    PeerCounty(
        "321281",
        "兴化市",
        "兴化",
        0.21,
        (
            ("001", "昭阳街道", K.STREET),
            ("101", "戴窑镇", K.TOWN),
            ("102", "大垛镇", K.TOWN),
            ("103", "戴南镇", K.TOWN),
            ("401", "兴化经济开发区", K.PARK),
        ),
        ("xinghua", "兴化市科技局 蒋科长"),
        ("dainan", "戴南镇 沈助理", "103"),
    ),
    PeerCounty(
        "321282",
        "靖江市",
        "靖江",
        0.22,
        (
            ("001", "靖城街道", K.STREET),
            ("101", "新桥镇", K.TOWN),
            ("102", "斜桥镇", K.TOWN),
            ("103", "西来镇", K.TOWN),
            ("401", "靖江经济技术开发区", K.PARK),
        ),
        ("jingjiang", "靖江市科技局 韩科长"),
        ("xinqiao", "新桥镇 杨助理", "101"),
    ),
)
CITY_USER = ("shikjj", "泰州市科技局 朱处长")


def peer_area_specs() -> list[RegionSpec]:
    out = []
    for county in PEER_COUNTIES:
        for i, (suffix, name, kind) in enumerate(county.areas):
            out.append(RegionSpec(county.code + suffix, name, kind, county.code, "", 10 + i))
    return out


def ensure_city_regions() -> dict[str, Region]:
    """The city tree of regions.py plus the peer counties' areas (get_or_create by code)."""
    known = {s.code for s in REGIONS}
    out: dict[str, Region] = {r.code: r for r in Region.objects.filter(code__in=known)}
    for spec in peer_area_specs():
        region, _ = Region.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "parent": out.get(spec.parent or "") or Region.objects.get(code=spec.parent),
                "sort_order": spec.sort_order,
            },
        )
        out[spec.code] = region
    return out


def _ensure_user(
    username: str, display: str, role: str, region: Region, hashed: str, *, staff: bool
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username,
            password=None,
            role=role,
            display_name=display,
            region=region,
            is_staff=staff,
        )
        user.password = hashed
        user.save(update_fields=["password"])
    return user


def city_users(regions: dict[str, Region]) -> dict[str, User]:
    """Each county's bureau user and one town officer, and the city bureau user. Bureau
    users are not superusers: the admin site is the platform administrator's."""
    hashed = make_password(DEMO_PASSWORD)
    users = {
        CITY_USER[0]: _ensure_user(
            *CITY_USER, User.Role.STAFF, regions[CITY_CODE], hashed, staff=False
        )
    }
    for county in PEER_COUNTIES:
        users[county.bureau[0]] = _ensure_user(
            *county.bureau, User.Role.STAFF, regions[county.code], hashed, staff=False
        )
        name, display, suffix = county.officer
        users[name] = _ensure_user(
            name, display, User.Role.OFFICER, regions[county.code + suffix], hashed, staff=False
        )
    return users


# -- the other counties' records ---------------------------------------------------------


def _recode(code: str, county: str) -> str:
    """The same firm registered in `county`: region code and check digit."""
    first17 = code[:2] + county + code[8:17]
    return first17 + uscc.check_digit(first17)


def _area_map(county: PeerCounty) -> dict[str, str]:
    """泰兴市's areas onto the county's: parks to its park, the rest in turn."""
    parks = [name for _s, name, kind in county.areas if kind == K.PARK]
    others = [name for _s, name, kind in county.areas if kind != K.PARK]
    out: dict[str, str] = {}
    plain = [a.name for a in demo_areas() if a.name not in PARKS]
    for i, area in enumerate(plain):
        out[area] = others[i % len(others)]
    for area in PARKS:
        out[area] = parks[0]
    return out


def county_rows(
    data: DemoData, county: PeerCounty, firms: list[Firm], serial_base: int
) -> DemoData:
    """The rows of `firms` (from `data`), moved into `county`."""
    codes = {f.uscc: _recode(f.uscc, county.code) for f in firms}
    areas = _area_map(county)

    def rename(text: str) -> str:
        return text.replace("泰兴市", county.name).replace("泰兴", county.short)

    def keep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "uscc": codes[r["uscc"]]} for r in rows if r["uscc"] in codes]

    enterprises = []
    for row in keep(data.enterprises):
        old_area = row["region"]
        address = row["address"].removeprefix("泰兴市" + old_area)
        enterprises.append(
            {
                **row,
                "name": rename(row["name"]),
                "region": areas[old_area],
                "address": f"{county.name}{areas[old_area]}{address}",
                "contact_phone": row["contact_phone"],
            }
        )
    certificates = []
    for row in keep(data.certificates):
        number = str(row["number"])
        if number.startswith("GR"):
            # GR + year + 32 + a provincial serial: 泰兴市 draws below 10,000.
            number = f"{number[:8]}{serial_base + int(number[8:]):06d}"
        else:
            number = number.replace(COUNTY_CODE, county.code)
        certificates.append({**row, "number": number})
    return DemoData(
        firms=[replace(f, uscc=codes[f.uscc], area=areas[f.area]) for f in firms],
        enterprises=enterprises,
        facts=keep(data.facts),
        corrections=keep(data.corrections),
        ip_items=keep(data.ip_items),
        certificates=certificates,
        hnte_issued={},
    )


def split_counties(data: DemoData) -> list[tuple[PeerCounty, DemoData]]:
    """The second draw's firms (without the seed firms, which are real 泰兴 companies),
    dealt to the five counties by their shares from a seeded Random."""
    rng = random.Random(CITY_SEED)
    by_county: dict[str, list[Firm]] = {c.code: [] for c in PEER_COUNTIES}
    weights = [c.share for c in PEER_COUNTIES]
    for firm in data.firms:
        if firm.seed:
            continue
        county = rng.choices(PEER_COUNTIES, weights=weights, k=1)[0]
        by_county[county.code].append(firm)
    return [
        (c, county_rows(data, c, by_county[c.code], 10000 * (i + 1)))
        for i, c in enumerate(PEER_COUNTIES)
    ]


def _taken_ip_numbers(counties: list[tuple[PeerCounty, DemoData]]) -> set[tuple[str, str]]:
    from kechuang.enterprises.models import IPItem

    numbers = [r["number"] for _c, d in counties for r in d.ip_items]
    taken: set[tuple[str, str]] = set()
    for i in range(0, len(numbers), 900):
        taken.update(
            IPItem.objects.filter(number__in=numbers[i : i + 900]).values_list("kind", "number")
        )
    return taken


def city_present() -> bool:
    return User.objects.filter(username=CITY_USER[0]).exists()


def load_city(*, progress: Callable[[str], None] | None = None) -> LoadResult:
    """The demo county (as `load_demo`), then the other five counties and the city's
    users, in one transaction: the city lands whole or not at all. Idempotent."""
    import time

    say = progress or (lambda _msg: None)
    with transaction.atomic():
        result = load_demo(progress=progress)
        if city_present():
            result.logins += city_logins()
            return result

        def phase(label: str, fn: Callable[[], int]) -> None:
            t0 = time.perf_counter()
            n = fn()
            result.timings.append((label, time.perf_counter() - t0, n))
            say(f"{label}：{n} 条，{time.perf_counter() - t0:.1f} 秒")

        holder: dict[str, Any] = {}

        def regions_users() -> int:
            holder["regions"] = ensure_city_regions()
            holder["users"] = city_users(holder["regions"])
            return len(holder["regions"]) + len(holder["users"])

        def make() -> int:
            holder["counties"] = split_counties(generate(CITY_SEED))
            return sum(len(d.enterprises) for _c, d in holder["counties"])

        phase("其他县（市、区）：区域与用户", regions_users)
        phase("其他县（市、区）：生成数据", make)
        taken = _taken_ip_numbers(holder["counties"])
        for county, d in holder["counties"]:
            actor = holder["users"][county.bureau[0]]
            # An application number drawn for 泰兴市 as well names one patent: skip it.
            d.ip_items = [r for r in d.ip_items if (r["kind"], r["number"]) not in taken]

            def one(d: DemoData = d, actor: User = actor) -> int:
                n = 0
                for kind, rows in (
                    ("enterprises", d.enterprises),
                    ("facts", d.facts),
                    ("facts", d.corrections),
                    ("ip", d.ip_items),
                    ("certificates", d.certificates),
                ):
                    n += import_rows(actor=actor, kind=kind, rows=rows)
                return n

            phase(f"{county.name}（{len(d.enterprises)}家企业）", one)
    result.status = "loaded"
    result.logins += city_logins()
    return result


def city_logins() -> list[tuple[str, str, str, str]]:
    names = [CITY_USER[0]] + [name for c in PEER_COUNTIES for name in (c.bureau[0], c.officer[0])]
    users = {
        u.username: u for u in User.objects.filter(username__in=names).select_related("region")
    }
    out = []
    for n in names:
        user = users.get(n)
        if user is not None:
            region = user.region
            out.append((n, DEMO_PASSWORD, user.role_label, region.name if region else ""))
    return out
