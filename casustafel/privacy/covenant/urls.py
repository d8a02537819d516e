"""The covenant and the chair's privacy reminder; included from `privacy/urls.py`."""

from django.urls import path

from casustafel.privacy.covenant import views

urlpatterns = [
    path("convenant/", views.covenant_detail, name="covenant"),
    path("convenant/wijzigen/", views.covenant_edit, name="covenant_edit"),
    path("convenant/convenant.pdf", views.covenant_pdf, name="covenant_pdf"),
    path("convenant/versies/<int:pk>/", views.covenant_version_detail, name="covenant_version"),
    path("convenant/versies/<int:pk>/opslaan/", views.covenant_version_update_view, name="covenant_version_update"),
    path(
        "convenant/versies/<int:pk>/publiceren/", views.covenant_version_publish_view, name="covenant_version_publish"
    ),
    path("convenant/versies/<int:pk>/weggooien/", views.covenant_version_discard_view, name="covenant_version_discard"),
    path("convenant/versies/<int:pk>/convenant.pdf", views.covenant_version_pdf, name="covenant_version_pdf"),
    path("convenant/versies/<int:pk>/overlegtypen/", views.covenant_rule_add_view, name="covenant_rule_add"),
    path("convenant/afspraken/<int:pk>/", views.covenant_rule_edit, name="covenant_rule_edit"),
    path("convenant/afspraken/<int:pk>/verwijderen/", views.covenant_rule_remove_view, name="covenant_rule_remove"),
    path("overlegtypen/<int:pk>/privacy-instructie/", views.meeting_reminder, name="meeting_reminder"),
]
