"""Pages: a what-if self-assessment, an Excel upload that returns the result workbook,
and the whole-registry assessment that stores dated snapshots."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import is_bureau, role_of
from kechuang.assessments import selectors as assessment_selectors
from kechuang.assessments import services
from kechuang.assessments.panels import default_as_of
from kechuang.assessments.presentation import present_counts, present_results
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.web import Column, Listing, date_param, kept_year, xlsx_response, year_param
from kechuang.enterprises import selectors
from kechuang.rules import outputs
from kechuang.rules.fields import FIELDS

EDITABLE = [f for f in FIELDS if f.key not in ("uscc", "name", "as_of")]
GROUPS = [
    ("基本情况", ["registered_on", "tech_domain", "employees", "tech_staff"]),
    ("财务（万元）", [f.key for f in FIELDS if f.kind == "money"]),
    (
        "知识产权与成果",
        ["ip_class1", "ip_class2", "ip_self_developed", "core_ip", "conversions_3y", "standards"],
    ),
    (
        "合规与资质",
        [
            "major_incident",
            "credit_blacklisted",
            "prohibited_industry",
            "hnte_ever",
            "hnte_valid",
            "national_award_5y",
            "provincial_rd_institution",
            "standard_lead_5y",
        ],
    ),
    ("专家评分（可留空）", [f.key for f in FIELDS if f.kind == "score"]),
]


ROW_PREFIX = re.compile(r"^第\d+行\s*")


def _same(raw: str | None, base: Any) -> bool:
    """A typed value equals the registry's ("3182.70" is "3182.7")."""
    if raw == base or (raw is None and base in (None, "")):
        return True
    try:
        return Decimal(str(raw)) == Decimal(str(base))
    except (InvalidOperation, ValueError):
        return False


def _as_of(request: HttpRequest) -> dt.date:
    """?as_of= (or the form's), else today."""
    return date_param(request, "as_of")


@login_required
def self_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """Try "what if" values on top of the registry's; nothing is saved."""
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    as_of = default_as_of(request, kept_year(request) or selectors.latest_year_of(enterprise))
    base, _doc = services.enterprise_assessment(enterprise=enterprise, as_of=as_of, rules="all")
    values = dict(base)
    overrides: dict[str, Any] = {}
    errors: list[str] = []
    results = None
    if request.method == "POST":
        for f in EDITABLE:
            raw = request.POST.get(f.key, "").strip()
            value = raw or None
            if not _same(value, base.get(f.key)):
                overrides[f.key] = value
            values[f.key] = value
    try:
        _rec, doc = services.enterprise_assessment(
            enterprise=enterprise, as_of=as_of, rules="all", overrides=overrides, base=base
        )
        results = present_results(doc["results"])
    except ValidationFailed as exc:
        # One enterprise, one row: "第2行 " would only puzzle.
        errors = [ROW_PREFIX.sub("", e.message) for e in exc.errors] or [exc.message]
    groups = [
        (title, [(f, values.get(f.key), f.key in overrides) for f in FIELDS if f.key in keys])
        for title, keys in GROUPS
    ]
    return render(
        request,
        "assessments/self_assess.html",
        {
            "e": enterprise,
            "as_of": as_of,
            "groups": groups,
            "results": results,
            "errors": errors,
            "changed": [f.header for f in FIELDS if f.key in overrides],
            "ctx": {"results": results, "as_of": as_of},
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Assess an uploaded table of enterprises; the response is the result workbook."""
    if role_of(request.user) is None:
        raise PermissionDenied("请先登录")
    as_of = _as_of(request)
    context: dict[str, Any] = {
        "as_of": as_of,
        "rulesets": services.KNOWN_RULESETS,
        "job_rows": f"{settings.ASSESS_JOB_ROWS:,}",
        "max_rows": f"{settings.ASSESS_UPLOAD_MAX_ROWS:,}",
    }
    if request.method != "POST":
        return render(request, "assessments/upload.html", context)
    upload_file = request.FILES.get("file")
    if upload_file is None:
        context["errors"] = ["请选择要评价的文件"]
        return render(request, "assessments/upload.html", context, status=422)
    max_mb = settings.SHEET_LIMITS.max_mb
    if upload_file.size and upload_file.size > max_mb * 1024 * 1024:
        context["errors"] = [f"文件超过{max_mb}MB，请分批评价"]
        return render(request, "assessments/upload.html", context, status=422)
    given, filename = upload_file.read(), upload_file.name or ""
    rules = request.POST.get("rules") or None
    try:
        if services.assess_upload_is_big(data=given, filename=filename):
            # read and assessed by the background worker; its page gives the workbook
            job = services.assess_upload_start(
                actor=request.user, data=given, filename=filename, rules=rules, as_of=as_of
            )
            return redirect("jobs:detail", pk=job.pk)
        data = services.assess_upload(data=given, filename=filename, rules=rules, as_of=as_of)
    except ValidationFailed as exc:
        context["errors"] = [e.message for e in exc.errors] or [exc.message]
        return render(request, "assessments/upload.html", context, status=422)
    return xlsx_response(data, f"评价结果-{as_of.isoformat()}.xlsx")


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        outputs.write_template(path)
        data = path.read_bytes()
    return xlsx_response(data, "评价输入模板.xlsx")


def _counts_text(counts: list[dict[str, Any]]) -> str:
    return "；".join(
        f"{c['title']}：" + "、".join(f"{p['label']} {p['count']}" for p in c["parts"])
        for c in counts
    )


RUNS = Listing(
    name="runs",
    title="全库评价记录",
    columns=[
        Column("created_at", "时间", sort="created_at", css="text-nowrap"),
        Column("as_of", "评价日期", sort="as_of", css="text-nowrap"),
        Column("enterprises", "企业数", sort="enterprises", css="num"),
        Column(
            "counts",
            "结论",
            value=lambda r: present_counts(r.counts),
            display=_counts_text,
            exported=_counts_text,
            template="assessments/cells/run_counts.html",
        ),
        Column(
            "seconds",
            "用时（秒）",
            display=lambda v: "—" if v is None else f"{v:.2f}",
            sort="seconds",
            css="num",
        ),
        Column("created_by", "发起人", value=lambda r: str(r.created_by or "") or None),
    ],
    default_sort="-created_at",
    page_size=30,
    empty="尚无",
    table_id="runs",
)


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    if not is_bureau(request.user):
        raise DjangoPermissionDenied("只有科技局可以发起全库评价")
    table = RUNS.build(request, assessment_selectors.run_list(actor=request.user))
    if response := table.export_response():
        return response
    # As on the record pages: mid-year of the application year after the latest
    # complete reporting year (today's date would ask for years not reported yet).
    as_of = default_as_of(
        request, year_param(request, lambda: selectors.default_year(request.user))
    )
    pending = assessment_selectors.registry_jobs_pending(actor=request.user)
    return render(
        request, "assessments/runs.html", {"table": table, "as_of": as_of, "pending": pending}
    )


@login_required
@require_POST
def run_registry(request: HttpRequest) -> HttpResponse:
    """Queue the whole-registry assessment; its job page shows the progress."""
    try:
        job = services.registry_assessment_start(actor=request.user, as_of=_as_of(request))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    return redirect("jobs:detail", pk=job.pk)
