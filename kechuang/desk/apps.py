from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "kechuang.desk"
    label = "desk"
    verbose_name = "科技服务（帮办与走访）"
