"""URL configuration. Dutch paths: they are what users see in the address bar."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from casustafel.dashboards import errors

if settings.MFA_REQUIRED:
    # The technical Django admin asks for the second factor too.
    from django_otp.admin import OTPAdminSite

    admin.site.__class__ = OTPAdminSite

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("casustafel.dashboards.urls")),
    path("", include("casustafel.accounts.urls")),
    path("beheer/", include("casustafel.organisations.urls")),
    path("casussen/", include("casustafel.cases.urls")),
    path("", include("casustafel.plans.urls")),
    path("", include("casustafel.escalations.urls")),
    path("overleggen/", include("casustafel.meetings.urls")),
    path("meldingen/", include("casustafel.notifications.urls")),
    path("privacy/", include("casustafel.privacy.urls")),
    path("rapportage/", include("casustafel.reporting.urls")),
    path("leren/", include("casustafel.learning.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("technisch-beheer/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

if settings.DEBUG:
    urlpatterns += [path("_fouten/<int:code>/", errors.preview)]
