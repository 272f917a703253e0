"""What the frame's own pages add to the top bar: the audit log and the admin."""

from kechuang.core.registry import ApiMount, NavItem, UrlMount
from kechuang.core.roles import is_staff_user


def _may_import(user: object) -> bool:
    from kechuang.core.imports import kinds_for

    return bool(getattr(user, "is_authenticated", False)) and bool(kinds_for(user))


NAV = [
    NavItem(
        "imports",
        "数据导入",
        "imports:index",
        icon="bi-upload",
        order=60,
        visible=_may_import,
        app_name="imports",
        group="system",
    ),
    NavItem(
        "audit",
        "操作日志",
        "core:audit",
        icon="bi-journal-text",
        order=80,
        visible=is_staff_user,
        app_name="core",
        group="system",
    ),
    NavItem(
        "admin",
        "管理后台",
        "admin:index",
        icon="bi-gear",
        order=90,
        visible=is_staff_user,
        group="system",
    ),
]
URLS = [
    UrlMount("audit/", "kechuang.core.urls"),
    UrlMount("imports/", "kechuang.core.import_urls"),
    UrlMount("jobs/", "kechuang.core.job_urls"),
    UrlMount("todo/", "kechuang.core.todo_urls"),
    UrlMount("schedule/", "kechuang.core.schedule_urls"),
]
API = [ApiMount("/jobs", "kechuang.core.api")]
