from typing import Any

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "kechuang.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kechuang.accounts.models import Region
        from kechuang.enterprises.models import Certificate, Enterprise, IPItem, YearlyFacts

        # Any saved or deleted row of the registry (a soft delete or restore is a save)
        # starts a new generation of the figures cached from it (kechuang.core.cache);
        # bulk writes (imports) call registry_changed() themselves.
        for model in (Enterprise, YearlyFacts, IPItem, Certificate, Region):
            post_save.connect(_registry_written, sender=model, dispatch_uid=f"kc-gen-{model}")
            post_delete.connect(_registry_written, sender=model, dispatch_uid=f"kc-gen-d-{model}")


def _registry_written(sender: Any, using: str = "default", **_kwargs: Any) -> None:
    from kechuang.core.cache import registry_changed

    registry_changed(using)
