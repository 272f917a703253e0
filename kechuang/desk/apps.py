from django.apps import AppConfig
from django.db.models.signals import post_save


class DeskConfig(AppConfig):
    name = "kechuang.desk"
    label = "desk"
    verbose_name = "科技服务（帮办与走访）"

    def ready(self) -> None:
        from kechuang.accounts.models import Region
        from kechuang.desk.counties import on_region_saved

        post_save.connect(on_region_saved, sender=Region, dispatch_uid="desk_county_setup")
