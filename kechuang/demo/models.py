from __future__ import annotations

from django.db import models


class DemoInstance(models.Model):
    """Set by `kechuang demo` (one row): this database holds the invented demo county and
    its five logins with the published password. Every page then says so (a banner), so
    nobody mistakes a demo for the bureau's real instance or types real data into it."""

    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        verbose_name = "演示实例标记"
        verbose_name_plural = "演示实例标记"

    def __str__(self) -> str:
        return f"演示实例（{self.loaded_at:%Y-%m-%d}载入）"


def demo_instance() -> bool:
    return DemoInstance.objects.exists()


def mark_demo_instance() -> None:
    if not DemoInstance.objects.exists():
        DemoInstance.objects.create()
