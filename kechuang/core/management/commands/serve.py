"""kechuang serve: gunicorn + WhiteNoise, production-shaped, and the background-job
worker (`db_worker`) beside it. One command: Ctrl-C (or SIGTERM) stops both, and when
either of them stops the other is stopped too."""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kechuang.core.jobs import job_fail_interrupted

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
# Seconds the children get to stop on their own (the worker finishes its task) before
# they are sent SIGTERM, then killed.
GRACE_SECONDS = 10


class Stopped(KeyboardInterrupt):
    """SIGTERM to this process alone (a service manager, `kill PID`): unlike Ctrl-C,
    which the terminal sends to the whole process group, the children did not get it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


class Command(BaseCommand):
    help = (
        "以生产方式运行网站（gunicorn + WhiteNoise）并启动后台任务进程。"
        "Serve the app with gunicorn; static files by WhiteNoise; the db_worker runs background jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--no-collectstatic", action="store_true", help="skip collectstatic")
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="do not start the background-job worker (run `kechuang db_worker` elsewhere)",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="do not start the daily-jobs worker (run `kechuang schedule run` from cron)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = serve_environment(options["host"], os.environ)
        if env.get("KECHUANG_HTTPS") == "0" and not os.environ.get("KECHUANG_HTTPS"):
            self.stdout.write(
                "本机回环地址上以 http 运行（本地演示）：已关闭 HTTPS 跳转、HSTS 和 Secure Cookie"
                "（KECHUANG_HTTPS=0）。正式部署请在 TLS 代理之后运行，见 docs/deployment-security.md"
            )
        if not options["no_collectstatic"]:
            call_command("collectstatic", "--noinput", verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "kechuang.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
            *_runtime_files(Path(settings.VAR_DIR) / "run"),
        ]
        with_worker = (
            settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND and not options["no_jobs"]
        )
        signal.signal(signal.SIGTERM, _interrupt)
        children: list[subprocess.Popen[bytes]] = []
        interrupted = False
        forward: int | None = None
        try:
            if with_worker:
                # Jobs a killed worker left half done cannot resume: say so on their pages.
                stale = job_fail_interrupted()
                if stale:
                    self.stdout.write(f"{stale} 个未完成的后台任务已标记为中断")
                worker = [sys.executable, "-m", "kechuang", "db_worker", "--no-reload"]
                children.append(subprocess.Popen(worker, env=env))
                self.stdout.write("后台任务进程 db_worker 已启动")
            ticker = None if options["no_schedule"] else ScheduleTicker()
            children.append(subprocess.Popen(gunicorn, env=env))
            self.stdout.write(f"科创云 serving on http://{bind}/  (Ctrl-C to stop)")
            sys.stdout.flush()
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
                if ticker is not None:
                    ticker.tick()
        except KeyboardInterrupt as exc:
            interrupted = True
            # SIGTERM reached only this process: pass it on (gunicorn stops gracefully,
            # the worker after its current task); Ctrl-C reached the children already.
            forward = exc.signum if isinstance(exc, Stopped) else None
        finally:
            code = _stop(children, interrupted=interrupted, forward=forward)
        if code:
            sys.exit(code)


class ScheduleTicker:
    """The daily jobs (`SCHEDULE`) from the serving process: once a minute, in a thread of
    its own, today's due jobs that have not run (each at most once a day, however many
    servers run: kechuang.core.schedule)."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self.last = time.monotonic()
        self.thread: threading.Thread | None = None

    def tick(self) -> None:
        if time.monotonic() - self.last < self.every:
            return
        if self.thread is not None and self.thread.is_alive():
            return  # the previous look is still running its jobs
        self.last = time.monotonic()
        self.thread = threading.Thread(target=_run_schedule, daemon=True)
        self.thread.start()


def _run_schedule() -> None:
    from django.db import connection

    from kechuang.core import schedule

    try:
        for run in schedule.run_due():
            print(f"定时任务 {run.key} {run.day:%Y-%m-%d}：{run.get_status_display()} {run.result}")
    except Exception:  # the server keeps serving; the next look tries again
        logging.getLogger(__name__).exception("scheduled jobs could not run")
    finally:
        connection.close()


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine can reach the server."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_environment(host: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The servers' environment. On a loopback address nobody but this machine's browser
    can connect and there is no TLS (the local demo on http://127.0.0.1): the HTTPS
    settings (redirect, HSTS, Secure cookies) would lock the browser out, so they are off
    there unless KECHUANG_HTTPS is given. Any other address keeps them on."""
    env = dict(environ)
    if is_loopback(host) and not env.get("KECHUANG_HTTPS"):
        env["KECHUANG_HTTPS"] = "0"
    return env


# A Unix socket path longer than this does not fit in sockaddr_un (108 bytes on Linux).
MAX_SOCKET_PATH = 100


def _runtime_files(run_dir: Path) -> list[str]:
    """gunicorn's pid file and control socket under var/run/ (its default socket is a
    path shared by every gunicorn of the user, ~/.gunicorn/gunicorn.ctl); the socket is
    switched off when var/ is too deep for a socket path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    args = ["--pid", str(run_dir / "gunicorn.pid")]
    socket = run_dir / "gunicorn.ctl"
    if len(str(socket).encode()) <= MAX_SOCKET_PATH:
        return [*args, "--control-socket", str(socket)]
    return [*args, "--no-control-socket"]


def _stop(
    children: list[subprocess.Popen[bytes]], *, interrupted: bool, forward: int | None = None
) -> int:
    """Stop every child still running. 0 after Ctrl-C/SIGTERM; when a child stopped on
    its own (gunicorn could not bind, the worker lost its database), its exit code.
    `forward`: the signal this process alone received, sent on to each child first."""
    died = next((c.returncode for c in children if c.poll() is not None), None)
    if forward is not None:
        for child in children:
            if child.poll() is None:
                child.send_signal(forward)
    if interrupted:
        # On Ctrl-C the terminal has sent SIGINT to the whole process group already (on
        # SIGTERM it was forwarded above): let the worker finish its task (a second signal
        # would abort it).
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if interrupted or died is None:
        return 0
    return died or 1
