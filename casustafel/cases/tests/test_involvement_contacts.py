"""The contact of an organisation involved in a case is picked among that organisation's case
workers, never from a list of the whole house (issue 8, point 8; issue 9, target 1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from casustafel.cases.views import cases as case_views
from casustafel.organisations.models import Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from casustafel.testing.involvements import CaseSetting, open_case
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas: Personas) -> CaseSetting:
    return open_case(personas)


def _staff(organisation_name: str, personas: Personas, count: int) -> None:
    organisation = OrganisationFactory(house=personas.house, name=organisation_name)
    for n in range(count):
        user = UserFactory(full_name=f"Medewerker {organisation_name} {n:03d}")
        MembershipFactory(user=user, organisation=organisation, role=Role.PROFESSIONAL)


def _case_page(personas: Personas, setting: CaseSetting) -> tuple[str, int]:
    client = personas.client("process_director")
    url = reverse("cases:case_detail", args=[setting.case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return html, len(queries)


def test_the_case_page_lists_no_contacts_before_an_organisation_is_chosen_and_does_not_grow(
    personas: Personas, setting: CaseSetting
) -> None:
    _staff("Kwintes", personas, 3)
    few_html, few_queries = _case_page(personas, setting)
    _staff("Politie Groot", personas, 60)
    many_html, many_queries = _case_page(personas, setting)
    assert "Medewerker" not in few_html and "Medewerker" not in many_html
    assert "Kies eerst een organisatie" in many_html
    assert many_queries == few_queries


def test_choosing_an_organisation_offers_only_its_case_workers(personas: Personas, setting: CaseSetting) -> None:
    _staff("Kwintes", personas, 2)
    _staff("Jellinek", personas, 2)
    kwintes = personas.house.organisations.get(name="Kwintes")
    url = reverse("cases:case_involvement_contacts", args=[setting.case.pk])
    html = personas.client("process_director").get(url, {"add-organisation": kwintes.pk}).content.decode()
    assert html.lstrip().startswith('<div id="involvement-contact-field"')
    assert "Medewerker Kwintes 000" in html and "Medewerker Kwintes 001" in html
    assert "Jellinek" not in html


def test_without_javascript_a_button_shows_the_contacts_and_saves_nothing(
    personas: Personas, setting: CaseSetting
) -> None:
    _staff("Kwintes", personas, 2)
    kwintes = personas.house.organisations.get(name="Kwintes")
    response = personas.client("process_director").post(
        reverse("cases:case_involvement_add", args=[setting.case.pk]),
        {"action": "contacts", "add-organisation": kwintes.pk, "add-reason": "Begeleid wonen"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Medewerker Kwintes 000" in html and 'value="Begeleid wonen"' in html
    assert not setting.case.involvements.filter(organisation=kwintes).exists()


def test_only_house_staff_load_the_contacts(personas: Personas, setting: CaseSetting) -> None:
    url = reverse("cases:case_involvement_contacts", args=[setting.case.pk])
    query = {"add-organisation": personas.org_b.pk}
    assert personas.client("professional_a").get(url, query).status_code == 403  # sees the case, no more
    assert personas.client("professional_b").get(url, query).status_code == 404


def test_the_case_page_reads_the_case_workers_of_the_involved_organisations_only(
    personas: Personas, setting: CaseSetting, monkeypatch: pytest.MonkeyPatch
) -> None:
    _staff("Politie Groot", personas, 30)
    read: list[int] = []
    named_form = case_views._named_form

    def recording(involvement, members, data=None):  # type: ignore[no-untyped-def]
        read.extend(membership.organisation_id for membership in members)
        return named_form(involvement, members, data)

    monkeypatch.setattr(case_views, "_named_form", recording)
    _case_page(personas, setting)
    involved = set(setting.case.involvements.filter(ended_at=None).values_list("organisation_id", flat=True))
    assert read and set(read) <= involved
