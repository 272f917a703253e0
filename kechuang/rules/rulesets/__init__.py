"""The registry of rule sets, in output order."""

from __future__ import annotations

from datetime import date

from kechuang.rules.model import RuleSet
from kechuang.rules.rulesets.hnte.criteria import RULESET as HNTE_2016
from kechuang.rules.rulesets.provincial_pool.criteria import RULESET as JIANGSU_POOL_2018
from kechuang.rules.rulesets.tech_sme.criteria import RULESET as TECH_SME_2017

RULESETS: dict[str, RuleSet] = {rs.id: rs for rs in (HNTE_2016, TECH_SME_2017, JIANGSU_POOL_2018)}


class UnknownRuleSet(ValueError):
    pass


def select(spec: str | None, as_of: date) -> list[RuleSet]:
    """`None` → every national rule set in force on `as_of`; "all" → every rule set;
    else a comma list of ids."""
    if spec is None or not spec.strip():
        return [rs for rs in RULESETS.values() if rs.national and rs.in_force(as_of)]
    if spec.strip() == "all":
        return list(RULESETS.values())
    chosen: list[RuleSet] = []
    for part in spec.split(","):
        rid = part.strip()
        if rid not in RULESETS:
            known = "、".join(RULESETS)
            raise UnknownRuleSet(f"未知的规则集“{rid}”（可选：{known}、all）")
        if RULESETS[rid] not in chosen:
            chosen.append(RULESETS[rid])
    return chosen
