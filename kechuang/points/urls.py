from django.urls import path

from kechuang.points import views

app_name = "points"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.rank_list, name="list"),
    path("<int:year>/score/", views.score, name="score"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/republish/", views.republish, name="republish"),
    path("<int:year>/freeze/", views.freeze, name="freeze"),
    path("enterprise/<int:pk>/<int:year>/", views.explain, name="explain"),
    path("enterprise/<int:pk>/<int:year>/object/", views.object_file, name="object"),
    path("enterprise/<int:pk>/<int:year>/facts/", views.facts, name="facts"),
    path("objections/<int:pk>/", views.objection, name="objection"),
    path("objections/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("sets/", views.sets, name="sets"),
    path("sets/new/", views.set_new, name="set_new"),
    path("sets/<int:pk>/", views.set_detail, name="set"),
    path("sets/<int:pk>/publish/", views.set_publish, name="set_publish"),
    path("sets/<int:pk>/whatif/", views.set_whatif, name="whatif"),
]
