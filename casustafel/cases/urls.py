"""Case URLs: referral routes (referral_urls.py) and triage routes (triage_urls.py)."""

from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("casustafel.cases.referral_urls")),
    path("", include("casustafel.cases.triage_urls")),
]
