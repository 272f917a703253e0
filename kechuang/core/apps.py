from typing import Any

from django.apps import AppConfig

# Rows whose writes change no one's to-do list: sessions, the login throttle, the
# admin's and our own logs, import previews, jobs' progress.
RECORDS_IGNORED_APPS = frozenset(
    {"sessions", "axes", "admin", "contenttypes", "django_tasks", "django_tasks_db"}
)
RECORDS_IGNORED_MODELS = frozenset({"core.auditlog", "core.importbatch", "core.job"})


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kechuang.core.cache import create_cache_table

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="kc-cache-table")

        from django.db import connections
        from django.db.backends.signals import connection_created

        from kechuang.core.cache import watch_writes

        # Every statement that may write is counted (a transaction's own memo, which
        # `core.cache` keeps while it has written and not committed).
        connection_created.connect(watch_writes, dispatch_uid="kc-watch-writes")
        for conn in connections.all(initialized_only=True):
            watch_writes(conn)

        from django.db.models.signals import m2m_changed, post_delete, post_save

        # Any other row saved or deleted starts a new records generation (the cached
        # 待办 count, `core.cache.records_memo`).
        post_save.connect(_record_written, dispatch_uid="kc-records-save")
        post_delete.connect(_record_written, dispatch_uid="kc-records-delete")
        m2m_changed.connect(_record_written, dispatch_uid="kc-records-m2m")


def _record_written(
    sender: Any, using: str = "default", update_fields: Any = None, **kwargs: Any
) -> None:
    from django.apps import apps

    meta = getattr(sender, "_meta", None)
    if meta is None or meta.apps is not apps or meta.app_label in RECORDS_IGNORED_APPS:
        return  # a migration's historical model (the cache's table may not exist yet)
    if meta.label_lower in RECORDS_IGNORED_MODELS:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login
    action = kwargs.get("action")
    if action is not None and not str(action).startswith("post_"):
        return  # m2m_changed's pre_ signals
    from kechuang.core.cache import records_changed

    records_changed(using)
