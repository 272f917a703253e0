from django.urls import path

from kechuang.platforms import editing, views

app_name = "platforms"
urlpatterns = [
    path("", views.index, name="index"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("carriers/", views.carriers, name="carriers"),
    path("carriers/<int:pk>/", views.carrier, name="carrier"),
    path("incubated/", views.incubated, name="incubated"),
    path("talent/", views.talent, name="talent"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/documents/<int:pk>/", views.project_document, name="project_document"),
    path("projects/publicity/", views.publicities, name="publicities"),
    path("projects/publicity/<int:pk>/", views.publicity, name="publicity"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("commissioners/", views.commissioners, name="commissioners"),
    path("commissioners/<int:pk>/", views.commissioner, name="commissioner"),
    path(
        "commissioners/<int:pk>/profile/",
        views.commissioner_profile,
        name="commissioner_profile",
    ),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/decide/", views.campaign_decide, name="campaign_decide"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path(
        "institutions/<int:pk>/edit/",
        editing.edit,
        {"kind": "institution"},
        name="institution_edit",
    ),
    path("carriers/<int:pk>/edit/", editing.edit, {"kind": "carrier"}, name="carrier_edit"),
    path("incubated/<int:pk>/edit/", editing.edit, {"kind": "incubated"}, name="incubated_edit"),
    path("talent/<int:pk>/edit/", editing.edit, {"kind": "talent"}, name="talent_edit"),
    path(
        "commissioners/<int:pk>/edit/",
        editing.edit,
        {"kind": "commissioner"},
        name="commissioner_edit",
    ),
]
