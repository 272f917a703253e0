"""kechuang assess INPUT [--rules …] [--as-of DATE] [--format json|jsonl|csv|xlsx|parquet] [--out PATH]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "按认定规则评价企业数据表（高企认定、科技型中小企业评价、省培育库入库），输出 JSON/CSV/Excel/Parquet；"
        "输入有错时列出全部错误并以状态2退出。`kechuang assess --template out.xlsx` 生成输入模板。无需数据库。"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "args", nargs="*", help="the same arguments as `python -m kechuang.rules assess`"
        )
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        # The rules engine owns the argument parsing (it works without Django too).
        from kechuang.rules.cli import main

        code = main(["assess", *argv[2:]], prog=Path(argv[0]).name)
        sys.stdout.flush()
        if code:
            sys.exit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        from kechuang.rules.cli import main

        code = main(["assess", *args])
        if code:
            sys.exit(code)
