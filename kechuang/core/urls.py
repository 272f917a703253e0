from django.urls import path

from kechuang.core import views

app_name = "core"
urlpatterns = [path("", views.audit_list, name="audit")]
