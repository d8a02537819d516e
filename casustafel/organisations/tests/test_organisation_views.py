"""Organisation pages: only the house's administrators see them; lists stay within a fixed
number of queries; a stale edit form is refused without losing what the administrator typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.organisations.models import Organisation, SafetyHouse, Sector
from casustafel.organisations.services import organisation_update
from casustafel.testing.factories import MembershipFactory, OrganisationFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.organisations import admin_only, field_errors, field_value, form_errors
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

LIST_URL = reverse("organisations:organisation_list")
CREATE_URL = reverse("organisations:organisation_create")


def detail_url(organisation: Organisation) -> str:
    return reverse("organisations:organisation_detail", args=[organisation.pk])


def edit_url(organisation: Organisation) -> str:
    return reverse("organisations:organisation_edit", args=[organisation.pk])


def edit_data(organisation: Organisation, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": organisation.name,
        "sector": organisation.sector,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
        "is_active": "on" if organisation.is_active else "",
        "version": organisation.version,
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


def fresh_edit_data(organisation: Organisation, **overrides: Any) -> Callable[[], dict[str, Any]]:
    return lambda: edit_data(Organisation.objects.get(pk=organisation.pk), **overrides)


# --- Permission matrix ---------------------------------------------------------------------


def test_matrix_organisation_list(personas: Personas) -> None:
    responses = assert_matrix(personas, "get", LIST_URL, admin_only(personas, 200, outsider=200))
    assert "Veilig Thuis Testregio" in responses["administrator"].content.decode()
    assert "Veilig Thuis Testregio" not in responses["outsider_house"].content.decode()


def test_matrix_organisation_create_page(personas: Personas) -> None:
    assert_matrix(personas, "get", CREATE_URL, admin_only(personas, 200, outsider=200))


def test_matrix_organisation_create(personas: Personas) -> None:
    # The other house's administrator creates it in their own house: the form has no choice.
    assert_matrix(
        personas,
        "post",
        CREATE_URL,
        admin_only(personas, 302, outsider=302),
        data={"name": "Reclassering Testregio", "sector": Sector.SUPERVISION},
    )
    houses = set(Organisation.objects.filter(name="Reclassering Testregio").values_list("house__name", flat=True))
    assert houses == {personas.house.name, "Zorg- en Veiligheidshuis Elders"}


def test_matrix_organisation_detail(personas: Personas) -> None:
    assert_matrix(personas, "get", detail_url(personas.org_a), admin_only(personas, 200))


def test_matrix_organisation_edit_page(personas: Personas) -> None:
    assert_matrix(personas, "get", edit_url(personas.org_a), admin_only(personas, 200))


def test_matrix_organisation_edit(personas: Personas) -> None:
    assert_matrix(
        personas,
        "post",
        edit_url(personas.org_a),
        admin_only(personas, 302),
        data=fresh_edit_data(personas.org_a, contact_phone="088 000 11 22"),
    )
    assert Organisation.objects.get(pk=personas.org_a.pk).contact_phone == "088 000 11 22"


# --- Lists ---------------------------------------------------------------------------------


def test_list_groups_by_sector_with_member_counts(personas: Personas) -> None:
    MembershipFactory(organisation=personas.org_a, ended=True)
    MembershipFactory(organisation=personas.org_a, user__inactive=True)
    response = personas.client("administrator").get(LIST_URL)
    groups = dict(response.context["groups"])
    care = groups[Sector.CARE.label]
    assert [o.name for o in care] == ["Veilig Thuis Testregio"]
    # Only current memberships of active users count: professional_a and ambassador_a.
    assert care[0].member_count == 2
    assert [o.name for o in groups[Sector.CRIMINAL_JUSTICE.label]] == ["Politie Testregio"]


def test_list_filters_on_sector(personas: Personas) -> None:
    response = personas.client("administrator").get(LIST_URL, {"sector": Sector.CRIMINAL_JUSTICE})
    page = response.content.decode()
    assert "Politie Testregio" in page and "Veilig Thuis Testregio" not in page


def test_list_shows_inactive_organisations_as_such(personas: Personas) -> None:
    OrganisationFactory(house=personas.house, name="Oude Partner", inactive=True)
    page = personas.client("administrator").get(LIST_URL).content.decode()
    assert "Oude Partner" in page and "niet actief" in page


def test_organisation_list_has_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for number in range(35):
        organisation = OrganisationFactory(house=personas.house, name=f"Gemeente {number:02d}", municipality=True)
        MembershipFactory(organisation=organisation)
    client = personas.client("administrator")
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(dict(response.context["groups"])[Sector.MUNICIPALITY.label]) == 35


# --- Detail --------------------------------------------------------------------------------


def test_detail_shows_current_and_past_memberships(personas: Personas) -> None:
    former = MembershipFactory(organisation=personas.org_a, ended=True, user__full_name="Vertrokken Collega")
    response = personas.client("administrator").get(detail_url(personas.org_a))
    assert [m.user.full_name for m in response.context["current"]] == ["Ambassador A", "Professional A"]
    assert response.context["past"] == [former]
    page = response.content.decode()
    assert "Vertrokken Collega" in page and "ambassadeur" in page
    assert f'href="{reverse("organisations:user_detail", args=[personas.ambassador_a.pk])}"' in page


def test_detail_has_breadcrumbs_to_the_list(personas: Personas) -> None:
    page = personas.client("administrator").get(detail_url(personas.org_a)).content.decode()
    assert f'href="{LIST_URL}">Organisaties</a>' in page
    assert 'aria-current="page">Veilig Thuis Testregio</a>' in page


# --- Create and edit -----------------------------------------------------------------------


def test_create_then_lands_on_the_new_organisation(personas: Personas) -> None:
    response = personas.client("administrator").post(
        CREATE_URL, {"name": "GGZ Testregio", "sector": Sector.CARE, "contact_email": "info@ggz.example"}
    )
    organisation = Organisation.objects.get(name="GGZ Testregio")
    assert response["Location"] == detail_url(organisation)
    assert organisation.house == personas.house and organisation.is_active
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(organisation.pk)).exists()


def test_administrator_of_two_houses_chooses_the_house(personas: Personas) -> None:
    other = SafetyHouse.objects.get(name="Zorg- en Veiligheidshuis Elders")
    MembershipFactory(user=personas.administrator, organisation=other.organisations.get(), role="administrator")
    client = personas.client("administrator")
    page = client.get(CREATE_URL).content.decode()
    assert 'name="house"' in page
    client.post(CREATE_URL, {"house": other.pk, "name": "GGZ Elders", "sector": Sector.CARE})
    assert Organisation.objects.get(name="GGZ Elders").house == other


def test_create_with_a_taken_name_shows_the_message_at_the_name(personas: Personas) -> None:
    response = personas.client("administrator").post(
        CREATE_URL, {"name": "Politie Testregio", "sector": Sector.CARE, "contact_phone": "0900-8844"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page, "name") == "<li>Dit huis heeft al een organisatie met deze naam.</li>"
    assert field_value(page, "contact_phone") == "0900-8844"


def test_create_with_an_invalid_email_shows_the_message_at_the_field(personas: Personas) -> None:
    response = personas.client("administrator").post(
        CREATE_URL, {"name": "GGZ Testregio", "sector": Sector.CARE, "contact_email": "geen-adres"}
    )
    page = response.content.decode()
    assert "Voer een geldig e-mailadres in." in field_errors(page, "contact_email")
    assert field_value(page, "name") == "GGZ Testregio"
    assert field_value(page, "contact_email") == "geen-adres"
    assert not Organisation.objects.filter(name="GGZ Testregio").exists()


def test_edit_deactivates_through_the_active_flag_and_audits(personas: Personas) -> None:
    response = personas.client("administrator").post(edit_url(personas.org_b), edit_data(personas.org_b, is_active=""))
    assert response.status_code == 302
    assert not Organisation.objects.get(pk=personas.org_b.pk).is_active
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="organisations.organisation")
    assert event.changes == {"is_active": [True, False]}
    assert event.actor == personas.administrator


def test_edit_reactivates(personas: Personas) -> None:
    organisation = OrganisationFactory(house=personas.house, inactive=True)
    personas.client("administrator").post(edit_url(organisation), edit_data(organisation, is_active="on"))
    assert Organisation.objects.get(pk=organisation.pk).is_active


def test_stale_edit_form_keeps_the_input_and_overwrites_nothing(personas: Personas) -> None:
    organisation = personas.org_a
    loaded = edit_data(organisation)
    # A colleague saves first.
    colleague = Actor(user=personas.administrator, membership=personas.memberships["administrator"])
    organisation_update(
        actor=colleague, organisation=organisation, expected_version=organisation.version, contact_phone="010"
    )
    response = personas.client("administrator").post(
        edit_url(organisation), {**loaded, "name": "Veilig Thuis Regio Test", "contact_phone": "020"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd." in form_errors(page)
    assert "Nu opgeslagen:" in page
    assert field_value(page, "name") == "Veilig Thuis Regio Test"
    assert field_value(page, "contact_phone") == "020"
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.name, stored.contact_phone) == ("Veilig Thuis Testregio", "010")
    # The form now carries the stored version: saving again overwrites knowingly.
    assert field_value(page, "version") == str(stored.version)


def test_outsider_gets_404_for_editing_this_houses_organisation(personas: Personas) -> None:
    response = personas.client("outsider_house").post(edit_url(personas.org_a), edit_data(personas.org_a, name="X"))
    assert response.status_code == 404
    assert Organisation.objects.get(pk=personas.org_a.pk).name == "Veilig Thuis Testregio"
