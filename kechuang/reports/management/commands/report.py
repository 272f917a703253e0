"""`kechuang report annual --year Y [--region CODE] --format json|md|docx|pdf [--out F]`"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.accounts.models import Region
from kechuang.reports.builder import FORMATS, build_annual, default_region, render


class Command(BaseCommand):
    help = "生成报告：annual = 年度科技创新工作总结（由记录计算，JSON/Markdown/Word/PDF）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="年度报告")
        annual.add_argument("--year", type=int, required=True, help="报告年度，如 2020")
        annual.add_argument("--region", default="", help="区域代码（默认：本县）")
        annual.add_argument("--format", choices=FORMATS, default="json")
        annual.add_argument(
            "--out", default="", help="输出文件（默认：标准输出；docx/pdf 必须指定）"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(f"区域代码 {opts['region']} 不存在")
        else:
            region = default_region()
            if region is None:
                raise CommandError("没有任何县（市、区）：请先运行 kechuang demo 或录入区域")
        fmt = opts["format"]
        if fmt in ("docx", "pdf") and not opts["out"]:
            raise CommandError(f"{fmt} 格式需要 --out 文件")
        report = build_annual(region=region, year=opts["year"], with_charts=fmt in ("docx", "pdf"))
        data = render(report, fmt)
        if opts["out"]:
            Path(opts["out"]).write_bytes(data)
            self.stderr.write(f"已生成 {opts['out']}（{region.name}{opts['year']}年，{fmt}）")
        else:
            sys.stdout.write(data.decode())
            if not data.endswith(b"\n"):
                sys.stdout.write("\n")
