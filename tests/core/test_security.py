"""Security headers and deployment settings (issue #12): the Content-Security-Policy,
HTTPS settings read from the environment and on by default outside DEBUG, `check
--deploy` clean in a production configuration, the local demo still served over http on
loopback, var/ files closed to other accounts, no `|safe` on anything users type."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kechuang"


def _templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*.html"))


# -- Content-Security-Policy ---------------------------------------------------------------


def _policy(response: Any) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_script_or_eval(
    client: Any, staff: Any
) -> None:
    client.force_login(staff)
    for url in ("/accounts/login/", "/enterprises/", "/api/v1/docs"):
        policy = _policy(client.get(url))
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["base-uri"] == ["'self'"]
        # No <style> element from anywhere but our files; style="…" attributes allowed.
        assert policy["style-src-elem"] == ["'self'"]
        assert not any("unsafe-eval" in v for values in policy.values() for v in values)


@pytest.mark.django_db
def test_the_api_answers_carry_the_policy_too(client: Any, staff: Any) -> None:
    client.force_login(staff)
    response = client.get("/api/v1/openapi.json")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


@pytest.mark.nodb  # reads templates and source: no database
def test_no_template_holds_an_inline_script_a_handler_or_a_javascript_url() -> None:
    """The policy refuses them: behaviour lives in static files (kechuang/app.js binds
    data-confirm, data-print, data-autosubmit, data-select-all, data-back)."""
    found = []
    for path in _templates():
        if path.name == "annual_pdf.html":  # rendered to PDF by WeasyPrint, never served
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, re.compile(r"javascript:", re.I)):
            for m in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not found, "\n".join(found)


# Every way to switch Django's escaping off, and the places reviewed to keep one. Nothing
# a user typed may pass through any of them; chart data goes through json_script.
UNESCAPED = re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off|\bmark_safe\(|\bSafeString\(")
REVIEWED: dict[str, str] = {}


@pytest.mark.nodb  # reads templates and source: no database
def test_nothing_switches_autoescaping_off_outside_the_reviewed_places() -> None:
    found = []
    for path in [*_templates(), *PACKAGE.rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for m in UNESCAPED.finditer(text):
            where = f"{path.relative_to(ROOT)}: {m.group(0)}"
            if str(path.relative_to(ROOT)) not in REVIEWED:
                found.append(where)
    assert not found, "unreviewed unescaped output:\n" + "\n".join(found)


# -- HTTPS settings ------------------------------------------------------------------------


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production process's environment: not under pytest, its own var/ and database."""
    drop = {
        "PYTEST_VERSION",
        "KECHUANG_TEST_DATABASE_URL",
        "DATABASE_URL",
        "DEBUG",
        "KECHUANG_HTTPS",
        "SECURE_COOKIES",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "KECHUANG_UMASK",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for Playwright by tests/playwright_fixtures.py
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    var = tmp_path / "var"
    return env | {
        "KECHUANG_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'kechuang.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


# The settings alone (Django's lazy settings, as every process reads them), without
# loading the apps: a third of a process's start-up.
SHOW_SETTINGS = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
    " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
    " s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF,"
    " s.SECURE_REFERRER_POLICY]))"
)


def _settings(tmp_path: Path, **env: str) -> list[Any]:
    import json

    out = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="kechuang.settings", **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return list(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.nodb  # a subprocess on its own SQLite database: the same on either engine
def test_https_settings_are_on_by_default_outside_debug(tmp_path: Path) -> None:
    assert _settings(tmp_path) == [
        True,
        31536000,
        True,
        True,
        True,
        None,
        "DENY",
        True,
        "same-origin",
    ]


@pytest.mark.nodb  # a subprocess on its own SQLite database: the same on either engine
def test_https_settings_follow_the_environment(tmp_path: Path) -> None:
    debug = _settings(tmp_path, DEBUG="1")
    assert debug[:5] == [False, 0, False, False, False]
    plain = _settings(tmp_path, KECHUANG_HTTPS="0")
    assert plain[:5] == [False, 0, False, False, False]
    proxied = _settings(
        tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="600"
    )
    assert proxied[1] == 600 and proxied[5] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Headers that do not depend on TLS stay on everywhere.
    assert plain[6:] == ["DENY", True, "same-origin"]


@pytest.mark.nodb  # a subprocess on its own SQLite database: the same on either engine
def test_check_deploy_is_clean_in_a_production_configuration(tmp_path: Path) -> None:
    """The configuration docs/deployment-security.md gives for a server behind a TLS
    proxy: DEBUG off (the default), ALLOWED_HOSTS, the proxy header; nothing else."""
    env = _env(
        tmp_path,
        ALLOWED_HOSTS="kjj.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://kjj.example.gov.cn",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    out = subprocess.run(
        [sys.executable, "-m", "kechuang", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.django_db
def test_with_https_on_http_is_redirected_and_https_gets_hsts_and_secure_cookies(
    client: Any, staff: Any
) -> None:
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    ):
        plain = client.get("/accounts/login/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/accounts/login/"
        proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200
        assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert proxied.cookies["csrftoken"]["secure"]
        login = client.post(
            "/accounts/login/",
            {"username": "staff", "password": "pw-Kechuang-1"},
            HTTP_X_FORWARDED_PROTO="https",
        )
        assert login.status_code == 302
        assert login.cookies["sessionid"]["secure"]
        assert login.cookies["sessionid"]["httponly"]
    assert proxied["X-Frame-Options"] == "DENY"
    assert proxied["X-Content-Type-Options"] == "nosniff"
    assert proxied["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("kjj.example.gov.cn", False),
    ],
)
def test_serve_knows_a_loopback_address(host: str, loopback: bool) -> None:
    from kechuang.core.management.commands.serve import is_loopback

    assert is_loopback(host) is loopback


def test_serve_on_loopback_runs_the_local_demo_over_http_unless_told() -> None:
    from kechuang.core.management.commands.serve import serve_environment

    assert serve_environment("127.0.0.1", {})["KECHUANG_HTTPS"] == "0"
    assert serve_environment("127.0.0.1", {"KECHUANG_HTTPS": "1"})["KECHUANG_HTTPS"] == "1"
    assert "KECHUANG_HTTPS" not in serve_environment("0.0.0.0", {})


# -- var/ is its owner's only --------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.nodb  # a subprocess on its own SQLite database: the same on either engine
def test_var_files_are_0600_and_folders_0700_and_migrate_creates_no_user(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="kechuang.settings")
    var = tmp_path / "var"
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([sys.executable, "-m", "kechuang", "migrate", "--noinput"], **run)
    assert migrated.returncode == 0, migrated.stderr
    assert _mode(var) == 0o700
    assert _mode(var / "secret_key") == 0o600
    assert _mode(var / "kechuang.sqlite3") == 0o600
    for path in var.rglob("*"):
        assert _mode(path) & 0o077 == 0, f"{path}: {oct(_mode(path))}"
    # A production first start never creates an account: only `kechuang demo` does.
    users = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from kechuang.accounts.models import User; print(User.objects.count())",
        ],
        **run,
    )
    assert users.stdout.split()[-1:] == ["0"], users.stderr

    # An instance made before (world-readable files) is closed at the next start.
    var.chmod(0o755)
    (var / "kechuang.sqlite3").chmod(0o644)
    (var / "secret_key").chmod(0o644)
    again = subprocess.run([sys.executable, "-m", "kechuang", "check"], **run)
    assert again.returncode == 0, again.stderr
    assert _mode(var) == 0o700
    assert _mode(var / "kechuang.sqlite3") == 0o600
    assert _mode(var / "secret_key") == 0o600


@pytest.mark.django_db
def test_an_uploaded_sheet_is_kept_readable_by_the_owner_only(
    staff: Any, settings: Any, tmp_path: Path
) -> None:
    from kechuang.core.imports import import_preview

    settings.UPLOAD_DIR = tmp_path / "uploads"
    # One row with an error: a failed preview keeps its file too (for the error workbook).
    data = "统一社会信用代码,企业名称,所属镇街/园区\n123,某公司,无此镇\n".encode()
    _, batch = import_preview(actor=staff, kind="enterprises", data=data, filename="a.csv")
    assert _mode(Path(batch.stored_path)) == 0o600
    assert _mode(settings.UPLOAD_DIR) == 0o700


def test_an_attachment_saved_through_django_storage_is_the_owners_only(
    settings: Any, tmp_path: Path
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("programmes/2021/申报书.pdf", ContentFile(b"%PDF-1.4"))
    assert _mode(Path(storage.path(name))) == 0o600
    assert _mode(tmp_path / "media" / "programmes") == 0o700


# -- the demo says it is one ---------------------------------------------------------------


@pytest.mark.django_db
def test_no_demo_banner_on_an_instance_without_the_demo(client: Any, staff: Any) -> None:
    assert "演示实例" not in client.get("/accounts/login/").content.decode()
    client.force_login(staff)
    assert "演示实例" not in client.get("/enterprises/").content.decode()


def test_the_demo_instance_says_so_on_every_page_with_its_published_password(
    demo_county: Any, client: Any
) -> None:
    from kechuang.accounts.models import User

    login = client.get("/accounts/login/").content.decode()
    assert 'id="demo-banner"' in login and "kechuang2021" in login
    client.force_login(User.objects.get(username="qiye"))
    page = client.get("/enterprises/", follow=True).content.decode()
    assert 'id="demo-banner"' in page


def test_kechuang_demo_names_every_account_it_creates_and_the_password() -> None:
    from kechuang.demo.load import DEMO_PASSWORD, DEMO_USERS
    from kechuang.demo.management.commands.demo import demo_warning

    text = demo_warning()
    assert DEMO_PASSWORD in text and "超级管理员" in text
    assert all(u.username in text for u in DEMO_USERS)


def _secret_racer(path: str, barrier: Any, out: Any) -> None:
    from kechuang.settings import kept_secret

    barrier.wait()
    try:
        out.put(kept_secret(Path(path)))
    except Exception as exc:  # what the test reports
        out.put(f"error: {type(exc).__name__}")


def test_processes_starting_at_once_read_one_complete_secret_key(tmp_path: Path) -> None:
    """Web workers and the job worker start together: each reads the same whole key,
    none an empty or half-written file, none fails because another created it first."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for round_ in range(5):
        path = tmp_path / f"secret_key_{round_}"
        n = 12
        barrier, out = ctx.Barrier(n), ctx.Queue()
        procs = [
            ctx.Process(target=_secret_racer, args=(str(path), barrier, out)) for _ in range(n)
        ]
        for p in procs:
            p.start()
        keys = [out.get(timeout=30) for _ in procs]
        for p in procs:
            p.join(10)
        assert len(set(keys)) == 1 and len(keys[0]) >= 50, keys
        assert _mode(path) == 0o600 and path.read_text().strip() == keys[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"secret_key_{i}" for i in range(5)]
