from typing import Any

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "kechuang.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from kechuang.accounts.models import Region
        from kechuang.enterprises.models import Certificate, Enterprise, IPItem, YearlyFacts

        # Any saved or deleted row of the registry (a soft delete or restore is a save)
        # starts a new generation of the figures cached from it (kechuang.core.cache), for
        # the region of its enterprise (a moved enterprise: both regions) and the regions
        # above; a region itself, for the whole registry. Bulk writes (imports) call
        # registry_changed() themselves.
        pre_save.connect(_enterprise_moving, sender=Enterprise, dispatch_uid="kc-gen-move")
        for model in (Enterprise, YearlyFacts, IPItem, Certificate, Region):
            post_save.connect(_registry_written, sender=model, dispatch_uid=f"kc-gen-{model}")
            post_delete.connect(_registry_written, sender=model, dispatch_uid=f"kc-gen-d-{model}")


def _enterprise_moving(sender: Any, instance: Any, **_kwargs: Any) -> None:
    """The region an enterprise is saved from (its figures there change too)."""
    if instance.pk is not None:
        instance._kc_stored_path = _region_path(enterprise_id=instance.pk)


def _region_path(*, enterprise_id: Any) -> str | None:
    from kechuang.enterprises.models import Enterprise

    return (
        Enterprise._base_manager.filter(pk=enterprise_id)
        .values_list("region__path", flat=True)
        .first()
    )


def _registry_written(sender: Any, instance: Any, using: str = "default", **_kwargs: Any) -> None:
    from kechuang.accounts.models import Region
    from kechuang.core.cache import registry_changed
    from kechuang.enterprises.models import Enterprise

    if sender is Region:
        registry_changed(using)  # names and the tree of regions: every figure
        return
    if sender is Enterprise:
        path = (
            Region._base_manager.filter(pk=instance.region_id)
            .values_list("path", flat=True)
            .first()
        )
        moved_from = getattr(instance, "_kc_stored_path", None)
    else:
        path, moved_from = _region_path(enterprise_id=instance.enterprise_id), None
    if path is None:
        registry_changed(using)  # its region not found: every figure, to be safe
        return
    registry_changed(using, paths=[p for p in (path, moved_from) if p is not None])
