from django.urls import path

from kechuang.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("notices/", views.notices_page, name="notices"),
    path("visits/", views.visits, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("problems/", views.problems, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("linkage/", views.linkage, name="linkage"),
    path("linkage/<int:pk>/delete/", views.linkage_delete, name="linkage_delete"),
    path("measures/", views.measures, name="measures"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("settings/overrides/<int:pk>/delete/", views.override_delete, name="override_delete"),
]
