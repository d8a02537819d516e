"""User and membership pages: administrators of the house only, never another house's users;
creation with a first password; conflict-safe edits; MFA reset with confirmation."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.organisations.models import Membership, Role, SafetyHouse
from casustafel.organisations.services import membership_update, user_update
from casustafel.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    SubstitutionFactory,
    TOTPDeviceFactory,
)
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.organisations import admin_only, field_errors, field_value, form_errors
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

LIST_URL = reverse("organisations:user_list")
CREATE_URL = reverse("organisations:user_create")
STRONG_PASSWORD = "Lange-zin-met-koffie-2026"
_numbers = itertools.count(1)


def url(name: str, obj: Any) -> str:
    return reverse(f"organisations:{name}", args=[obj.pk])


def create_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data = {
        "email": f"nieuw{next(_numbers)}@example.org",
        "full_name": "Nieuwe Collega",
        "phone": "06 1234 5678",
        "organisation": personas.org_a.pk,
        "role": Role.PROFESSIONAL,
        "job_title": "Jeugdconsulent",
    }
    data.update(overrides)
    return data


def user_data(user: User, **overrides: Any) -> dict[str, Any]:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "is_active": "on" if user.is_active else "",
        "version": user.version,
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


def membership_data(membership: Membership, **overrides: Any) -> dict[str, Any]:
    data = {
        "is_ambassador": "on" if membership.is_ambassador else "",
        "job_title": membership.job_title,
        "start_date": membership.start_date.isoformat(),
        "end_date": membership.end_date.isoformat() if membership.end_date else "",
        "version": membership.version,
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


def fresh(model: Any, pk: int, build: Callable[..., dict[str, Any]], **overrides: Any) -> Callable[[], dict]:
    return lambda: build(model.objects.get(pk=pk), **overrides)


def user_without_password(personas: Personas) -> User:
    user = MembershipFactory(organisation=personas.org_a, user__full_name="Zonder Wachtwoord").user
    user.set_unusable_password()
    user.save()
    return user


# --- Permission matrix ---------------------------------------------------------------------


def test_matrix_user_list(personas: Personas) -> None:
    responses = assert_matrix(personas, "get", LIST_URL, admin_only(personas, 200, outsider=200))
    assert "Professional A" in responses["administrator"].content.decode()
    assert "Professional A" not in responses["outsider_house"].content.decode()


def test_matrix_user_create_page(personas: Personas) -> None:
    assert_matrix(personas, "get", CREATE_URL, admin_only(personas, 200, outsider=200))


def test_matrix_user_create(personas: Personas) -> None:
    # The other house's administrator cannot pick this house's organisation: the form says so.
    responses = assert_matrix(
        personas,
        "post",
        CREATE_URL,
        admin_only(personas, 302, outsider=200),
        data=lambda: create_data(personas),
    )
    assert "Selecteer een geldige keuze" in field_errors(responses["outsider_house"].content.decode(), "organisation")
    assert User.objects.filter(full_name="Nieuwe Collega").count() == 1


@pytest.mark.parametrize(
    "page", ["user_detail", "user_edit", "user_reset_mfa", "membership_create"], ids=lambda name: name
)
def test_matrix_user_pages(personas: Personas, page: str) -> None:
    assert_matrix(personas, "get", url(page, personas.professional_a), admin_only(personas, 200))


def test_matrix_user_edit(personas: Personas) -> None:
    user = personas.professional_a
    assert_matrix(
        personas,
        "post",
        url("user_edit", user),
        admin_only(personas, 302),
        data=fresh(User, user.pk, user_data, phone="06 9999 0000"),
    )
    assert User.objects.get(pk=user.pk).phone == "06 9999 0000"


def test_matrix_user_reset_mfa(personas: Personas) -> None:
    # Not a persona: logging a persona in for the matrix gives them a device again.
    user = MembershipFactory(organisation=personas.org_a).user
    TOTPDeviceFactory(user=user)
    assert_matrix(personas, "post", url("user_reset_mfa", user), admin_only(personas, 302), data={"confirm": "on"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_RESET).count() == 1


def test_matrix_user_set_password(personas: Personas) -> None:
    user = user_without_password(personas)
    assert_matrix(personas, "get", url("user_set_password", user), admin_only(personas, 200))
    assert_matrix(
        personas,
        "post",
        url("user_set_password", user),
        admin_only(personas, 302),
        data={"password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD},
    )
    assert User.objects.get(pk=user.pk).check_password(STRONG_PASSWORD)


def test_matrix_membership_create(personas: Personas) -> None:
    user = personas.professional_a
    assert_matrix(
        personas,
        "post",
        url("membership_create", user),
        admin_only(personas, 302),
        data={"organisation": personas.org_b.pk, "role": Role.PROFESSIONAL, "start_date": "2026-01-05"},
    )
    assert Membership.objects.filter(user=user, organisation=personas.org_b).count() == 1


@pytest.mark.parametrize("page", ["membership_edit", "membership_end"])
def test_matrix_membership_pages(personas: Personas, page: str) -> None:
    assert_matrix(personas, "get", url(page, personas.memberships["professional_a"]), admin_only(personas, 200))


def test_matrix_membership_edit(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    assert_matrix(
        personas,
        "post",
        url("membership_edit", membership),
        admin_only(personas, 302),
        data=fresh(Membership, membership.pk, membership_data, job_title="Casusregisseur"),
    )
    assert Membership.objects.get(pk=membership.pk).job_title == "Casusregisseur"


def test_matrix_membership_end(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    today = timezone.localdate()
    assert_matrix(
        personas,
        "post",
        url("membership_end", membership),
        admin_only(personas, 302),
        data=lambda: {"end_date": today.isoformat(), "version": Membership.objects.get(pk=membership.pk).version},
    )
    assert Membership.objects.get(pk=membership.pk).end_date == today


def test_outsider_gets_404_for_a_user_who_also_works_in_their_house(personas: Personas) -> None:
    # Working in both houses does not let one house's administrator see the other's memberships.
    other_office = SafetyHouse.objects.get(name="Zorg- en Veiligheidshuis Elders").organisations.get()
    shared = personas.professional_a
    MembershipFactory(user=shared, organisation=other_office, job_title="Gedetacheerd")
    outsider = personas.client("outsider_house")
    page = outsider.get(url("user_detail", shared)).content.decode()
    assert "Gedetacheerd" in page and "Veilig Thuis Testregio" not in page
    assert outsider.get(url("membership_edit", personas.memberships["professional_a"])).status_code == 404
    assert outsider.post(url("membership_end", personas.memberships["professional_a"])).status_code == 404


# --- List ----------------------------------------------------------------------------------


def test_list_searches_name_and_email(personas: Personas) -> None:
    client = personas.client("administrator")
    by_name = client.get(LIST_URL, {"q": "ambassador"}).context["page"].object_list
    assert [u.full_name for u in by_name] == ["Ambassador A"]
    by_email = client.get(LIST_URL, {"q": "PROFESSIONAL_B@"}).context["page"].object_list
    assert [u.full_name for u in by_email] == ["Professional B"]


def test_list_filters_on_organisation_and_role_of_the_same_membership(personas: Personas) -> None:
    MembershipFactory(user=personas.professional_b, organisation=personas.org_a, role=Role.ADMINISTRATOR)
    client = personas.client("administrator")
    in_org_a = client.get(LIST_URL, {"organisation": personas.org_a.pk}).context["page"].object_list
    assert {u.full_name for u in in_org_a} == {"Professional A", "Ambassador A", "Professional B"}
    professionals_of_a = client.get(LIST_URL, {"organisation": personas.org_a.pk, "role": Role.PROFESSIONAL})
    assert {u.full_name for u in professionals_of_a.context["page"].object_list} == {"Professional A", "Ambassador A"}
    administrators = client.get(LIST_URL, {"role": Role.ADMINISTRATOR}).context["page"].object_list
    assert {u.full_name for u in administrators} == {"Administrator", "Professional B"}


def test_role_filter_ignores_memberships_in_other_houses(personas: Personas) -> None:
    other_office = SafetyHouse.objects.get(name="Zorg- en Veiligheidshuis Elders").organisations.get()
    MembershipFactory(user=personas.professional_a, organisation=other_office, role=Role.BOARD)
    response = personas.client("administrator").get(LIST_URL, {"role": Role.BOARD})
    assert [u.full_name for u in response.context["page"].object_list] == ["Board Member"]


def test_list_shows_mfa_status(personas: Personas) -> None:
    newcomer = MembershipFactory(organisation=personas.org_a, user__full_name="Aaron Nieuw").user
    response = personas.client("administrator").get(LIST_URL)
    status = {u.full_name: u.has_mfa for u in response.context["page"].object_list}
    assert status["Aaron Nieuw"] is False and status["Professional A"] is True
    assert newcomer.pk


def test_list_is_paginated_keeping_the_filters(personas: Personas) -> None:
    for number in range(30):
        MembershipFactory(organisation=personas.org_b, user__full_name=f"Agent {number:02d}")
    client = personas.client("administrator")
    first = client.get(LIST_URL, {"q": "agent"})
    assert len(first.context["page"].object_list) == 25
    assert 'href="?q=agent&amp;page=2"' in first.content.decode()
    second = client.get(LIST_URL, {"q": "agent", "page": 2})
    assert [u.full_name for u in second.context["page"].object_list] == [f"Agent {n}" for n in range(25, 30)]


def test_user_list_has_a_fixed_number_of_queries(personas: Personas, django_assert_max_num_queries: Any) -> None:
    organisations = [OrganisationFactory(house=personas.house) for _ in range(3)]
    for number in range(35):
        membership = MembershipFactory(organisation=organisations[number % 3])
        MembershipFactory(user=membership.user, organisation=personas.org_a, ended=True)
        TOTPDeviceFactory(user=membership.user)
    client = personas.client("administrator")
    with django_assert_max_num_queries(15):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 25
    assert all(len(u.house_memberships) >= 1 for u in response.context["page"].object_list)


# --- Create --------------------------------------------------------------------------------


def test_create_without_password_explains_how_the_user_gets_one(personas: Personas) -> None:
    client = personas.client("administrator")
    form_page = client.get(CREATE_URL).content.decode()
    assert "Hoe krijgt de nieuwe gebruiker een wachtwoord?" in form_page
    response = client.post(CREATE_URL, create_data(personas, email="yara@example.org"), follow=True)
    user = User.objects.get(email="yara@example.org")
    assert not user.has_usable_password()
    page = response.content.decode()
    assert "kan nog niet inloggen" in page
    assert url("user_set_password", user) in page
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.job_title) == (personas.org_a, "Jeugdconsulent")


def test_create_with_a_first_password_lets_the_user_log_in(personas: Personas) -> None:
    personas.client("administrator").post(
        CREATE_URL,
        create_data(personas, email="yara@example.org", password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD),
    )
    # The password opens the way to enrolling the second factor.
    response = Client().post(reverse("accounts:login"), {"username": "yara@example.org", "password": STRONG_PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_create_limits_organisations_to_the_administered_house(personas: Personas) -> None:
    page = personas.client("administrator").get(CREATE_URL).content.decode()
    assert "Veilig Thuis Testregio" in page
    other_office = SafetyHouse.objects.get(name="Zorg- en Veiligheidshuis Elders").organisations.get()
    assert f'<option value="{other_office.pk}"' not in page


def test_create_with_an_invalid_email_keeps_the_input(personas: Personas) -> None:
    response = personas.client("administrator").post(CREATE_URL, create_data(personas, email="yara@"))
    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page, "email") == "<li>Voer een geldig e-mailadres in.</li>"
    assert field_value(page, "email") == "yara@"
    assert field_value(page, "full_name") == "Nieuwe Collega"
    assert field_value(page, "job_title") == "Jeugdconsulent"
    assert f'<option value="{personas.org_a.pk}" selected' in page


def test_create_with_a_duplicate_email_keeps_the_input(personas: Personas) -> None:
    response = personas.client("administrator").post(
        CREATE_URL, create_data(personas, email="Professional_A@example.org")
    )
    page = response.content.decode()
    assert field_errors(page, "email") == "<li>Er bestaat al een gebruiker met dit e-mailadres.</li>"
    assert field_value(page, "full_name") == "Nieuwe Collega"
    assert User.objects.filter(email__iexact="professional_a@example.org").count() == 1


def test_create_with_a_weak_password_says_why_and_never_echoes_it(personas: Personas) -> None:
    response = personas.client("administrator").post(
        CREATE_URL, create_data(personas, password="kort-wachtw", password_confirm="kort-wachtw")
    )
    page = response.content.decode()
    assert "Dit wachtwoord is te kort: gebruik minstens 12 tekens." in field_errors(page, "password")
    assert field_value(page, "password") is None and "kort-wachtw" not in page
    assert field_value(page, "full_name") == "Nieuwe Collega"
    assert not User.objects.filter(full_name="Nieuwe Collega").exists()


def test_create_with_passwords_that_differ_is_refused(personas: Personas) -> None:
    response = personas.client("administrator").post(
        CREATE_URL, create_data(personas, password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD + "x")
    )
    assert (
        field_errors(response.content.decode(), "password_confirm") == "<li>De twee wachtwoorden zijn niet gelijk.</li>"
    )
    assert not User.objects.filter(full_name="Nieuwe Collega").exists()


# --- Detail --------------------------------------------------------------------------------


def test_detail_shows_memberships_mfa_and_substitutions(personas: Personas) -> None:
    user = personas.professional_a
    ended = MembershipFactory(user=user, organisation=personas.org_b, ended=True)
    SubstitutionFactory(
        absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a, reason="Cursus"
    )
    response = personas.client("administrator").get(url("user_detail", user))
    assert response.context["current"] == [personas.memberships["professional_a"]]
    assert response.context["past"] == [ended]
    assert response.context["has_mfa"] is True
    page = response.content.decode()
    assert "Cursus" in page and "Ambassador A" in page
    assert url("membership_edit", ended) in page and url("membership_end", ended) not in page
    assert url("membership_end", personas.memberships["professional_a"]) in page
    assert url("user_reset_mfa", user) in page
    assert url("user_set_password", user) not in page


def test_detail_says_when_mfa_is_not_enrolled(personas: Personas) -> None:
    user = user_without_password(personas)
    page = personas.client("administrator").get(url("user_detail", user)).content.decode()
    assert "niet ingesteld" in page
    assert url("user_reset_mfa", user) not in page
    assert url("user_set_password", user) in page


def test_start_page_items_link_to_the_user_page(personas: Personas) -> None:
    newcomer = MembershipFactory(organisation=personas.org_a).user
    client = personas.client("administrator")
    page = client.get("/").content.decode()
    assert url("user_detail", newcomer) in page
    assert client.get(url("user_detail", newcomer)).status_code == 200


# --- Edit ----------------------------------------------------------------------------------


def test_edit_saves_and_audits(personas: Personas) -> None:
    user = personas.professional_b
    response = personas.client("administrator").post(url("user_edit", user), user_data(user, full_name="Pieter B"))
    assert response["Location"] == url("user_detail", user)
    assert User.objects.get(pk=user.pk).full_name == "Pieter B"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="accounts.user")
    assert event.changes == {"full_name": ["Professional B", "Pieter B"]}


def test_edit_with_a_duplicate_email_keeps_the_input(personas: Personas) -> None:
    user = personas.professional_b
    response = personas.client("administrator").post(
        url("user_edit", user), user_data(user, email=personas.professional_a.email, phone="070 111")
    )
    page = response.content.decode()
    assert field_errors(page, "email") == "<li>Er bestaat al een gebruiker met dit e-mailadres.</li>"
    assert field_value(page, "email") == personas.professional_a.email
    assert field_value(page, "phone") == "070 111"


def test_stale_user_form_keeps_the_input_and_overwrites_nothing(personas: Personas) -> None:
    user = personas.professional_b
    loaded = user_data(user)
    colleague = Actor(user=personas.administrator, membership=personas.memberships["administrator"])
    user_update(actor=colleague, user=user, expected_version=user.version, phone="010 222")
    response = personas.client("administrator").post(
        url("user_edit", user), {**loaded, "full_name": "Pieter B", "phone": "020 333"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd." in form_errors(page)
    assert field_value(page, "full_name") == "Pieter B" and field_value(page, "phone") == "020 333"
    stored = User.objects.get(pk=user.pk)
    assert (stored.full_name, stored.phone) == ("Professional B", "010 222")


def test_administrator_cannot_deactivate_themselves(personas: Personas) -> None:
    admin = personas.administrator
    response = personas.client("administrator").post(url("user_edit", admin), user_data(admin, is_active=""))
    assert (
        field_errors(response.content.decode(), "is_active")
        == "<li>U kunt uw eigen account niet op inactief zetten.</li>"
    )
    assert User.objects.get(pk=admin.pk).is_active


# --- Password and MFA ----------------------------------------------------------------------


def test_initial_password_page_is_gone_once_the_user_has_one(personas: Personas) -> None:
    assert personas.client("administrator").get(url("user_set_password", personas.professional_a)).status_code == 404


def test_initial_password_with_a_common_password_is_refused_in_dutch(personas: Personas) -> None:
    user = user_without_password(personas)
    response = personas.client("administrator").post(
        url("user_set_password", user), {"password": "password1234", "password_confirm": "password1234"}
    )
    assert "Dit wachtwoord is te algemeen." in field_errors(response.content.decode(), "password")
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_mfa_reset_needs_the_confirmation(personas: Personas) -> None:
    user = personas.professional_a
    client = personas.client("administrator")
    page = client.get(url("user_reset_mfa", user)).content.decode()
    assert "Tweede factor van Professional A wissen" in page
    response = client.post(url("user_reset_mfa", user), {})
    assert "Bevestig dat u de identiteit van de gebruiker heeft vastgesteld." in field_errors(
        response.content.decode(), "confirm"
    )
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MFA_RESET).exists()


def test_mfa_reset_sends_the_user_to_enrolment_at_the_next_login(personas: Personas) -> None:
    user = personas.professional_a
    personas.client("administrator").post(url("user_reset_mfa", user), {"confirm": "on"})
    client = Client()
    client.force_login(user)
    assert client.get("/")["Location"].startswith(reverse("accounts:mfa_setup"))
    event = AuditEvent.objects.get(action=AuditAction.MFA_RESET)
    assert event.object_id == str(user.pk) and event.actor == personas.administrator


# --- Memberships ---------------------------------------------------------------------------


def test_add_membership_with_the_same_role_shows_the_message_at_the_role(personas: Personas) -> None:
    response = personas.client("administrator").post(
        url("membership_create", personas.professional_a),
        {"organisation": personas.org_a.pk, "role": Role.PROFESSIONAL, "start_date": "2026-01-05", "job_title": "X"},
    )
    page = response.content.decode()
    assert field_errors(page, "role") == "<li>Deze gebruiker heeft deze rol bij deze organisatie al.</li>"
    assert field_value(page, "job_title") == "X"


def test_add_membership_with_an_end_before_the_start_keeps_the_input(personas: Personas) -> None:
    response = personas.client("administrator").post(
        url("membership_create", personas.professional_a),
        {
            "organisation": personas.org_b.pk,
            "role": Role.PROFESSIONAL,
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
            "job_title": "Wijkagent",
        },
    )
    page = response.content.decode()
    assert field_errors(page, "end_date") == "<li>De einddatum ligt vóór de ingangsdatum.</li>"
    assert field_value(page, "start_date") == "2026-03-01" and field_value(page, "end_date") == "2026-02-01"
    assert field_value(page, "job_title") == "Wijkagent"


def test_edit_membership_with_an_end_before_the_start_keeps_the_input(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    before = membership.start_date - dt.timedelta(days=1)
    response = personas.client("administrator").post(
        url("membership_edit", membership),
        membership_data(membership, end_date=before.isoformat(), job_title="Teamleider"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page, "end_date") == "<li>De einddatum ligt vóór de ingangsdatum.</li>"
    assert field_value(page, "end_date") == before.isoformat()
    assert field_value(page, "job_title") == "Teamleider"
    assert Membership.objects.get(pk=membership.pk).end_date is None


def test_edit_membership_sets_the_ambassador_flag(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    personas.client("administrator").post(
        url("membership_edit", membership), membership_data(membership, is_ambassador="on")
    )
    assert Membership.objects.get(pk=membership.pk).is_ambassador


def test_stale_membership_form_keeps_the_input_and_overwrites_nothing(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    loaded = membership_data(membership)
    colleague = Actor(user=personas.administrator, membership=personas.memberships["administrator"])
    membership_update(actor=colleague, membership=membership, expected_version=membership.version, job_title="Eerst")
    response = personas.client("administrator").post(
        url("membership_edit", membership), {**loaded, "job_title": "Later"}
    )
    page = response.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd." in form_errors(page)
    assert field_value(page, "job_title") == "Later"
    assert Membership.objects.get(pk=membership.pk).job_title == "Eerst"


def test_end_membership_on_a_chosen_day(personas: Personas) -> None:
    membership = personas.memberships["professional_b"]
    last_day = timezone.localdate() + dt.timedelta(days=14)
    response = personas.client("administrator").post(
        url("membership_end", membership), {"end_date": last_day.isoformat(), "version": membership.version}
    )
    assert response["Location"] == url("user_detail", personas.professional_b)
    assert Membership.objects.get(pk=membership.pk).end_date == last_day


def test_end_membership_before_its_start_is_refused_at_the_field(personas: Personas) -> None:
    membership = personas.memberships["professional_b"]
    before = membership.start_date - dt.timedelta(days=3)
    response = personas.client("administrator").post(
        url("membership_end", membership), {"end_date": before.isoformat(), "version": membership.version}
    )
    page = response.content.decode()
    assert field_errors(page, "end_date") == "<li>De einddatum ligt vóór de ingangsdatum.</li>"
    assert field_value(page, "end_date") == before.isoformat()


def test_membership_pages_have_breadcrumbs_through_the_user(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    page = personas.client("administrator").get(url("membership_edit", membership)).content.decode()
    assert f'href="{LIST_URL}">Gebruikers</a>' in page
    assert f'href="{url("user_detail", personas.professional_a)}">Professional A</a>' in page
    assert 'aria-current="page">Lidmaatschap wijzigen</a>' in page
