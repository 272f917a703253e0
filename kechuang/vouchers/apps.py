from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "kechuang.vouchers"
    label = "vouchers"
    verbose_name = "科技创新券"
    default_auto_field = "django.db.models.BigAutoField"
