from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "kechuang.targets"
    label = "targets"
    verbose_name = "指标与目标"
