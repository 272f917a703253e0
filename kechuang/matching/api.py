"""/api/v1/matching/…: read-only, scoped like the pages. Technical demands (a firm its
own, officers their area's), the county's shared supply (experts, achievements: every
signed-in role, as on the pages), cooperation agreements with their progress records and
the 高质量 verdict, and 校企联盟 with their members and activities (member firms the
caller may not see are counted, not named). Money in yuan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kechuang.core.openapi import Year
from kechuang.matching import selectors
from kechuang.matching.models import Achievement, Agreement, Alliance, Demand, Expert, Progress
from kechuang.matching.permissions import can_use, require

router = Router(tags=["产学研对接"])

PAGE_SIZE = Field(50, ge=1, le=500, description="每页条数（1–500）")
PAGE = Field(1, ge=1, le=100000, description="页码")


class DemandOut(Schema):
    id: int
    uscc: str
    enterprise: str
    region: str
    title: str
    description: str
    domain: str
    domain_label: str
    budget_yuan: Decimal | None
    deadline_on: dt.date | None
    status: str
    status_label: str
    posted_on: dt.date


class DemandPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[DemandOut]


class DemandFilters(Schema):
    status: str = Field("", max_length=10, description="状态：open/matching/solved/closed")
    q: str = Field("", max_length=100, description="需求名称或企业名称")
    page: int = PAGE
    page_size: int = PAGE_SIZE


class ExpertOut(Schema):
    id: int
    name: str
    institution: str
    title: str
    domain: str
    domain_label: str
    fields: str
    achievements: str
    contact: str


class ExpertPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ExpertOut]


class ExpertFilters(Schema):
    q: str = Field("", max_length=100, description="姓名、研究方向或单位")
    domain: str = Field("", max_length=8, description="技术领域代码（前缀）")
    page: int = PAGE
    page_size: int = PAGE_SIZE


class AchievementOut(Schema):
    id: int
    title: str
    description: str
    domain: str
    domain_label: str
    institution: str
    expert: str | None
    patents: str
    terms: str
    asking_yuan: Decimal | None


class AchievementPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AchievementOut]


class AchievementFilters(Schema):
    q: str = Field("", max_length=100, description="成果名称或单位")
    page: int = PAGE
    page_size: int = PAGE_SIZE


class ProgressOut(Schema):
    kind: str
    kind_label: str
    on: dt.date
    amount_yuan: Decimal | None
    note: str
    by: str


class AgreementOut(Schema):
    id: int
    uscc: str
    enterprise: str
    region: str
    institution: str
    expert: str | None
    title: str
    content: str
    amount_yuan: Decimal
    signed_on: dt.date
    status: str
    status_label: str
    not_executed_reason: str
    paid_yuan: Decimal = Field(description="已登记的付款合计（元）")
    high_quality: bool = Field(description="是否高质量协议（quality.yaml 的规则）")
    missing: list[str] = Field(description="未满足的高质量条件")
    progress: list[ProgressOut]


class AgreementPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AgreementOut]


class AgreementFilters(Schema):
    year: Year | None = Field(None, description="签订年度")
    status: str = Field("", max_length=14, description="执行状态")
    page: int = PAGE
    page_size: int = PAGE_SIZE


class AllianceOut(Schema):
    id: int
    name: str
    lead_uscc: str
    lead: str
    region: str
    institution: str
    domain: str
    domain_label: str
    founded_on: dt.date
    purpose: str


class AlliancePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AllianceOut]


class AllianceFilters(Schema):
    year: Year | None = Field(None, description="成立年度")
    page: int = PAGE
    page_size: int = PAGE_SIZE


class MemberOut(Schema):
    name: str
    uscc: str | None = Field(description="成员企业的统一社会信用代码；院所为 null")
    joined_on: dt.date


class ActivityOut(Schema):
    on: dt.date
    title: str
    note: str


class AllianceDetailOut(AllianceOut):
    institutions: list[MemberOut]
    enterprises: list[MemberOut]
    hidden_enterprises: int = Field(description="调用者无权查看的成员企业数")
    activities: list[ActivityOut]


def _guard(request: HttpRequest) -> None:
    require(can_use(request.user))


def _demand(d: Demand) -> DemandOut:
    return DemandOut(
        id=d.pk,
        uscc=d.enterprise.uscc,
        enterprise=d.enterprise.name,
        region=d.enterprise.region.name,
        title=d.title,
        description=d.description,
        domain=d.domain,
        domain_label=selectors.domain_label(d.domain),
        budget_yuan=d.budget_yuan,
        deadline_on=d.deadline_on,
        status=d.status,
        status_label=d.get_status_display(),
        posted_on=d.posted_on,
    )


def _expert(x: Expert) -> ExpertOut:
    return ExpertOut(
        id=x.pk,
        name=x.name,
        institution=x.institution.name,
        title=x.title,
        domain=x.domain,
        domain_label=selectors.domain_label(x.domain),
        fields=x.fields,
        achievements=x.achievements,
        contact=x.contact,
    )


def _achievement(a: Achievement) -> AchievementOut:
    return AchievementOut(
        id=a.pk,
        title=a.title,
        description=a.description,
        domain=a.domain,
        domain_label=selectors.domain_label(a.domain),
        institution=a.institution.name,
        expert=a.expert.name if a.expert else None,
        patents=a.patents,
        terms=a.terms,
        asking_yuan=a.asking_yuan,
    )


def _agreement(a: Agreement, progress: list[Progress]) -> AgreementOut:
    verdict = selectors.agreement_verdict(a, progress)
    return AgreementOut(
        id=a.pk,
        uscc=a.enterprise.uscc,
        enterprise=a.enterprise.name,
        region=a.enterprise.region.name,
        institution=a.institution.name,
        expert=a.expert.name if a.expert else None,
        title=a.title,
        content=a.content,
        amount_yuan=a.amount_yuan,
        signed_on=a.signed_on,
        status=a.status,
        status_label=a.get_status_display(),
        not_executed_reason=a.not_executed_reason,
        paid_yuan=sum(
            (p.amount_yuan or Decimal(0) for p in progress if p.kind == Progress.Kind.PAYMENT),
            Decimal(0),
        ),
        high_quality=verdict.high_quality,
        missing=verdict.missing,
        progress=[
            ProgressOut(
                kind=p.kind,
                kind_label=p.get_kind_display(),
                on=p.on,
                amount_yuan=p.amount_yuan,
                note=p.note,
                by=p.by_name,
            )
            for p in progress
        ],
    )


def _alliance_fields(a: Alliance) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "lead_uscc": a.lead.uscc,
        "lead": a.lead.name,
        "region": a.lead.region.name,
        "institution": a.institution.name,
        "domain": a.domain,
        "domain_label": selectors.domain_label(a.domain),
        "founded_on": a.founded_on,
        "purpose": a.purpose,
    }


@router.get("/demands", response=DemandPage, summary="技术需求（企业只见本企业的）")
def demand_list(request: HttpRequest, filters: Query[DemandFilters]) -> DemandPage:
    _guard(request)
    qs = selectors.demands(actor=request.user, status=filters.status, q=filters.q)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    return DemandPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[_demand(d) for d in rows],
    )


@router.get("/demands/{pk}", response=DemandOut, summary="一项技术需求")
def demand_detail(request: HttpRequest, pk: int) -> DemandOut:
    _guard(request)
    return _demand(selectors.demand_get(actor=request.user, pk=pk))


@router.get("/experts", response=ExpertPage, summary="专家库（在库专家）")
def expert_list(request: HttpRequest, filters: Query[ExpertFilters]) -> ExpertPage:
    _guard(request)
    qs = selectors.experts(q=filters.q, domain=filters.domain)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    return ExpertPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[_expert(x) for x in rows],
    )


@router.get("/experts/{pk}", response=ExpertOut, summary="一位专家")
def expert_detail(request: HttpRequest, pk: int) -> ExpertOut:
    _guard(request)
    return _expert(selectors.expert_get(pk))


@router.get("/achievements", response=AchievementPage, summary="待转化成果")
def achievement_list(request: HttpRequest, filters: Query[AchievementFilters]) -> AchievementPage:
    _guard(request)
    qs = selectors.achievements(q=filters.q)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    return AchievementPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[_achievement(a) for a in rows],
    )


@router.get("/achievements/{pk}", response=AchievementOut, summary="一项待转化成果")
def achievement_detail(request: HttpRequest, pk: int) -> AchievementOut:
    _guard(request)
    return _achievement(selectors.achievement_get(pk))


@router.get(
    "/agreements",
    response=AgreementPage,
    summary="科技合作协议及其执行进展（企业只见本企业的）",
)
def agreement_list(request: HttpRequest, filters: Query[AgreementFilters]) -> AgreementPage:
    _guard(request)
    qs = selectors.agreements(actor=request.user, year=filters.year, status=filters.status)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    progress = selectors.progress_of(rows)
    return AgreementPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[_agreement(a, progress[a.pk]) for a in rows],
    )


@router.get("/agreements/{pk}", response=AgreementOut, summary="一份科技合作协议及其执行进展")
def agreement_detail(request: HttpRequest, pk: int) -> AgreementOut:
    _guard(request)
    a = selectors.agreement_get(actor=request.user, pk=pk)
    return _agreement(a, selectors.agreement_progress(a))


@router.get("/alliances", response=AlliancePage, summary="校企联盟（按牵头企业的区域）")
def alliance_list(request: HttpRequest, filters: Query[AllianceFilters]) -> AlliancePage:
    _guard(request)
    qs = selectors.alliances(actor=request.user, year=filters.year)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    return AlliancePage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[AllianceOut(**_alliance_fields(a)) for a in rows],
    )


@router.get(
    "/alliances/{pk}",
    response=AllianceDetailOut,
    summary="一个校企联盟及其成员、活动（无权查看的成员企业只计数）",
)
def alliance_detail(request: HttpRequest, pk: int) -> AllianceDetailOut:
    _guard(request)
    a = selectors.alliance_get(actor=request.user, pk=pk)
    members = selectors.alliance_members(actor=request.user, alliance=a)
    return AllianceDetailOut(
        **_alliance_fields(a),
        institutions=[
            MemberOut(name=m.institution.name, uscc=None, joined_on=m.joined_on)
            for m in members["institutions"]
        ],
        enterprises=[
            MemberOut(name=m.enterprise.name, uscc=m.enterprise.uscc, joined_on=m.joined_on)
            for m in members["enterprises"]
        ],
        hidden_enterprises=members["hidden"],
        activities=[
            ActivityOut(on=x.on, title=x.title, note=x.note)
            for x in selectors.alliance_activities(a)
        ],
    )
