"""Innovation points: writes. Indicator sets (copy forward, edit a draft, publish),
supplementary facts, scoring a county's year (stored with the set's version and an
inputs hash; a background job for the pages), publishing the rank list as a 公示 of the
programme frame, objections, re-publishing after a correction, and freezing.

Every service takes keyword-only arguments and an `actor`, checks permission first,
runs in one transaction and writes the audit log (the frame's services log their own
steps: the 公示, each objection and its resolution)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import bureau_counties, covers, role_of
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from kechuang.core.jobs import Reporter, job_body, job_start
from kechuang.core.models import Job
from kechuang.enterprises.models import Enterprise
from kechuang.points import inputs, settext
from kechuang.points.models import PointSet, PointsFacts, Publication, Score, ScoreRun
from kechuang.points.workflow import PROGRAMME
from kechuang.programmes import services as frame
from kechuang.programmes.models import Application, Objection, Publicity, PublicityEntry
from kechuang.rules.points import SETS, IndicatorSet, InvalidSet, explain, score
from kechuang.rules.points.scoring import c, points_text

DEFAULT_WINDOW_DAYS = 7


# -- who ----------------------------------------------------------------------------------


def can_manage(actor: Any) -> tuple[bool, str]:
    """Sets, scoring, 公示, corrections and objections: the county's bureau."""
    if role_of(actor) == "staff" and bureau_counties(actor):
        return True, ""
    return False, "只有科技局可以管理创新积分"


def require_manage(actor: Any, county: Region | None = None) -> None:
    allowed, reason = can_manage(actor)
    if not allowed:
        raise PermissionDenied(reason)
    if county is not None and not covers(actor, county):
        raise PermissionDenied(f"“{county.name}”不在本局管辖范围内")


def county_of_actor(actor: Any, code: str = "") -> Region:
    """The county whose points a bureau user works on: their own county, or (the city
    bureau) the one picked by `code`, else the first of their counties."""
    counties = bureau_counties(actor)
    if not counties:
        raise PermissionDenied("只有科技局可以管理创新积分")
    return next((c for c in counties if c.code == code), counties[0])


def county_of(region: Region) -> Region | None:
    """The county (县级) a region lies in (the region itself for a county)."""
    codes = [c for c in region.path.split("/") if c]
    return Region.objects.filter(code__in=codes, kind=Region.Kind.COUNTY).order_by("-path").first()


# -- indicator sets -----------------------------------------------------------------------


def shipped_data(year: int) -> dict[str, Any]:
    """Kechuang's default set (not official: see its `source`), as plain data."""
    data: dict[str, Any] = yaml.safe_load(
        (SETS / "kechuang-default.yaml").read_text(encoding="utf-8")
    )
    data["year_from"] = year
    return data


def set_problems(data: Any) -> list[str]:
    """Every problem of a set's data, in Chinese: the rules' checks (weights per stage
    sum to 100, known fields and groups, rising thresholds, unique ids) and the
    registry's (every field it reads has a source)."""
    try:
        iset = IndicatorSet.parse(data)
    except InvalidSet as exc:
        return list(exc.problems)
    return [f"企业库尚未采集“{label}”，无法读取" for label in inputs.unreadable(iset.fields)]


def set_problems_lined(point_set: PointSet) -> list[str]:
    """`set_problems`, each led by the line of the editor's text it names."""
    problems = set_problems(point_set.data)
    if not problems:
        return []
    try:
        return settext.from_text(settext.to_text(point_set.data)).with_lines(problems)
    except settext.TextError:
        return problems


def parsed(point_set: PointSet) -> IndicatorSet:
    try:
        return IndicatorSet.parse(point_set.data)
    except InvalidSet as exc:
        raise ValidationFailed(
            [FieldError("data", "指标体系", p) for p in exc.problems],
            f"{point_set}有{len(exc.problems)}处问题",
        ) from None


def set_text(point_set: PointSet) -> str:
    """The set as the editor shows it: YAML with Chinese keys and values (`settext`)."""
    return settext.to_text(point_set.data)


def _next_version(county: Region, year: int) -> int:
    top = PointSet.objects.filter(region=county, year=year).aggregate(m=Max("version"))["m"]
    return int(top or 0) + 1


def set_copy_forward(*, actor: Any, county: Region, year: int, via: str = "web") -> PointSet:
    """The draft of `year`: the existing one, or a copy of the latest published set of
    that year or before (the shipped default when there is none)."""
    require_manage(actor, county)
    with transaction.atomic():
        existing = (
            PointSet.objects.select_for_update()
            .filter(region=county, year=year, status=PointSet.Status.DRAFT)
            .first()
        )
        if existing is not None:
            return existing
        source = (
            PointSet.objects.filter(region=county, year__lte=year, status=PointSet.Status.PUBLISHED)
            .order_by("-year", "-version")
            .first()
        )
        data = dict(source.data) if source is not None else shipped_data(year)
        version = _next_version(county, year)
        data["version"] = version
        data["year_from"] = year
        draft = PointSet.objects.create(
            region=county,
            year=year,
            version=version,
            data=data,
            based_on=source,
            created_by=actor,
            note=f"复制自{source}" if source else "复制自科创云默认指标体系（非官方）",
        )
        audit_log(actor=actor, action="create", obj=draft, after=snapshot(draft), via=via)
    return draft


def _editable(point_set: PointSet) -> PointSet:
    locked = PointSet.objects.select_for_update().get(pk=point_set.pk)
    if locked.status != PointSet.Status.DRAFT:
        raise Conflict(f"{locked}已发布，不能修改；请复制为新草稿")
    return locked


def set_save_text(*, actor: Any, point_set: PointSet, text: str, via: str = "web") -> list[str]:
    """Save a draft from the editor's text (Chinese keys, `settext`); returns its problems,
    each with its line where it names an item (a draft may have some). A text that is
    not YAML, or uses a key the editor does not know, is refused naming the line, and
    nothing is written."""
    require_manage(actor, point_set.region)
    try:
        read = settext.from_text(text)
    except settext.TextError as exc:
        raise ValidationFailed(
            [FieldError("text", "指标体系", str(exc))], f"指标体系{exc}"
        ) from None
    if read.problems:
        raise ValidationFailed(
            [FieldError("text", "指标体系", p) for p in read.problems],
            f"指标体系有{len(read.problems)}处无法识别，未保存",
        )
    return read.with_lines(_save_data(actor, point_set, read.data, via))


def _save_data(actor: Any, point_set: PointSet, data: dict[str, Any], via: str) -> list[str]:
    with transaction.atomic():
        locked = _editable(point_set)
        before = snapshot(locked)
        data["version"] = locked.version
        data["year_from"] = locked.year
        locked.data = data
        locked.save()
        problems = set_problems(data)
        audit_log(
            actor=actor,
            action="update",
            obj=locked,
            before=before,
            after=snapshot(locked),
            via=via,
            note=f"保存草稿（{len(problems)}处问题）" if problems else "保存草稿（校验通过）",
        )
    point_set.refresh_from_db()
    return problems


def set_save_weights(
    *, actor: Any, point_set: PointSet, weights: dict[tuple[str, str], str], via: str = "web"
) -> list[str]:
    """Save a draft's weights ((indicator id, stage id) → "12.5"); returns its problems."""
    require_manage(actor, point_set.region)
    data = dict(point_set.data)
    indicators = [dict(i) for i in data.get("indicators") or [] if isinstance(i, dict)]
    known = {str(i.get("id")) for i in indicators}
    unknown = sorted({ind for ind, _stage in weights if ind not in known})
    if unknown:
        raise ValidationFailed(
            [FieldError("weights", "权重", f"没有编号为“{u}”的指标") for u in unknown]
        )
    for ind in indicators:
        w = dict(ind.get("weights") or {})
        for (iid, stage), value in weights.items():
            if iid == ind.get("id"):
                text = str(value).strip()
                try:
                    w[stage] = float(Decimal(text)) if "." in text else int(text)
                except (InvalidOperation, ValueError):
                    w[stage] = text  # kept as typed: the check names it
        ind["weights"] = w
    data["indicators"] = indicators
    return _save_data(actor, point_set, data, via)


def set_publish(*, actor: Any, point_set: PointSet, via: str = "web") -> PointSet:
    """Publish a draft (it must be free of problems): it is frozen from now on, and the
    year's previously published version is retired."""
    require_manage(actor, point_set.region)
    problems = set_problems(point_set.data)
    if problems:
        raise ValidationFailed(
            [FieldError("data", "指标体系", p) for p in problems],
            f"指标体系有{len(problems)}处问题，不能发布",
        )
    with transaction.atomic():
        locked = _editable(point_set)
        for old in PointSet.objects.select_for_update().filter(
            region=locked.region, year=locked.year, status=PointSet.Status.PUBLISHED
        ):
            before = snapshot(old)
            old.status = PointSet.Status.RETIRED
            old.save(update_fields=["status", "updated_at"])
            audit_log(actor=actor, action="update", obj=old, before=before, after=snapshot(old))
        before = snapshot(locked)
        locked.status = PointSet.Status.PUBLISHED
        locked.published_by = actor
        locked.published_at = timezone.now()
        locked.save()
        audit_log(
            actor=actor,
            action="update",
            obj=locked,
            before=before,
            after=snapshot(locked),
            via=via,
            note="发布指标体系",
        )
    return locked


def published_set(county: Region, year: int) -> PointSet | None:
    return PointSet.objects.filter(
        region=county, year=year, status=PointSet.Status.PUBLISHED
    ).first()


# -- supplementary facts --------------------------------------------------------------------

FACT_LABELS = {
    "tax_paid_yuan": "纳税总额（万元）",
    "tech_contract_yuan": "技术合同成交额（万元）",
    "rd_institutions": "市级以上研发机构（个）",
    "talents": "市级以上人才项目入选（人）",
    "awards": "市级以上科技奖励（项）",
    "major_incident": "发生重大安全、质量、环境事故",
    "credit_blacklisted": "列入严重失信主体名单",
}


class _Bad(Exception):
    def __init__(self, error: FieldError) -> None:
        super().__init__(str(error))
        self.error = error


def _fact_value(name: str, raw: Any) -> Any:
    label = FACT_LABELS[name]
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None
    if name in ("major_incident", "credit_blacklisted"):
        if text in ("1", "是", "true", "True"):
            return True
        if text in ("0", "否", "false", "False"):
            return False
        raise _Bad(FieldError(name, label, "应为“是”或“否”（空白为未知）"))
    if name.endswith("_yuan"):  # typed in 万元, kept in yuan
        try:
            wan = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise _Bad(FieldError(name, label, f"“{text}”不是金额（万元）")) from None
        if not wan.is_finite() or wan < 0 or wan != wan.quantize(Decimal("0.000001")):
            raise _Bad(FieldError(name, label, "应为非负金额（万元），最多六位小数"))
        return (wan * 10000).quantize(Decimal("0.01"))
    if not text.isdigit():
        raise _Bad(FieldError(name, label, f"“{text}”不是非负整数"))
    return int(text)


def points_facts_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    year: int,
    values: dict[str, Any],
    note: str = "",
    via: str = "web",
) -> PointsFacts:
    """Record (or correct) an enterprise's supplementary facts of a year; blank =
    unknown. Every error names its field; nothing is written when one is wrong."""
    require_manage(actor, enterprise.region)
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name in FACT_LABELS:
        if name not in values:
            continue
        try:
            clean[name] = _fact_value(name, values[name])
        except _Bad as bad:
            errors.append(bad.error)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row, _created = PointsFacts.objects.select_for_update().get_or_create(
            enterprise=enterprise, year=year
        )
        before = snapshot(row, list(FACT_LABELS))
        for name, value in clean.items():
            setattr(row, name, value)
        row.save()
        audit_log(
            actor=actor,
            action="update",
            obj=row,
            before=before,
            after=snapshot(row, list(FACT_LABELS)),
            enterprise_id=enterprise.pk,
            via=via,
            note=note[:300] or "更正积分补充数据",
        )
    return row


# -- scoring ----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    return value


def explanation_dict(row: dict[str, Any], iset: IndicatorSet) -> dict[str, Any]:
    ex = explain(row, iset, best=3)
    # vars(), not dataclasses.asdict: the fields are plain values, and asdict's deep copy
    # was most of the cost of scoring a county
    lines = [dict(vars(line)) for line in ex.lines]
    for line in lines:
        line["percentile"] = _percentile(row, iset, line["id"], line["cents"])
    return {
        "lines": lines,
        "gains": [{**vars(g), "text": str(g), "points": points_text(g.cents)} for g in ex.gains],
        "notes": ex.notes,
        "at_stake": points_text(ex.at_stake),
    }


def _percentile(row: dict[str, Any], iset: IndicatorSet, line_id: str, cents: Any) -> str:
    """The share of its stage cohort (with a value) an enterprise beats, for a percentile
    indicator it is scored on: "95.0%" ("" otherwise)."""
    ind = next((i for i in iset.indicators if i.id == line_id), None)
    if ind is None or ind.method != "percentile" or cents is None:
        return ""
    known, beaten = row[c(ind.id, "known")], row[c(ind.id, "beaten")]
    if not known:
        return ""
    share = Decimal(100) if known == 1 else Decimal(100 * beaten) / (known - 1)
    return f"{share.quantize(Decimal('0.1'))}%"


def set_version(point_set: PointSet, iset: IndicatorSet) -> str:
    return f"{iset.title} 第{point_set.version}版（{point_set.year}年）"


def score_county(
    *,
    actor: Any,
    county: Region,
    year: int,
    point_set: PointSet | None = None,
    note: str = "",
    progress: Reporter | None = None,
    via: str = "web",
) -> ScoreRun:
    """Score every enterprise of `county` for `year` in one pass of the rules, by the
    year's published set (or `point_set`), and store the run with its inputs hash."""
    require_manage(actor, county)
    report = progress or (lambda done, total, message="": None)
    chosen = point_set or published_set(county, year)
    if chosen is None:
        raise ValidationFailed(
            [FieldError("point_set", "指标体系", f"{year}年尚无已发布的指标体系，请先发布")]
        )
    iset = parsed(chosen)
    report(0, 3, "读取企业数据…")
    frame = inputs.facts_frame(county, year)
    digest = inputs.inputs_hash(frame)
    report(1, 3, f"计分（{frame.height}家企业）…")
    scored = score(frame, iset)
    fields = iset.fields
    rows = scored.to_dicts()
    facts = frame.select(["key", *fields]).to_dicts()
    inputs_by_key = {r["key"]: {k: r[k] for k in fields} for r in facts}
    report(2, 3, "保存结果…")
    with transaction.atomic():
        run = ScoreRun.objects.create(
            region=county,
            year=year,
            point_set=chosen,
            set_version=set_version(chosen, iset),
            inputs_hash=digest,
            enterprises=frame.height,
            scored=sum(1 for r in rows if r["total"] is not None),
            note=note[:200],
            created_by=actor,
        )
        objs = []
        for r in rows:
            tier = r["tier"]
            total = r["total"]
            objs.append(
                Score(
                    run=run,
                    enterprise_id=r["key"],
                    stage=r["stage"] or "",
                    stage_label=iset.stage_label(r["stage"]) if r["stage"] else "",
                    total_cents=total,
                    total=None if total is None else Decimal(total) / 100,
                    rank=r["rank"],
                    cohort=r["cohort"],
                    overall_rank=r["overall_rank"],
                    tier=tier or "",
                    tier_label=next((t.label for t in iset.tiers if t.id == tier), ""),
                    at_stake_cents=r["at_stake"] or 0,
                    explanation=explanation_dict(r, iset),
                    inputs={k: _jsonable(v) for k, v in inputs_by_key[r["key"]].items()},
                )
            )
        Score.objects.bulk_create(objs, batch_size=500)
        audit_log(
            actor=actor,
            action="create",
            obj=run,
            after=snapshot(run),
            via=via,
            note=f"{county.name}{year}年积分计算：{run.scored}/{run.enterprises}家计分，"
            f"{run.set_version}",
        )
    report(3, 3, "完成")
    return run


@job_body
def points_scoring(*, actor: Any, report: Reporter, county: str, year: int) -> dict[str, Any]:
    """The background job behind 计算积分 (inline in tests)."""
    from django.urls import reverse

    region = county_of_actor(actor, county)
    run = score_county(actor=actor, county=region, year=year, progress=report)
    return {
        "summary": f"{year}年积分计算完成：{run.scored}家企业计分（共{run.enterprises}家）",
        "url": reverse("points:list", args=[year]),
        "url_label": "查看积分排名",
    }


def score_start(*, actor: Any, county: Region, year: int) -> Job:
    require_manage(actor, county)
    if published_set(county, year) is None:
        raise ValidationFailed(
            [FieldError("point_set", "指标体系", f"{year}年尚无已发布的指标体系，请先发布")]
        )
    return job_start(
        actor=actor, kind="创新积分计算", task=points_scoring, county=county.code, year=year
    )


# -- what-if ----------------------------------------------------------------------------------


def compare(frame: pl.DataFrame, before: IndicatorSet, after: IndicatorSet) -> list[dict[str, Any]]:
    """How every enterprise of `frame` moves from `before` to `after`: totals, stage
    ranks and tiers under each (one scoring pass per set)."""
    cols = ["key", "stage", "total", "rank", "tier"]
    a = score(frame, before).select(cols)
    b = score(frame, after).select(cols)
    joined = a.join(b, on="key", suffix="_after")
    tiers_a = {t.id: t.label for t in before.tiers}
    tiers_b = {t.id: t.label for t in after.tiers}
    out = []
    for r in joined.to_dicts():
        out.append(
            {
                "key": r["key"],
                "stage": before.stage_label(r["stage"]) if r["stage"] else "",
                "total_before": r["total"],
                "total_after": r["total_after"],
                "rank_before": r["rank"],
                "rank_after": r["rank_after"],
                "tier_before": tiers_a.get(r["tier"] or "", ""),
                "tier_after": tiers_b.get(r["tier_after"] or "", ""),
                "moved": (r["rank"] or 0) - (r["rank_after"] or 0),
                "crossed": (r["tier"] or "") != (r["tier_after"] or ""),
            }
        )
    return out


# -- the 公示 -----------------------------------------------------------------------------------


def _summary(s: Score) -> str:
    if s.total is None:
        return "未计分（缺少当年销售收入）"
    tier = f"，{s.tier_label}" if s.tier_label else ""
    return f"总分{s.total:.2f}分，{s.stage_label}第{s.rank}名（共{s.cohort}家）{tier}"


def _records(run: ScoreRun) -> tuple[list[Application], dict[int, str]]:
    """The year's points records (applications of the `points` programme), one per
    scored enterprise, in overall rank order, with their 公示 lines."""
    scores = list(
        Score.objects.filter(run=run, total_cents__isnull=False)
        .select_related("enterprise")
        .order_by("overall_rank", "enterprise__name", "pk")
    )
    have = {
        a.enterprise_id: a
        for a in Application.objects.filter(
            programme=PROGRAMME, year=run.year, enterprise_id__in=[s.enterprise_id for s in scores]
        ).select_related("enterprise")
    }
    new = [
        Application(
            programme=PROGRAMME,
            enterprise=s.enterprise,
            year=run.year,
            stage="published",
            unique_key=str(run.year),
            title="企业科技创新积分",
        )
        for s in scores
        if s.enterprise_id not in have
    ]
    Application.objects.bulk_create(new, batch_size=500)
    for a in new:
        have[a.enterprise_id] = a
    # No audit line per record: the 公示 that lists them is logged (publicity_publish).
    apps = [have[s.enterprise_id] for s in scores]
    summaries = {have[s.enterprise_id].pk: _summary(s) for s in scores}
    return apps, summaries


def latest_run(county: Region, year: int) -> ScoreRun | None:
    return ScoreRun.objects.filter(region=county, year=year).order_by("-created_at", "-id").first()


def publication_publish(
    *,
    actor: Any,
    county: Region,
    year: int,
    starts_on: dt.date,
    ends_on: dt.date,
    run: ScoreRun | None = None,
    via: str = "web",
) -> Publication:
    """Publish the year's rank list (the latest run, scored by the published set) as a
    公示 with an objection window from `starts_on` to `ends_on`."""
    require_manage(actor, county)
    run = run or latest_run(county, year)
    if run is None:
        raise ValidationFailed([FieldError("run", "积分计算", f"{year}年尚未计算积分")])
    if run.point_set.status != PointSet.Status.PUBLISHED:
        raise ValidationFailed(
            [FieldError("run", "积分计算", "最近一次计算所用的指标体系不是已发布版本，请重新计算")]
        )
    if Publication.objects.filter(region=county, year=year).exists():
        raise Conflict(f"{year}年积分排名已公示；更正后请“重新发布”")
    with transaction.atomic():
        apps, summaries = _records(run)
        publicity = frame.publicity_publish(
            actor=actor,
            programme=PROGRAMME,
            title=f"{county.name}{year}年度企业科技创新积分排名公示",
            starts_on=starts_on,
            ends_on=ends_on,
            applications=apps,
            summaries=summaries,
            note=f"{run.set_version}；输入摘要 {run.inputs_hash[:12].upper()}",
            via=via,
        )
        pub = Publication.objects.create(region=county, year=year, run=run, publicity=publicity)
        audit_log(actor=actor, action="create", obj=pub, after=snapshot(pub), via=via)
    return pub


def publication_revise(
    *, actor: Any, publication: Publication, run: ScoreRun | None = None, via: str = "web"
) -> int:
    """Re-publish after a correction: the list shows the latest run from now on (the
    公示's window and objections stay). Returns how many enterprises' lines changed."""
    require_manage(actor, publication.region)
    run = run or latest_run(publication.region, publication.year)
    if run is None or run.pk == publication.run_id:
        raise Conflict("没有新的积分计算结果，无需重新发布；请先更正数据并重新计算")
    if run.point_set.status != PointSet.Status.PUBLISHED:
        raise ValidationFailed(
            [FieldError("run", "积分计算", "最近一次计算所用的指标体系不是已发布版本，请重新计算")]
        )
    with transaction.atomic():
        pub = Publication.objects.select_for_update().get(pk=publication.pk)
        before = snapshot(pub)
        apps, summaries = _records(run)
        n = frame.publicity_revise(
            actor=actor,
            publicity=pub.publicity,
            applications=apps,
            summaries=summaries,
            note=f"按{run}重新发布",
            via=via,
        )
        pub.run = run
        pub.revisions += 1
        pub.save()
        audit_log(
            actor=actor,
            action="update",
            obj=pub,
            before=before,
            after=snapshot(pub),
            via=via,
            note=f"重新发布：{n}家企业的公示内容变更",
        )
    publication.refresh_from_db()
    return n


def publication_freeze(
    *, actor: Any, publication: Publication, on: dt.date, via: str = "web"
) -> Publication:
    """Freeze the list once its window has closed and every objection is resolved."""
    require_manage(actor, publication.region)
    with transaction.atomic():
        frame.publicity_freeze(actor=actor, publicity=publication.publicity, on=on, via=via)
        Application.objects.filter(
            programme=PROGRAMME,
            year=publication.year,
            publicity_entries__publicity=publication.publicity,
        ).update(stage="frozen")
        audit_log(
            actor=actor,
            action="update",
            obj=publication,
            after=snapshot(publication),
            via=via,
            note="积分排名定稿",
        )
    publication.refresh_from_db()
    return publication


def entry_of(publication: Publication, enterprise: Enterprise) -> PublicityEntry:
    entry = (
        PublicityEntry.objects.filter(
            publicity=publication.publicity, application__enterprise=enterprise
        )
        .select_related("application__enterprise", "publicity")
        .first()
    )
    if entry is None:
        raise NotFound(f"“{enterprise.name}”不在{publication}中")
    return entry


def objection_file(
    *,
    actor: Any,
    publication: Publication,
    enterprise: Enterprise,
    reason: str,
    on: dt.date,
    evidence: UploadedFile[bytes] | None = None,
    via: str = "web",
) -> Objection:
    """An enterprise objects to its own line (staff and officers record one received on
    paper), with an evidence file kept as a private attachment."""
    entry = entry_of(publication, enterprise)
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "异议理由", "不能为空")], "异议理由：不能为空")
    with transaction.atomic():
        doc = None
        if evidence is not None:
            doc = frame.attachment_add(
                actor=actor,
                enterprise=enterprise,
                file=evidence,
                title=f"积分异议证明材料：{Path(evidence.name or '').stem}"[:120],
                via=via,
            )
        return frame.objection_file(
            actor=actor, entry=entry, reason=reason, on=on, evidence=doc, via=via
        )


def objection_resolve(
    *,
    actor: Any,
    objection: Objection,
    upheld: bool,
    resolution: str,
    on: dt.date,
    via: str = "web",
) -> Objection:
    require_manage(actor, objection.entry.application.enterprise.region)
    return frame.objection_resolve(
        actor=actor, objection=objection, upheld=upheld, resolution=resolution, on=on, via=via
    )


def publicity_is_open(publication: Publication) -> bool:
    return publication.publicity.status != Publicity.Status.FROZEN
