"""What the enterprise registry (C1) adds to the frame."""

from typing import Any

from kechuang.core.registry import ApiMount, NavItem, UrlMount

NAV = [
    NavItem(
        "enterprises",
        "企业库",
        "enterprises:list",
        icon="bi-buildings",
        order=10,
        visible=lambda user: bool(getattr(user, "is_authenticated", False)),
        app_name="enterprises",
    ),
]
URLS = [
    UrlMount("enterprises/", "kechuang.enterprises.urls"),
]
API = [
    ApiMount("/enterprises", "kechuang.enterprises.api"),
    ApiMount("/imports", "kechuang.enterprises.api", "imports_router"),
]


def _import_kinds() -> list[Any]:
    from kechuang.enterprises.importing import IMPORT_KINDS

    return IMPORT_KINDS


IMPORTS = _import_kinds()
