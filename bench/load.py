"""Benchmark (run by hand, not a test): load on gunicorn + PostgreSQL, over loopback.

Sets up (once) a PostgreSQL database holding the demo county (`--scale county`, about
1,500 firms, `kechuang demo`) or the demo scaled to a province (`--scale province`,
`--enterprises` firms, default 100,000, by `bench/scale.py`), then for each worker count
starts gunicorn on it and runs locust (headless) in three passes:

- alone: one user (the bureau), no pauses, each endpoint in turn: latency with no
  contention (target: the enterprise page p50 ≤ 100 ms);
- paced: `--users` (20) simulated users, half bureau and half town officer, pausing
  1–3 s between requests to random endpoints: p50/p95/p99 per endpoint (target: p95 ≤
  200 ms for the county, ≤ 500 ms at 100,000);
- saturation: `--sat-users` users with no pauses, each endpoint in turn: its req/s next
  to the trivial view's (`/healthz`, same server, same session), their ratio.

Each run is bounded (`--duration` seconds paced, `--sat-duration` per endpoint alone and
at saturation); the whole default run at one scale takes about 10 minutes.

    .venv/bin/python bench/load.py --scale county   [--workers 1,2,4] [--duration 30]
    .venv/bin/python bench/load.py --scale province [--enterprises 100000]
    .venv/bin/python bench/load.py --scale county --setup-only     # build the database
    .venv/bin/python bench/load.py --scale county --rebuild        # drop and rebuild it

The database is postgres://postgres@127.0.0.1:5432/h_load_<scale> unless --database-url.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432"
# Targets per scale (issue #12): p95 with 20 paced users; the enterprise page alone.
P95_TARGET_MS = {"county": 200, "province": 500}
ENTERPRISE_ALONE_MS = 100


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def sh(argv: list[str], env: dict[str, str], quiet: bool = True) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run(argv, env=env, check=True, stdout=out, cwd=ROOT)


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG}/{db}", "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def setup(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Create the database and load it, unless it already holds the demo."""
    db = args.db_name
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    if exists and args.rebuild:
        psql(f'DROP DATABASE "{db}"')
        exists = False
    if exists:
        # this code's migrations (and the cache table) on a database built by an older one
        sh([str(BIN / "kechuang"), "migrate", "-v0"], env)
        count = psql("SELECT count(*) FROM enterprises_enterprise", db)
        print(f"database {db}: {int(count):,} enterprises (kept; --rebuild to rebuild)")
        return
    started = time.perf_counter()
    psql(f'CREATE DATABASE "{db}"')
    print(f"database {db}: migrate + kechuang demo …", flush=True)
    sh([str(BIN / "kechuang"), "migrate", "-v0"], env)
    sh([str(BIN / "kechuang"), "demo"], env)
    if args.scale == "province":
        print(f"scaling to {args.enterprises:,} enterprises …", flush=True)
        sh(
            [
                sys.executable,
                str(ROOT / "bench" / "scale.py"),
                "--database-url",
                args.url,
                "--enterprises",
                str(args.enterprises),
            ],
            env,
            quiet=False,
        )
    print(f"database {db} ready in {time.perf_counter() - started:.0f} s")


def targets(env: dict[str, str]) -> dict[str, list[list[str]]]:
    """The endpoints per login, looked up in the database (bench/targets.py)."""
    code = (
        "import json, django; django.setup(); from bench.targets import pages_for; "
        "print(json.dumps({u: [[t.name, t.path] for t in pages_for(u)] "
        "for u in ('kjj', 'huangqiao')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


class Server:
    """gunicorn as `kechuang serve` starts it (sync workers), without the job worker."""

    def __init__(self, workers: int, port: int, env: dict[str, str], log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "kechuang.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--no-control-socket",
            "--error-logfile",
            str(log),
        ]
        self.proc = subprocess.Popen(argv, env=env, cwd=ROOT, start_new_session=True)
        # Workers import Django and Polars each: slow on a busy machine.
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start (see {log})")
            time.sleep(0.3)

    def stop(self) -> None:
        """gunicorn and its workers (its own process group), so the port is free."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def phases(args: argparse.Namespace, names: list[str], modes: set[str]) -> list[dict[str, Any]]:
    """The plan of one server: alone (each endpoint), paced (all), saturation (each)."""
    both = ["Bureau", "TownOfficer"]
    out: list[dict[str, Any]] = []
    if "alone" in modes:
        out += [
            {
                "label": "alone",
                "users": 1,
                "classes": ["Bureau"],
                "pause": [0, 0],
                "only": n,
                "seconds": args.sat_duration,
            }
            for n in names
        ]
    if "paced" in modes:
        out.append(
            {
                "label": "paced",
                "users": args.users,
                "classes": both,
                "pause": [1, 3],
                "seconds": args.duration,
            }
        )
    if "saturation" in modes:
        out += [
            {
                "label": "saturation",
                "users": args.sat_users,
                "classes": both,
                "pause": [0, 0],
                "only": n,
                "seconds": args.sat_duration,
            }
            for n in names
        ]
    return out


def _row(r: dict[str, Any]) -> Row:
    return Row(r["name"], r["requests"], r["failures"], r["rps"], r["p50"], r["p95"], r["p99"])


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=("county", "province"), default="county")
    parser.add_argument("--enterprises", type=int, default=100_000, help="at --scale province")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--users", type=int, default=20, help="paced users")
    parser.add_argument("--sat-users", type=int, default=8, help="users at saturation")
    parser.add_argument("--duration", type=int, default=30, help="seconds of the paced run")
    parser.add_argument(
        "--sat-duration", type=int, default=10, help="seconds per endpoint alone / saturated"
    )
    parser.add_argument("--modes", default="alone,paced,saturation")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    args = parser.parse_args()
    args.db_name = f"h_load_{args.scale}"
    args.url = args.database_url or f"{PG}/{args.db_name}"
    if args.database_url:
        args.db_name = args.database_url.rsplit("/", 1)[-1]
    var = Path(tempfile.gettempdir()) / f"kc-load-{args.db_name}"
    var.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": args.url,
        "KECHUANG_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "kechuang.settings",
        "PYTHONPATH": str(ROOT),
        # The demo's day (kechuang.demo.load.DEMO_TODAY), whichever var/ built the database.
        "KECHUANG_TODAY": "2021-06-30",
        # Plain http on loopback, as `kechuang serve` gives its servers there (no https
        # redirect, no Secure cookies: docs/deployment-security.md).
        "KECHUANG_HTTPS": "0",
    }
    env.pop("DEBUG", None)
    setup(args, env)
    if args.setup_only:
        return
    sh([str(BIN / "kechuang"), "collectstatic", "--noinput", "-v0"], env)
    paths = targets(env)
    names = [n for n, _ in paths["kjj"]]
    modes = set(args.modes.split(","))
    count = psql("SELECT count(*) FROM enterprises_enterprise", args.db_name)
    print(
        f"\n{args.scale}: {int(count):,} enterprises; gunicorn sync workers {args.workers}; "
        f"loopback; {os.cpu_count()} CPUs shared by the server, PostgreSQL and locust"
    )
    tmp = Path(tempfile.mkdtemp(prefix="kc-load-"))
    verdicts: list[str] = []
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            server = Server(workers, args.port, env, tmp / f"gunicorn-{workers}.log")
            try:
                verdicts += run_all(args, workers, server.url, paths, names, modes, tmp)
            finally:
                server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    for v in verdicts:
        print(v)


def run_all(
    args: argparse.Namespace,
    workers: int,
    host: str,
    targets: dict[str, Any],
    names: list[str],
    modes: set[str],
    tmp: Path,
) -> list[str]:
    """One locust process runs every phase against this server; prints as they end."""
    plan = {"host": host, "targets": targets, "phases": phases(args, names, modes)}
    errlog = open(tmp / f"locust-{workers}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "load_runner.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errlog,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(json.dumps(plan))
    proc.stdin.close()
    head = f"{'endpoint':<18} {'req':>6} {'fail':>5} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7}"
    titles = {
        "alone": f"alone: 1 bureau user, no pauses, {args.sat_duration} s per endpoint (ms)",
        "paced": f"paced: {args.users} users (half bureau, half town officer), 1–3 s pauses, "
        f"{args.duration} s (ms)",
        "saturation": f"saturation: {args.sat_users} users, no pauses, {args.sat_duration} s per "
        "endpoint; req/s against /healthz",
    }
    results: dict[str, list[Row]] = {}
    shown = None
    base = None
    for line in proc.stdout:
        phase = json.loads(line)
        label = phase["label"]
        if label != shown:
            shown = label
            print(f"\n== {workers} worker(s) · {titles[label]}")
            print(head + (f" {'÷ healthz':>10}" if label == "saturation" else ""))
        rows = sorted((_row(r) for r in phase["rows"]), key=lambda r: _order(names, r.name))
        for r in rows:
            extra = ""
            if label == "saturation":
                if r.name == "healthz":
                    base = r.rps
                extra = f" {r.rps / base:10.3f}" if base else ""
            print(_line(r) + extra, flush=True)
        for e in phase["errors"]:
            print(f"   error {e}")
        results.setdefault(label, []).extend(rows)
    if proc.wait():
        errlog.close()
        print(f"locust runner exited with {proc.returncode}:")
        print("".join(open(errlog.name).readlines()[-15:]))
    verdicts = []
    ent = next((r for r in results.get("alone", []) if r.name == "enterprise"), None)
    if ent:
        ok = ent.p50 <= ENTERPRISE_ALONE_MS
        verdicts.append(
            f"{args.scale}, {workers} worker(s): enterprise page alone p50 {ent.p50:.0f} ms, "
            f"p95 {ent.p95:.0f} ms (target ≤ {ENTERPRISE_ALONE_MS} ms: "
            f"{'met' if ok else 'NOT met'})"
        )
    paced = [r for r in results.get("paced", []) if r.name != "healthz"]
    if paced:
        worst = max(paced, key=lambda r: r.p95)
        fails = sum(r.failures for r in paced)
        target = P95_TARGET_MS[args.scale]
        silent = [r.name for r in paced if r.requests == 0]
        ok = worst.p95 <= target and fails == 0 and not silent
        verdicts.append(
            f"{args.scale}, {workers} worker(s): paced {sum(r.rps for r in paced):.1f} req/s, "
            f"worst p95 {worst.p95:.0f} ms ({worst.name}), {fails} failures "
            f"(target p95 ≤ {target} ms: {'met' if ok else 'NOT met'})"
            + (f"; no answer in the window: {', '.join(silent)}" if silent else "")
        )
    sat = [r for r in results.get("saturation", []) if r.name != "healthz"]
    if sat and base:
        slowest = min(sat, key=lambda r: r.rps)
        verdicts.append(
            f"{args.scale}, {workers} worker(s): saturation /healthz {base:.0f} req/s; slowest "
            f"{slowest.name} {slowest.rps:.1f} req/s = {slowest.rps / base:.3f} of it"
        )
    return verdicts


def _order(names: list[str], name: str) -> int:
    return names.index(name) if name in names else len(names)


def _line(r: Row) -> str:
    return (
        f"{r.name:<18} {r.requests:>6} {r.failures:>5} {r.rps:>8.1f} "
        f"{r.p50:>7.0f} {r.p95:>7.0f} {r.p99:>7.0f}"
    )


if __name__ == "__main__":
    main()
