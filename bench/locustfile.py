"""The simulated users of `bench/load.py`, driven in one process by `bench/load_runner.py`.

`Bureau` logs in as `kjj`, `TownOfficer` as the town officer `huangqiao`; each requests
the endpoints of its login (`TARGETS`, looked up by bench/targets.py), all of them or only
`PHASE["only"]`, pausing `PHASE["pause"]` seconds (lo, hi) between requests — (0, 0) at
saturation. A request is a failure unless it answers 200.
"""

from __future__ import annotations

import random
import re
from typing import Any

import gevent
from locust import task
from locust.contrib.fasthttp import FastHttpUser

TARGETS: dict[str, list[list[str]]] = {}
PHASE: dict[str, Any] = {"only": "", "pause": (1.0, 3.0)}
PASSWORD = "kechuang2021"
SESSIONS: dict[str, str] = {}  # username → session id, shared by that login's users
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Login(FastHttpUser):
    abstract = True
    username = ""

    def wait_time(self) -> float:
        lo, hi = PHASE["pause"]
        return float(lo + random.random() * (hi - lo))

    def on_start(self) -> None:
        # One login per username for the whole run (password hashing is deliberately
        # slow and is not what is measured): later users reuse its session.
        if self.username not in SESSIONS:
            self._login()
        self.cookie = f"sessionid={SESSIONS.get(self.username, '')}"
        # Paced users start at random moments of one pause, as people do, not all at once.
        hi = PHASE["pause"][1]
        if hi:
            gevent.sleep(random.random() * hi)

    def _login(self) -> None:
        page = self.client.get("/accounts/login/", name="(login)")
        match = CSRF_INPUT.search(page.text or "")
        assert match, "no CSRF token on the login page"
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="(login)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {self.username}: {response.status_code}")
                return
        for cookie in self.client.cookiejar:
            if cookie.name == "sessionid":
                SESSIONS[self.username] = cookie.value

    @task
    def request_one(self) -> None:
        only = PHASE["only"]
        paths = [(n, p) for n, p in TARGETS.get(self.username, []) if not only or n == only]
        if not paths:
            return
        name, path = random.choice(paths)
        with self.client.get(
            path, name=name, headers={"Cookie": self.cookie}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class Bureau(_Login):
    username = "kjj"


class TownOfficer(_Login):
    username = "huangqiao"
