"""The only settings file. Every value comes from the environment, with safe defaults
for a developer machine (SQLite under var/, DEBUG off unless asked)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF, UNSAFE_INLINE

from kechuang.rules.safe_read import SheetLimits

# Generic Django classes (`admin.ModelAdmin[Model]`, …) may be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "PYTEST_VERSION" in os.environ


def _umask() -> int:
    raw = os.environ.get("KECHUANG_UMASK", "077")
    try:
        return int(raw, 8) & 0o777
    except ValueError:
        raise ValueError(
            f"KECHUANG_UMASK: expected an octal mask such as 077, got {raw!r}"
        ) from None


# Everything this process writes (the SQLite database and its journal, the secret key,
# uploads, job files, backups, var/today) is readable by its owner only: 0600 files,
# 0700 folders. Set for the whole process, so no writer can forget it.
UMASK = _umask()
os.umask(UMASK)
VAR_DIR = Path(os.environ.get("KECHUANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _close(path: Path, mode: int) -> None:
    """Narrow a file or folder made before the umask (or by hand) to `mode` under it;
    one owned by another account is left to its owner."""
    try:
        path.chmod(mode & ~UMASK)
    except PermissionError:
        pass


_close(VAR_DIR, 0o777)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}: expected a boolean (true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}: expected a whole number, got {raw!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def envsecret(name: str) -> str:
    """A secret from the environment, else one kept in var/ (never committed)."""
    value = os.environ.get(name)
    if value:
        return value
    return kept_secret(VAR_DIR / "secret_key")


def kept_secret(path: Path) -> str:
    """The secret in `path`, made on first use. It is written whole to a temporary file
    (0600 from its creation: never readable by others, not even for a moment), flushed,
    then linked into place, which fails if another process got there first: every process
    starting at once (the web workers, the job worker) reads one complete key, never an
    empty or half-written file, and none overwrites another's."""
    for _attempt in range(3):
        try:
            value = path.read_text().strip()
            empty = not value  # left by an interrupted older version: replaced below
        except FileNotFoundError:
            value, empty = "", False
        if value:
            path.chmod(0o600)
            return value
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50))
                out.flush()
                os.fsync(out.fileno())
            if empty:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    pass  # another process published its key first: read that one
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    raise RuntimeError(f"{path}: could not create the secret key")


DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kechuang.accounts.admin_site.KechuangAdminConfig",  # django.contrib.admin, platform admin only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.enterprises",
    "kechuang.assessments",
    "kechuang.programmes",
    "kechuang.cultivation",
    "kechuang.platforms",
    "kechuang.vouchers",
    "kechuang.finance",
    "kechuang.points",
    "kechuang.matching",
    "kechuang.events",
    "kechuang.desk",
    "kechuang.demo",
    "kechuang.targets",
    "kechuang.reports",
]
if TESTING:
    # The smallest complete capability (docs/capabilities.md), installed for its tests.
    INSTALLED_APPS.append("tests.example_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the view's exception first: domain errors → 403/404/400/409 pages.
    "kechuang.core.web.DomainErrorMiddleware",
    # Turns a lockout raised during authentication into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kechuang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.core.context_processors.kechuang",
                "kechuang.demo.context_processors.demo",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}"
if TESTING and os.environ.get("KECHUANG_TEST_DATABASE_URL"):
    DATABASE_URL = os.environ["KECHUANG_TEST_DATABASE_URL"]
else:
    DATABASE_URL = os.environ.get("DATABASE_URL") or _default_db
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _sqlite = str(DATABASES["default"]["NAME"])
    if _sqlite and not _sqlite.startswith((":memory:", "file:")):
        for _suffix in ("", "-wal", "-shm", "-journal"):
            if Path(_sqlite + _suffix).exists():
                _close(Path(_sqlite + _suffix), 0o666)

# The cache (kechuang.core.cache): figures derived from the registry (the complete
# reporting year per scope, assessment results by inputs hash). By default a table in the
# database itself, so every gunicorn worker and every app server shares it, its entries
# roll back, are backed up and restored with the data they describe, and `make run` needs
# no other server. `locmem` is for one process only (a registry change made in another
# process would not reach it); `dummy` caches nothing (to measure without the cache).
CACHE_KIND = os.environ.get("KECHUANG_CACHE", "db") or "db"
_CACHE_BACKENDS = {
    "db": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kechuang_cache",
    },
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
if CACHE_KIND not in _CACHE_BACKENDS:
    raise ValueError(
        f"KECHUANG_CACHE: expected one of {sorted(_CACHE_BACKENDS)}, got {CACHE_KIND!r}"
    )
CACHES = {
    "default": {
        **_CACHE_BACKENDS[CACHE_KIND],
        # A backstop only: every entry is checked against the registry's generation.
        "TIMEOUT": envint("KECHUANG_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": envint("KECHUANG_CACHE_MAX_ENTRIES", 50_000)},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # the home asks the apps where each user lands (LANDING)
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 stays the production hasher; tests hash thousands of persona passwords.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *PASSWORD_HASHERS,
    ]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kechuang.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "kechuang.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes, docs/settings.md): failures are counted per username and
# per address; past the limit both are refused until the cool-off has passed or staff
# unlock them (`kechuang axes_reset_username NAME`, `axes_reset_ip ADDR`, or the admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Tests switch it on where they test it (tests/accounts/test_login_throttling.py).
AXES_ENABLED = envbool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = int(os.environ.get("KECHUANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=int(os.environ.get("KECHUANG_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The log names the username and the address tried (passwords are always masked): an
# officer investigating a lockout needs both.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_LOCKOUT_CALLABLE = "kechuang.accounts.lockout.lockout_response"
# Behind a reverse proxy, the client address is the first of X-Forwarded-For only when
# the proxy is trusted to set it; KECHUANG_PROXY_COUNT says how many proxies there are.
AXES_IPWARE_PROXY_COUNT = (
    int(os.environ["KECHUANG_PROXY_COUNT"]) if os.environ.get("KECHUANG_PROXY_COUNT") else None
)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "kechuang" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "kechuang.core.staticfiles.StaticStorage"
        )
    },
}
# Before `collectstatic` has written its manifest (gunicorn started by hand), WhiteNoise
# serves the app's static folders directly, so that every page, the 500/503 pages
# included, is styled (kechuang.core.staticfiles); `kechuang serve` collects first.
WHITENOISE_USE_FINDERS = TESTING or DEBUG or not (STATIC_ROOT / "staticfiles.json").exists()
MEDIA_ROOT = VAR_DIR / "media"
# Django's storage chmods what it saves (attachments, collected static files) to 0644 by
# default, whatever the umask: the owner's only, like everything under var/.
FILE_UPLOAD_PERMISSIONS = 0o666 & ~UMASK
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o777 & ~UMASK
UPLOAD_DIR = VAR_DIR / "uploads"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_ROWS = int(os.environ.get("KECHUANG_IMPORT_MAX_ROWS", "200000"))
# What an uploaded sheet may be (size, unzipped size, cells, rows) and what parsing it
# may take (memory, seconds): KECHUANG_SHEET_* (kechuang.rules.safe_read, docs/settings.md).
SHEET_LIMITS = SheetLimits.from_env()
# The most enterprises one /assess/ upload may hold; above ASSESS_JOB_ROWS it is read and
# assessed by the background worker (its page shows progress and gives the workbook).
ASSESS_UPLOAD_MAX_ROWS = int(os.environ.get("KECHUANG_ASSESS_UPLOAD_MAX_ROWS", "200000"))
ASSESS_JOB_ROWS = int(os.environ.get("KECHUANG_ASSESS_JOB_ROWS", "5000"))
# Uploads kept for a confirm that never came are removed after this many hours.
UPLOAD_KEEP_HOURS = int(os.environ.get("KECHUANG_UPLOAD_KEEP_HOURS", "24"))

# HTTPS (docs/deployment-security.md). On unless DEBUG: HSTS, redirect to https, Secure
# cookies. `kechuang serve` on a loopback address (the local demo of `make run`, plain
# http://127.0.0.1) sets KECHUANG_HTTPS=0 for its server unless the variable is given.
HTTPS = envbool("KECHUANG_HTTPS", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS: the header it sets, e.g. X-Forwarded-Proto (the proxy
# must overwrite a client's own); then a request it marks "https" counts as secure.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# An API token expires this many days after it is issued (a password change revokes it
# at once); `kechuang token create --days N` and the token page may ask for fewer.
API_TOKEN_DAYS = int(os.environ.get("KECHUANG_API_TOKEN_DAYS", "90"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Preloading is a promise made for the whole registrable domain (often the government's
# own), not this application's to make: off unless SECURE_HSTS_PRELOAD, and not a warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# E-mail (the service desk's daily digest, `kechuang desk_digest`): off unless EMAIL_HOST
# (SMTP) or another EMAIL_BACKEND is set.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kechuang@localhost")
# The address of this site in e-mails (links), e.g. https://kjj.example.gov.cn
KECHUANG_SITE_URL = os.environ.get("KECHUANG_SITE_URL", "")

# Content-Security-Policy (django-csp): scripts and styles only from our own static
# files, no inline script and no eval; inline style attributes stay allowed (echarts and
# Bootstrap set them) but never <style> elements. Nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Background jobs (kechuang.core.jobs) through Django's tasks API: the database backend
# (a `db_worker` that `kechuang serve` starts runs them; SQLite needs no other server);
# in tests the immediate backend runs the same call inline. KECHUANG_TASKS_BACKEND
# overrides: database, immediate, dummy (store only), or a backend's dotted path.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_tasks_backend = os.environ.get("KECHUANG_TASKS_BACKEND") or (
    "immediate" if TESTING else "database"
)
if _tasks_backend not in TASKS_BACKENDS and "." not in _tasks_backend:
    raise ValueError(
        f"KECHUANG_TASKS_BACKEND: expected one of {', '.join(TASKS_BACKENDS)} or a dotted path,"
        f" got {_tasks_backend!r}"
    )
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKENDS.get(_tasks_backend, _tasks_backend),
        "QUEUES": ["default"],
    }
}
# Finished jobs' result files (reports) live here, outside the web root.
JOBS_DIR = VAR_DIR / "jobs"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # axes logs every failed login and lockout at WARNING (and keeps them in its tables).
}

# The county this installation serves (GB/T 2260 code); the demo uses 泰兴市.
KECHUANG_COUNTY_CODE = os.environ.get("KECHUANG_COUNTY_CODE", "321283")

# The instance's "today" (ISO date), for a demo or a training instance that lives on a
# fixed day; empty means the real local date (kechuang.core.periods.today).
KECHUANG_TODAY = os.environ.get("KECHUANG_TODAY", "") or None
# The day the loaded data lives on, written by `kechuang demo` and read when
# KECHUANG_TODAY is empty (kechuang.core.periods). Tests never read a developer's file.
KECHUANG_TODAY_FILE = None if TESTING else VAR_DIR / "today"
# An import with more rows than this is checked (previewed) and confirmed as a background
# job: a web request never parses or writes more.
IMPORT_JOB_ROWS = int(os.environ.get("KECHUANG_IMPORT_JOB_ROWS", "5000"))
