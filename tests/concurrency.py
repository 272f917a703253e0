"""Two writers at once on PostgreSQL, in a fixed order rather than by luck.

A *blocker* (the test's own connection) holds a row lock in an open transaction while
the racers start in threads, each on its own connection. `wait_for_waiters` returns
once they all queue behind a lock, that is when each has read whatever it reads before
its first write (or its first lock); the blocker then lets go and the racers run one
after the other. Without locks of their own both racers have planned from the same
old rows, which is exactly the lost update; with them, the second re-reads after the
first has committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

# a bound on waiting for the racers to queue (a hung test fails instead of hanging)
QUEUE_DEADLINE_S = 60


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL")


class Racers:
    """Callables run in threads, each on its own database connection."""

    def __init__(self, *fns: Callable[[], Any]) -> None:
        self.results: list[tuple[str, Any]] = [("pending", None)] * len(fns)
        # each racer's server process: only they are counted as waiting (not a stray
        # session of the server), so "queued behind the lock" means these racers
        self.pids: list[int | None] = [None] * len(fns)
        self.threads = [
            threading.Thread(target=self._run, args=(i, fn), daemon=True)
            for i, fn in enumerate(fns)
        ]

    def _run(self, i: int, fn: Callable[[], Any]) -> None:
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                self.pids[i] = int(cur.fetchone()[0])
            self.results[i] = ("ok", fn())
        except Exception as exc:  # the test inspects what each racer met
            self.results[i] = ("error", exc)
        finally:
            connections.close_all()

    def start(self) -> Racers:
        for t in self.threads:
            t.start()
        return self

    def join(self) -> list[tuple[str, Any]]:
        for t in self.threads:
            t.join(QUEUE_DEADLINE_S)
        assert not any(t.is_alive() for t in self.threads), "a racer never finished"
        return self.results


def waiting_for_locks(pids: list[int] | None = None) -> int:
    """Sessions waiting for a lock (only those of `pids`, when given)."""
    with connection.cursor() as cur:
        # a transaction sees one snapshot of the statistics views unless told otherwise
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database() AND pid <> pg_backend_pid()"
            + (" AND pid = ANY(%s)" if pids is not None else ""),
            [pids] if pids is not None else [],
        )
        return int(cur.fetchone()[0])


def wait_for_waiters(n: int, racers: Racers) -> None:
    """Until `n` of these racers queue behind a lock (or one of them has already
    finished, which the test's assertions then judge)."""
    deadline = time.monotonic() + QUEUE_DEADLINE_S
    while True:
        pids = [p for p in racers.pids if p is not None]
        if len(pids) >= n and waiting_for_locks(pids) >= n:
            return
        if any(status != "pending" for status, _ in racers.results):
            return
        assert time.monotonic() < deadline, f"the racers did not queue ({waiting_for_locks()}/{n})"
        time.sleep(0.02)


def outcomes(results: list[tuple[str, Any]]) -> list[str]:
    """'ok' or the exception's class name, per racer, sorted."""
    return sorted(s if s == "ok" else type(r).__name__ for s, r in results)
