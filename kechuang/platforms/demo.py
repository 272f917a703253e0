"""The demo county's platforms, projects, talent and commissioners (seed §一.3–4,
§三.2), invented around the firms the seed names, from a fixed random seed, so that the
2020 report gives the seed's figures:

- 3 enterprise R&D institutions of provincial level approved in 2020 (泰丰化工 省院士工作站,
  泰特尔新材料 and 长虹三杰 省工程技术研究中心), among older ones whose 2020 reviews rate
  兆胜空调 and 亚太泵阀 优秀, and city-level ones (not counted);
- the 精细化工产业研究院 with 16 doctors (1 national-level talent) and 3 incubated
  projects, the national incubator with 15 projects entered in 2020 (1 海外博士,
  5 高层次人才), the newly provincial 兴盛军民融创 incubator;
- 102 provincial and city science-plan applications in 2020 (济川药业's 省成果转化专项
  funded 1000万元; 宏大特钢 and 晟楠电子 泰州市重大科技成果转化), plus national ones;
- 19 national talents and 4 省双创 in 2020;
- 130 commissioners on the roll at the 2020 核实再登记: 121 confirmed, 9 lapsed; 34 newly
  recommended later in 2020; the 2021 campaign open and half done.

Bulk writes (one statement per table); the county's records only. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from kechuang.accounts.models import Region
from kechuang.enterprises.models import Certificate, Enterprise
from kechuang.platforms.models import (
    Campaign,
    CampaignEntry,
    Carrier,
    Commissioner,
    IncubatedProject,
    PlanProject,
    RdInstitution,
    Review,
    ServiceRecord,
    Talent,
)
from kechuang.platforms.workflow import PROGRAMME
from kechuang.programmes.models import Award, Event

SEED = 2020
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗丁季蔡殷鞠封印缪严沈"
GIVEN = "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国红春峰海斌志宁远博文"
UNIVERSITIES = (
    "江南大学",
    "南京工业大学",
    "江苏大学",
    "扬州大学",
    "南京农业大学",
    "南京航空航天大学",
    "苏州大学",
    "大连理工大学",
    "吉林大学",
    "南京林业大学",
    "常州大学",
    "泰州学院",
)
EXPERTISE = (
    "精细化工",
    "高分子材料",
    "机械设计制造",
    "电气自动化",
    "生物医药",
    "食品工程",
    "环境工程",
    "软件工程",
    "农业机械",
    "材料成型",
)
FIELDS = ("高端装备制造", "节能环保", "新一代信息技术", "新材料", "生物医药")
SUBJECTS = {
    "高端装备制造": (
        "精密减速器研发",
        "工业机器人关节模组",
        "数控机床在线检测",
        "液压件智能装配线",
    ),
    "节能环保": ("高盐废水资源化", "VOCs催化燃烧装置", "工业余热回收系统", "污泥低温干化"),
    "新一代信息技术": (
        "工业视觉检测平台",
        "边缘计算网关",
        "化工园区安全监测系统",
        "设备预测性维护软件",
    ),
    "新材料": ("高纯电子化学品", "可降解高分子材料", "碳纤维复合材料", "特种涂料"),
    "生物医药": ("中药配方颗粒质量标准", "酶法合成工艺", "体外诊断试剂", "益生菌制剂"),
}
SCHEMES = {
    "provincial": (
        "省重点研发计划（产业前瞻与关键核心技术）",
        "省成果转化专项资金",
        "省科技型企业技术创新资金",
        "省农业科技自主创新资金",
        "省政策引导类计划（国际科技合作）",
    ),
    "city": ("泰州市科技支撑计划（工业）", "泰州市重大科技成果转化项目", "泰州市社会发展科技计划"),
    "national": ("国家重点研发计划",),
}
TOPICS = (
    "高性能{f}关键技术研发及产业化",
    "{f}智能生产线研制",
    "新型{f}材料制备工艺研究",
    "{f}绿色制造工艺开发",
    "基于工业互联网的{f}质量追溯系统",
    "{f}核心部件国产化研发",
)
NAMED = {
    "taifeng": "江苏泰丰化工有限公司",
    "tet": "江苏泰特尔新材料科技股份有限公司",
    "changhong": "江苏长虹三杰机械有限公司",
    "zhaosheng": "江苏兆胜空调有限公司",
    "yatai": "亚太泵阀有限公司",
    "jichuan": "济川药业集团有限公司",
    "hongda": "江苏宏大特钢有限公司",
    "shengnan": "江苏晟楠电子科技股份有限公司",
    "dongsheng": "泰兴市东圣生物科技有限公司",
}


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def _day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


class _People:
    """Distinct invented names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
            )
            if name not in self.used:
                self.used.add(name)
                return name


def load_demo_platforms(actor: Any) -> int:
    county: Region | None = actor.region
    if county is None or Carrier.objects.filter(region__path__startswith=county.path).exists():
        return 0
    with transaction.atomic():
        return _load(actor, county)


def _load(actor: Any, county: Region) -> int:
    rng = random.Random(SEED)
    person = _People(rng)
    firms = list(Enterprise.objects.in_region(county).select_related("region").order_by("uscc"))
    by_name = {f.name: f for f in firms}
    named = {k: by_name[v] for k, v in NAMED.items() if v in by_name}
    hnte_ids = set(
        Certificate.objects.filter(kind="hnte", enterprise__in=firms).values_list(
            "enterprise_id", flat=True
        )
    )
    strong = [f for f in firms if f.pk in hnte_ids and f.name not in NAMED.values()]
    rng.shuffle(strong)
    areas = list(Region.objects.filter(parent=county).order_by("code"))
    park = next((a for a in areas if a.kind == "park"), county)
    n = 0

    # -- R&D institutions and their reviews ------------------------------------------------
    inst: list[RdInstitution] = []
    engineering = RdInstitution.Kind.ENGINEERING

    def add(firm: Enterprise, kind: str, level: str, on: dt.date, name: str = "") -> RdInstitution:
        label = dict(RdInstitution.Kind.choices)[kind]
        short = firm.name.replace("江苏", "").replace("股份有限公司", "").replace("有限公司", "")
        prefix = {"provincial": "江苏省", "city": "泰州市", "national": "国家"}.get(level, "泰兴市")
        obj = RdInstitution(
            name=name or f"{prefix}{short}{label}",
            kind=kind,
            level=level,
            enterprise=firm,
            approved_on=on,
            document=f"{'苏科' if level == 'provincial' else '泰科'}计发〔{on.year}〕{rng.randrange(10, 300)}号",
            next_review_on=_d(2021, rng.choice((7, 8)), rng.randrange(1, 28))
            if level == "provincial" and kind == engineering
            else None,
        )
        inst.append(obj)
        return obj

    pool = iter(strong)
    if "zhaosheng" in named:
        add(named["zhaosheng"], engineering, "provincial", _d(2016, 12, 20))
    if "yatai" in named:
        add(named["yatai"], engineering, "provincial", _d(2017, 12, 15))
    for year, k in ((2014, 3), (2015, 3), (2016, 4), (2017, 4), (2018, 5), (2019, 4)):
        for _ in range(k):
            add(
                next(pool),
                rng.choice((engineering, engineering, RdInstitution.Kind.TECH_CENTRE)),
                "provincial",
                _d(year, 12, rng.randrange(5, 28)),
            )
    if "taifeng" in named:
        add(named["taifeng"], RdInstitution.Kind.ACADEMICIAN, "provincial", _d(2020, 11, 18))
    for key in ("tet", "changhong"):
        if key in named:
            add(named[key], engineering, "provincial", _d(2020, 12, 10))
    for _ in range(6):  # city level in 2020: not counted in rd_institutions_new
        add(next(pool), engineering, "city", _d(2020, 10, rng.randrange(1, 30)))
    for _ in range(4):  # 2021, the plan year
        add(
            next(pool),
            engineering,
            rng.choice(("provincial", "city")),
            _d(2021, rng.randrange(3, 6), rng.randrange(1, 28)),
        )
    RdInstitution.objects.bulk_create(inst)
    reviews = []
    grades = ("excellent", "good", "good", "pass", "pass", "pass", "fail")
    for i in inst:
        if i.kind != engineering or i.level != "provincial":
            continue
        for year in (2019, 2020):
            if i.approved_on.year >= year:
                continue
            grade = rng.choice(grades)
            if (
                year == 2020
                and i.enterprise is not None
                and i.enterprise.name in (NAMED["zhaosheng"], NAMED["yatai"])
            ):
                grade = "excellent"
            elif year == 2020 and grade == "excellent":
                grade = "good"  # the seed names the two 优秀 of 2020
            reviews.append(
                Review(institution=i, year=year, grade=grade, reviewed_on=_d(year, 7, 20))
            )
    Review.objects.bulk_create(reviews)
    n += len(inst) + len(reviews)

    # -- carriers, incubated projects, talent -----------------------------------------------
    institute = Carrier(
        name="江苏泰兴精细化工产业研究院（新材料研究中心）",
        kind=Carrier.Kind.INSTITUTE,
        level="provincial",
        operator="泰兴经济开发区管委会",
        region=park,
        recognised_on=_d(2019, 9, 1),
        note="2020年实体化运行",
    )
    incubator = Carrier(
        name="泰兴市科技创业园",
        kind=Carrier.Kind.INCUBATOR,
        level="national",
        operator="泰兴市科技创业服务中心",
        region=county,
        recognised_on=_d(2013, 10, 15),
    )
    xingsheng = Carrier(
        name="兴盛军民融创科技企业孵化器",
        kind=Carrier.Kind.INCUBATOR,
        level="provincial",
        operator="泰兴市兴盛科技发展有限公司",
        region=areas[0] if areas else county,
        recognised_on=_d(2020, 12, 8),
    )
    joint = Carrier(
        name="东圣生物—江南大学联合研究院",
        kind=Carrier.Kind.JOINT,
        level="county",
        operator=NAMED["dongsheng"],
        region=named["dongsheng"].region if "dongsheng" in named else county,
        recognised_on=_d(2020, 10, 26),
    )
    Carrier.objects.bulk_create([institute, incubator, xingsheng, joint])
    projects: list[IncubatedProject] = []

    def incubate(
        c: Carrier, on: dt.date, talent: str, field: str | None = None, status: str = "incubating"
    ) -> None:
        f = field or rng.choice(FIELDS)
        grad = None
        if status == "graduated":
            grad = on + dt.timedelta(days=rng.randrange(500, 900))
        leader = person()
        projects.append(
            IncubatedProject(
                carrier=c,
                name=f"{rng.choice(SUBJECTS[f])}（{leader}团队）",
                field=f,
                leader=leader,
                talent_category=talent,
                entered_on=on,
                status=status,
                graduated_on=grad,
            )
        )

    for year, k in ((2018, 9), (2019, 11)):
        for _ in range(k):
            incubate(
                incubator,
                _day(rng, _d(year, 1, 10), _d(year, 12, 20)),
                rng.choice(("other", "phd", "high_level")),
                status=rng.choice(("graduated", "incubating", "left"))
                if year == 2018
                else "incubating",
            )
    cats = ["overseas_phd"] + ["high_level"] * 5 + ["other"] * 6 + ["phd"] * 3
    for j, cat in enumerate(cats):
        incubate(incubator, _day(rng, _d(2020, 2, 10), _d(2020, 12, 20)), cat, FIELDS[j % 3])
    for _ in range(3):
        incubate(institute, _day(rng, _d(2020, 6, 1), _d(2020, 12, 15)), "phd", "新材料")
    for _ in range(6):
        incubate(
            incubator,
            _day(rng, _d(2021, 1, 10), _d(2021, 6, 25)),
            rng.choice(("other", "high_level", "phd")),
        )
    for p in projects:
        if p.status == "graduated" and p.graduated_on and p.graduated_on > _d(2021, 6, 30):
            p.status, p.graduated_on = "incubating", None
    IncubatedProject.objects.bulk_create(projects)
    n += 4 + len(projects)

    people: list[Talent] = []
    people.append(
        Talent(name=person(), programme="national", year=2020, field="精细化工", carrier=institute)
    )
    for _ in range(15):
        people.append(
            Talent(
                name=person(),
                programme="phd",
                year=rng.choice((2019, 2020)),
                field="新材料",
                carrier=institute,
            )
        )
    hosts = iter(strong[40:] + strong[:40])
    for year, nat, prov, city in ((2019, 12, 3, 8), (2020, 18, 4, 10), (2021, 5, 0, 2)):
        for programme, k in (("national", nat), ("provincial", prov), ("city", city)):
            for _ in range(k):
                people.append(
                    Talent(
                        name=person(),
                        programme=programme,
                        year=year,
                        field=rng.choice(EXPERTISE),
                        enterprise=next(hosts),
                    )
                )
    Talent.objects.bulk_create(people)
    n += len(people)

    # -- science-plan projects (applications of the frame) ----------------------------------
    n += _plan_projects(actor, rng, strong, named)

    # -- tech commissioners and the 核实再登记 campaigns ---------------------------------------
    n += _commissioners(actor, rng, person, areas or [county], county, firms)
    # last, drawing nothing from `rng`: the figures above stay those of the seed
    n += _workflow_history(county, strong, areas or [county])
    return n


def _workflow_history(county: Region, strong: list[Enterprise], areas: list[Region]) -> int:
    """The recognition, talent and recommendation applications of the records above
    (as migration platforms 0003 gives existing rows), and a few still in progress."""
    from kechuang.platforms.services import decided_history
    from kechuang.platforms.workflow import RECOGNITION, RECOMMENDATION, TALENT

    path = county.path
    n = 0
    insts = list(
        RdInstitution.objects.filter(
            Q(enterprise__region__path__startswith=path) | Q(carrier__region__path__startswith=path)
        ).select_related("carrier")
    )
    carriers = list(Carrier.objects.filter(region__path__startswith=path))
    items: list[dict[str, Any]] = [
        {
            "enterprise_id": i.enterprise_id,
            "region_id": i.carrier.region_id if i.carrier else None,
            "applicant": i.carrier.name if i.carrier else "",
            "year": i.approved_on.year,
            "stage": "recognised",
            "kind": "institution",
            "unique_key": f"institution:{i.name}",
            "title": i.name,
            "data": {"kind": i.kind, "level": i.level, "carrier": i.carrier_id, "operator": ""},
            "on": i.approved_on,
        }
        for i in insts
    ] + [
        {
            "region_id": c.region_id,
            "applicant": c.operator,
            "year": c.recognised_on.year,
            "stage": "recognised",
            "kind": "carrier",
            "unique_key": f"carrier:{c.name}",
            "title": c.name,
            "data": {"kind": c.kind, "level": c.level, "carrier": None, "operator": c.operator},
            "on": c.recognised_on,
        }
        for c in carriers
    ]
    made = decided_history(programme=RECOGNITION, items=items)
    for inst, app in zip(insts, made[: len(insts)], strict=True):
        inst.application = app
    for carrier, app in zip(carriers, made[len(insts) :], strict=True):
        carrier.application = app
    RdInstitution.objects.bulk_update(insts, ["application"])
    Carrier.objects.bulk_update(carriers, ["application"])
    n += len(made)
    # two applications for recognition in progress
    pending: list[dict[str, Any]] = []
    if strong:
        firm = strong[-1]
        pending.append(
            {
                "enterprise_id": firm.pk,
                "year": 2021,
                "stage": "recommended",
                "kind": "institution",
                "unique_key": f"institution:{firm.name[:12]}工程技术研究中心",
                "title": f"{firm.name.replace('有限公司', '')}工程技术研究中心"[:120],
                "data": {"kind": "engineering", "level": "city", "carrier": None, "operator": ""},
                "on": _d(2021, 4, 12),
                "decided_on": _d(2021, 4, 26),
            }
        )
    pending.append(
        {
            "region_id": areas[-1].pk,
            "applicant": f"{areas[-1].name}人民政府",
            "year": 2021,
            "stage": "applied",
            "kind": "carrier",
            "unique_key": f"carrier:{areas[-1].name}众创空间",
            "title": f"{areas[-1].name}众创空间",
            "data": {"kind": "makerspace", "level": "county", "carrier": None, "operator": ""},
            "on": _d(2021, 5, 18),
        }
    )
    pending[-1]["data"]["operator"] = pending[-1]["applicant"]
    n += len(decided_history(programme=RECOGNITION, items=pending, by_name="园区/乡镇"))

    people = list(
        Talent.objects.filter(
            Q(enterprise__region__path__startswith=path) | Q(carrier__region__path__startswith=path)
        ).select_related("carrier")
    )
    labels = dict(Talent.Programme.choices)
    items = [
        {
            "enterprise_id": t.enterprise_id,
            "region_id": t.carrier.region_id if t.carrier else None,
            "applicant": t.name,
            "year": t.year,
            "stage": "selected",
            "kind": t.programme,
            "unique_key": f"{t.programme}:{t.year}:{t.name}:{t.pk}",
            "title": f"{t.name}（{labels[t.programme]}）",
            "data": {"name": t.name, "field": t.field, "carrier": t.carrier_id},
            "on": dt.date(t.year, 12, 31) if t.year < 2021 else _d(2021, 3, 31),
        }
        for t in people
    ]
    made = decided_history(programme=TALENT, items=items)
    for t, app in zip(people, made, strict=True):
        t.application = app
    Talent.objects.bulk_update(people, ["application"])
    n += len(made)
    # three put forward for 2021 and not yet decided
    pending = [
        {
            "enterprise_id": firm.pk,
            "applicant": name,
            "year": 2021,
            "stage": stage,
            "kind": programme,
            "unique_key": f"{programme}:2021:{name}",
            "title": f"{name}（{labels[programme]}）",
            "data": {"name": name, "field": field, "carrier": None},
            "on": _d(2021, 5, 10),
            "decided_on": _d(2021, 5, 28),
        }
        for firm, name, programme, field, stage in zip(
            strong[:3],
            ("周明远", "钱思源", "孙立诚"),
            ("provincial", "national", "city"),
            ("新材料", "精细化工", "智能装备"),
            ("recommended", "applied", "applied"),
            strict=False,
        )
    ]
    n += len(decided_history(programme=TALENT, items=pending, by_name="园区/乡镇"))

    stage = {"recommended": "recommended", "declined": "declined"}
    recommended = list(
        Commissioner.objects.filter(
            region__path__startswith=path, recommended_on__isnull=False
        ).order_by("pk")
    )
    items = [
        {
            "region_id": c.region_id,
            "applicant": f"{c.name}（{c.institution}）",
            "year": c.recommended_on.year if c.recommended_on else 2020,
            "stage": stage.get(c.status, "accepted"),
            "unique_key": f"commissioner:{c.pk}",
            "title": f"推荐科技特派员：{c.name}",
            "data": {"commissioner": c.pk, "expertise": c.expertise},
            "on": c.recommended_on,
            "decided_on": c.registered_on,
        }
        for c in recommended
    ]
    made = decided_history(programme=RECOMMENDATION, items=items)
    for c, app in zip(recommended, made, strict=True):
        c.recommendation = app
    Commissioner.objects.bulk_update(recommended, ["recommendation"])
    return n + len(made)


def _plan_projects(
    actor: Any, rng: random.Random, strong: list[Enterprise], named: dict[str, Enterprise]
) -> int:
    rows: list[
        tuple[
            Enterprise,
            int,
            str,
            str,
            str,
            list[tuple[str, dt.date]],
            Decimal | None,
            dt.date | None,
        ]
    ] = []
    # (firm, year, level, scheme, title, moves, granted yuan, paid on)
    if "jichuan" in named:
        rows.append(
            (
                named["jichuan"],
                2020,
                "provincial",
                "省成果转化专项资金",
                "呼吸系统儿科特色中药品质提升创新技术研发及产业化",
                [("approved", _d(2020, 9, 28))],
                Decimal("10000000"),
                _d(2020, 11, 20),
            )
        )
    for key in ("hongda", "shengnan"):
        if key in named:
            f = named[key]
            rows.append(
                (
                    f,
                    2020,
                    "city",
                    "泰州市重大科技成果转化项目",
                    rng.choice(TOPICS).format(f=rng.choice(FIELDS)),
                    [("approved", _d(2020, 10, 15))],
                    Decimal("1000000"),
                    _d(2020, 12, 18),
                )
            )
    applicants = strong[:]
    rng.shuffle(applicants)
    k = 0

    titles = [
        t.format(f=f"{q}{f}")
        for t in TOPICS
        for f in FIELDS
        for q in ("", "高端", "智能化", "低能耗", "大型", "精细化", "轻量化", "模块化")
    ]
    rng.shuffle(titles)
    spare = iter(titles)

    def topic() -> str:
        return next(spare)

    while len([r for r in rows if r[1] == 2020 and r[2] in ("provincial", "city")]) < 102:
        f = applicants[k % len(applicants)]
        k += 1
        level = rng.choice(("provincial", "provincial", "city"))
        applied = _day(rng, _d(2020, 3, 1), _d(2020, 8, 31))
        decided = applied + dt.timedelta(days=rng.randrange(60, 120))
        outcome = rng.random()
        moves: list[tuple[str, dt.date]]
        grant: Decimal | None = None
        if outcome < 0.3:
            moves = [("approved", decided)]
            grant = Decimal(rng.choice((200000, 300000, 500000, 800000)))
        elif outcome < 0.75:
            moves = [("rejected", decided)]
        else:
            moves = []
        rows.append(
            (
                f,
                2020,
                level,
                rng.choice(SCHEMES[level]),
                topic(),
                moves,
                grant,
                decided + dt.timedelta(days=40) if grant else None,
            )
        )
    for _ in range(2):  # national: applied through the province, not in projects_applied
        f = applicants[k % len(applicants)]
        k += 1
        rows.append(
            (
                f,
                2020,
                "national",
                SCHEMES["national"][0],
                topic(),
                [("rejected", _d(2020, 11, 30))],
                None,
                None,
            )
        )
    for _ in range(60):  # 2019: approved ones at mid-term or accepted by mid-2021
        f = applicants[k % len(applicants)]
        k += 1
        applied = _day(rng, _d(2019, 3, 1), _d(2019, 8, 31))
        decided = applied + dt.timedelta(days=90)
        if rng.random() < 0.35:
            moves = [("approved", decided), ("midterm", _d(2020, 9, 15))]
            if rng.random() < 0.5:
                moves.append(("accepted", _d(2021, 4, 20)))
            rows.append(
                (
                    f,
                    2019,
                    rng.choice(("provincial", "city")),
                    rng.choice(SCHEMES["provincial"]),
                    topic(),
                    moves,
                    Decimal(300000),
                    decided + dt.timedelta(days=30),
                )
            )
        else:
            rows.append(
                (
                    f,
                    2019,
                    rng.choice(("provincial", "city")),
                    rng.choice(SCHEMES["city"]),
                    topic(),
                    [("rejected", decided)],
                    None,
                    None,
                )
            )
    for _ in range(25):  # 2021: applied, undecided
        f = applicants[k % len(applicants)]
        k += 1
        rows.append(
            (
                f,
                2021,
                rng.choice(("provincial", "city")),
                rng.choice(SCHEMES["provincial"]),
                topic(),
                [],
                None,
                None,
            )
        )

    apps = []
    for f, year, level, scheme, title, moves, _g, _p in rows:
        apps.append(
            PlanProject(
                programme=PROGRAMME,
                enterprise=f,
                year=year,
                kind=level,
                stage=moves[-1][0] if moves else "applied",
                unique_key=f"{year}:{title}"[:40],
                title=title,
                data={"scheme": scheme},
            )
        )
    PlanProject.objects.bulk_create(apps)
    events, awards = [], []
    for app, (_f, year, _l, scheme, _t, moves, grant, paid) in zip(apps, rows, strict=True):
        applied = (moves[0][1] - dt.timedelta(days=90)) if moves else _d(year, 4, 15)
        applied = max(applied, _d(year, 1, 5))
        events.append(
            Event(
                application=app,
                stage="applied",
                on=applied,
                by=actor,
                by_name=str(actor)[:60],
                note="建立",
            )
        )
        prev = "applied"
        for stage, on in moves:
            events.append(
                Event(
                    application=app,
                    from_stage=prev,
                    stage=stage,
                    on=on,
                    by=actor,
                    by_name=str(actor)[:60],
                )
            )
            prev = stage
        if grant is not None:
            granted_on = moves[0][1]
            awards.append(
                Award(
                    application=app,
                    title=f"{scheme}资助",
                    amount_yuan=grant,
                    granted_on=granted_on,
                    paid_on=paid if paid and paid >= granted_on else None,
                    granted_by=actor,
                )
            )
    Event.objects.bulk_create(events)
    Award.objects.bulk_create(awards)
    return len(apps) + len(events) + len(awards)


def _commissioners(
    actor: Any,
    rng: random.Random,
    person: _People,
    areas: list[Region],
    county: Region,
    firms: list[Enterprise],
) -> int:
    roll = []
    for i in range(130):
        roll.append(
            Commissioner(
                name=person(),
                institution=UNIVERSITIES[i % len(UNIVERSITIES)],
                expertise=rng.choice(EXPERTISE),
                region=rng.choice(areas),
                status="active",
                registered_on=_d(rng.choice((2016, 2017, 2018, 2019)), rng.randrange(3, 10), 15),
            )
        )
    new = []
    for i in range(34):
        new.append(
            Commissioner(
                name=person(),
                institution=UNIVERSITIES[(i * 5) % len(UNIVERSITIES)],
                expertise=rng.choice(EXPERTISE),
                region=rng.choice(areas),
                status="active",
                recommended_on=_day(rng, _d(2020, 9, 1), _d(2020, 10, 31)),
                recommended_by=actor,
                registered_on=_d(2020, 12, 1),
            )
        )
    pending = []
    for i in range(3):
        pending.append(
            Commissioner(
                name=person(),
                institution=UNIVERSITIES[(i * 7) % len(UNIVERSITIES)],
                expertise=rng.choice(EXPERTISE),
                region=rng.choice(areas),
                status="recommended",
                recommended_on=_d(2021, 6, 10 + i),
                recommended_by=actor,
            )
        )
    Commissioner.objects.bulk_create(roll + new + pending)
    c2020 = Campaign.objects.create(
        region=county,
        year=2020,
        opens_on=_d(2020, 4, 1),
        closes_on=_d(2020, 5, 31),
        closed_on=_d(2020, 6, 5),
        note="省科技厅统一部署",
    )
    lapsed = set(rng.sample(range(130), 9))
    entries = []
    for i, c in enumerate(roll):
        if i in lapsed:
            c.status, c.lapsed_on = "lapsed", _d(2020, 5, rng.randrange(10, 30))
            entries.append(
                CampaignEntry(
                    campaign=c2020,
                    commissioner=c,
                    status="lapsed",
                    decided_on=c.lapsed_on,
                    note="本人申请退出",
                )
            )
        else:
            c.registered_on = _day(rng, _d(2020, 4, 5), _d(2020, 5, 28))
            entries.append(
                CampaignEntry(
                    campaign=c2020, commissioner=c, status="confirmed", decided_on=c.registered_on
                )
            )
    Commissioner.objects.bulk_update(roll, ["status", "lapsed_on", "registered_on"])
    c2021 = Campaign.objects.create(
        region=county,
        year=2021,
        opens_on=_d(2021, 6, 1),
        closes_on=_d(2021, 7, 31),
        note="省科技厅统一部署",
    )
    active = [c for c in roll + new if c.status == "active"]
    for c in active:
        r = rng.random()
        if r < 0.45:
            entries.append(
                CampaignEntry(
                    campaign=c2021,
                    commissioner=c,
                    status="confirmed",
                    decided_on=_day(rng, _d(2021, 6, 2), _d(2021, 6, 29)),
                )
            )
        else:
            entries.append(CampaignEntry(campaign=c2021, commissioner=c, status="pending"))
    CampaignEntry.objects.bulk_create(entries)
    served = []
    through = Commissioner.enterprises.through
    links = set()
    by_area: dict[int, list[Enterprise]] = {}
    for f in firms:
        by_area.setdefault(f.region_id, []).append(f)
    for c in active:
        choices = by_area.get(c.region_id) or firms
        for f in rng.sample(choices, min(len(choices), rng.randrange(1, 4))):
            links.add((c.pk, f.pk))
            served.append(
                ServiceRecord(
                    commissioner=c,
                    enterprise=f,
                    served_on=_day(rng, _d(2020, 6, 1), _d(2021, 6, 20)),
                    summary=f"{c.expertise}技术咨询与现场指导",
                )
            )
    through.objects.bulk_create(
        [through(commissioner_id=c, enterprise_id=e) for c, e in sorted(links)]
    )
    ServiceRecord.objects.bulk_create(served)
    return len(roll) + len(new) + len(pending) + 2 + len(entries) + len(links) + len(served)
