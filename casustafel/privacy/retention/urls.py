"""Retention pages (privacy officers and process directors of the house): cases and referrals."""

from django.urls import path

from casustafel.privacy.retention import views

urlpatterns = [
    path("bewaartermijnen/", views.retention_overview, name="retention_overview"),
    path("bewaartermijnen/casussen/<int:pk>/", views.retention_case, name="retention_case"),
    path("bewaartermijnen/aanmeldingen/<int:pk>/", views.retention_referral, name="retention_referral"),
]
