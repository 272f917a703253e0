"""Benchmark (run by hand, not a test): import a generated 10,000-row yearly-facts sheet.

Prints the time and rows/s of the whole import (read, parse, check against the
registry, write facts + revisions + audit in one transaction) next to the time to
merely read the same file, and their ratio. Target: import ≤ 5 s and ≤ 5× the read.

    .venv/bin/python bench/import.py [--rows 10000] [--database-url sqlite:////tmp/x.sqlite3]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5, help="fiscal years per enterprise")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kc-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("KECHUANG_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from python_calamine import CalamineWorkbook

    from kechuang.accounts.models import Region, User
    from kechuang.enterprises import importing
    from kechuang.enterprises.models import YearlyFacts
    from kechuang.rules import uscc

    call_command("migrate", verbosity=0)
    if "sqlite" not in os.environ["DATABASE_URL"]:
        call_command("flush", "--noinput", verbosity=0)
    county = Region.objects.create(code="321283", name="泰兴市", kind="county")
    park = Region.objects.create(
        code="321283401", name="泰兴经济开发区", kind="park", parent=county
    )
    staff = User.objects.create_user("bench", password="x", role="staff")
    rng = random.Random(2020)
    n_firms = (args.rows + args.years - 1) // args.years
    codes = sorted({uscc.generate(rng) for _ in range(n_firms * 2)})[:n_firms]
    ent_csv = "统一社会信用代码,企业名称,所属镇街/园区\n" + "".join(
        f"{c},基准企业{i:05d}有限公司,{park.name}\n" for i, c in enumerate(codes)
    )
    importing.import_run(
        actor=staff, kind="enterprises", data=ent_csv.encode(), filename="e.csv", commit=True
    )

    import xlsxwriter

    headers = [c.header for c in importing.FACT_COLUMNS if not c.info]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("年度数据")
    ws.write_row(0, 0, headers)
    r = 0
    for code in codes:
        for year in range(2020 - args.years + 1, 2021):
            if r >= args.rows:
                break
            employees = rng.randint(20, 800)
            revenue = round(rng.uniform(500, 50000), 2)
            rd = round(revenue * rng.uniform(0.01, 0.08), 4)
            row = [
                code,
                year,
                employees,
                rng.randint(1, employees // 2),
                revenue,
                rd,
                round(rd * 0.9, 4),
                round(revenue * 0.6, 2),
                round(revenue * 1.3, 2),
                round(revenue * 1.05, 2),
                0,
                round(revenue * 0.7, 2),
                round(revenue * 0.9, 2),
                round(revenue * 1.1, 2),
                round(revenue * 0.5, 2),
                rng.randint(0, 5),
                "统计",
                "2021-03-31",
                "",
            ]
            ws.write_row(r + 1, 0, row)
            r += 1
    wb.close()
    data = buf.getvalue()

    t0 = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    read_s = time.perf_counter() - t0
    assert len(sheet) == args.rows + 1

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    plan = importing.import_run(
        actor=staff, kind="facts", data=data, filename="facts.xlsx", commit=True
    )
    import_s = time.perf_counter() - t0
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("KC_SORT", "cumulative")).print_stats(
            int(os.environ.get("KC_N", "30"))
        )
    assert plan.counts["new"] == args.rows and not plan.errors, plan.errors[:3]
    assert YearlyFacts.objects.count() == args.rows

    t0 = time.perf_counter()
    plan = importing.import_run(
        actor=staff, kind="facts", data=data, filename="facts.xlsx", commit=False
    )
    recheck_s = time.perf_counter() - t0
    assert plan.counts["unchanged"] == args.rows

    db = django.db.connection.vendor
    print(f"database              : {db}")
    print(
        f"rows                  : {args.rows:,} ({len(codes):,} enterprises × {args.years} years, {len(headers)} columns)"
    )
    print(f"file size             : {len(data) / 1024:,.0f} KiB")
    print(f"read only (calamine)  : {read_s:7.3f} s  {args.rows / read_s:>10,.0f} rows/s")
    print(f"import (check + write): {import_s:7.3f} s  {args.rows / import_s:>10,.0f} rows/s")
    print(
        f"preview of same file  : {recheck_s:7.3f} s  {args.rows / recheck_s:>10,.0f} rows/s (all unchanged)"
    )
    print(
        f"import / read ratio   : {import_s / read_s:7.2f} ×   (target ≤ 5×; import target ≤ 5 s)"
    )


if __name__ == "__main__":
    main()
