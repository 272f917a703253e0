"""The demo county's cultivation work (C3), written through the services as the
bureau's and the towns' demo users would: the reserve pool from the provincial-pool
certificates already in the registry (2018–2021; 71 entries in 2020, as in the seed)
topped up by the county to ≥ 150 firms in 2021, ledgers and batches 2018–2020
consistent with the HNTE certificates issued (plus the applicants who failed), the
2021 ledgers at varied stages, the 2021 targets of the seed's plan split across the
towns/parks, tasks and tracking visits. Idempotent: a second call does nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db import transaction

from kechuang.accounts.models import Region, User
from kechuang.core import periods
from kechuang.cultivation import grading, services
from kechuang.cultivation.models import ApplicationBatch, Ledger, PoolMembership
from kechuang.cultivation.pipeline import TARGET_METRICS
from kechuang.cultivation.selectors import open_on
from kechuang.enterprises.models import Certificate, Enterprise
from kechuang.programmes.models import Task
from kechuang.targets.models import Target

SEED = 2021
PLAN_YEAR = 2021
PAST_YEARS = (2018, 2019, 2020)
POOL_TARGET_2021 = 165  # the county tops the pool up beyond the seed's ≥150
FAIL_SHARE = 0.3  # failed first-time applicants per certified one (demo design)
COUNTY_CODE = "321283"
DAY = dt.timedelta(days=1)
PATH = ("coaching", "materials", "audit", "submitted", "review")


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def _batches(actor: User) -> dict[tuple[int, int], ApplicationBatch]:
    """Two batches a year; past ones dated by the certificates issued in them."""
    out: dict[tuple[int, int], ApplicationBatch] = {}
    for year in PAST_YEARS:
        for seq, word in ((1, "一"), (2, "二")):
            day = (
                Certificate.objects.filter(kind="hnte", batch=f"{year}年第{word}批")
                .order_by("issued_on")
                .values_list("issued_on", flat=True)
                .first()
            ) or _d(year, 11 + seq - 1, 20)
            out[(year, seq)] = services.batch_save(
                actor=actor,
                via="demo",
                data={
                    "year": year,
                    "seq": seq,
                    "submit_by": day - dt.timedelta(days=110),
                    "review_on": day - dt.timedelta(days=60),
                    "publicize_on": day - dt.timedelta(days=25),
                    "certified_on": day,
                },
            )
    plans = {
        1: (_d(2021, 6, 30), _d(2021, 9, 10), _d(2021, 10, 25), _d(2021, 11, 20)),
        2: (_d(2021, 8, 20), _d(2021, 10, 15), _d(2021, 11, 25), _d(2021, 12, 15)),
    }
    for seq, (sub, rev, pub, cert) in plans.items():
        out[(PLAN_YEAR, seq)] = services.batch_save(
            actor=actor,
            via="demo",
            data={
                "year": PLAN_YEAR,
                "seq": seq,
                "submit_by": sub,
                "review_on": rev,
                "publicize_on": pub,
                "certified_on": cert,
                "note": "计划日期，以省高企认定机构通知为准",
            },
        )
    return out


def _walk(actor: Any, ledger: Ledger, stages: list[tuple[str, dt.date]]) -> None:
    """Each stage as `ledger_transition` records it (event, audit, hooks), in one go."""
    services.ledger_walk(actor=actor, ledger=ledger, steps=stages, via="demo")


def _actor_for(firm: Enterprise, staff: User, officers: list[User]) -> User:
    for o in officers:
        if o.region and o.region.contains(firm.region):
            return o
    return staff


def _past(
    staff: User,
    officers: list[User],
    batches: dict[tuple[int, int], ApplicationBatch],
    rng: random.Random,
) -> None:
    county = Region.objects.get(code=COUNTY_CODE)
    for year in PAST_YEARS:
        certs = list(
            Certificate.objects.filter(kind="hnte", issued_on__year=year)
            .in_region(county)
            .select_related("enterprise", "enterprise__region")
            .order_by("issued_on", "number")
        )
        applied: list[
            tuple[Enterprise, str, ApplicationBatch, bool]
        ] = []  # firm, kind, batch, certified
        for c in certs:
            seq = 1 if "第一批" in c.batch else 2
            kind: str = Ledger.Kind.RENEWAL if c.note == "重新认定" else Ledger.Kind.FIRST
            applied.append((c.enterprise, kind, batches[(year, seq)], True))
        # The applicants who failed: firms the rule grades A/B that year but not certified.
        as_of = periods.application_as_of(year)
        taken = {c.enterprise_id for c in certs}
        valid = set(
            Certificate.objects.valid_on(as_of)
            .filter(kind="hnte")
            .values_list("enterprise_id", flat=True)
        )
        cands = list(
            Enterprise.objects.filter(status="active")
            .in_region(county)
            .exclude(pk__in=taken | valid)
            .exclude(tech_domain="")
            .order_by("pk")
        )
        grades = grading.grade_enterprises(cands, as_of)
        ab = [e for e in cands if grades[e.pk].code in ("A", "B")]
        n_first = sum(1 for a in applied if a[1] == Ledger.Kind.FIRST)
        for e in rng.sample(ab, min(len(ab), round(FAIL_SHARE * n_first))):
            applied.append((e, Ledger.Kind.FIRST, batches[(year, rng.choice((1, 2)))], False))
        for firm, kind, batch, ok in applied:
            actor = _actor_for(firm, staff, officers)
            ledger = services.ledger_open(
                actor=actor,
                enterprise=firm,
                year=year,
                kind=kind,
                on=_d(year, 3, 1),
                bureau_contact=staff,
                via="demo",
            )
            ledger.call = batch
            ledger.save(update_fields=["call"])
            assert batch.decided_on and batch.closes_on and batch.review_on and batch.publicity_on
            prep = [
                ("coaching", _d(year, 3, 15)),
                ("materials", _d(year, 4, 20)),
                ("audit", _d(year, 5, 25)),
                ("submitted", batch.closes_on),
            ]
            _walk(actor, ledger, prep)
            if ok:
                _walk(
                    staff,
                    ledger,
                    [
                        ("review", batch.review_on),
                        ("publicized", batch.publicity_on),
                        ("certified", batch.decided_on),
                    ],
                )
            else:
                _walk(staff, ledger, [("review", batch.review_on), ("failed", batch.decided_on)])


def _pool_from_certificates(staff: User) -> None:
    """Every provincial-pool certificate is a pool entry on its issue date."""
    by_day: dict[dt.date, list[Certificate]] = defaultdict(list)
    for c in (
        Certificate.objects.filter(kind="provincial_pool")
        .select_related("enterprise", "enterprise__region")
        .order_by("issued_on", "number")
    ):
        by_day[c.issued_on].append(c)
    for day, certs in sorted(by_day.items()):
        checks = grading.pool_entry_checks([c.enterprise for c in certs], day)
        for c in certs:
            if PoolMembership.objects.filter(enterprise=c.enterprise).exists():
                continue
            services.pool_propose(
                actor=staff,
                enterprise=c.enterprise,
                on=c.issued_on,
                via="demo",
                reason=f"省高企培育库入库（{c.number}）",
                entry_check=checks[c.enterprise_id],
            )


def _close_left(staff: User) -> None:
    """Entries whose firm was certified before the ledgers existed, or moved/closed."""
    for m in PoolMembership.objects.filter(status="active").select_related("enterprise"):
        later = (
            Certificate.objects.filter(
                kind="hnte", enterprise=m.enterprise, issued_on__gte=m.entered_on
            )
            .order_by("issued_on")
            .first()
        )
        if later is not None:
            services.pool_leave(
                actor=staff, membership=m, reason="certified", on=later.issued_on, via="demo"
            )
        elif m.enterprise.status != "active":
            reason = "moved" if m.enterprise.status == "moved" else "closed"
            services.pool_leave(
                actor=staff,
                membership=m,
                reason=reason,
                on=max(m.entered_on or _d(2020, 12, 31), _d(2020, 12, 31)),
                via="demo",
            )


def _pool_2021(staff: User, officers: list[User], rng: random.Random) -> dict[int, grading.Grade]:
    county = Region.objects.get(code=COUNTY_CODE)
    as_of = periods.application_as_of(PLAN_YEAR)
    day = as_of
    in_pool = set(
        PoolMembership.objects.filter(open_on(day)).values_list("enterprise_id", flat=True)
    )
    valid = set(
        Certificate.objects.valid_on(as_of)
        .filter(kind="hnte")
        .values_list("enterprise_id", flat=True)
    )
    ever = set(Certificate.objects.filter(kind="hnte").values_list("enterprise_id", flat=True))
    cands = list(
        Enterprise.objects.filter(status="active")
        .in_region(county)
        .exclude(pk__in=in_pool | valid | ever)
        .exclude(tech_domain="")
        .select_related("region")
        .order_by("pk")
    )
    grades = grading.grade_enterprises(cands, as_of)
    ranked = sorted(cands, key=lambda e: (grades[e.pk].code, grades[e.pk].distance, e.pk))
    need = max(0, POOL_TARGET_2021 - len(in_pool))
    checks = grading.pool_entry_checks(ranked[: need + 2], _d(2021, 3, 1))
    for i, e in enumerate(ranked[:need]):
        on = _d(2021, 3, 1) + dt.timedelta(days=i % 60)
        actor = _actor_for(e, staff, officers)
        m = services.pool_propose(
            actor=actor,
            enterprise=e,
            on=on,
            reason="县级后备培育库入库（2021年梯次培育）",
            via="demo",
            entry_check=checks[e.pk],
        )
        if m.status == PoolMembership.Status.PROPOSED:
            services.pool_decide(
                actor=staff, membership=m, approve=True, on=on + dt.timedelta(days=7), via="demo"
            )
    # Two proposals still waiting for the bureau.
    for e in ranked[need : need + 2]:
        actor = _actor_for(e, staff, officers)
        if actor.role == "officer":
            services.pool_propose(
                actor=actor,
                enterprise=e,
                on=_d(2021, 6, 20),
                reason="园区推荐",
                via="demo",
                entry_check=checks[e.pk],
            )
    members = list(
        PoolMembership.objects.filter(open_on(day)).select_related(
            "enterprise", "enterprise__region"
        )
    )
    return grading.grade_enterprises([m.enterprise for m in members], as_of)


def _ledgers_2021(
    staff: User,
    officers: list[User],
    batches: dict[tuple[int, int], ApplicationBatch],
    grades: dict[int, grading.Grade],
    rng: random.Random,
) -> None:
    y = PLAN_YEAR
    b1, b2 = batches[(y, 1)], batches[(y, 2)]
    firms = {e.pk: e for e in Enterprise.objects.filter(pk__in=grades).select_related("region")}
    plan: list[tuple[Enterprise, str, str, ApplicationBatch | None]] = []
    for eid, g in sorted(grades.items()):
        if g.code == "A":
            plan.append(
                (firms[eid], Ledger.Kind.FIRST, rng.choice(("audit", "submitted", "submitted")), b1)
            )
        elif g.code == "B":
            plan.append(
                (firms[eid], Ledger.Kind.FIRST, rng.choice(("coaching", "materials", "audit")), b2)
            )
        elif g.code == "C":
            plan.append(
                (firms[eid], Ledger.Kind.FIRST, rng.choice(("pool", "pool", "coaching")), None)
            )
    end = dt.date(y, 12, 31)
    expiring = (
        Certificate.objects.valid_on(_d(y - 1, 12, 31))
        .filter(kind="hnte", valid_until__lt=end, enterprise__status="active")
        .exclude(
            enterprise__certificates__kind="hnte", enterprise__certificates__valid_until__gte=end
        )
        .select_related("enterprise", "enterprise__region")
        .order_by("enterprise_id")
    )
    for c in expiring:
        plan.append(
            (
                c.enterprise,
                Ledger.Kind.RENEWAL,
                rng.choice(("materials", "audit", "submitted")),
                b1 if c.valid_until and c.valid_until.month < 12 else b2,
            )
        )
    to_plan: dict[int, list[Ledger]] = defaultdict(list)
    dates = {
        "coaching": _d(y, 3, 20),
        "materials": _d(y, 4, 25),
        "audit": _d(y, 5, 28),
        "submitted": _d(y, 6, 25),
    }
    for firm, kind, stage, batch in plan:
        if Ledger.objects.filter(enterprise=firm, year=y).exists():
            continue
        actor = _actor_for(firm, staff, officers)
        ledger = services.ledger_open(
            actor=actor,
            enterprise=firm,
            year=y,
            kind=kind,
            on=_d(y, 3, 5),
            bureau_contact=staff,
            via="demo",
        )
        if stage != "pool":
            upto = ["coaching", "materials", "audit", "submitted"]
            _walk(actor, ledger, [(s, dates[s]) for s in upto[: upto.index(stage) + 1]])
        if batch is not None:
            to_plan[batch.pk].append(ledger)
        if actor.role == "officer" and rng.random() < 0.6:
            services.visit_record(
                actor=actor,
                ledger=ledger,
                visited_on=_d(y, 4, 10) + dt.timedelta(days=rng.randint(0, 60)),
                summary="上门辅导：研发费用归集、知识产权布局、申报材料要点",
                problems=rng.choice(("", "研发辅助账不规范", "高新技术产品收入台账缺失")),
                via="demo",
            )
    for batch in (b1, b2):
        services.batch_plan(actor=staff, ledgers=to_plan[batch.pk], batch=batch, via="demo")


def _targets(staff: User) -> None:
    """Split the county's 2021 plan (entered once, by the targets demo) across the
    towns and parks, in proportion to what each holds."""
    county = Region.objects.get(code=COUNTY_CODE)
    y = PLAN_YEAR
    plan = {
        t.indicator: int(t.need())
        for t in Target.objects.filter(year=y, region=county, indicator__in=TARGET_METRICS)
    }
    areas = list(county.children.all().order_by("sort_order"))
    valid_w: dict[int, int] = defaultdict(int)
    pool_w: dict[int, int] = defaultdict(int)
    ab_w: dict[int, int] = defaultdict(int)
    for a in areas:
        valid_w[a.pk] = (
            Certificate.objects.valid_on(_d(y - 1, 12, 31))
            .filter(kind="hnte")
            .in_region(a)
            .values("enterprise")
            .distinct()
            .count()
        )
        pool_w[a.pk] = (
            PoolMembership.objects.filter(open_on(periods.application_as_of(y)))
            .in_region(a)
            .count()
        )
        ab_w[a.pk] = (
            Ledger.objects.filter(year=y, kind="first", call__isnull=False).in_region(a).count()
        )
    by_pk = {a.pk: a for a in areas}
    for metric, weights in (
        ("hnte_valid", valid_w),
        ("pool_size", pool_w),
        ("hnte_new", ab_w),
    ):
        total = plan.get(metric)
        if total is None:
            continue
        for pk, value in services.split_evenly(total, dict(weights)).items():
            services.target_set(
                actor=staff, year=y, region=by_pk[pk], metric=metric, value=value, via="demo"
            )


def _tasks(
    staff: User, officers: list[User], batches: dict[tuple[int, int], ApplicationBatch]
) -> None:
    county = Region.objects.get(code=COUNTY_CODE)
    y = PLAN_YEAR
    owners = {o.region_id: o for o in officers}
    for a in county.children.all().order_by("sort_order"):
        if not Ledger.objects.filter(year=y).in_region(a).exists():
            continue
        owner = owners.get(a.pk)
        t1 = services.task_create(
            actor=staff,
            title="组织入库企业参加高企政策与研发费用归集培训",
            region=a,
            due_on=_d(y, 4, 30),
            owner=owner,
            via="demo",
        )
        services.task_set_status(actor=staff, task=t1, status="done", on=_d(y, 4, 28), via="demo")
        services.task_create(
            actor=staff,
            title=f"督促{batches[(y, 1)].name}企业完成网上申报",
            region=a,
            due_on=_d(y, 6, 25),
            owner=owner,
            batch=batches[(y, 1)],
            via="demo",
        )
        services.task_create(
            actor=staff,
            title="完成培育库企业季度走访",
            region=a,
            due_on=_d(y, 7, 31),
            owner=owner,
            via="demo",
        )
    # One task per 黄桥镇 A-grade firm of the first batch, pushed to the town.
    for lg in Ledger.objects.filter(
        year=y, call=batches[(y, 1)], enterprise__region__code="321283101"
    )[:3]:
        services.task_create(
            actor=staff,
            title=f"协助{lg.enterprise.name}完成专项审计报告",
            region=lg.enterprise.region,
            enterprise=lg.enterprise,
            due_on=_d(y, 6, 10),
            owner=owners.get(lg.enterprise.region_id),
            via="demo",
        )


def load_demo_cultivation() -> int:
    """Load the demo county's cultivation records; the number of pool entries and
    ledgers written (0 when they are already there or the demo county is missing)."""
    if ApplicationBatch.objects.filter(year=PAST_YEARS[0]).exists() or Task.objects.exists():
        return 0
    staff = User.objects.filter(username="kjj").first()
    if staff is None:
        return 0
    officers = list(
        User.objects.filter(username__in=["huangqiao", "kaifaqu"]).select_related("region")
    )
    rng = random.Random(SEED)
    with transaction.atomic():
        batches = _batches(staff)
        _pool_from_certificates(staff)
        _past(staff, officers, batches, rng)
        _close_left(staff)
        grades = _pool_2021(staff, officers, rng)
        m = (
            PoolMembership.objects.filter(
                status="active", enterprise_id__in=[k for k, g in grades.items() if g.code == "C"]
            )
            .order_by("pk")
            .first()
        )
        if m is not None:
            services.grade_override(
                actor=staff,
                membership=m,
                grade="B",
                reason="企业已启动发明专利申请并扩充研发团队，局务会研究列为B级",
                via="demo",
            )
            grades[m.enterprise_id] = grading.grade_one(
                m.enterprise, periods.application_as_of(PLAN_YEAR), ("B", "")
            )
        _ledgers_2021(staff, officers, batches, grades, rng)
        _targets(staff)
        _tasks(staff, officers, batches)
    return PoolMembership.objects.count() + Ledger.objects.count()
