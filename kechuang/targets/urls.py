from django.urls import path

from kechuang.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<int:pk>/delete/", views.statistic_delete, name="statistic_delete"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("assessment/", views.assessment, name="assessment"),
    path("region/<str:code>/", views.dashboard, name="dashboard"),
    path("region/<str:code>/<str:indicator>/records/", views.records, name="records"),
]
