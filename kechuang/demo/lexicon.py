"""Words the demo county is made of: industries (GB/T 4754-2017 codes, 《国家重点支持的
高新技术领域》 codes, words for names and IP titles), trade names, people, roads, and the
firms the seed names. Plain data; `generate.py` draws from it with a seeded Random."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    key: str
    words: tuple[str, ...]  # the industry part of a firm's name
    codes: tuple[str, ...]  # 国民经济行业分类 (GB/T 4754-2017)
    domains: tuple[str, ...]  # high-tech domains; empty = not a high-tech trade
    weight: float
    products: tuple[str, ...]  # for patent titles
    industrial: bool = True  # 工业 (C门类): has 工业总产值, may be 规上


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "fine_chem",
        ("化工", "精细化工", "化学", "化工科技", "化学工业"),
        ("C2614", "C2619", "C2661", "C2662", "C2631", "C2641"),
        ("4.5", "4.5", "4.5", "2.6"),
        15,
        (
            "医药中间体",
            "农药中间体",
            "表面活性剂",
            "阻燃剂",
            "抗氧剂",
            "水性涂料助剂",
            "聚醚多元醇",
            "有机胺催化剂",
            "氯代吡啶",
            "环氧树脂固化剂",
            "硫酸钡",
            "增塑剂",
        ),
    ),
    Industry(
        "new_material",
        ("新材料", "新材料科技", "高分子材料", "复合材料", "材料科技"),
        ("C2651", "C2659", "C2922", "C2929", "C3091"),
        ("4.3", "4.3", "4.2", "4.1"),
        12,
        (
            "改性聚丙烯",
            "石墨烯复合材料",
            "碳纤维预浸料",
            "阻燃工程塑料",
            "聚氨酯弹性体",
            "有机硅密封胶",
            "高分子膜材料",
            "耐磨尼龙",
        ),
    ),
    Industry(
        "reducer",
        ("减速机", "传动机械", "齿轮", "传动科技", "减速器"),
        ("C3453", "C3453", "C3459"),
        ("8.5", "8.4"),
        8,
        ("行星齿轮减速机", "硬齿面减速器", "蜗轮蜗杆减速机", "摆线针轮减速机", "齿轮箱", "联轴器"),
    ),
    Industry(
        "machinery",
        ("机械", "机械制造", "重工", "装备", "机电"),
        ("C3484", "C3499", "C3521", "C3511", "C3421"),
        ("8.4", "8.5", "8.2"),
        14,
        (
            "化工搅拌设备",
            "压力容器",
            "输送装置",
            "自动化生产线",
            "数控加工中心",
            "液压系统",
            "清洗装置",
        ),
    ),
    Industry(
        "pump_valve",
        ("泵阀", "泵业", "阀门", "流体设备"),
        ("C3441", "C3443", "C3443"),
        ("8.5",),
        5,
        ("化工离心泵", "磁力驱动泵", "截止阀", "球阀", "机械密封装置", "调节阀"),
    ),
    Industry(
        "electrical",
        ("电气", "电力设备", "电器", "电缆", "新能源科技"),
        ("C3821", "C3823", "C3831", "C3812", "C3841"),
        ("8.6", "6.3", "6.4"),
        8,
        ("高压开关柜", "干式变压器", "光伏电缆", "锂电池模组", "智能配电箱", "永磁电机"),
    ),
    Industry(
        "electronics",
        ("电子", "电子科技", "光电科技", "智能科技"),
        ("C3981", "C3982", "C3983", "C3976", "C3989"),
        ("1.6", "1.6", "1.2", "1.3"),
        7,
        ("片式电感", "印制电路板", "压力传感器", "LED驱动电源", "电子元器件", "光电模块"),
    ),
    Industry(
        "pharma",
        ("医药", "药业", "制药", "医药科技"),
        ("C2710", "C2720", "C2740", "C2770"),
        ("2.3", "2.2", "2.4", "2.5"),
        4,
        ("缓释胶囊", "中药提取物", "原料药", "口服液", "医用敷料", "注射液"),
    ),
    Industry(
        "biotech",
        ("生物科技", "生物工程", "生物技术"),
        ("C1495", "C2761", "C2662"),
        ("2.6", "2.1", "2.7"),
        4,
        ("低聚木糖", "益生菌发酵液", "酶制剂", "植物提取物", "氨基酸", "生物有机肥"),
    ),
    Industry(
        "environment",
        ("环保科技", "环境工程", "节能环保"),
        ("C3591",),
        ("7.1", "7.2", "7.3"),
        4,
        ("废气处理装置", "污水处理设备", "固废焚烧炉", "除尘器", "VOCs吸附装置"),
    ),
    Industry(
        "auto_parts",
        ("汽车零部件", "车辆配件", "汽车部件"),
        ("C3670",),
        ("8.7",),
        4,
        ("汽车制动盘", "转向节", "车用线束", "汽车轮毂", "减震器"),
    ),
    Industry(
        "marine",
        ("船舶配件", "船用设备", "海洋工程", "船舶设备"),
        ("C3734", "C3737"),
        ("8.8",),
        3,
        ("船用空调", "船用锚机", "海工平台构件", "船用舱口盖", "船用通风机"),
    ),
    Industry(
        "steel",
        ("特钢", "金属制品", "合金", "锻造"),
        ("C3130", "C3311", "C3399", "C3140"),
        ("4.1",),
        5,
        ("特种合金钢", "不锈钢无缝管", "大型锻件", "耐蚀合金板", "精密铸件"),
    ),
    Industry(
        "software",
        ("信息技术", "软件", "网络科技", "数据科技"),
        ("I6513", "I6519", "I6531"),
        ("1.1", "5.3", "1.3"),
        3,
        ("企业管理系统", "智能监测平台", "数据采集终端", "物联网网关"),
        industrial=False,
    ),
    Industry(
        "tech_service",
        ("检测技术", "科技服务", "技术研究"),
        ("M7452", "M7320"),
        ("5.2", "5.1"),
        2,
        ("检测装置", "样品前处理装置", "试验台"),
        industrial=False,
    ),
    Industry(
        "food",
        ("食品", "粮油", "饮品", "食品科技"),
        ("C1391", "C1331", "C1411"),
        (),
        6,
        ("银杏果脯", "调味料", "速冻食品", "植物油"),
    ),
    Industry(
        "textile",
        ("纺织", "服饰", "家纺", "织造"),
        ("C1711", "C1713", "C1819"),
        (),
        5,
        ("面料", "服装", "织物"),
    ),
    Industry(
        "instruments",
        ("乐器", "提琴", "琴业"),
        ("C2422",),
        ("", "", "8.9"),
        3,
        ("小提琴", "大提琴", "琴弓", "吉他", "琴盒"),
    ),
    Industry(
        "building",
        ("建材", "新型建材", "建筑材料"),
        ("C3021", "C3031"),
        ("", "4.2"),
        4,
        ("混凝土预制构件", "加气砌块", "透水砖"),
    ),
)

INDUSTRY_BY_KEY = {i.key: i for i in INDUSTRIES}

# Multipliers of the industry weights per area (by name): parks and towns have trades.
AREA_TRADES: dict[str, dict[str, float]] = {
    "泰兴经济开发区": {
        "fine_chem": 6,
        "new_material": 3,
        "pharma": 2,
        "biotech": 2,
        "environment": 2,
        "machinery": 0.3,
        "reducer": 0.2,
        "food": 0.1,
        "textile": 0.05,
        "instruments": 0.05,
        "building": 0.2,
    },
    "泰兴高新技术产业开发区": {
        "new_material": 2.5,
        "pharma": 2.5,
        "electronics": 3,
        "electrical": 2,
        "software": 3,
        "tech_service": 3,
        "reducer": 1.5,
        "fine_chem": 0.3,
        "food": 0.3,
        "textile": 0.2,
    },
    "黄桥经济开发区": {
        "machinery": 2,
        "instruments": 4,
        "auto_parts": 2,
        "electrical": 1.5,
        "fine_chem": 0.2,
    },
    "虹桥工业园区": {"marine": 4, "steel": 3, "machinery": 1.5, "fine_chem": 0.3},
    "黄桥镇": {"instruments": 6, "machinery": 1.5, "fine_chem": 0.2},
    "虹桥镇": {"marine": 3, "steel": 2, "fine_chem": 0.3},
    "滨江镇": {"fine_chem": 2, "marine": 2},
    "宣堡镇": {"reducer": 3},
    "济川街道": {"software": 2, "tech_service": 2, "reducer": 2, "food": 1.5, "fine_chem": 0.2},
    "延令街道": {"software": 2, "tech_service": 2, "reducer": 2, "fine_chem": 0.2},
    "姚王街道": {"reducer": 2, "machinery": 1.5, "fine_chem": 0.3},
}
TOWN_TRADES = {
    "food": 2,
    "textile": 2,
    "building": 1.5,
    "fine_chem": 0.3,
    "software": 0.2,
    "tech_service": 0.2,
    "pharma": 0.3,
}

# How many firms each area holds (relative): parks heavier.
AREA_WEIGHTS: dict[str, int] = {
    "泰兴经济开发区": 230,
    "泰兴高新技术产业开发区": 210,
    "黄桥经济开发区": 120,
    "虹桥工业园区": 90,
    "济川街道": 60,
    "延令街道": 50,
    "姚王街道": 35,
    "黄桥镇": 85,
    "分界镇": 45,
    "古溪镇": 45,
    "元竹镇": 35,
    "珊瑚镇": 35,
    "广陵镇": 40,
    "曲霞镇": 35,
    "张桥镇": 40,
    "河失镇": 35,
    "新街镇": 45,
    "宣堡镇": 45,
    "滨江镇": 55,
    "虹桥镇": 50,
    "根思乡": 25,
}

# 字号 (trade names) are two characters, drawn from these halves.
TRADE_FIRST = tuple("华泰恒鑫瑞天中金宏永盛凯博同汇新德源嘉明润锦众万国兴海长正裕隆昌佳宇诚欣远创")
TRADE_SECOND = tuple("丰达源盛和宇通利安康信威力昌隆辉晟泰瑞鼎捷科诺亿邦骏禾")
NAME_PREFIXES = (
    ("泰兴市", "有限公司"),
    ("江苏", "有限公司"),
    ("江苏", "股份有限公司"),
    ("泰兴", "有限公司"),
    ("泰兴市", "有限公司"),
    ("江苏", "有限公司"),
)

SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗丁季蔡殷鞠封印缪严沈")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红春峰海斌志")
ROADS = (
    "文昌路",
    "羌溪路",
    "国庆路",
    "延令路",
    "鼓楼路",
    "根思路",
    "大庆路",
    "银杏路",
    "疏港路",
    "通江路",
    "沿江大道",
    "滨江大道",
    "中兴路",
    "振兴路",
    "工业路",
    "科创路",
    "澄江路",
    "济川路",
    "襟江路",
    "兴园路",
)


@dataclass(frozen=True)
class SeedFirm:
    """A firm the seed names, with a plausible full name (not verified registrations)."""

    name: str
    area: str
    industry: str
    industry_code: str
    tech_domain: str
    registered_on: dt.date
    hnte_first: int  # first HNTE certificate; renewed every three years
    output_wan: int  # 2020 工业总产值, 万元
    listed: bool = False


SEED_FIRMS: tuple[SeedFirm, ...] = (
    SeedFirm(
        "济川药业集团有限公司",
        "济川街道",
        "pharma",
        "C2740",
        "2.2",
        dt.date(1994, 6, 18),
        2011,
        620000,
    ),
    SeedFirm(
        "江苏泰丰化工有限公司",
        "泰兴经济开发区",
        "fine_chem",
        "C2631",
        "4.5",
        dt.date(2003, 3, 12),
        2012,
        185000,
    ),
    SeedFirm(
        "江苏泰特尔新材料科技股份有限公司",
        "泰兴经济开发区",
        "new_material",
        "C2659",
        "4.3",
        dt.date(2006, 9, 26),
        2013,
        68000,
    ),
    SeedFirm(
        "江苏长虹三杰机械有限公司",
        "黄桥经济开发区",
        "machinery",
        "C3521",
        "8.4",
        dt.date(2004, 4, 8),
        2014,
        42000,
    ),
    SeedFirm(
        "江苏兆胜空调有限公司",
        "泰兴高新技术产业开发区",
        "marine",
        "C3464",
        "8.8",
        dt.date(1998, 11, 2),
        2012,
        96000,
    ),
    SeedFirm(
        "亚太泵阀有限公司",
        "姚王街道",
        "pump_valve",
        "C3441",
        "8.5",
        dt.date(2001, 5, 20),
        2013,
        38000,
    ),
    SeedFirm(
        "江苏宏大特钢有限公司",
        "虹桥工业园区",
        "steel",
        "C3130",
        "4.1",
        dt.date(2008, 7, 15),
        2017,
        150000,
    ),
    SeedFirm(
        "江苏晟楠电子科技股份有限公司",
        "泰兴高新技术产业开发区",
        "electronics",
        "C3989",
        "1.6",
        dt.date(2011, 3, 30),
        2016,
        26000,
    ),
    SeedFirm(
        "泰兴市东圣生物科技有限公司",
        "泰兴经济开发区",
        "biotech",
        "C1495",
        "2.6",
        dt.date(2007, 1, 19),
        2015,
        55000,
    ),
    SeedFirm(
        "江苏友诚数控科技有限公司",
        "泰兴高新技术产业开发区",
        "machinery",
        "C3421",
        "8.4",
        dt.date(2012, 8, 6),
        2018,
        21000,
    ),
)
