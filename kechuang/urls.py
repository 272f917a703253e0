"""The composition root: the frame's own routes, then every app's `URLS` contribution."""

from django.contrib import admin
from django.urls import include, path

from kechuang.api.api import api
from kechuang.core.health import healthz
from kechuang.core.registry import collect
from kechuang.enterprises.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("kechuang.accounts.urls")),
    *[path(mount.prefix, include(mount.module)) for mount in collect("URLS")],
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# A crash or a database outage: a Chinese page (JSON under /api/) that needs no database.
handler500 = "kechuang.core.web.errors.server_error"
