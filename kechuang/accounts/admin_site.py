"""The admin site is the platform administrator's alone.

Its change lists are not scoped by region, so a county's bureau — even a superuser with a
region, like the demo's 科技局 login — would see every county of a city instance there. The
platform administrator is a superuser without a region (`scoping.sees_everything`, made
with `kechuang createsuperuser`); everyone else works through the app's own pages, which
are scoped."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class KechuangAdminSite(admin.AdminSite):
    site_header = "科创云 管理后台"
    site_title = "科创云"
    index_title = "数据管理（平台管理员）"

    def has_permission(self, request: HttpRequest) -> bool:
        from kechuang.accounts.scoping import sees_everything  # models load after settings

        return super().has_permission(request) and sees_everything(request.user)


class KechuangAdminConfig(AdminConfig):
    default_site = "kechuang.accounts.admin_site.KechuangAdminSite"
