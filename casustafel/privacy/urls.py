"""Privacy URLs under /privacy/, one include per topic; the URL names stay in the `privacy`
namespace."""

from django.urls import include, path

app_name = "privacy"

urlpatterns = [
    path("", include("casustafel.privacy.covenant.urls")),
    path("logboek/", include("casustafel.privacy.access_log.urls")),
    path("", include("casustafel.privacy.retention.urls")),
    path("inzageverzoeken/", include("casustafel.privacy.subject_access.urls")),
]
