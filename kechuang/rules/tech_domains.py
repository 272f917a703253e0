"""《国家重点支持的高新技术领域》(2016), 国科发火〔2016〕32号 附件.

`tech_domain` takes a domain code `D` (1–8) or a sub-domain `D.S`, or the exact name.
Source: ../shared/spec/rules-hnte-2016.md.
"""

from __future__ import annotations

DOMAINS: dict[str, str] = {
    "1": "电子信息",
    "1.1": "软件",
    "1.2": "微电子技术",
    "1.3": "计算机产品及其网络应用技术",
    "1.4": "通信技术",
    "1.5": "广播影视技术",
    "1.6": "新型电子元器件",
    "1.7": "信息安全技术",
    "1.8": "智能交通和轨道交通技术",
    "2": "生物与新医药",
    "2.1": "医药生物技术",
    "2.2": "中药、天然药物",
    "2.3": "化学药研发技术",
    "2.4": "药物新剂型与制剂创制技术",
    "2.5": "医疗仪器、设备与医学专用软件",
    "2.6": "轻工和化工生物技术",
    "2.7": "农业生物技术",
    "3": "航空航天",
    "3.1": "航空技术",
    "3.2": "航天技术",
    "4": "新材料",
    "4.1": "金属材料",
    "4.2": "无机非金属材料",
    "4.3": "高分子材料",
    "4.4": "生物医用材料",
    "4.5": "精细和专用化学品",
    "4.6": "与文化艺术产业相关的新材料",
    "5": "高技术服务",
    "5.1": "研发与设计服务",
    "5.2": "检验检测认证与标准服务",
    "5.3": "信息技术服务",
    "5.4": "高技术专业化服务",
    "5.5": "知识产权与成果转化服务",
    "5.6": "电子商务与现代物流技术",
    "5.7": "城市管理与社会服务",
    "5.8": "文化创意产业支撑技术",
    "6": "新能源与节能",
    "6.1": "可再生清洁能源",
    "6.2": "核能及氢能",
    "6.3": "新型高效能量转换与储存技术",
    "6.4": "高效节能技术",
    "7": "资源与环境",
    "7.1": "水污染控制与水资源利用技术",
    "7.2": "大气污染控制技术",
    "7.3": "固体废弃物处置与综合利用技术",
    "7.4": "物理性污染防治技术",
    "7.5": "环境监测及环境事故应急处理技术",
    "7.6": "生态环境建设与保护技术",
    "7.7": "清洁生产技术",
    "7.8": "资源勘查、高效开采与综合利用技术",
    "8": "先进制造与自动化",
    "8.1": "工业生产过程控制系统",
    "8.2": "安全生产技术",
    "8.3": "高性能、智能化仪器仪表",
    "8.4": "先进制造工艺与装备",
    "8.5": "新型机械",
    "8.6": "电力系统与设备",
    "8.7": "汽车及轨道车辆相关技术",
    "8.8": "高技术船舶与海洋工程装备设计制造技术",
    "8.9": "传统文化产业改造技术",
}

BY_NAME: dict[str, str] = {name: code for code, name in DOMAINS.items()}


def parse_domain(raw: str | None) -> str | None:
    """The code for a code or an exact name; None when blank; ValueError when unknown."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    if text.endswith(".0") and text[:-2] in DOMAINS and "." not in text[:-2]:
        text = text[:-2]  # Excel turns "1" into 1.0
    if text in DOMAINS:
        return text
    if text in BY_NAME:
        return BY_NAME[text]
    # "1.1 软件" as written in many ledgers
    head = text.split()[0] if " " in text else None
    if head and head in DOMAINS and text == f"{head} {DOMAINS[head]}":
        return head
    raise ValueError(f"“{text}”不是《国家重点支持的高新技术领域》的代码或名称")


def label(code: str | None) -> str:
    if not code:
        return ""
    top = code.split(".")[0]
    if code == top:
        return f"{code} {DOMAINS.get(code, '')}"
    return f"{code} {DOMAINS.get(top, '')}·{DOMAINS.get(code, '')}"
