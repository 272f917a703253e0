"""Benchmark (run by hand, not a test): the pages the load test requests, one at a time,
in one process — queries per page, the best time of a few runs, and a cProfile.

    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/h_load_county
        [--user kjj] [--repeat 3] [--profile /targets/region/321283/] [--out bench/profiles/x.txt]
        [--explain]

The database must hold the demo (`bench/load.py --setup-only` makes one). The trivial
view `/healthz` is timed in the same run as the baseline. `--explain` prints the
PostgreSQL plan of each page's slowest query.

Besides wall time (meaningless on a busy machine) each page gets its CPU time: this
process's (`time.process_time`: Django, the rules, the templates) and, on PostgreSQL,
that of the database backend serving this connection (from /proc/<pid>/stat, 10 ms
ticks, so averaged over the repeats) — both counted per request, so they can be
compared between runs taken under different loads.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--var-dir", default="", help="KECHUANG_VAR_DIR (default: a temp dir)")
    parser.add_argument("--user", default="kjj")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated names of pages to time")
    parser.add_argument("--profile", default="", help="a page name or path to cProfile")
    parser.add_argument("--out", default="", help="write the profile summary here")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    if args.var_dir:
        os.environ["KECHUANG_VAR_DIR"] = args.var_dir
    else:
        import tempfile

        os.environ.setdefault("KECHUANG_VAR_DIR", tempfile.mkdtemp(prefix="kc-pages-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    # As bench/load.py serves it: plain http (no https redirect), the demo's day.
    os.environ.setdefault("KECHUANG_HTTPS", "0")
    os.environ.setdefault("KECHUANG_TODAY", "2021-06-30")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.targets import pages_for
    from kechuang.accounts.models import User

    call_command("collectstatic", "--noinput", verbosity=0)
    # Outside tests every request starts by emptying the query log: keep it to count.
    from django.core.signals import request_started
    from django.db import reset_queries

    request_started.disconnect(reset_queries)
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    pages = pages_for(args.user)
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.name in wanted or p.name == "healthz"]
    print(
        f"{'page':<22} {'path':<44} {'status':>6} {'queries':>8} {'app CPU ms':>11} "
        f"{'db CPU ms':>10} {'best ms':>9} {'× healthz':>10}"
    )
    base = None
    backend = _backend_pid(connection)
    for page in pages:
        client.get(page.path)  # warm: templates, caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
        queries = list(ctx.captured_queries)
        runs, cpu = [], []
        db_before = _proc_cpu(backend)
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(page.path)
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        db_cpu = (_proc_cpu(backend) - db_before) / args.repeat if backend else float("nan")
        best = min(runs) * 1000
        if page.name == "healthz":
            base = best
        ratio = f"{best / base:,.0f}×" if base else ""
        print(
            f"{page.name:<22} {page.path:<44} {response.status_code:>6} "
            f"{len(queries):>8} {sorted(cpu)[len(cpu) // 2] * 1000:>11.1f} "
            f"{db_cpu * 1000:>10.1f} {best:>9.1f} {ratio:>10}",
            flush=True,
        )
        if args.explain and connection.vendor == "postgresql":
            slowest = max(queries, key=lambda q: float(q["time"]), default=None)
            if slowest and slowest["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                print(f"  slowest query {float(slowest['time']) * 1000:.1f} ms:")
                print("  " + slowest["sql"][:400])
                print("  " + plan.replace("\n", "\n  "))
    if args.profile:
        path = next((p.path for p in pages if p.name == args.profile), args.profile)
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as ctx:
            profiler.enable()
            client.get(path)
            profiler.disable()
        out = io.StringIO()
        out.write(
            f"cProfile of GET {path} as {args.user}: {len(list(ctx.captured_queries))} queries\n"
        )
        out.write(f"database: {connection.vendor}, {_count_enterprises()} enterprises\n\n")
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        text = out.getvalue()
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(text)
            print(f"profile written to {args.out}")
        else:
            print(text)


def _backend_pid(connection: Any) -> int | None:
    """The PostgreSQL backend process of this connection, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def _proc_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a process so far (0 when unknown)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _count_enterprises() -> str:
    from kechuang.enterprises.models import Enterprise

    return f"{Enterprise.objects.count():,}"


if __name__ == "__main__":
    main()
