"""`make test`: lint, the suite on SQLite, and the suite on PostgreSQL when a server
answers on 127.0.0.1:5432 — one after another, each pass on two xdist workers.

On two cores, running the three side by side gained nothing: the SQLite pass alone took
246 s (quiet machine, session 5), the same pass beside lint and PostgreSQL 540 s, and the
whole `make test` 556 s (five Python processes, Chromium and PostgreSQL on two cores).
`--parallel` (`make test PARALLEL=1`) still runs them side by side, for a machine with
more cores: then the SQLite
pass prints as it goes, lint and the PostgreSQL pass are written to var/test-logs/ and
printed whole when they end, each under its own heading.

The exit status is non-zero when any part failed. Last, a table of each part's wall and
CPU seconds (its processes and all they waited for).

    python tests/run_all.py [--pg-url URL] [--parallel]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
LOGS = ROOT / "var" / "test-logs"

LINT = [
    [str(BIN / "ruff"), "check", "."],
    [str(BIN / "ruff"), "format", "--check", "."],
    [str(BIN / "mypy"), "kechuang"],
    [str(BIN / "python"), "-m", "kechuang.rules", "docs", "--check"],
    [str(BIN / "kechuang"), "makemigrations", "--check", "--dry-run"],
]
PYTEST = [str(BIN / "pytest"), "-n", "2", "-p", "no:cacheprovider"]


@dataclass
class Part:
    name: str
    commands: list[list[str]]
    env: dict[str, str] = field(default_factory=dict)
    live: bool = False  # printed as it goes (else into a log, printed at the end)
    status: int | None = None
    wall: float = 0.0
    cpu: float = 0.0
    log: Path | None = None


def pg_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def run_part(part: Part, out: IO[bytes] | None) -> None:
    """Run the part's commands one after another (stopping at the first failure)."""
    start = time.monotonic()
    env = {**os.environ, **part.env}
    # Bytecode written and reused (see the Makefile): without it, each of the run's
    # Python processes compiled every module it imports again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    status = 0
    for command in part.commands:
        line = "$ " + " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command))
        if out is None:
            print(line, flush=True)
        else:
            out.write((line + "\n").encode())
            out.flush()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        _, wait_status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        part.cpu += usage.ru_utime + usage.ru_stime
        if process.returncode != 0:
            status = process.returncode
            break
    part.status = status
    part.wall = time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--parallel", action="store_true", help="the parts side by side (more than two cores)"
    )
    parser.add_argument("--serial", action="store_true", help="one after another (the default)")
    args = parser.parse_args()

    parts = [Part("lint", LINT), Part("SQLite", [PYTEST], live=True)]
    if pg_answers():
        parts.append(
            Part(
                "PostgreSQL",
                [[*PYTEST, "-m", "not browser and not nodb"]],
                env={"KECHUANG_TEST_DATABASE_URL": args.pg_url},
            )
        )
    else:
        print("PostgreSQL not reachable on 127.0.0.1:5432: its pass is skipped", flush=True)

    LOGS.mkdir(parents=True, exist_ok=True)
    # settings.py writes var/secret_key on first use: once, before the parts start
    # together (a process reading the file while another writes it reads it empty).
    subprocess.run([str(BIN / "python"), "-c", "import kechuang.settings"], cwd=ROOT, check=True)
    started = time.monotonic()
    if not args.parallel:
        for part in parts:
            print(f"\n===== {part.name} =====", flush=True)
            run_part(part, None)
    else:
        import threading

        threads = []
        files = []
        for part in parts:
            if part.live:
                continue
            part.log = LOGS / f"{part.name.lower()}.log"
            f = part.log.open("wb")
            files.append(f)
            threads.append(threading.Thread(target=run_part, args=(part, f)))
        for t in threads:
            t.start()
        names = ", ".join(p.name for p in parts if not p.live)
        print(f"===== SQLite (meanwhile {names} → var/test-logs/) =====", flush=True)
        for part in parts:
            if part.live:
                run_part(part, None)
        for t in threads:
            t.join()
        for f in files:
            f.close()
        for part in parts:
            if part.log is not None:
                print(f"\n===== {part.name} ({part.log.relative_to(ROOT)}) =====", flush=True)
                sys.stdout.write(part.log.read_text("utf-8", "replace"))
    total = time.monotonic() - started
    own = resource.getrusage(resource.RUSAGE_SELF)

    print("\n===== make test =====")
    for part in parts:
        verdict = "ok" if part.status == 0 else f"FAILED (exit {part.status})"
        print(f"{part.name:<11} {verdict:<18} {part.wall:6.1f} s wall {part.cpu:7.1f} s CPU")
    cpu = sum(p.cpu for p in parts) + own.ru_utime + own.ru_stime
    print(f"{'all':<11} {'':<18} {total:6.1f} s wall {cpu:7.1f} s CPU")
    failed = [p for p in parts if p.status != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
