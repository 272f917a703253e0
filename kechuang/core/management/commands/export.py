"""kechuang export KIND OUT.xlsx [--region CODE] [--year Y] [--user USER]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kechuang.core import imports
from kechuang.core.errors import DomainError
from kechuang.core.management.actors import command_actor
from kechuang.core.tabular import write_rows_csv, write_rows_xlsx


class Command(BaseCommand):
    help = "按导入模板的格式导出为 Excel/CSV（导出的文件可以原样导回）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(imports.kinds()))
        parser.add_argument("out", type=Path)
        parser.add_argument("--region", default="", help="region code: only this area")
        parser.add_argument("--year", type=int, default=None, help="only this year")
        parser.add_argument(
            "--user", default=None, help="act as this user (default: the first bureau staff)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"])
        try:
            headers, rows = imports.export_rows(
                actor=actor, kind=options["kind"], region=options["region"], year=options["year"]
            )
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        out: Path = options["out"]
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8-sig", newline="") as fh:
                write_rows_csv(fh, headers, rows)
        else:
            write_rows_xlsx(out, headers, rows, sheet=imports.get_kind(options["kind"]).title)
        self.stdout.write(f"已导出到 {out}")
