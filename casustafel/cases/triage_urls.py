"""Triage routes (process directors and secretaries of the house) and the administration of
criteria sets and caseload caps (administrators)."""

from django.urls import path

from casustafel.cases.views import criteria, triage

urlpatterns = [
    path("triage/", triage.triage_list, name="triage_list"),
    path("triage/<int:pk>/", triage.triage_detail, name="triage_detail"),
    path("triage/<int:pk>/evalueren/", triage.triage_evaluate, name="triage_evaluate"),
    path("triage/<int:pk>/team/", triage.triage_team_search, name="triage_team_search"),
    path("triage/<int:pk>/eerste-contact/", triage.triage_first_contact, name="triage_first_contact"),
    path("triage/<int:pk>/wegingen/<int:triage_pk>/", triage.triage_record, name="triage_record"),
    path("criteria/", criteria.criteria_set_list, name="criteria_set_list"),
    path("criteria/nieuw/", criteria.criteria_set_create_view, name="criteria_set_create"),
    path("criteria/standaard/", criteria.criteria_set_install_default_view, name="criteria_set_install_default"),
    path("criteria/<int:pk>/", criteria.criteria_set_detail, name="criteria_set_detail"),
    path("criteria/<int:pk>/wijzigen/", criteria.criteria_set_edit, name="criteria_set_edit"),
    path("criteria/versies/<int:pk>/", criteria.criteria_version_detail, name="criteria_version_detail"),
    path(
        "criteria/versies/<int:pk>/instellingen/", criteria.criteria_version_update_view, name="criteria_version_update"
    ),
    path("criteria/versies/<int:pk>/criterium/", criteria.criterion_add_view, name="criterion_add"),
    path(
        "criteria/versies/<int:pk>/in-gebruik-nemen/",
        criteria.criteria_version_publish_view,
        name="criteria_version_publish",
    ),
    path(
        "criteria/versies/<int:pk>/weggooien/", criteria.criteria_version_discard_view, name="criteria_version_discard"
    ),
    path("criteria/criterium/<int:pk>/", criteria.criterion_edit, name="criterion_edit"),
    path("criteria/criterium/<int:pk>/verwijderen/", criteria.criterion_remove_view, name="criterion_remove"),
    path("caseloadplafonds/", criteria.caseload_caps, name="caseload_caps"),
]
