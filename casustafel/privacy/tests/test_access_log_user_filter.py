"""The access log's user filter is a search over the people of the house, never a list of the
whole house (issue 8, point 8; issue 9, target 1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from casustafel.organisations.models import Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

PRIVACY_OFFICER_ONLY = {
    "anonymous": 302,
    "process_director": 404,
    "secretary": 404,
    "house_manager": 404,
    "administrator": 404,
    "privacy_officer": 200,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}


def _members(personas: Personas, count: int, organisation_name: str, *, house: object = None) -> list[int]:
    organisation = OrganisationFactory(house=house or personas.house, name=organisation_name)
    users = [UserFactory(full_name=f"Collega {organisation_name} {n:03d}") for n in range(count)]
    for user in users:
        MembershipFactory(user=user, organisation=organisation, role=Role.PROFESSIONAL)
    return [user.pk for user in users]


def _page(personas: Personas, query: dict[str, object] | None = None) -> tuple[str, int]:
    client = personas.client("privacy_officer")
    url = reverse("privacy:access_log")
    client.get(url, query)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, query).content.decode()
    return page, len(queries)


def test_the_access_log_lists_no_house_members_and_its_queries_do_not_grow_with_them(personas: Personas) -> None:
    _members(personas, 3, "GGZ Klein")
    few_page, few_queries = _page(personas)
    _members(personas, 60, "Politie Groot")
    many_page, many_queries = _page(personas)
    assert "Collega" not in few_page and "Collega" not in many_page
    assert "<option" not in many_page.split('id="user-chosen"')[1].split("</fieldset>")[0]
    assert many_queries == few_queries
    # One option more: the new organisation in the organisation filter, none per person.
    assert many_page.count("<option") - few_page.count("<option") == 1


def test_the_search_finds_people_by_name_email_or_organisation_and_only_of_the_house(personas: Personas) -> None:
    ggz = _members(personas, 2, "GGZ Centraal")
    _members(personas, 2, "Reclassering")
    _members(personas, 2, "GGZ Elders", house=personas.outsider_house.memberships.get().organisation.house)
    client = personas.client("privacy_officer")
    url = reverse("privacy:access_log_user_search")
    by_organisation = client.get(url, {"user_q": "ggz"}).content.decode()
    assert "Collega GGZ Centraal 000" in by_organisation and "(GGZ Centraal)" in by_organisation
    assert "Reclassering" not in by_organisation and "GGZ Elders" not in by_organisation
    without_chosen = client.get(url, {"user_q": "ggz", "user": ggz[0]}).content.decode()
    assert "Collega GGZ Centraal 000" not in without_chosen and "Collega GGZ Centraal 001" in without_chosen
    by_name = client.get(url, {"user_q": "reclassering 001"}).content.decode()
    assert "Collega Reclassering 001" in by_name and "Collega Reclassering 000" not in by_name
    by_email = client.get(url, {"user_q": personas.professional_b.email}).content.decode()
    assert "Professional B" in by_email and "(Politie Testregio)" in by_email
    assert "Niemand gevonden" in client.get(url, {"user_q": "xyzzy"}).content.decode()
    assert client.get(url, {"user_q": "   "}).content.decode().strip() == ""


def test_the_search_is_bounded_and_its_queries_do_not_grow(personas: Personas) -> None:
    client = personas.client("privacy_officer")
    url = reverse("privacy:access_log_user_search")
    _members(personas, 5, "Jeugdzorg")
    client.get(url, {"user_q": "collega"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"user_q": "collega"})
    _members(personas, 60, "Jeugdzorg Noord")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"user_q": "collega"}).content.decode()
    assert len(many) == len(few)
    assert page.count('type="radio"') == 20


def test_the_search_is_for_privacy_officers_only(personas: Personas) -> None:
    assert_matrix(personas, "get", reverse("privacy:access_log_user_search") + "?user_q=a", PRIVACY_OFFICER_ONLY)


def test_the_chosen_user_is_named_and_filters_and_a_stranger_gets_a_dutch_message(personas: Personas) -> None:
    page, _ = _page(personas, {"user": personas.professional_a.pk})
    assert f'value="{personas.professional_a.pk}" id="user-chosen-{personas.professional_a.pk}" checked' in page
    assert "Professional A" in page
    outsider, _ = _page(personas, {"user": personas.outsider_house.pk})
    assert "Deze gebruiker hoort niet bij dit huis; zoek opnieuw." in outsider
    assert 'id="user-all" checked' in outsider


def test_without_javascript_the_filter_submit_shows_the_search_in_place_and_keeps_the_choice(
    personas: Personas,
) -> None:
    _members(personas, 2, "GGZ Centraal")
    page, _ = _page(personas, {"user": personas.professional_a.pk, "user_q": "ggz", "case_id": "7"})
    assert "Collega GGZ Centraal 000" in page and "Collega GGZ Centraal 001" in page
    assert 'value="ggz"' in page and 'value="7"' in page
    assert f'id="user-chosen-{personas.professional_a.pk}" checked' in page
