"""The assessment input fields: key, Chinese header, kind and help (../shared/spec/assess.md).

One list, read by the parser, the template writer, the rules and the docs. Inside the
engine a money field holds an exact integer in units of 10⁻⁶ 万元 (`MICRO` per 万元,
i.e. fen); counts and expert scores are integers; blanks stay null (unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "date", "int", "money", "bool", "domain", "score"]

MICRO = 1_000_000  # units of 10⁻⁶ 万元 per 万元
MAX_WAN = 10**9  # larger amounts (10万亿元) are input errors: keeps products inside Int64

YEARS = ("y1", "y2", "y3")
YEAR_LABELS = {"y1": "第一年", "y2": "第二年", "y3": "第三年"}


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: Kind
    help: str = ""
    required: bool = False
    may_be_negative: bool = False
    max_score: int | None = None

    @property
    def unit(self) -> str:
        return {
            "money": "万元",
            "int": "个",
            "score": "分",
            "bool": "是/否",
            "date": "YYYY-MM-DD",
            "domain": "代码或名称",
            "text": "文本",
        }[self.kind]


def _yearly(stem: str, label: str, help_: str, *, negative: bool = False) -> tuple[Field, ...]:
    return tuple(
        Field(f"{stem}_{y}", f"{label}_{YEAR_LABELS[y]}", "money", help_, may_be_negative=negative)
        for y in YEARS
    )


FIELDS: tuple[Field, ...] = (
    Field("uscc", "统一社会信用代码", "text", "18位，GB 32100-2015", required=True),
    Field("name", "企业名称", "text", "", required=True),
    Field("registered_on", "成立日期", "date", "营业执照成立日期"),
    Field("as_of", "评价日期", "date", "留空则取 --as-of 或今天"),
    Field("employees", "职工总数", "int", "近一年全年月平均职工人数"),
    Field("tech_staff", "科技人员数", "int", "近一年全年月平均科技人员数"),
    *_yearly("revenue", "销售收入", "第三年为近一年；不足三年的企业前几年留空"),
    *_yearly("rd_expense", "研发费用", "与销售收入同年度"),
    Field("rd_domestic_3y", "境内研发费用合计", "money", "各存续年度境内研发费用合计"),
    *_yearly("net_assets", "净资产", "年末所有者权益，可为负数", negative=True),
    Field("total_income", "收入总额", "money", "近一年收入总额"),
    Field("non_taxable_income", "不征税收入", "money", "近一年；留空视为未知，不按0处理"),
    Field("hightech_income", "高新技术产品收入", "money", "近一年高新技术产品（服务）收入"),
    Field("total_assets", "资产总额", "money", "近一年年末"),
    Field("total_cost", "成本费用支出总额", "money", "近一年"),
    Field("ip_class1", "Ⅰ类知识产权数", "int", "有效且与主要产品相关"),
    Field("ip_class2", "Ⅱ类知识产权数", "int", "有效且与主要产品相关"),
    Field("ip_self_developed", "有自主研发知识产权", "bool", "否 = 仅有受让、受赠、并购所得"),
    Field("core_ip", "拥有核心知识产权", "bool", "留空则按知识产权数推断"),
    Field("tech_domain", "技术领域", "domain", "如 1.1 或“软件”"),
    Field("conversions_3y", "近三年科技成果转化数", "int", ""),
    Field("standards", "参与编制标准", "bool", ""),
    Field("major_incident", "重大安全质量环境事故", "bool", "评价日期前一年内"),
    Field("credit_blacklisted", "列入经营异常或失信名单", "bool", ""),
    Field("prohibited_industry", "属禁止限制淘汰类", "bool", ""),
    Field("hnte_ever", "曾认定高企", "bool", ""),
    Field("hnte_valid", "有效期内高企", "bool", ""),
    Field("national_award_5y", "近五年国家级科技奖励", "bool", "获奖单位前三"),
    Field("provincial_rd_institution", "省部级以上研发机构", "bool", ""),
    Field("standard_lead_5y", "近五年主导制定标准", "bool", "国际、国家或行业标准"),
    Field("score_tech_advancement", "技术先进程度得分", "score", "专家评分，可留空", max_score=8),
    Field("score_core_support", "核心支持作用得分", "score", "专家评分，可留空", max_score=8),
    Field("score_ip_count", "知识产权数量得分", "score", "专家评分，可留空", max_score=8),
    Field("score_ip_acquisition", "知识产权获得方式得分", "score", "专家评分，可留空", max_score=6),
    Field("score_standards", "参与编制标准得分", "score", "专家评分，可留空", max_score=2),
    Field("score_conversion", "成果转化得分", "score", "专家评分，可留空", max_score=30),
    Field("score_rd_mgmt_system", "研发管理制度得分", "score", "专家评分，可留空", max_score=6),
    Field("score_rd_institution", "研发机构与产学研得分", "score", "专家评分，可留空", max_score=6),
    Field(
        "score_conversion_incentive", "成果转化激励得分", "score", "专家评分，可留空", max_score=4
    ),
    Field("score_talent_system", "人才培养激励得分", "score", "专家评分，可留空", max_score=4),
    Field("score_net_asset_growth", "净资产增长得分", "score", "专家评分，可留空", max_score=10),
    Field("score_revenue_growth", "销售收入增长得分", "score", "专家评分，可留空", max_score=10),
)

BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
BY_HEADER: dict[str, Field] = {f.header: f for f in FIELDS}
MONEY_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.kind == "money")
YEARLY_STEMS: tuple[str, ...] = ("revenue", "rd_expense", "net_assets")


def header(key: str) -> str:
    return BY_KEY[key].header
