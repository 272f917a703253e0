from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "kechuang.platforms"
    label = "platforms"
    verbose_name = "创新平台与人才"
    default_auto_field = "django.db.models.BigAutoField"
