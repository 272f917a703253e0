from django.urls import path

from kechuang.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.funds, name="funds"),
    path("tax-relief/", views.reliefs, name="reliefs"),
    path("loans/", views.loans, name="loans"),
    path("loans/recommend/", views.recommend, name="recommend"),
]
