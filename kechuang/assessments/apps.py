from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kechuang.assessments"
    label = "assessments"
    verbose_name = "认定评价"

    def ready(self) -> None:
        from kechuang.assessments import panels  # noqa: F401  (registers the enterprise-page panel)
