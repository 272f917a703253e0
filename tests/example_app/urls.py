from django.urls import path

from tests.example_app import views

app_name = "example_app"
urlpatterns = [path("enterprise/<int:pk>/", views.enterprise, name="enterprise")]
