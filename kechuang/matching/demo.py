"""The demo county's 产学研 records, written through the services by the demo's bureau
user: the universities the seed names (苏州大学, 南京航空航天大学, 贵州大学, 大连理工大学,
吉林大学, 南京工业大学, 江苏大学, 江南大学 …) with experts and achievements in the
county's industries, enterprises' technology demands, introductions at every stage,
101 cooperation agreements signed in 2020 (seed §一.4) — followed past signing, some
executed, some marked 未执行, some without news — and more in 2021 so far, and 41
校企联盟 founded in 2020. Idempotent: a second call does nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.models import User
from kechuang.enterprises.models import Enterprise
from kechuang.matching import services
from kechuang.matching.models import Expert, Institution

SEED = 2020
# The demo county's "now" (as the registry's demo: 2021 in progress), whatever the date.
LAST_DAY = dt.date(2021, 6, 30)
AGREEMENTS = {2019: 64, 2020: 101, 2021: 38}  # 2021: signed by 30 June
ALLIANCES = {2018: 12, 2019: 23, 2020: 41, 2021: 9}

INSTITUTIONS = [
    ("苏州大学", "university", "江苏苏州", "纺织材料、功能高分子、放射医学、光电"),
    ("南京航空航天大学", "university", "江苏南京", "航空宇航、机械制造、材料加工、测控"),
    ("贵州大学", "university", "贵州贵阳", "精细化工、农药、酿酒与发酵工程"),
    ("大连理工大学", "university", "辽宁大连", "化工、精细化学品、过程装备、船舶"),
    ("吉林大学", "university", "吉林长春", "汽车工程、材料科学、超硬材料"),
    ("南京工业大学", "university", "江苏南京", "化学工程、生物制造、新材料、安全工程"),
    ("江苏大学", "university", "江苏镇江", "流体机械、农业装备、食品工程、汽车"),
    ("江南大学", "university", "江苏无锡", "食品科学、发酵工程、生物工程、轻工"),
    ("南京理工大学", "university", "江苏南京", "化工、兵器、机械电子、光学工程"),
    ("中国药科大学", "university", "江苏南京", "药物化学、中药学、药物制剂"),
    ("常州大学", "university", "江苏常州", "石油化工、材料、环境工程"),
    ("扬州大学", "university", "江苏扬州", "农学、兽医、化工、机械"),
    ("江苏泰兴精细化工产业研究院", "platform", "江苏泰兴", "精细化工中试、新材料"),
    ("中国科学院过程工程研究所", "institute", "北京", "过程工程、资源环境、绿色化工"),
]

# (domain, research fields, achievements, a transfer, demands of firms in this domain)
TOPICS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "4.5",
        "精细化工 催化合成 连续流工艺 医药中间体",
        "开发微通道连续硝化工艺，已在3家企业产业化",
        "医药中间体微通道连续化合成技术",
        ["医药中间体连续化合成工艺开发", "催化加氢工艺替代铁粉还原", "精细化学品副产物资源化利用"],
    ),
    (
        "4.3",
        "高分子材料改性 PVC热稳定剂 塑料助剂",
        "环保型钙锌复合热稳定剂技术，获省科技进步奖",
        "无铅钙锌复合热稳定剂",
        ["PVC制品无铅热稳定剂替代", "改性工程塑料耐热性能提升", "塑料助剂分散性改进"],
    ),
    (
        "4.1",
        "特种钢 热处理 轴承钢 金属耐磨材料",
        "高碳铬轴承钢真空热处理工艺，寿命提高一倍",
        "轴承钢真空淬火热处理工艺",
        ["轴承套圈热处理变形控制", "特钢棒材表面裂纹检测", "合金钢锻件晶粒细化"],
    ),
    (
        "4.2",
        "耐磨防腐涂层 热喷涂 陶瓷涂层 表面工程",
        "超音速火焰喷涂碳化钨涂层，用于泵轴和阀门",
        "碳化钨耐磨涂层超音速喷涂技术",
        ["阀门密封面耐磨涂层", "化工设备防腐涂层寿命提升", "搅拌轴表面耐冲蚀涂层"],
    ),
    (
        "6.3",
        "锂离子电池 正极材料 电池管理系统 储能",
        "高镍正极材料包覆改性，循环寿命提升30%",
        "储能电池管理系统与均衡技术",
        ["动力电池组热管理设计", "储能电池一致性筛选", "磷酸铁锂正极材料压实密度提升"],
    ),
    (
        "8.4",
        "数控机床 精密加工 主轴轴承 误差补偿",
        "数控机床热误差补偿系统，定位精度提高40%",
        "数控机床热误差实时补偿系统",
        ["数控机床主轴精度保持性", "精密零件加工表面粗糙度控制", "五轴加工中心误差补偿"],
    ),
    (
        "8.5",
        "泵阀 流体机械 机械密封 水力设计",
        "化工流程泵高效水力模型，效率提升5个百分点",
        "化工流程泵高效水力模型",
        ["化工泵汽蚀性能改进", "阀门机械密封泄漏治理", "离心泵能效提升设计"],
    ),
    (
        "2.2",
        "中药制剂 质量标准 儿科中药 中药提取",
        "儿科中药颗粒剂质量控制体系",
        "中药提取物指纹图谱质量控制方法",
        ["儿科中药品质提升", "中药提取工艺收率提高", "中药制剂质量标准提升"],
    ),
    (
        "2.3",
        "原料药 杂质控制 药物结晶 一致性评价",
        "原料药晶型控制与杂质研究平台",
        "原料药晶型控制技术",
        ["原料药基因毒性杂质控制", "仿制药一致性评价溶出曲线", "原料药结晶工艺放大"],
    ),
    (
        "7.1",
        "化工废水处理 高盐废水 膜分离 高级氧化",
        "高盐有机废水催化氧化处理技术，已建示范工程",
        "高盐有机废水催化湿式氧化技术",
        ["园区高盐废水蒸发结晶", "化工废水COD深度处理", "废水中有机溶剂回收"],
    ),
    (
        "1.6",
        "传感器 电子元器件 可靠性 封装",
        "MEMS压力传感器封装与可靠性技术",
        "高可靠MEMS压力传感器",
        ["电子元器件焊点可靠性提升", "传感器温漂补偿", "功率器件散热封装"],
    ),
    (
        "6.4",
        "空调节能 换热器 热泵 制冷系统",
        "高效微通道换热器设计，换热效率提升15%",
        "微通道换热器优化设计",
        ["中央空调机组能效提升", "工业余热回收热泵", "换热器防腐与结垢治理"],
    ),
    (
        "2.6",
        "发酵工程 酶工程 食品生物技术 微生物",
        "高产菌株选育与发酵过程优化",
        "酶法合成手性中间体技术",
        ["发酵产物提取收率提升", "食品添加剂生物法生产", "菌种选育与发酵放大"],
    ),
    (
        "8.6",
        "电机 电力设备 变压器 电力电子",
        "高效永磁同步电机设计，效率达IE4",
        "高效永磁同步电机设计",
        ["电机能效提升至IE4", "变压器噪声与损耗控制", "变频器谐波治理"],
    ),
]

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓萧冯曾程蔡彭潘袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红晓东海波宁"
TITLES = ["教授", "研究员", "副教授", "高级工程师", "教授"]
INSTITUTES_FOR = {
    "4.5": [3, 5, 13, 8],
    "4.3": [0, 5, 10],
    "4.1": [4, 1, 6],
    "4.2": [1, 4, 10],
    "6.3": [5, 0, 8],
    "8.4": [1, 3, 4],
    "8.5": [6, 3, 11],
    "2.2": [9, 7],
    "2.3": [9, 5],
    "7.1": [10, 13, 5],
    "1.6": [0, 1, 8],
    "6.4": [6, 3],
    "2.6": [7, 2, 11],
    "8.6": [6, 1, 8],
}

REASONS = [
    "企业经营困难，项目暂停",
    "合作方团队调整，未启动",
    "技术路线变更，双方协商终止",
    "企业转产，需求已不存在",
]


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        n = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if n not in used:
            used.add(n)
            return n


def _supply(actor: User, rng: random.Random) -> dict[str, list[Expert]]:
    insts = [
        services.institution_save(
            actor=actor,
            via="demo",
            data={"name": n, "kind": k, "city": c, "strengths": s},
        )
        for n, k, c, s in INSTITUTIONS
    ]
    used: set[str] = set()
    by_domain: dict[str, list[Expert]] = {}
    for domain, fields, achieved, transfer, _ in TOPICS:
        words = fields.split()
        for j, idx in enumerate(INSTITUTES_FOR[domain]):
            focus = " ".join(rng.sample(words, k=3))
            x = services.expert_save(
                actor=actor,
                via="demo",
                data={
                    "name": _name(rng, used),
                    "institution": insts[idx],
                    "title": TITLES[j % len(TITLES)],
                    "domain": domain,
                    "fields": focus,
                    "achievements": achieved
                    if j == 0
                    else f"主持{focus.split()[0]}方向省部级项目{rng.randint(2, 6)}项",
                },
            )
            by_domain.setdefault(domain, []).append(x)
        lead = by_domain[domain][0]
        services.achievement_save(
            actor=actor,
            via="demo",
            data={
                "title": transfer,
                "description": f"{achieved}。{fields}方向的成熟技术，可提供中试与工程化支持。",
                "domain": domain,
                "institution": lead.institution,
                "expert": lead,
                "patents": f"发明专利ZL20{rng.randint(15, 20)}1{rng.randint(1000000, 9999999)}.{rng.randint(0, 9)}",
                "terms": rng.choice(["专利转让", "专利许可", "合作开发", "技术入股"]),
                "asking_yuan": Decimal(rng.choice([50, 80, 120, 200, 300])) * 10000,
            },
        )
    return by_domain


def _firms() -> dict[str, list[Enterprise]]:
    """The county's firms by technology domain (those with one), in a fixed order."""
    out: dict[str, list[Enterprise]] = {}
    for e in (
        Enterprise.objects.exclude(tech_domain="")
        .select_related("region")
        .order_by("-is_above_scale", "pk")
    ):
        key = topic_of(e.tech_domain)
        if key:
            out.setdefault(key, []).append(e)
    return out


def topic_of(domain: str) -> str | None:
    """The demo topic a firm of technology domain `domain` posts under: its own, else the
    first in TOPICS of its family ("4.7" → "4.5"). In TOPICS' order: picked from a set,
    as it once was, the demo changed with PYTHONHASHSEED."""
    codes = [t[0] for t in TOPICS]
    family = domain if domain in codes else domain.split(".")[0]
    return next((c for c in codes if c == family or c.split(".")[0] == family), None)


def _day(rng: random.Random, year: int, last: dt.date | None = None) -> dt.date:
    end = last or _d(year, 12, 20)
    start = _d(year, 1, 6)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _follow(actor: User, agreement: Any, rng: random.Random, today: dt.date) -> None:
    """After signing: most start and pay; some complete; some are marked 未执行; some
    have no news (the reminders)."""
    roll = rng.random()
    signed = agreement.signed_on
    if roll < 0.08:
        services.agreement_not_executed(
            actor=actor,
            agreement=agreement,
            reason=rng.choice(REASONS),
            on=min(signed + dt.timedelta(days=rng.randint(120, 300)), today),
            via="demo",
        )
        return
    if roll < 0.2:
        return  # no news since signing
    steps = [("started", signed + dt.timedelta(days=rng.randint(10, 60)), None, "项目启动会")]
    share = Decimal(rng.choice(["0.05", "0.2", "0.3", "0.5"]))
    steps.append(
        (
            "payment",
            steps[0][1] + dt.timedelta(days=rng.randint(5, 60)),
            (agreement.amount_yuan * share).quantize(Decimal("1")),
            "首期款",
        )
    )
    if roll > 0.6:
        steps.append(
            (
                "result",
                steps[1][1] + dt.timedelta(days=rng.randint(60, 200)),
                None,
                rng.choice(["完成中试", "申请发明专利1件", "新产品试制成功"]),
            )
        )
    if roll > 0.85:
        steps.append(
            (
                "completed",
                steps[-1][1] + dt.timedelta(days=rng.randint(30, 90)),
                None,
                "通过双方验收",
            )
        )
    for kind, on, amount, note in steps:
        if on > today:
            break
        services.progress_add(
            actor=actor,
            agreement=agreement,
            via="demo",
            data={"kind": kind, "on": on, "amount_yuan": amount, "note": note},
        )


def load_demo_matching() -> int:
    if Institution.objects.exists():
        return 0
    staff = User.objects.filter(username="kjj").first()
    if staff is None:
        return 0
    today = LAST_DAY
    rng = random.Random(SEED)
    written = 0
    with transaction.atomic():
        experts = _supply(staff, rng)
        firms = _firms()
        topics = [t for t in TOPICS if firms.get(t[0])]
        if not topics:
            return 0
        # Demands: each topic's firms post its demands, 2020–2021.
        demands = []
        for domain, _, _, _, titles in topics:
            for k, title in enumerate(titles):
                firm = firms[domain][k % len(firms[domain])]
                posted = _day(rng, 2020 + (k % 2), today)
                demands.append(
                    services.demand_save(
                        actor=staff,
                        enterprise=firm,
                        on=posted,
                        via="demo",
                        data={
                            "title": title,
                            "description": f"{firm.name}在{title}方面遇到瓶颈，希望与高校院所合作，"
                            f"联合攻关{title[:6]}相关关键技术。",
                            "domain": domain,
                            "budget_yuan": Decimal(rng.choice([20, 50, 80, 100, 150])) * 10000,
                            "deadline_on": posted + dt.timedelta(days=rng.choice([180, 365])),
                        },
                    )
                )
        written += len(demands)
        # Introductions: at every stage; the met ones of 2020 sign (counted below).
        intro_agreements: list[Any] = []
        for n, d in enumerate(demands[:30]):
            x = experts[d.domain][n % len(experts[d.domain])]
            on = d.posted_on + dt.timedelta(days=7)
            if on > today:
                continue
            intro = services.introduction_request(
                actor=staff, demand=d, expert=x, on=on, via="demo"
            )
            written += 1
            path = (
                ["accepted", "met", "agreed"]
                if n % 5 in (0, 1, 2)
                else (["declined"] if n % 5 == 3 else ["accepted"])
            )
            day = on
            for stage in path:
                day = day + dt.timedelta(days=rng.randint(5, 20))
                if day > today:
                    break
                if stage == "agreed":
                    if day.year not in AGREEMENTS:
                        break
                    intro_agreements.append(
                        services.agreement_sign(
                            actor=staff,
                            enterprise=d.enterprise,
                            introduction=intro,
                            via="demo",
                            data={
                                "title": f"{d.title}技术开发合同",
                                "content": f"围绕{d.title}开展联合研发，乙方提供技术方案与现场指导。",
                                "amount_yuan": Decimal(rng.choice([15, 30, 50, 80])) * 10000,
                                "signed_on": day,
                            },
                        )
                    )
                else:
                    services.introduction_move(
                        actor=staff,
                        introduction=intro,
                        to=stage,
                        on=day,
                        via="demo",
                        note="专家同意对接"
                        if stage == "accepted"
                        else ("到企业现场交流" if stage == "met" else "专家时间冲突"),
                    )
        # Agreements: each year's total, those from introductions included.
        pool = [(t[0], f) for t in topics for f in firms[t[0]][:40]]
        for year, total in AGREEMENTS.items():
            have = sum(1 for a in intro_agreements if a.signed_on.year == year)
            last = today if year == today.year else None
            for _ in range(total - have):
                domain, firm = rng.choice(pool)
                x = rng.choice(experts[domain])
                topic = next(t for t in topics if t[0] == domain)
                subject = rng.choice(topic[4])
                a = services.agreement_sign(
                    actor=staff,
                    enterprise=firm,
                    via="demo",
                    data={
                        "title": f"{subject}合作协议",
                        "content": f"{firm.name}与{x.institution.name}{x.name}团队合作开展{subject}。",
                        "amount_yuan": Decimal(rng.choice([3, 5, 8, 10, 20, 30, 50, 100])) * 10000,
                        "signed_on": _day(rng, year, last),
                        "expert": x,
                    },
                )
                intro_agreements.append(a)
        for a in intro_agreements:
            _follow(staff, a, rng, today)
        written += len(intro_agreements)
        # Alliances.
        n = 0
        for year, total in ALLIANCES.items():
            last = today if year == today.year else None
            for _ in range(total):
                domain, firm = pool[(n * 7) % len(pool)]
                x = experts[domain][n % len(experts[domain])]
                n += 1
                founded = _day(rng, year, last)
                alliance = services.alliance_save(
                    actor=staff,
                    via="demo",
                    data={
                        "name": f"{firm.name[:6]}—{x.institution.name}{x.fields.split()[0]}产学研联盟（{n}）",
                        "lead": firm,
                        "institution": x.institution,
                        "domain": domain,
                        "founded_on": founded,
                        "purpose": f"围绕{x.fields.split()[0]}开展技术攻关、人才培养",
                    },
                )
                activity = founded + dt.timedelta(days=rng.randint(30, 200))
                if activity <= today:
                    services.alliance_activity_add(
                        actor=staff,
                        alliance=alliance,
                        via="demo",
                        data={
                            "on": activity,
                            "title": "联合技术攻关推进会",
                            "note": "确定攻关课题2项",
                        },
                    )
                written += 1
        services.search_reindex()
    return written
