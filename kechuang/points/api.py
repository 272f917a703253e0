"""/api/v1/points/…: indicator sets, a county-year's rank list (paged), one enterprise's
score with its explanation and gains, and the list's 公示. Scoped exactly like the pages:
the sets are the bureau's; an enterprise reads its own score (before publication too)
and the list once it is published; a county the caller may not read is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kechuang.accounts.models import Region
from kechuang.core import periods
from kechuang.core.errors import NotFound, PermissionDenied
from kechuang.core.openapi import Year
from kechuang.points import selectors, services
from kechuang.points.models import PointSet, Score
from kechuang.rules.points import POINT_FIELDS, IndicatorSet, InvalidSet

router = Router(tags=["创新积分"])

COUNTY_HELP = "县（市、区）代码：市级科技局在所辖县之间选择；不填为本县"


class CountyOut(Schema):
    code: str
    name: str


class SetRowOut(Schema):
    id: int
    year: int
    version: int
    status: str
    status_label: str
    title: str
    note: str
    published_at: dt.datetime | None


class SetsOut(Schema):
    county: CountyOut
    results: list[SetRowOut]


class GroupOut(Schema):
    id: str
    label: str


class StageOut(Schema):
    id: str
    label: str
    revenue_below_wan: Decimal | None = Field(description="销售收入上限（万元）；最后一个阶段为空")


class WeightOut(Schema):
    stage: str
    stage_label: str
    weight: Decimal = Field(description="权重（分）")


class ThresholdOut(Schema):
    at_least: Decimal = Field(description="门槛（指标的显示单位）")
    score: int = Field(description="达到时得权重的百分之几")


class IndicatorOut(Schema):
    id: str
    label: str
    group: str
    group_label: str
    reads: list[str] = Field(description="读取的数据项（中文名）")
    kind: str = Field(description="field 单项；ratio 比值；growth 增长率")
    unit: str
    direction: str = Field(description="higher 越大越好；lower 越小越好")
    method: str = Field(description="percentile 同阶段百分位；thresholds 分档")
    weights: list[WeightOut]
    thresholds: list[ThresholdOut]
    step: Decimal | None
    step_text: str


class ItemOut(Schema):
    id: str
    label: str
    reads: str
    points: Decimal


class TierOut(Schema):
    id: str
    label: str
    top_percent: Decimal = Field(description="本阶段排名前百分之几")


class SetOut(SetRowOut):
    county: CountyOut
    source: str
    problems: list[str] = Field(description="校验问题（草稿未通过校验时，下面各项为空）")
    groups: list[GroupOut]
    stages: list[StageOut]
    indicators: list[IndicatorOut]
    bonus: list[ItemOut]
    negative: list[ItemOut]
    tiers: list[TierOut]


class ScoreOut(Schema):
    uscc: str
    name: str
    region: str
    year: int
    stage: str
    stage_label: str
    total: Decimal | None
    rank: int | None
    cohort: int | None
    overall_rank: int | None
    tier: str
    tier_label: str
    at_stake: Decimal = Field(description="缺少数据的指标最多还可得的分")


class ScorePage(Schema):
    county: CountyOut
    year: int
    published: bool = Field(description="所列为已公示的排名")
    count: int
    page: int
    page_size: int
    results: list[ScoreOut]


class ScoreFilters(Schema):
    county: str = Field("", description=COUNTY_HELP)
    stage: str = Field("", description="发展阶段编号")
    tier: str = Field("", description="档次编号")
    q: str = Field("", description="企业名称或统一社会信用代码")
    page: int = 1
    page_size: int = 50


class LineOut(Schema):
    id: str
    group: str
    label: str
    value: str
    reading: str
    percentile: str
    weight: Decimal
    points: Decimal | None = Field(description="得分；缺少数据为空")


class GainOut(Schema):
    indicator: str
    text: str
    points: Decimal
    rank_before: int
    rank_after: int = Field(description="至少可达到的名次")


class ExplainedOut(ScoreOut):
    published: bool = Field(description="所示为已公示的积分（否则尚未公示，仅本企业和科技局可见）")
    set_version: str
    computed_at: dt.datetime
    lines: list[LineOut] = Field(description="逐项得分，合计等于总分")
    gains: list[GainOut]
    notes: list[str]


class PublicationOut(Schema):
    county: CountyOut
    year: int
    published: bool
    status: str = Field(description="unpublished 未公示；open 公示中；frozen 已定稿 等")
    status_label: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    accepts_objections: bool = Field(description="今天是否受理异议")
    revisions: int
    set_version: str
    scored: int | None
    open_objections: int | None = Field(description="待处理的异议（仅科技局可见）")


def _county(request: HttpRequest, code: str) -> Region:
    county = selectors.county_pick(request.user, code.strip())
    if county is None:
        raise NotFound("没有可查看的创新积分")
    return county


def _county_out(county: Region) -> CountyOut:
    return CountyOut(code=county.code, name=county.name)


def _dec(text: Any) -> Decimal | None:
    return None if text is None or text == "" else Decimal(str(text))


@router.get("/sets", response=SetsOut, summary="积分指标体系（各年度、各版本）")
def sets(request: HttpRequest, county: str = "") -> SetsOut:
    allowed, reason = services.can_manage(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    region = _county(request, county)
    return SetsOut(
        county=_county_out(region),
        results=[SetRowOut(**_set_row(s)) for s in selectors.sets_of(request.user, region)],
    )


def _set_row(s: PointSet) -> dict[str, Any]:
    return {
        "id": s.pk,
        "year": s.year,
        "version": s.version,
        "status": s.status,
        "status_label": s.get_status_display(),
        "title": s.title,
        "note": s.note,
        "published_at": s.published_at,
    }


def _set_body(iset: IndicatorSet) -> dict[str, Any]:
    stage_labels = {s.id: s.label for s in iset.stages}
    return {
        "source": iset.source,
        "groups": [GroupOut(id=k, label=v) for k, v in iset.groups.items()],
        "stages": [
            StageOut(
                id=s.id,
                label=s.label,
                revenue_below_wan=None if s.revenue_below is None else _fraction(s.revenue_below),
            )
            for s in iset.stages
        ],
        "indicators": [
            IndicatorOut(
                id=i.id,
                label=i.label,
                group=i.group,
                group_label=iset.groups.get(i.group, ""),
                reads=[POINT_FIELDS[f].label for f in i.source.fields],
                kind=i.source.kind,
                unit=i.unit,
                direction=i.direction,
                method=i.method,
                weights=[
                    WeightOut(
                        stage=sid, stage_label=label, weight=Decimal(i.weights.get(sid, 0)) / 100
                    )
                    for sid, label in stage_labels.items()
                ],
                thresholds=[
                    ThresholdOut(at_least=_fraction(t.at_least), score=t.score)
                    for t in i.thresholds
                ],
                step=None if i.step is None else _fraction(i.step),
                step_text=i.step_text,
            )
            for i in iset.indicators
        ],
        "bonus": [_item(x) for x in iset.bonus],
        "negative": [_item(x) for x in iset.negative],
        "tiers": [
            TierOut(id=t.id, label=t.label, top_percent=_fraction(t.top * 100)) for t in iset.tiers
        ],
    }


def _fraction(value: Any) -> Decimal:
    d = Decimal(value.numerator) / Decimal(value.denominator)
    # 50, not 5E+1: a whole number keeps its digits
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _item(x: Any) -> ItemOut:
    return ItemOut(
        id=x.id, label=x.label, reads=POINT_FIELDS[x.field].label, points=Decimal(x.points) / 100
    )


@router.get(
    "/sets/{pk}",
    response=SetOut,
    summary="一个指标体系：分组、阶段、指标与各阶段权重、加扣分项、档次",
)
def set_detail(request: HttpRequest, pk: int) -> SetOut:
    point_set = selectors.set_get(actor=request.user, pk=pk)
    empty: dict[str, Any] = {
        "source": "",
        "groups": [],
        "stages": [],
        "indicators": [],
        "bonus": [],
        "negative": [],
        "tiers": [],
    }
    try:
        body, problems = _set_body(IndicatorSet.parse(point_set.data)), []
    except InvalidSet as exc:
        body, problems = empty, exc.problems
    return SetOut(
        **_set_row(point_set), county=_county_out(point_set.region), problems=problems, **body
    )


def _score(s: Score, year: int) -> dict[str, Any]:
    return {
        "uscc": s.enterprise.uscc,
        "name": s.enterprise.name,
        "region": s.enterprise.region.name,
        "year": year,
        "stage": s.stage,
        "stage_label": s.stage_label,
        "total": s.total,
        "rank": s.rank,
        "cohort": s.cohort,
        "overall_rank": s.overall_rank,
        "tier": s.tier,
        "tier_label": s.tier_label,
        "at_stake": s.at_stake,
    }


@router.get(
    "/{year}/scores", response=ScorePage, summary="一个年度的积分排名（分页，可按阶段、档次筛选）"
)
def scores(request: HttpRequest, year: Year, filters: Query[ScoreFilters]) -> ScorePage:
    county = _county(request, filters.county)
    state = selectors.list_state(request.user, county, year)
    qs = selectors.list_scores(
        actor=request.user, state=state, stage=filters.stage, tier=filters.tier, q=filters.q
    )
    size = max(1, min(filters.page_size, 500))
    page = max(1, filters.page)
    total, items = selectors.score_page(qs, page=page, size=size)
    return ScorePage(
        county=_county_out(county),
        year=year,
        published=state.published,
        count=total,
        page=page,
        page_size=size,
        results=[ScoreOut(**_score(s, year)) for s in items],
    )


@router.get(
    "/{year}/enterprises/{uscc}",
    response=ExplainedOut,
    summary="一家企业的积分：逐项说明、缺数据待得分、明年最易提高积分的做法",
)
def enterprise_score(request: HttpRequest, year: Year, uscc: str) -> ExplainedOut:
    enterprise = selectors.enterprise_by_uscc(actor=request.user, uscc=uscc)
    st = selectors.standing(actor=request.user, enterprise=enterprise, year=year)
    if st.score is None:
        raise NotFound(f"{year}年暂无该企业的积分")
    ex = st.score.explanation or {}
    return ExplainedOut(
        **_score(st.score, year),
        published=st.published,
        set_version=st.score.run.set_version,
        computed_at=st.score.run.created_at,
        lines=[
            LineOut(
                id=str(line["id"]),
                group=str(line["group"]),
                label=str(line["label"]),
                value=str(line["value"]),
                reading=str(line["reading"]),
                percentile=str(line.get("percentile") or ""),
                weight=Decimal(str(line["weight"])),
                points=_dec(line["points"]),
            )
            for line in st.lines
        ],
        gains=[
            GainOut(
                indicator=str(g["indicator"]),
                text=str(g["text"]),
                points=Decimal(int(g["cents"])) / 100,
                rank_before=int(g["rank_before"]),
                rank_after=int(g["rank_after"]),
            )
            for g in ex.get("gains", [])
        ],
        notes=[str(n) for n in ex.get("notes", [])],
    )


@router.get("/{year}/publication", response=PublicationOut, summary="一个年度积分排名的公示状态")
def publication(request: HttpRequest, year: Year, county: str = "") -> PublicationOut:
    region = _county(request, county)
    state = selectors.list_state(request.user, region, year)
    pub = state.publication
    if pub is None:
        return PublicationOut(
            county=_county_out(region),
            year=year,
            published=False,
            status="unpublished",
            status_label="未公示",
            starts_on=None,
            ends_on=None,
            accepts_objections=False,
            revisions=0,
            set_version="",
            scored=None,
            open_objections=None,
        )
    return PublicationOut(
        county=_county_out(region),
        year=year,
        published=True,
        status=pub.publicity.status,
        status_label=pub.publicity.get_status_display(),
        starts_on=pub.publicity.starts_on,
        ends_on=pub.publicity.ends_on,
        accepts_objections=pub.publicity.accepts_objections_on(periods.today()),
        revisions=pub.revisions,
        set_version=pub.run.set_version,
        scored=pub.run.scored,
        open_objections=selectors.open_objection_count(request.user, pub)
        if selectors.is_bureau_side(request.user)
        else None,
    )
