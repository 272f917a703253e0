from django.apps import AppConfig


class ExampleAppConfig(AppConfig):
    """The smallest complete capability (docs/capabilities.md): installed in tests only."""

    name = "tests.example_app"
    label = "example_app"
    verbose_name = "研发费用加计扣除备案（示例）"
    default_auto_field = "django.db.models.BigAutoField"
