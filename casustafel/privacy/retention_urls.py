"""Retention pages (privacy officers and process directors of the house): cases and referrals."""

from django.urls import path

from casustafel.privacy import retention_views

urlpatterns = [
    path("bewaartermijnen/", retention_views.retention_overview, name="retention_overview"),
    path("bewaartermijnen/casussen/<int:pk>/", retention_views.retention_case, name="retention_case"),
    path("bewaartermijnen/aanmeldingen/<int:pk>/", retention_views.retention_referral, name="retention_referral"),
]
