"""What the rules in the app (C2) add to the frame: the assessment panel, the batch
assessment and whole-registry pages, the assessment API."""

from kechuang.assessments.panels import PANEL
from kechuang.core.registry import ApiMount, NavItem, UrlMount
from kechuang.core.roles import is_staff_user

NAV = [
    NavItem(
        "assess",
        "批量评价",
        "assessments:upload",
        icon="bi-clipboard-check",
        order=20,
        visible=lambda user: bool(getattr(user, "is_authenticated", False)),
        app_name="assessments",
        except_url_names=("runs", "run"),
    ),
    NavItem(
        "assess-registry",
        "全库评价",
        "assessments:runs",
        icon="bi-lightning",
        order=70,
        visible=is_staff_user,
        app_name="assessments",
        url_names=("runs", "run"),
    ),
]
PANELS = [PANEL]
URLS = [UrlMount("assess/", "kechuang.assessments.urls")]
API = [ApiMount("/", "kechuang.assessments.api")]
