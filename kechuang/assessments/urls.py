from django.urls import path

from kechuang.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template_download, name="template"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_registry, name="run"),
    path("enterprise/<int:pk>/", views.self_assess, name="self"),
]
