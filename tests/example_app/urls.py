from django.urls import path

from tests.example_app import views

app_name = "example_app"
urlpatterns = [
    path("", views.index, name="index"),
    path("enterprise/<int:pk>/", views.enterprise, name="enterprise"),
]
