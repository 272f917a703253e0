"""kechuang template KIND OUT.xlsx"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kechuang.core import imports
from kechuang.core.tabular import write_template


class Command(BaseCommand):
    help = "生成导入模板（表头、填写说明、下拉选项）。Write an import template .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(imports.kinds()))
        parser.add_argument("out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        spec = imports.get_kind(options["kind"])
        write_template(
            options["out"],
            spec.columns,
            sheet=spec.title,
            lists=spec.template_lists() if spec.template_lists else None,
            note=spec.note,
        )
        self.stdout.write(f"已生成 {options['out']}")
