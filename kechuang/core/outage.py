"""When the database cannot be reached: one Chinese sentence for the CLI, a Chinese page
for the site and a JSON error for the API — each made without touching the database.

`database_unreachable(exc)` tells a lost or refused connection apart from an error of
one statement (a lock timeout, a deadlock), which keeps its traceback and its 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.db import InterfaceError, OperationalError

OUTAGE_MESSAGE: Final = "数据库暂时无法连接，请稍后重试；如持续出现，请联系管理员检查数据库服务。"

# SQLite's words for "there is no database to open" (a missing directory, no permission).
_SQLITE_UNREACHABLE = ("unable to open database file",)


def database_unreachable(exc: BaseException | None) -> bool:
    """True when `exc` (or what it wraps) says the database cannot be reached."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, InterfaceError):
            return True  # the connection is closed or broken
        if isinstance(exc, OperationalError):
            cause = exc.__cause__
            # psycopg: connecting failed (no SQLSTATE; a statement's errors carry one).
            if type(cause).__module__.startswith("psycopg") and not getattr(
                cause, "sqlstate", None
            ):
                return True
            if any(text in str(exc) for text in _SQLITE_UNREACHABLE):
                return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def database_label(settings_dict: Mapping[str, Any]) -> str:
    """Where the database is, for the message: host:port/name (never the password)."""
    engine = str(settings_dict.get("ENGINE", ""))
    name = str(settings_dict.get("NAME", ""))
    if engine.endswith("sqlite3"):
        return f"SQLite {name}"
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or ""
    return f"PostgreSQL {host}{':' if port else ''}{port}/{name}"


def cli_message(settings_dict: Mapping[str, Any]) -> str:
    """The CLI's one line when the database cannot be reached."""
    return (
        f"无法连接数据库（{database_label(settings_dict)}）：请检查数据库服务是否运行，"
        "以及 DATABASE_URL 设置是否正确。"
    )
