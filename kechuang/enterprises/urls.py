from django.urls import path

from kechuang.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("search/", views.enterprise_search, name="search"),
    path("search/suggest/", views.enterprise_suggest, name="suggest"),
    path("export/<str:kind>/", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/delete/", views.enterprise_delete, name="delete"),
    path("deleted/", views.deleted_list, name="deleted"),
    path("deleted/<int:pk>/restore/", views.deleted_restore, name="restore"),
    path("deleted/<int:pk>/purge/", views.deleted_purge, name="purge"),
    path("<int:pk>/facts/<int:year>/", views.facts_edit, name="facts_edit"),
    path("<int:pk>/ip/new/", views.ip_create, name="ip_create"),
    path("<int:pk>/certificates/new/", views.certificate_create, name="certificate_create"),
]
