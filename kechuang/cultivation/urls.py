from django.urls import path

from kechuang.cultivation import views

app_name = "cultivation"
urlpatterns = [
    path("", views.board, name="board"),
    path("pool/", views.pool, name="pool"),
    path("pool/propose/", views.pool_propose, name="pool_propose"),
    path("pool/propose-selected/", views.pool_propose_bulk, name="pool_propose_bulk"),
    path("ledgers/assign-selected/", views.ledgers_assign, name="ledgers_assign"),
    path("enterprise/<int:pk>/propose/", views.enterprise_propose, name="enterprise_propose"),
    path("pool/<int:pk>/decide/", views.pool_decide, name="pool_decide"),
    path("pool/<int:pk>/leave/", views.pool_leave, name="pool_leave"),
    path("pool/<int:pk>/grade/", views.pool_grade, name="pool_grade"),
    path("regrade/", views.regrade, name="regrade"),
    path("enterprise/<int:pk>/", views.enterprise_ledger, name="enterprise"),
    path("ledgers/<int:pk>/", views.ledger, name="ledger"),
    path("ledgers/<int:pk>/transition/", views.ledger_transition, name="transition"),
    path("ledgers/<int:pk>/edit/", views.ledger_edit, name="ledger_edit"),
    path("ledgers/<int:pk>/visit/", views.ledger_visit, name="visit"),
    path("ledgers/<int:pk>/document/", views.ledger_document, name="document_add"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("batches/", views.batches, name="batches"),
    path("progress/", views.progress, name="progress"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("forecast/", views.forecast, name="forecast"),
    path("forecast/export.xlsx", views.forecast_export, name="forecast_export"),
    path("success/", views.success, name="success"),
    path("export.xlsx", views.export, name="export"),
]
