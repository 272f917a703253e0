from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kechuang.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_done"),
        ),
        name="password_change",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password_done",
    ),
]
