"""The facts the points read (`kechuang.rules.points.POINT_FIELDS`), gathered for a
county's year from the registry in a handful of queries: one Polars frame, one row per
enterprise, money in 10⁻⁶ 万元 (yuan × 100, exact), counts as integers, yes/no as
booleans, null = unknown (never zero).

Where each field comes from is `SOURCES`; the editor refuses a set that reads a field no
source supplies."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Count

from kechuang.accounts.models import Region
from kechuang.enterprises.models import Certificate, Enterprise, IPItem, YearlyFacts
from kechuang.points.models import PointsFacts
from kechuang.rules.points import POINT_FIELDS


@dataclass(frozen=True)
class FieldSource:
    """Where the registry keeps one point field (shown in the editor)."""

    field: str
    where: str


SOURCES: dict[str, FieldSource] = {
    s.field: s
    for s in (
        FieldSource("revenue", "年度数据：销售收入（当年）"),
        FieldSource("revenue_prev", "年度数据：销售收入（上年）"),
        FieldSource("net_assets", "年度数据：净资产（当年）"),
        FieldSource("net_assets_prev", "年度数据：净资产（上年）"),
        FieldSource("rd_expense", "年度数据：研发费用"),
        FieldSource("hightech_income", "年度数据：高新技术产品收入"),
        FieldSource("employees", "年度数据：职工总数"),
        FieldSource("tech_staff", "年度数据：科技人员数"),
        FieldSource("invention_patents", "知识产权：年末有效的发明专利"),
        FieldSource("other_ip", "知识产权：年末有效的其他知识产权"),
        FieldSource("hnte_valid", "资质证书：年末有效的高新技术企业证书"),
        FieldSource("tech_sme", "资质证书：当年入库的科技型中小企业"),
        FieldSource("tax_paid", "积分补充数据：纳税总额"),
        FieldSource("tech_contract_amount", "积分补充数据：技术合同成交额"),
        FieldSource("rd_institutions", "积分补充数据：市级以上研发机构"),
        FieldSource("talents", "积分补充数据：市级以上人才项目入选"),
        FieldSource("awards", "积分补充数据：市级以上科技奖励"),
        FieldSource("major_incident", "积分补充数据：重大事故"),
        FieldSource("credit_blacklisted", "积分补充数据：严重失信"),
    )
}

# The PointsFacts columns behind the supplementary fields.
SUPPLEMENT: dict[str, str] = {
    "tax_paid": "tax_paid_yuan",
    "tech_contract_amount": "tech_contract_yuan",
    "rd_institutions": "rd_institutions",
    "talents": "talents",
    "awards": "awards",
    "major_incident": "major_incident",
    "credit_blacklisted": "credit_blacklisted",
}
FACT_COLUMNS: dict[str, str] = {
    "revenue": "revenue_yuan",
    "net_assets": "net_assets_yuan",
    "rd_expense": "rd_expense_yuan",
    "hightech_income": "hightech_income_yuan",
    "employees": "employees",
    "tech_staff": "tech_staff",
}
PREV_COLUMNS: dict[str, str] = {
    "revenue_prev": "revenue_yuan",
    "net_assets_prev": "net_assets_yuan",
}
CHUNK = 900


def unreadable(fields: Sequence[str]) -> list[str]:
    """The fields of a set no registry source supplies (labels, in Chinese)."""
    return [POINT_FIELDS[f].label if f in POINT_FIELDS else f for f in fields if f not in SOURCES]


def micro(yuan: Decimal | None) -> int | None:
    """Yuan (two decimals) → 10⁻⁶ 万元, exactly."""
    return None if yuan is None else int(yuan * 100)


def county_enterprises(county: Region) -> Any:
    """The county's enterprises that are scored: alive and not closed."""
    return Enterprise.objects.in_region(county).exclude(status=Enterprise.Status.CLOSED)


def _schema() -> dict[str, Any]:
    out: dict[str, Any] = {"key": pl.Int64}
    for key, f in POINT_FIELDS.items():
        out[key] = pl.Boolean if f.kind == "bool" else pl.Int64
    return out


def facts_frame(county: Region, year: int) -> pl.DataFrame:
    """Every enterprise of `county` with the point fields of `year` (see the module)."""
    ids = list(county_enterprises(county).order_by("pk").values_list("pk", flat=True))
    return frame_for(ids, year)


def frame_for(ids: Sequence[int], year: int) -> pl.DataFrame:
    rows: dict[int, dict[str, Any]] = {i: {"key": i} for i in ids}
    end = dt.date(year, 12, 31)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        cols = ["enterprise_id", "fiscal_year", *set(FACT_COLUMNS.values())]
        for f in YearlyFacts.objects.filter(
            enterprise_id__in=chunk, fiscal_year__in=(year, year - 1)
        ).values(*cols):
            row = rows[f["enterprise_id"]]
            if f["fiscal_year"] == year:
                for key, col in FACT_COLUMNS.items():
                    value = f[col]
                    row[key] = micro(value) if col.endswith("_yuan") else value
            else:
                for key, col in PREV_COLUMNS.items():
                    row[key] = micro(f[col])
        ip: dict[int, dict[str, int]] = defaultdict(lambda: {"inv": 0, "other": 0})
        for item in (
            IPItem.objects.filter(enterprise_id__in=chunk, is_valid=True, granted_on__lte=end)
            .values("enterprise_id", "kind")
            .annotate(n=Count("id"))
        ):
            slot = "inv" if item["kind"] == "invention_patent" else "other"
            ip[item["enterprise_id"]][slot] += item["n"]
        # No IP record at all is "not entered", not "none held": unknown, never zero.
        for eid, counts in ip.items():
            rows[eid]["invention_patents"] = counts["inv"]
            rows[eid]["other_ip"] = counts["other"]
        certs = Certificate.objects.filter(enterprise_id__in=chunk)
        hnte = set(
            certs.filter(kind=Certificate.Kind.HNTE)
            .valid_on(end)
            .values_list("enterprise_id", flat=True)
        )
        sme = set(
            certs.filter(kind=Certificate.Kind.TECH_SME, issued_on__year=year).values_list(
                "enterprise_id", flat=True
            )
        )
        for eid in chunk:
            # The registry holds every certificate issued: none held is a known "no".
            rows[eid]["hnte_valid"] = eid in hnte
            rows[eid]["tech_sme"] = eid in sme
        for pf in PointsFacts.objects.filter(enterprise_id__in=chunk, year=year).values(
            "enterprise_id", *SUPPLEMENT.values()
        ):
            row = rows[pf["enterprise_id"]]
            for key, col in SUPPLEMENT.items():
                value = pf[col]
                row[key] = micro(value) if col.endswith("_yuan") else value
    schema = _schema()
    data = [{k: r.get(k) for k in schema} for r in rows.values()]
    return pl.DataFrame(data, schema=schema, orient="row") if data else pl.DataFrame(schema=schema)


def inputs_hash(frame: pl.DataFrame) -> str:
    """SHA-256 of the inputs, row order and column order fixed."""
    ordered = frame.select(sorted(frame.columns)).sort("key")
    return hashlib.sha256(ordered.write_csv().encode()).hexdigest()
