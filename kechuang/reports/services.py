"""The annual report as a background job: Word and PDF take seconds (charts, fonts),
so the page queues them and the job page offers the file when it is ready."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.core.jobs import Actor, JobFile, Reporter, job_body, job_start
from kechuang.core.models import Job
from kechuang.reports.builder import CONTENT_TYPES, build_annual, render
from kechuang.reports.permissions import can_generate_reports
from kechuang.reports.selectors import report_region

# The formats built in the background; json and md are answered at once.
JOB_FORMATS = {"docx": "Word", "pdf": "PDF"}


def annual_report_start(*, actor: Actor, year: int, region_code: str, fmt: str) -> Job:
    """Queue the annual report of `year` for a region as a Word or PDF file."""
    allowed, reason = can_generate_reports(actor)
    if not allowed:
        raise PermissionDenied(reason)
    if fmt not in JOB_FORMATS:
        raise ValidationFailed([FieldError("format", "格式", "后台生成只支持 Word 或 PDF")])
    region = report_region(region_code, actor=actor)
    return job_start(
        actor=actor,
        kind=f"年度报告（{region.name}{year}年，{JOB_FORMATS[fmt]}）",
        task=annual_report_job,
        year=year,
        region=region.code,
        fmt=fmt,
    )


def annual_report_filename(region: Region, year: int, fmt: str) -> str:
    return f"{region.name}{year}年科技创新工作总结.{fmt}"


@job_body
def annual_report_job(*, actor: Any, report: Reporter, year: int, region: str, fmt: str) -> JobFile:
    """The job body: compute the report from the records, then write the file."""
    allowed, reason = can_generate_reports(actor)
    if not allowed:
        raise PermissionDenied(reason)
    place = report_region(region, actor=actor)
    report(0, 2, "由记录计算指标、绘制图表…")
    built = build_annual(region=place, year=year, with_charts=True, actor=actor)
    report(1, 2, f"生成 {JOB_FORMATS[fmt]} 文件…")
    data = render(built, fmt)
    report(2, 2, "保存文件…")
    name = annual_report_filename(place, year, fmt)
    return JobFile(
        filename=name,
        content_type=CONTENT_TYPES[fmt],
        data=data,
        summary={
            "summary": f"已生成《{name}》（{len(data) // 1024 + 1} KB）",
            "year": year,
            "region": place.code,
            "format": fmt,
        },
    )
