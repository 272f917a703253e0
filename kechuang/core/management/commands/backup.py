"""kechuang backup FILE.tar.gz"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kechuang.core import backup
from kechuang.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份：数据库的一致快照（SQLite 在线备份 / pg_dump）、上传的文件和密钥，写入一个 .tar.gz。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            manifest = backup.backup(path)
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        files = sum(manifest["files"].values())
        self.stdout.write(
            f"已备份到 {path}：{manifest['engine']} 数据库 {len(manifest['tables'])} 张表、"
            f"{rows} 行，文件 {files} 个"
        )
