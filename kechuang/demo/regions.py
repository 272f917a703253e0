"""The demo county's area tree: 泰州市 → its six county-level units → 泰兴市's streets,
towns, township and parks.

Codes: 泰州市 321200 and its county-level units (海陵区 321202, 高港区 321203, 姜堰区
321204, 兴化市 321281, 靖江市 321282, 泰兴市 321283) are GB/T 2260 codes. The 9-digit
codes of 泰兴市's streets, towns, township and parks are Kechuang's own, built in the
style of the statistical township codes (streets 3212830xx, towns 3212831xx, township
3212832xx, parks 3212834xx); they are not verified against the official list and only
need to be unique and stable.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kechuang.accounts.models import Region

CITY_CODE = "321200"
COUNTY_CODE = "321283"


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    sort_order: int = 0


K = Region.Kind

REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec(CITY_CODE, "泰州市", K.CITY, None, "泰州", 0),
    RegionSpec("321202", "海陵区", K.COUNTY, CITY_CODE, "海陵", 1),
    RegionSpec("321203", "高港区", K.COUNTY, CITY_CODE, "高港", 2),
    RegionSpec("321204", "姜堰区", K.COUNTY, CITY_CODE, "姜堰", 3),
    RegionSpec("321281", "兴化市", K.COUNTY, CITY_CODE, "兴化", 4),
    RegionSpec("321282", "靖江市", K.COUNTY, CITY_CODE, "靖江", 5),
    RegionSpec(COUNTY_CODE, "泰兴市", K.COUNTY, CITY_CODE, "泰兴", 6),
    # streets (街道)
    RegionSpec("321283001", "济川街道", K.STREET, COUNTY_CODE, "济川", 10),
    RegionSpec("321283002", "延令街道", K.STREET, COUNTY_CODE, "延令", 11),
    RegionSpec("321283003", "姚王街道", K.STREET, COUNTY_CODE, "姚王", 12),
    # towns (镇)
    RegionSpec("321283101", "黄桥镇", K.TOWN, COUNTY_CODE, "黄桥", 20),
    RegionSpec("321283102", "分界镇", K.TOWN, COUNTY_CODE, "分界", 21),
    RegionSpec("321283103", "古溪镇", K.TOWN, COUNTY_CODE, "古溪", 22),
    RegionSpec("321283104", "元竹镇", K.TOWN, COUNTY_CODE, "元竹", 23),
    RegionSpec("321283105", "珊瑚镇", K.TOWN, COUNTY_CODE, "珊瑚", 24),
    RegionSpec("321283106", "广陵镇", K.TOWN, COUNTY_CODE, "广陵", 25),
    RegionSpec("321283107", "曲霞镇", K.TOWN, COUNTY_CODE, "曲霞", 26),
    RegionSpec("321283108", "张桥镇", K.TOWN, COUNTY_CODE, "张桥", 27),
    RegionSpec("321283109", "河失镇", K.TOWN, COUNTY_CODE, "河失", 28),
    RegionSpec("321283110", "新街镇", K.TOWN, COUNTY_CODE, "新街", 29),
    RegionSpec("321283111", "宣堡镇", K.TOWN, COUNTY_CODE, "宣堡", 30),
    RegionSpec("321283112", "滨江镇", K.TOWN, COUNTY_CODE, "滨江", 31),
    RegionSpec("321283113", "虹桥镇", K.TOWN, COUNTY_CODE, "虹桥", 32),
    # township (乡)
    RegionSpec("321283201", "根思乡", K.TOWNSHIP, COUNTY_CODE, "根思", 40),
    # parks (园区)
    RegionSpec("321283401", "泰兴经济开发区", K.PARK, COUNTY_CODE, "经开区", 50),
    RegionSpec("321283402", "泰兴高新技术产业开发区", K.PARK, COUNTY_CODE, "高新区", 51),
    RegionSpec("321283403", "黄桥经济开发区", K.PARK, COUNTY_CODE, "黄桥经开区", 52),
    RegionSpec("321283404", "虹桥工业园区", K.PARK, COUNTY_CODE, "虹桥园区", 53),
)

PEER_CODES: tuple[str, ...] = ("321202", "321203", "321204", "321281", "321282", COUNTY_CODE)


def ensure_regions() -> dict[str, Region]:
    """Create the tree where missing (get_or_create by code); never rename or move an
    existing region, so that a bureau's own edits survive. Returns regions by code."""
    out: dict[str, Region] = {}
    with transaction.atomic():
        for spec in REGIONS:
            parent = out.get(spec.parent) if spec.parent else None
            if spec.parent and parent is None:
                parent = Region.objects.get(code=spec.parent)
            region, _created = Region.objects.get_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "short_name": spec.short_name,
                    "kind": spec.kind,
                    "parent": parent,
                    "sort_order": spec.sort_order,
                },
            )
            out[spec.code] = region
    return out


def demo_areas() -> list[RegionSpec]:
    """泰兴市's streets, towns, township and parks: where the demo's enterprises live."""
    return [s for s in REGIONS if s.parent == COUNTY_CODE]
