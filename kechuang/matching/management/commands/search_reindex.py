"""`kechuang search_reindex`: rebuild the 产学研 search index from every app's records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kechuang.matching.services import search_reindex


class Command(BaseCommand):
    help = "重建产学研检索索引（专家、成果、高校院所、技术需求，及其他能力提供的检索条目）"

    def handle(self, *args: Any, **options: Any) -> None:
        n = search_reindex()
        self.stdout.write(f"已重建检索索引：{n} 条")
