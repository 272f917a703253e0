from django.urls import path

from kechuang.core import schedule_views

app_name = "schedule"
urlpatterns = [path("", schedule_views.schedule_page, name="index")]
