from django.urls import path

from kechuang.core import job_views

app_name = "jobs"
urlpatterns = [
    path("", job_views.job_list, name="list"),
    path("<int:pk>/", job_views.job_detail, name="detail"),
    path("<int:pk>/download/", job_views.job_download, name="download"),
]
