from django.urls import path

from kechuang.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.index, name="index"),
    path("demands/", views.demand_list, name="demands"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:pk>/", views.demand, name="demand"),
    path("demands/<int:pk>/introduce/", views.demand_introduce, name="demand_introduce"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_new, name="expert_new"),
    path("experts/<int:pk>/", views.expert, name="expert"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("achievements/", views.achievement_list, name="achievements"),
    path("achievements/<int:pk>/", views.achievement, name="achievement"),
    path("introductions/", views.introduction_list, name="introductions"),
    path("introductions/<int:pk>/", views.introduction, name="introduction"),
    path("introductions/<int:pk>/move/", views.introduction_move, name="introduction_move"),
    path("introductions/<int:pk>/agreement/", views.introduction_sign, name="introduction_sign"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement, name="agreement"),
    path("agreements/<int:pk>/progress/", views.agreement_progress, name="agreement_progress"),
    path(
        "agreements/<int:pk>/not-executed/",
        views.agreement_not_executed,
        name="agreement_not_executed",
    ),
    path("alliances/", views.alliance_list, name="alliances"),
    path("alliances/new/", views.alliance_new, name="alliance_new"),
    path("alliances/<int:pk>/", views.alliance, name="alliance"),
    path("alliances/<int:pk>/edit/", views.alliance_edit, name="alliance_edit"),
    path("alliances/<int:pk>/members/", views.alliance_member_add, name="alliance_member_add"),
    path(
        "alliances/members/<int:pk>/remove/",
        views.alliance_member_remove,
        name="alliance_member_remove",
    ),
]
