"""What the annual report (C12) adds to the frame."""

from kechuang.core.registry import NavItem, UrlMount
from kechuang.core.roles import is_staff_user

NAV = [
    NavItem(
        "reports",
        "年度报告",
        "reports:index",
        icon="bi-file-earmark-text",
        order=50,
        visible=is_staff_user,
        app_name="reports",
    ),
]
URLS = [UrlMount("reports/", "kechuang.reports.urls")]
