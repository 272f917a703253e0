"""The only settings file. Every value comes from the environment, with safe defaults
for a developer machine (SQLite under var/, DEBUG off unless asked)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Generic Django classes (`admin.ModelAdmin[Model]`, …) may be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KECHUANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "PYTEST_VERSION" in os.environ


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}: expected a boolean (true/false), got {raw!r}")


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def envsecret(name: str) -> str:
    """A secret from the environment, else one kept in var/ (never committed)."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.enterprises",
    "kechuang.assessments",
    "kechuang.programmes",
    "kechuang.cultivation",
    "kechuang.demo",
    "kechuang.targets",
    "kechuang.reports",
]
if TESTING:
    # The smallest complete capability (docs/capabilities.md), installed for its tests.
    INSTALLED_APPS.append("tests.example_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "enterprises:list"
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
    {"NAME": "kechuang.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_DIR = VAR_DIR / "uploads"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_ROWS = int(os.environ.get("KECHUANG_IMPORT_MAX_ROWS", "200000"))

# An API token expires this many days after it is issued (a password change revokes it
# at once); `kechuang token create --days N` and the token page may ask for fewer.
API_TOKEN_DAYS = int(os.environ.get("KECHUANG_API_TOKEN_DAYS", "90"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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
}

# The county this installation serves (GB/T 2260 code); the demo uses 泰兴市.
KECHUANG_COUNTY_CODE = os.environ.get("KECHUANG_COUNTY_CODE", "321283")

# The instance's "today" (ISO date), for a demo or a training instance that lives on a
# fixed day; empty means the real local date (kechuang.core.periods.today).
KECHUANG_TODAY = os.environ.get("KECHUANG_TODAY", "") or None
# The day the loaded data lives on, written by `kechuang demo` and read when
# KECHUANG_TODAY is empty (kechuang.core.periods). Tests never read a developer's file.
KECHUANG_TODAY_FILE = None if TESTING else VAR_DIR / "today"
# An import confirm with more rows than this runs as a background job.
IMPORT_JOB_ROWS = int(os.environ.get("KECHUANG_IMPORT_JOB_ROWS", "5000"))
