"""kechuang import KIND FILE [--dry-run] [--user USER]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kechuang.core import imports
from kechuang.core.errors import DomainError, ValidationFailed
from kechuang.core.management.actors import command_actor


class Command(BaseCommand):
    help = (
        "导入Excel/CSV：KIND 为各模块声明的导入类型（enterprises、facts、ip、certificates、"
        "statistics、targets……）。"
        "全部有效才写入（一个事务）；有错误时列出每一处并以状态2退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(imports.kinds()))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and preview only; write nothing"
        )
        parser.add_argument(
            "--user", default=None, help="act as this user (default: the first bureau staff)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        actor = self._actor(options["user"])
        try:
            plan = imports.import_run(
                actor=actor,
                kind=options["kind"],
                data=path.read_bytes(),
                filename=path.name,
                commit=not options["dry_run"],
            )
        except ValidationFailed as exc:
            console.print(f"[bold red]{exc.message}[/]")
            for line in exc.lines():
                console.print(f"  {line}", highlight=False)
            sys.exit(2)
        except DomainError as exc:
            console.print(f"[bold red]{exc.message}[/]")
            sys.exit(2)
        for w in plan.warnings:
            console.print(f"[yellow]{w}[/]", highlight=False)
        if plan.errors:
            console.print(f"[bold red]共{len(plan.errors)}处错误，未写入任何数据[/]")
            for e in plan.errors:
                console.print(f"  {e}", highlight=False)
            sys.exit(2)
        c = plan.counts
        table = Table(
            title=f"{imports.get_kind(plan.kind).title}{'（预览，未写入）' if options['dry_run'] else '（已导入）'}"
        )
        for col in ("行数", "新增", "修改", "未变"):
            table.add_column(col, justify="right")
        table.add_row(str(c["rows"]), str(c["new"]), str(c["changed"]), str(c["unchanged"]))
        Console().print(table)

    def _actor(self, username: str | None) -> Any:
        return command_actor(username)
