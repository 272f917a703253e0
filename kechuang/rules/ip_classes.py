"""Intellectual-property kinds and their class (Ⅰ类/Ⅱ类).

Source: 《高新技术企业认定管理工作指引》国科发火〔2016〕195号 一、(二) and 十(一)2:
Ⅰ类 = 发明专利（含国防专利）、植物新品种、国家级农作物品种、国家新药、国家一级中药保护品种、
集成电路布图设计专有权; Ⅱ类 = 实用新型专利、外观设计专利、软件著作权（不含商标）.
"""

from __future__ import annotations

CLASS_1 = "I"
CLASS_2 = "II"

KINDS: dict[str, tuple[str, str]] = {
    # key: (Chinese name, class)
    "invention_patent": ("发明专利", CLASS_1),
    "defense_patent": ("国防专利", CLASS_1),
    "plant_variety": ("植物新品种", CLASS_1),
    "national_crop_variety": ("国家级农作物品种", CLASS_1),
    "national_new_drug": ("国家新药", CLASS_1),
    "tcm_protected_variety": ("国家一级中药保护品种", CLASS_1),
    "ic_layout_design": ("集成电路布图设计专有权", CLASS_1),
    "utility_model": ("实用新型专利", CLASS_2),
    "design_patent": ("外观设计专利", CLASS_2),
    "software_copyright": ("软件著作权", CLASS_2),
}

BY_NAME: dict[str, str] = {name: key for key, (name, _cls) in KINDS.items()}


def ip_class(kind: str) -> str:
    return KINDS[kind][1]
