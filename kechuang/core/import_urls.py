from django.urls import path

from kechuang.core import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.import_index, name="index"),
    path("template/<str:kind>.xlsx", import_views.import_template, name="template"),
    path("upload/<str:kind>/", import_views.import_upload, name="upload"),
    path("preview/<str:token>/", import_views.import_preview_page, name="preview"),
    path("confirm/<str:token>/", import_views.import_confirm, name="confirm"),
    path("errors/<str:token>.xlsx", import_views.import_errors, name="errors"),
]
