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
    path("<int:pk>/link/", views.event_link, name="link"),
    path("<int:pk>/unlink/", views.event_unlink, name="unlink"),
    path("<int:pk>/intention/", views.event_intention, name="intention"),
    path("<int:pk>/intention/remove/", views.event_intention_remove, name="intention_remove"),
    path("articles/", views.article_list, name="articles"),
]
