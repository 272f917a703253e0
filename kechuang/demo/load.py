"""Load the demo county into the database through the registry's own checks.

Enterprises, yearly facts, IP items and certificates go through the import plans of
`kechuang.enterprises.importing` (the same per-row checks, permission checks and audit
log as an uploaded sheet), acting as the bureau's demo user. Everything is one
transaction: a demo lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kechuang.accounts.models import Region, User
from kechuang.core import periods
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.imports import ImportPlan
from kechuang.core.registry import demo_phases
from kechuang.demo import calibration as cal
from kechuang.demo.generate import LAST_DAY, DemoData, generate
from kechuang.demo.models import mark_demo_instance
from kechuang.demo.regions import ensure_regions
from kechuang.enterprises.importing import get_kind
from kechuang.enterprises.models import Enterprise, EnterpriseMember, HelperAssignment
from kechuang.enterprises.permissions import can_import

DEMO_PASSWORD = "kechuang2021"
# The demo instance's today (`periods.keep_today`): its records end mid-2021.
DEMO_TODAY = LAST_DAY
MARKER_ENTERPRISE = "济川药业集团有限公司"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    region_code: str | None
    scope: str  # shown in the logins table
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "kjj",
        "王科长",
        User.Role.STAFF,
        "321283",
        "泰兴市（可用管理后台）",
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser("huangqiao", "黄桥镇 刘助理", User.Role.OFFICER, "321283101", "黄桥镇"),
    DemoUser("kaifaqu", "经开区 陈主任", User.Role.OFFICER, "321283401", "泰兴经济开发区"),
    DemoUser("qiye", "企业联系人 张经理", User.Role.ENTERPRISE, None, ""),
    DemoUser("bangban", "帮办员 周专员", User.Role.HELPER, None, ""),
)
HELPER_ENTERPRISES = 10
HELPER_SINCE = dt.date(2021, 3, 1)


@dataclass
class LoadResult:
    status: str  # loaded | present | skipped
    timings: list[tuple[str, float, int]] = field(default_factory=list)  # phase, seconds, rows
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)  # 用户名 密码 角色 范围


def demo_present() -> bool:
    return (
        User.objects.filter(username="kjj").exists()
        and Enterprise.objects.filter(name=MARKER_ENTERPRISE).exists()
    )


def import_rows(*, actor: Any, kind: str, rows: list[dict[str, Any]], chunk: int = 5000) -> int:
    """Write parsed rows through an import plan (what `import_run` does after parsing a
    sheet): every row checked, any error rejects the whole call."""
    allowed, reason = can_import(actor)
    if not allowed:
        raise PermissionDenied(reason)
    spec = get_kind(kind)
    written = 0
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        plan = ImportPlan(spec.key)
        with transaction.atomic():
            apply = spec.plan(actor, list(enumerate(part, start=start + 2)), plan)
            if plan.errors:
                raise ValidationFailed(
                    plan.errors, f"演示数据（{spec.title}）有{len(plan.errors)}处错误"
                )
            apply()
        written += plan.counts["new"] + plan.counts["changed"]
    return written


def _ensure_users(regions: dict[str, Region]) -> dict[str, User]:
    users: dict[str, User] = {}
    # One hash for the five logins: they share the published demo password, and each
    # Argon2 hash costs a noticeable part of a second.
    hashed = make_password(DEMO_PASSWORD)
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User.objects.create_user(
                spec.username,
                password=None,
                role=spec.role,
                display_name=spec.display_name,
                region=regions.get(spec.region_code) if spec.region_code else None,
                is_staff=spec.is_staff,
                is_superuser=spec.is_superuser,
            )
            user.password = hashed
            user.save(update_fields=["password"])
        users[spec.username] = user
    return users


def _bind_users(users: dict[str, User], data: DemoData) -> None:
    """The enterprise user keeps one 黄桥镇 firm's record; the helper serves ten firms."""
    actor = users["kjj"]
    qiye = next(
        f for f in data.firms if f.area == "黄桥镇" and 2020 in f.sme_years and f.tech_domain
    )
    by_uscc = {
        e.uscc: e
        for e in Enterprise.objects.filter(region__name__in=["黄桥镇", "分界镇", "古溪镇"])
    }
    if not EnterpriseMember.objects.filter(user=users["qiye"]).exists():
        member = EnterpriseMember.objects.create(user=users["qiye"], enterprise=by_uscc[qiye.uscc])
        audit_log(
            actor=actor,
            action="create",
            obj=member,
            after=snapshot(member),
            enterprise_id=member.enterprise_id,
            via="demo",
        )
    helped = [
        f
        for f in data.firms
        if f.area in ("黄桥镇", "分界镇", "古溪镇")
        and f.status == "active"
        and f.tech_domain
        and not f.is_hnte
    ][:HELPER_ENTERPRISES]
    for f in helped:
        assignment, created = HelperAssignment.objects.get_or_create(
            user=users["bangban"], enterprise=by_uscc[f.uscc], defaults={"since_on": HELPER_SINCE}
        )
        if created:
            audit_log(
                actor=actor,
                action="create",
                obj=assignment,
                after=snapshot(assignment),
                enterprise_id=assignment.enterprise_id,
                via="demo",
            )


def logins() -> list[tuple[str, str, str, str]]:
    out = []
    for spec in DEMO_USERS:
        user = (
            User.objects.filter(username=spec.username)
            .select_related("membership__enterprise")
            .first()
        )
        if user is None:
            continue
        scope = spec.scope
        if spec.role == User.Role.ENTERPRISE:
            membership = getattr(user, "membership", None)
            scope = membership.enterprise.name if membership else "（未绑定）"
        elif spec.role == User.Role.HELPER:
            scope = f"{user.assignments.count()}家帮办企业"
        out.append((spec.username, DEMO_PASSWORD, user.role_label, scope))
    return out


def load_demo(
    *, if_empty: bool = False, progress: Callable[[str], None] | None = None
) -> LoadResult:
    """Load the demo county. Idempotent: a database holding the demo is left as it is;
    with `if_empty`, any enterprise at all means "skip". A database with other
    enterprises but no demo is refused (the demo's figures would not add up)."""
    say = progress or (lambda _msg: None)
    if if_empty and Enterprise.objects.exists():
        if demo_present():
            mark_demo_instance()
            periods.keep_today(DEMO_TODAY)
        return LoadResult("skipped", logins=logins())
    if demo_present():
        mark_demo_instance()
        periods.keep_today(DEMO_TODAY)
        return LoadResult("present", logins=logins())
    if Enterprise.objects.exists():
        raise ValidationFailed(
            [], "数据库中已有企业数据，演示县只能载入空库（可用 --if-empty 跳过）"
        )
    result = LoadResult("loaded")

    def phase(label: str, fn: Callable[[], int]) -> None:
        t0 = time.perf_counter()
        n = fn()
        result.timings.append((label, time.perf_counter() - t0, n))
        say(f"{label}：{n} 条，{time.perf_counter() - t0:.1f} 秒")

    with transaction.atomic():
        # First: the banner says "demo" from the moment its published logins exist.
        mark_demo_instance()
        holder: dict[str, Any] = {}

        def regions_users() -> int:
            holder["regions"] = ensure_regions()
            holder["users"] = _ensure_users(holder["regions"])
            return len(holder["regions"]) + len(holder["users"])

        def make() -> int:
            holder["data"] = generate(cal.SEED)
            d: DemoData = holder["data"]
            return len(d.enterprises) + len(d.facts) + len(d.ip_items) + len(d.certificates)

        phase("区域与用户", regions_users)
        phase("生成演示数据", make)
        actor = holder["users"]["kjj"]
        data: DemoData = holder["data"]
        phase(
            "企业名录", lambda: import_rows(actor=actor, kind="enterprises", rows=data.enterprises)
        )
        phase("年度数据", lambda: import_rows(actor=actor, kind="facts", rows=data.facts))
        phase("年度数据更正", lambda: import_rows(actor=actor, kind="facts", rows=data.corrections))
        phase("知识产权", lambda: import_rows(actor=actor, kind="ip", rows=data.ip_items))
        phase(
            "资质证书",
            lambda: import_rows(actor=actor, kind="certificates", rows=data.certificates),
        )

        def bind() -> int:
            _bind_users(holder["users"], data)
            return 1 + HELPER_ENTERPRISES

        phase("用户绑定", bind)

        # Then what every capability adds (its `contributions.DEMO`), in order.
        for contributed in demo_phases():
            phase(contributed.label, lambda p=contributed: p.run(actor))  # type: ignore[misc]
    periods.keep_today(DEMO_TODAY)
    result.logins = logins()
    return result
