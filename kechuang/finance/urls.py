from django.urls import path

from kechuang.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.funds, name="funds"),
    path("tax-relief/", views.reliefs, name="reliefs"),
    path("loans/", views.loans, name="loans"),
    path("loans/recommend/", views.recommend, name="recommend"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", views.fund_edit, name="fund"),
    path("tax-relief/new/", views.relief_new, name="relief_new"),
    path("tax-relief/<int:pk>/", views.relief_edit, name="relief"),
    path("loans/new/", views.loan_new, name="loan_new"),
    path("loans/<int:pk>/", views.loan, name="loan"),
    path("loans/<int:pk>/repay/", views.loan_repay, name="loan_repay"),
]
