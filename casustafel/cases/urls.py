"""Case URLs: case routes (case_urls.py, with the timeline), case information and attachments
(information_urls.py), referral routes (referral_urls.py) and triage routes
(triage_urls.py)."""

from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("casustafel.cases.case_urls")),
    path("", include("casustafel.cases.information_urls")),
    path("", include("casustafel.cases.referral_urls")),
    path("", include("casustafel.cases.triage_urls")),
]
