"""Run by `bench/load.py` in a child process: locust as a library (gevent), every phase
of one server in one process (locust's start-up is paid once), durations kept by the
wall clock. Reads the plan as JSON on stdin; writes one JSON line of results per phase.

Plan: {"host": url, "targets": {...}, "phases": [{"label", "users", "classes",
"pause": [lo, hi], "only": name, "seconds"}]}.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locustfile  # noqa: E402

# Not locust's own `--run-time`: its timer reads gevent's cached loop clock, which is
# stale after a slow start-up (imports on a busy machine), and then stops at once.


def drain(host: str) -> None:
    """Wait for the server to finish the requests of a phase's users that were stopped
    mid-request (a sync worker still answers them): one /healthz queued behind them."""
    import urllib.request

    with urllib.request.urlopen(host + "/healthz", timeout=600) as response:
        response.read()


def main() -> None:
    plan = json.loads(sys.stdin.read())
    locustfile.TARGETS.update(plan["targets"])
    classes = {"Bureau": locustfile.Bureau, "TownOfficer": locustfile.TownOfficer}
    for phase in plan["phases"]:
        locustfile.PHASE.update(only=phase.get("only", ""), pause=tuple(phase["pause"]))
        users = [classes[c] for c in phase["classes"]]
        drain(plan["host"])
        env = Environment(user_classes=users, host=plan["host"])
        runner = env.create_local_runner()
        runner.start(phase["users"], spawn_rate=phase["users"])
        # Logins are not measured: wait until every user has started, then reset.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            gevent.sleep(0.1)
            if runner.user_count >= phase["users"] and all(
                u.username in locustfile.SESSIONS for u in users
            ):
                break
        # Warm up (and let the previous phase's requests drain) before measuring.
        gevent.sleep(min(3.0, phase["seconds"] / 3))
        env.stats.reset_all()
        started = time.monotonic()
        only = phase.get("only", "")
        # A page slower than the window still gets its figure: wait for its first answer.
        while time.monotonic() - started < phase["seconds"] or (
            only
            and only not in {n for n, _ in env.stats.entries}
            and time.monotonic() - started < phase["seconds"] + 120
        ):
            gevent.sleep(0.2)
        elapsed = time.monotonic() - started
        rows = []
        for (name, _method), entry in sorted(env.stats.entries.items()):
            if name == "(login)":
                continue
            rows.append(
                {
                    "name": name,
                    "requests": entry.num_requests,
                    "failures": entry.num_failures,
                    "rps": entry.num_requests / elapsed,
                    "p50": entry.get_response_time_percentile(0.5),
                    "p95": entry.get_response_time_percentile(0.95),
                    "p99": entry.get_response_time_percentile(0.99),
                }
            )
        errors = [f"{e.name}: {e.error}" for e in env.stats.errors.values()][:5]
        runner.quit()
        print(json.dumps({"label": phase["label"], "rows": rows, "errors": errors}), flush=True)


if __name__ == "__main__":
    main()
