from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kechuang.assessments"
    label = "assessments"
    verbose_name = "认定评价"
