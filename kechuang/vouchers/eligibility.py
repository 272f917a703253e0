"""Who may apply for a year's vouchers: the programme's own rule, a parameter set the
bureau fills in (rules-local.md `vouchers`: no provincial or county text was available,
so every condition is a parameter of the year's 实施方案, cited by its name).

Plain Python: the facts come in as a mapping, the verdict goes out with each condition's
value, threshold and outcome. Points (创新积分) are read when the points capability is
installed; an unknown score never blocks an application, it is said so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CERTIFICATE_LABELS = {
    "hnte": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "provincial_pool": "省高企培育库入库企业",
}


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    passed: bool | None  # None: unknown (not blocking)
    detail: str


@dataclass(frozen=True)
class Verdict:
    conditions: tuple[Condition, ...]

    @property
    def eligible(self) -> bool:
        return all(c.passed is not False for c in self.conditions)

    @property
    def reasons(self) -> list[str]:
        return [f"{c.label}：{c.detail}" for c in self.conditions if c.passed is False]


def _n(value: Decimal) -> str:
    """A number as people write it: 60, 55.5 (never 6E+1)."""
    return format(value.normalize(), "f")


def judge(rule: Mapping[str, Any], facts: Mapping[str, Any], source: str) -> Verdict:
    """Apply a programme's eligibility `rule` to one enterprise's `facts`.

    rule keys (all optional): `certificates` (holding one of them, valid on the day of
    application), `min_points` (innovation points score), `tiers` (points tiers
    admitted), `max_revenue_wan` (last year's revenue), `in_region` (always: the firm
    is registered in the programme's county). facts: `certificates` (set), `points`
    (Decimal|None), `tier` (str|None), `revenue_wan` (Decimal|None), `in_region` (bool).
    `source` names the programme document, quoted in each detail."""
    out: list[Condition] = []
    cite = f"（{source}）" if source else ""
    out.append(
        Condition(
            "in_region",
            "注册地",
            bool(facts.get("in_region")),
            ("在本地注册" if facts.get("in_region") else "不在本方案的发券地区") + cite,
        )
    )
    certs: Sequence[str] = rule.get("certificates") or ()
    if certs:
        held = set(facts.get("certificates") or ())
        names = "或".join(CERTIFICATE_LABELS.get(c, c) for c in certs)
        ok = bool(held & set(certs))
        out.append(
            Condition(
                "certificates",
                "企业资质",
                ok,
                (f"持有有效{names}资质" if ok else f"须为{names}，目前没有有效证书") + cite,
            )
        )
    min_points = rule.get("min_points")
    if min_points is not None:
        points = facts.get("points")
        need = Decimal(str(min_points))
        if points is None:
            out.append(
                Condition("min_points", "创新积分", None, f"未取得积分，按其他条件审核{cite}")
            )
        else:
            ok = Decimal(points) >= need
            out.append(
                Condition(
                    "min_points",
                    "创新积分",
                    ok,
                    f"{_n(Decimal(points))}分，{'达到' if ok else '低于'}{_n(need)}分{cite}",
                )
            )
    tiers: Sequence[str] = rule.get("tiers") or ()
    if tiers:
        tier = facts.get("tier")
        if tier is None:
            out.append(
                Condition("tiers", "积分等级", None, f"未取得积分等级，按其他条件审核{cite}")
            )
        else:
            ok = str(tier).upper() in {str(t).upper() for t in tiers}
            out.append(
                Condition(
                    "tiers",
                    "积分等级",
                    ok,
                    f"{tier}级，{'符合' if ok else '不在'}{'、'.join(tiers)}级{'' if ok else '之内'}{cite}",
                )
            )
    max_rev = rule.get("max_revenue_wan")
    if max_rev is not None:
        revenue = facts.get("revenue_wan")
        limit = Decimal(str(max_rev))
        if revenue is None:
            out.append(
                Condition("max_revenue_wan", "上年销售收入", None, f"未填报，按其他条件审核{cite}")
            )
        else:
            ok = Decimal(revenue) <= limit
            out.append(
                Condition(
                    "max_revenue_wan",
                    "上年销售收入",
                    ok,
                    f"{Decimal(revenue):.2f}万元，{'不超过' if ok else '超过'}{_n(limit)}万元{cite}",
                )
            )
    return Verdict(tuple(out))
