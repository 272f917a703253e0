from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "kechuang.finance"
    label = "finance"
    verbose_name = "资金与科技金融"
    default_auto_field = "django.db.models.BigAutoField"
