from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "kechuang.targets"
    label = "targets"
    verbose_name = "指标与目标"

    def ready(self) -> None:
        from kechuang.targets.indicators import register_contributed

        register_contributed()
