"""kechuang restore FILE.tar.gz --yes"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kechuang.core import backup
from kechuang.core.errors import DomainError


class Command(BaseCommand):
    help = "从 kechuang backup 的文件恢复：替换数据库和文件，并逐表核对校验和。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm: the current data is replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            self.stderr.write("恢复会替换当前的全部数据和文件：确认请加 --yes")
            sys.exit(2)
        path: Path = options["file"]
        try:
            manifest = backup.restore(path)
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        self.stdout.write(
            f"已从 {path} 恢复（{manifest['created_at']} 的备份），"
            f"{len(manifest['tables'])} 张表校验一致"
        )
