"""kechuang export KIND OUT.xlsx [--region CODE] [--year Y]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.accounts.models import Region
from kechuang.core.tabular import write_rows_csv, write_rows_xlsx
from kechuang.enterprises import importing
from kechuang.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "导出企业名录、年度数据、知识产权或资质证书为 Excel/CSV（与导入模板同一格式）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(importing.KINDS))
        parser.add_argument("out", type=Path)
        parser.add_argument(
            "--region", default="", help="region code: only enterprises of this area"
        )
        parser.add_argument("--year", type=int, default=None, help="facts: only this fiscal year")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = Enterprise.objects.all()
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"区域 {options['region']} 不存在")
            qs = qs.in_region(region)
        headers, rows = importing.export_table(options["kind"], qs, year=options["year"])
        out: Path = options["out"]
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8-sig", newline="") as fh:
                write_rows_csv(fh, headers, rows)
        else:
            write_rows_xlsx(out, headers, rows, sheet=importing.KINDS[options["kind"]].title)
        self.stdout.write(f"已导出到 {out}")
