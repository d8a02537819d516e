from django.urls import path

from casustafel.organisations import views

app_name = "organisations"

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation_list"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation_create"),
    path("organisaties/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisaties/<int:pk>/wijzigen/", views.organisation_edit, name="organisation_edit"),
    path("gebruikers/", views.user_list, name="user_list"),
    path("gebruikers/nieuw/", views.user_create, name="user_create"),
    path("gebruikers/<int:pk>/", views.user_detail, name="user_detail"),
    path("gebruikers/<int:pk>/wijzigen/", views.user_edit, name="user_edit"),
    path("gebruikers/<int:pk>/tweede-factor-wissen/", views.user_reset_mfa, name="user_reset_mfa"),
    path("gebruikers/<int:pk>/eerste-wachtwoord/", views.user_set_password, name="user_set_password"),
    path("gebruikers/<int:pk>/blokkade-opheffen/", views.user_unlock, name="user_unlock"),
    path("gebruikers/<int:pk>/lidmaatschap-toevoegen/", views.membership_create, name="membership_create"),
    path("lidmaatschappen/<int:pk>/wijzigen/", views.membership_edit, name="membership_edit"),
    path("lidmaatschappen/<int:pk>/beeindigen/", views.membership_end, name="membership_end"),
    path("vervangingen/", views.substitution_list, name="substitution_list"),
    path("vervangingen/nieuw/", views.substitution_create, name="substitution_create"),
    path("vervangingen/<int:pk>/intrekken/", views.substitution_revoke, name="substitution_revoke"),
]
