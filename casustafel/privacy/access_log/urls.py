"""The access log, its export and the integrity check; included from `privacy/urls.py` under
/privacy/logboek/."""

from django.urls import path

from casustafel.privacy.access_log import views

urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("export/", views.access_log_export, name="access_log_export"),
    path("gebruikers/", views.access_log_user_search, name="access_log_user_search"),
    path("betrokkene/", views.access_log_person_search, name="access_log_person_search"),
    path("integriteit/", views.audit_integrity, name="audit_integrity"),
]
