from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kechuang.api.api import api

admin.site.site_header = "科创云 管理后台"
admin.site.site_title = "科创云"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="enterprises:list", permanent=False), name="home"),
    path("accounts/", include("kechuang.accounts.urls")),
    path("enterprises/", include("kechuang.enterprises.urls")),
    path("imports/", include("kechuang.enterprises.import_urls")),
    path("assess/", include("kechuang.assessments.urls")),
    path("cultivation/", include("kechuang.cultivation.urls")),
    path("audit/", include("kechuang.core.urls")),
    path("jobs/", include("kechuang.core.job_urls")),
    path("targets/", include("kechuang.targets.urls")),
    path("reports/", include("kechuang.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
