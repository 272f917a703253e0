from django.urls import path

from kechuang.vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/expire/", views.programme_expire, name="programme_expire"),
    path("programmes/<int:pk>/ledger/", views.ledger, name="ledger"),
    path("providers/", views.providers, name="providers"),
    path("providers/new/", views.provider_new, name="provider_new"),
    path("providers/<int:pk>/", views.provider, name="provider"),
    path("providers/<int:pk>/status/", views.provider_status, name="provider_status"),
    path("providers/<int:pk>/documents/", views.provider_document_upload, name="provider_upload"),
    path("provider-documents/<int:pk>/", views.provider_document, name="provider_document"),
    path("providers/<int:pk>/logins/", views.provider_login_new, name="provider_login_new"),
    path(
        "provider-logins/<int:pk>/status/",
        views.provider_login_status,
        name="provider_login_status",
    ),
    path("provider/", views.my_provider, name="my_provider"),
    path("<int:pk>/", views.voucher, name="voucher"),
    path("<int:pk>/approve/", views.voucher_approve, name="approve"),
    path("<int:pk>/close/", views.voucher_close, name="close"),
    path("<int:pk>/move/", views.voucher_move, name="move"),
    path("<int:pk>/claim/", views.voucher_claim, name="claim"),
    path("<int:pk>/pay/", views.voucher_pay, name="pay"),
    path("<int:pk>/upload/", views.voucher_upload, name="upload"),
    path("documents/<int:pk>/", views.document, name="document"),
]
