"""Referral routes (aanmelden), persons in a referral, and the administrator's persons pages."""

from django.urls import path

from casustafel.cases.views import persons, referrals

urlpatterns = [
    path("aanmeldingen/", referrals.referral_list, name="referral_list"),
    path("aanmeldingen/nieuw/", referrals.referral_create, name="referral_create"),
    path("aanmeldingen/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("aanmeldingen/<int:pk>/gegevens/", referrals.referral_general_edit, name="referral_general_edit"),
    path("aanmeldingen/<int:pk>/zorg/", referrals.referral_concern_edit, name="referral_concern_edit"),
    path("aanmeldingen/<int:pk>/termijn/", referrals.referral_term_edit, name="referral_term_edit"),
    path("aanmeldingen/<int:pk>/betrokkenen/", referrals.party_add, name="party_add"),
    path("aanmeldingen/<int:pk>/verwijderen/", referrals.referral_delete_view, name="referral_delete"),
    path("aanmeldingen/<int:pk>/betrokkenen/<int:party_pk>/", referrals.party_detail, name="party_detail"),
    path("aanmeldingen/<int:pk>/betrokkenen/<int:party_pk>/wijzigen/", referrals.party_edit, name="party_edit"),
    path(
        "aanmeldingen/<int:pk>/betrokkenen/<int:party_pk>/verwijderen/",
        referrals.party_remove,
        name="party_remove",
    ),
    path(
        "aanmeldingen/<int:pk>/betrokkenen/<int:party_pk>/check-op-bekendheid/",
        referrals.party_check_known,
        name="party_check_known",
    ),
    path("aanmeldingen/<int:pk>/problemen/", referrals.problem_add, name="problem_add"),
    path(
        "aanmeldingen/<int:pk>/problemen/<int:problem_pk>/verwijderen/",
        referrals.problem_remove,
        name="problem_remove",
    ),
    path("aanmeldingen/<int:pk>/eerdere-aanpak/", referrals.prior_action_add_view, name="prior_action_add"),
    path(
        "aanmeldingen/<int:pk>/eerdere-aanpak/<int:action_pk>/verwijderen/",
        referrals.prior_action_remove_view,
        name="prior_action_remove",
    ),
    path("aanmeldingen/<int:pk>/indienen/", referrals.referral_submit_view, name="referral_submit"),
    path(
        "aanmeldingen/<int:pk>/vragen/<int:question_pk>/beantwoorden/",
        referrals.information_answer,
        name="information_answer",
    ),
    path("personen/", persons.person_duplicates, name="person_duplicates"),
    path("personen/samenvoegen/", persons.person_merge_confirm, name="person_merge"),
]
