from django.urls import path

from kechuang.events import views

app_name = "events"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.event_new, name="event_new"),
    path("<int:pk>/", views.event, name="event"),
    path("<int:pk>/participant/", views.event_participant, name="participant"),
    path("<int:pk>/register/", views.event_register, name="register"),
    path("<int:pk>/item/", views.event_item, name="item"),
    path("<int:pk>/score/", views.event_score, name="score"),
    path("articles/", views.article_list, name="articles"),
]
