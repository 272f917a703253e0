"""The database out of reach: the CLI says so in one Chinese line (non-zero exit), the
site shows a Chinese 503 page and the API a JSON error — checked in a subprocess whose
DATABASE_URL points at a closed PostgreSQL port (and a SQLite file that cannot exist)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from kechuang.core.outage import database_unreachable

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = {
    "postgresql": "postgres://postgres@127.0.0.1:1/nowhere",
    "sqlite": "sqlite:////nonexistent-kechuang-dir/kechuang.sqlite3",
}


def env_for(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_TEST")}
    env.update(
        DATABASE_URL=database_url,
        KECHUANG_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="kechuang.settings",
    )
    return env


@pytest.mark.nodb
@pytest.mark.parametrize("engine", sorted(UNREACHABLE))
def test_cli_prints_one_chinese_line(engine: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kechuang", "token", "list", "staff"],
        env=env_for(UNREACHABLE[engine], tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("无法连接数据库") and "Traceback" not in done.stderr
    assert "postgres@" not in lines[0]  # no credentials in the message


WEB_SCRIPT = """
import json, django
django.setup()
from django.test import Client
c = Client(raise_request_exception=False)
out = {}
def show(name, r):
    out[name] = [r.status_code, r.get("Content-Type", ""), r.content.decode()]
c.cookies["sessionid"] = "somesession"
show("page", c.get("/enterprises/"))
show("login", c.post("/accounts/login/", {"username": "kjj", "password": "x"}))
c.cookies.clear()
show("api", c.get("/api/v1/me", headers={"Authorization": "Bearer kc_something"}))
print(json.dumps(out))
"""


@pytest.mark.nodb
@pytest.mark.parametrize("engine", sorted(UNREACHABLE))
def test_site_and_api_say_so_in_chinese(engine: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WEB_SCRIPT],
        env=env_for(UNREACHABLE[engine], tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    for name in ("page", "login"):
        status, content_type, body = out[name]
        assert status == 503, (name, body[:500])
        assert "text/html" in content_type and "数据库暂时无法连接" in body
        assert "Server Error" not in body
    status, content_type, body = out["api"]
    assert status == 503 and content_type.startswith("application/json")
    assert json.loads(body)["error"]["code"] == "unavailable"


class _StatementError(Exception):
    """Stands for a psycopg error of one statement (it carries a SQLSTATE)."""

    __module__ = "psycopg.errors"
    sqlstate = "55P03"


class _ConnectError(Exception):
    __module__ = "psycopg"
    sqlstate = None


def _wrapped(cause: Exception, text: str = "") -> OperationalError:
    try:
        raise OperationalError(text) from cause
    except OperationalError as exc:
        return exc


@pytest.mark.nodb
def test_a_lock_timeout_is_not_an_outage() -> None:
    assert not database_unreachable(_wrapped(_StatementError(), "lock timeout"))
    assert not database_unreachable(OperationalError("database is locked"))
    assert database_unreachable(_wrapped(_ConnectError(), "connection refused"))
    assert database_unreachable(OperationalError("unable to open database file"))
    assert not database_unreachable(RuntimeError("boom"))


@pytest.mark.django_db
def test_an_api_crash_is_json(client: Any, staff: Any, monkeypatch: Any) -> None:
    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("kechuang.accounts.services.api_token_list", boom)
    client.raise_request_exception = False
    client.force_login(staff)
    response = client.get("/api/v1/tokens")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "server_error"
    page = client.get("/accounts/tokens/")
    assert page.status_code == 500 and "服务器出错" in page.content.decode()


STYLED_SCRIPT = """
import json, re, django
django.setup()
from django.test import Client
c = Client(raise_request_exception=False)
c.cookies["sessionid"] = "somesession"
r = c.get("/enterprises/")
body = r.content.decode()
sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
served = {href: [s.status_code, s.get("Content-Type", "")] for href in sheets for s in [c.get(href)]}
print(json.dumps({"status": r.status_code, "body": body[:3000], "sheets": served}))
"""


@pytest.mark.nodb
def test_the_outage_page_is_styled_without_collectstatic(tmp_path: Path) -> None:
    """Outside DEBUG and before any `collectstatic` (gunicorn started by hand, a fresh
    var/): the 503 page renders in the site layout and its stylesheets are served."""
    env = {
        k: v
        for k, v in env_for(UNREACHABLE["sqlite"], tmp_path / "var").items()
        if k not in ("PYTEST_VERSION", "DEBUG", "KECHUANG_TASKS_BACKEND")
    }
    done = subprocess.run(
        [sys.executable, "-c", STYLED_SCRIPT],
        env={**env, "SECRET_KEY": "x" * 50, "KECHUANG_HTTPS": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["status"] == 503 and "数据库暂时无法连接" in out["body"], out["body"][:1000]
    assert len(out["sheets"]) >= 3, out["body"][:1000]
    for href, (status, content_type) in out["sheets"].items():
        assert status == 200 and content_type.startswith("text/css"), href
