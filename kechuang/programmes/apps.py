from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "kechuang.programmes"
    verbose_name = "扶持项目框架"
    default_auto_field = "django.db.models.BigAutoField"
