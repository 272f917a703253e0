from django.urls import path

from kechuang.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("annual/", views.annual, name="annual"),
]
