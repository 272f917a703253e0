from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "kechuang.cultivation"
    label = "cultivation"
    verbose_name = "高企培育"

    def ready(self) -> None:
        from kechuang.cultivation import panels  # noqa: F401  (registers the enterprise-page panel)
