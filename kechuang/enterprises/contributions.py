"""What the enterprise registry (C1) adds to the frame."""

from typing import Any

from kechuang.core.registry import TOP, ApiMount, NavItem, TodoItem, TodoSource, UrlMount

NAV = [
    NavItem(
        "enterprises",
        "企业库",
        "enterprises:list",
        icon="bi-buildings",
        order=10,
        visible=lambda user: bool(getattr(user, "is_authenticated", False)),
        app_name="enterprises",
        group=TOP,
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


def _expiring_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.enterprises.selectors import expiring_certificates

    return [
        TodoItem(
            title=f"{c.enterprise.name} 高新技术企业证书到期（{c.number or '无编号'}）",
            url=reverse("enterprises:detail", args=[c.enterprise_id]),
            due_on=c.valid_until,
            note=f"{c.enterprise.region.name}；还有{(c.valid_until - day).days}天，请及早准备重新认定",
        )
        for c in expiring_certificates(actor, day)[:limit]
    ]


def _expiring_count(actor: Any, day: Any) -> int:
    from kechuang.enterprises.selectors import expiring_certificate_count

    return expiring_certificate_count(actor, day)


TODO = [
    TodoSource(
        key="certificates-expiring",
        title="即将到期的高企证书（180天内）",
        items=_expiring_items,
        count=_expiring_count,
        order=30,
        icon="bi-patch-exclamation",
        visible=lambda user: bool(getattr(user, "is_authenticated", False)),
    )
]
