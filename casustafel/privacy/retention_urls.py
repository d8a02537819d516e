"""Retention pages (privacy officers and process directors of the house)."""

from django.urls import path

from casustafel.privacy import retention_views

urlpatterns = [
    path("bewaartermijnen/", retention_views.retention_overview, name="retention_overview"),
    path("bewaartermijnen/casussen/<int:pk>/", retention_views.retention_case, name="retention_case"),
]
