"""`kechuang demo`: load the demo county 泰兴市 (generated from a fixed seed, through the
registry's checks) and print the demo logins and the calibration figures."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kechuang.core import periods
from kechuang.core.errors import ValidationFailed
from kechuang.demo import calibration as cal
from kechuang.demo.city import load_city
from kechuang.demo.figures import LABELS, measured, targets
from kechuang.demo.load import load_demo


class Command(BaseCommand):
    help = (
        "载入演示县（泰兴市）：约1500家企业、2016–2020年度数据、知识产权和资质证书（固定随机种子）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="只在库中还没有任何企业时载入（make run 用）"
        )
        parser.add_argument("--quiet", action="store_true", help="不打印账号和校准表")
        parser.add_argument(
            "--city",
            action="store_true",
            help=(
                "载入泰州全市：演示县泰兴市，加上其他五个县（市、区）的生成企业、"
                "各县科技局和乡镇账号，以及市科技局账号"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, highlight=False)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        try:
            say = lambda msg: console.print(f"  [green]✓[/] {msg}")  # noqa: E731
            if options["city"]:
                if options["if_empty"]:
                    raise CommandError("--city 与 --if-empty 不能同时使用")
                with console.status("正在载入泰州全市（六个县（市、区））…"):
                    result = load_city(progress=say)
            else:
                with console.status("正在载入演示县 泰兴市…"):
                    result = load_demo(if_empty=options["if_empty"], progress=say)
        except ValidationFailed as exc:
            lines = "\n".join(exc.lines()[:20])
            raise CommandError(f"{exc.message}\n{lines}".strip()) from exc
        if result.status == "skipped":
            console.print("库中已有企业数据，跳过演示县（--if-empty）。")
            self._today(console)
            return
        if result.status == "present":
            console.print("演示县已载入，未作改动。")
        else:
            console.print(f"[bold]演示县载入完成[/]，用时 {time.perf_counter() - t0:.1f} 秒。")
        self._today(console)
        if options["quiet"]:
            return
        logins = Table(title="演示账号", title_justify="left")
        for col in ("用户名", "密码", "角色", "范围"):
            logins.add_column(col)
        for row in result.logins:
            logins.add_row(*row)
        console.print(logins)
        figures = measured("321283", cal.YEAR)
        want = targets()
        table = Table(title=f"校准（泰兴市 {cal.YEAR}年，由记录计数得出）", title_justify="left")
        table.add_column("指标", no_wrap=True)
        for col in ("记录计数", "目标（来自报告）", ""):
            table.add_column(col, no_wrap=True)
        for key, (label, unit) in LABELS.items():
            got, target = figures[key], want[key]
            ok = got is not None and got == target
            table.add_row(
                label, _fmt(got, unit), _fmt(target, unit), "[green]✓[/]" if ok else "[red]✗[/]"
            )
        console.print(table)
        series = figures["hnte_valid_series"]
        console.print(
            "有效高企（12月31日）：" + "，".join(f"{y}年 {n}家" for y, n in series.items())
        )

    def _today(self, console: Console) -> None:
        console.print(_today_line())


def _today_line() -> str:
    source = periods.today_source()
    day = periods.chinese_date(periods.today())
    if source == periods.TODAY_FROM_SETTING:
        return f"本实例的“今天”：{day}（环境变量 KECHUANG_TODAY）。"
    if source == periods.TODAY_FROM_DATA:
        return f"本实例的“今天”：{day}（演示县的日期，记在 var/today；KECHUANG_TODAY 优先）。"
    return f"本实例的“今天”：{day}（实际日期）。"


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "万元":
        return f"{value:,.2f} {unit}"
    return f"{value} {unit}"
