from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kechuang.core.cache import create_cache_table

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="kc-cache-table")
