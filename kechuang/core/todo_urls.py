from django.urls import path

from kechuang.core import todo_views

app_name = "todo"
urlpatterns = [path("", todo_views.todo, name="index")]
