from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kechuang.matching"
    label = "matching"
    verbose_name = "产学研对接"

    def ready(self) -> None:
        from kechuang.core.registry import search_changed

        search_changed.connect(_refresh, dispatch_uid="matching-index-refresh")


def _refresh(sender: str, refs: list[int], **kwargs: object) -> None:
    """Another app's searchable records changed: re-index them now (same transaction)."""
    from kechuang.matching.services import index_refresh

    index_refresh(sender, refs)
