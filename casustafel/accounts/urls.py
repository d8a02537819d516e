from django.contrib.auth import views as auth_views
from django.urls import path

from casustafel.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("inloggen/code/", views.mfa_verify, name="mfa_verify"),
    path("inloggen/tweede-factor/", views.mfa_setup, name="mfa_setup"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("namens/", views.acting_switch, name="acting_switch"),
    path("sessie/status/", views.session_status, name="session_status"),
    path("sessie/bewaren/", views.session_hold, name="session_hold"),
]
