"""`kechuang serve` as `make run` starts it: gunicorn and the db_worker in one command;
a queued job is run by the worker; Ctrl-C stops both. Runs real processes on a
throw-away SQLite database, each step bounded in time."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.demo_snapshot import migrated_sqlite_file

ROOT = Path(__file__).resolve().parents[2]

# Engine-independent (`nodb`: not run again in the PostgreSQL pass): the processes run on a
# throw-away SQLite database of their own, whatever the suite's database is.
pytestmark = pytest.mark.nodb


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            out.add(int(child))
    return out


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_serve_runs_the_web_and_the_worker_and_ctrl_c_stops_both(tmp_path):
    db = tmp_path / "kechuang.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "PYTEST_VERSION",
            "KECHUANG_TEST_DATABASE_URL",
            "DATABASE_URL",
            "KECHUANG_HTTPS",
            "DEBUG",
        )
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{db}",
        "KECHUANG_VAR_DIR": str(tmp_path / "var"),
        "KECHUANG_TASKS_BACKEND": "database",
        "PYTHONPATH": str(ROOT),
    }
    kc = [sys.executable, "-m", "kechuang"]
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 120}
    # The run's migrated database, copied (a migration of our own costs 10 CPU s).
    migrated = migrated_sqlite_file()
    if migrated is not None:
        shutil.copyfile(migrated, db)
    assert subprocess.run([*kc, "migrate", "--noinput"], **run).returncode == 0
    queue = (
        "from kechuang.accounts.models import User; from kechuang.core import jobs;"
        "from tests.core.test_jobs import making_a_file;"
        "u = User.objects.create(username='kjj', role='staff');"
        "print(jobs.job_start(actor=u, kind='测试', task=making_a_file, name='a.txt').status)"
    )
    queued = subprocess.run([*kc, "shell", "-c", queue], **run)
    assert queued.stdout.split()[-1:] == ["queued"], queued.stderr

    port = _free_port()
    log_path = tmp_path / "serve.log"
    log_file = log_path.open("wb")
    serve = subprocess.Popen(
        [*kc, "serve", "--port", str(port), "--workers", "1", "--no-collectstatic"],
        env=env,
        cwd=ROOT,
        # A file, not a pipe: nobody reads a pipe until the end, and a full pipe would
        # block the server's logging (a traceback is tens of KB).
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:

        def job_status() -> str:
            with sqlite3.connect(db) as conn:
                return str(conn.execute("select status from core_job").fetchone()[0])

        assert _wait(lambda: job_status() == "succeeded", 60), job_status()
        assert (tmp_path / "var" / "jobs" / "1" / "result.txt").read_bytes() == "报告正文".encode()

        def answers() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            except OSError as exc:
                return getattr(exc, "code", None) is not None  # any HTTP answer
            return True

        assert _wait(answers, 60)
        # The local demo on plain http://127.0.0.1 (DEBUG off, no KECHUANG_HTTPS): served
        # over http, not redirected to https, because serve gave its servers
        # KECHUANG_HTTPS=0 (tests/core/test_security.py: that also makes cookies plain).
        # /healthz: public and static-free (the API document now needs a login).
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert page.status == 200 and page.url.startswith("http://")
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        children = _children(serve.pid)
        for pid in children:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"KECHUANG_HTTPS=0" in environ
        assert len(children) == 2  # gunicorn's master and the db_worker
        # Runtime files stay under var/ (not ~/.gunicorn/, shared by every gunicorn).
        run_dir = tmp_path / "var" / "run"
        assert (run_dir / "gunicorn.pid").read_text().strip() in {str(p) for p in children}
        os.killpg(serve.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        assert serve.wait(timeout=40) == 0
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    log_file.close()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert "db_worker 已启动" in log and f"127.0.0.1:{port}" in log
    assert "KECHUANG_HTTPS=0" in log


SLEEPER = """
import signal, sys, time
def stop(signum, frame):
    open(sys.argv[1], "a").write(signal.Signals(signum).name + "\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
open(sys.argv[1], "a").write("started\\n")
while True:
    time.sleep(0.1)
"""


@pytest.mark.django_db
def test_sigterm_to_serve_alone_stops_its_children_at_once(tmp_path, monkeypatch, settings):
    """A service manager or `kill PID` signals serve alone (not its process group, as
    Ctrl-C does): serve passes SIGTERM on to gunicorn and the worker at once, instead
    of waiting out the grace period for children that were never told to stop. The
    children here stand in for them and write down the signal they get; the grace
    period is made an hour, and a watchdog ends the children after 60 s if serve did
    not pass the signal on."""
    import threading

    from django.core.management import call_command

    from kechuang.core.management.commands import serve

    settings.VAR_DIR = tmp_path / "var"
    logs = [tmp_path / "gunicorn.log", tmp_path / "worker.log"]
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def fake_popen(cmd: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        log = logs[0] if "gunicorn" in cmd else logs[1]
        child = real_popen([sys.executable, "-c", SLEEPER, str(log)])
        started.append(child)
        return child

    monkeypatch.setattr(serve.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(serve, "GRACE_SECONDS", 3600)
    monkeypatch.setitem(settings.TASKS["default"], "BACKEND", serve.DATABASE_BACKEND)
    watchdog_fired = threading.Event()

    def send_sigterm() -> None:
        assert _wait(lambda: all(p.exists() for p in logs), 60)
        os.kill(os.getpid(), signal.SIGTERM)  # this process alone: serve's handler runs
        if not _wait(lambda: all(c.poll() is not None for c in started), 60):
            watchdog_fired.set()
            for child in started:
                child.kill()

    saved = signal.getsignal(signal.SIGTERM)
    sender = threading.Thread(target=send_sigterm, daemon=True)
    sender.start()
    try:
        call_command("serve", "--no-collectstatic", "--port", str(_free_port()))
    finally:
        signal.signal(signal.SIGTERM, saved)
    sender.join(70)
    assert not watchdog_fired.is_set(), "serve did not pass SIGTERM on to its children"
    assert [p.read_text().split() for p in logs] == [["started", "SIGTERM"]] * 2
