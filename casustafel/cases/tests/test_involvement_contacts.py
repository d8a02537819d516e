"""The contact of an organisation involved in a case is searched among that organisation's case
workers, never picked from a list of them or of the whole house (issue 8, point 8; issue 9,
target 1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from casustafel.cases.selectors.cases import involvement_contact_search
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


def test_the_case_page_lists_no_contacts_and_does_not_grow(personas: Personas, setting: CaseSetting) -> None:
    _staff("Kwintes", personas, 3)
    few_html, few_queries = _case_page(personas, setting)
    _staff("Politie Groot", personas, 60)
    many_html, many_queries = _case_page(personas, setting)
    assert "Medewerker" not in few_html and "Medewerker" not in many_html
    assert 'name="add-contact_q"' in many_html and "Geen contactpersoon" in many_html
    assert many_queries == few_queries


def _search(personas: Personas, setting: CaseSetting, **query: object) -> str:
    url = reverse("cases:case_involvement_contacts", args=[setting.case.pk])
    client = personas.client("process_director")
    response = client.get(url, query, headers={"HX-Request": "true", "HX-Target": "contact-results"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_finds_only_the_chosen_organisations_case_workers(personas: Personas, setting: CaseSetting) -> None:
    _staff("Kwintes", personas, 3)
    _staff("Jellinek", personas, 2)
    kwintes = personas.house.organisations.get(name="Kwintes")
    html = _search(personas, setting, **{"add-organisation": kwintes.pk, "add-contact_q": "medewerker 001"})
    assert "Medewerker Kwintes 001" in html
    assert "Medewerker Kwintes 000" not in html and "Jellinek" not in html  # every word must match
    assert "<fieldset" not in html  # only the results: the search box keeps its focus
    nobody = _search(personas, setting, **{"add-organisation": kwintes.pk, "add-contact_q": "Jellinek"})
    assert 'Niemand van de gekozen organisatie gevonden voor "Jellinek".' in nobody


def test_the_search_is_bounded_and_one_query(personas: Personas, setting: CaseSetting) -> None:
    _staff("Politie Groot", personas, 45)
    police = personas.house.organisations.get(name="Politie Groot")
    with CaptureQueriesContext(connection) as queries:
        found = involvement_contact_search(setting.case, police.pk, "medewerker")
    assert len(found) == 20
    assert len(queries) == 1
    html = _search(personas, setting, **{"add-organisation": police.pk, "add-contact_q": "medewerker"})
    assert "De eerste 20 gevonden; typ meer van de naam om verder te zoeken." in html


def test_the_search_needs_an_organisation_first(personas: Personas, setting: CaseSetting) -> None:
    _staff("Kwintes", personas, 2)
    html = _search(personas, setting, **{"add-organisation": "", "add-contact_q": "Medewerker"})
    assert "Kies eerst een organisatie" in html
    assert "Medewerker Kwintes" not in html


def test_choosing_another_organisation_drops_a_contact_of_the_first_and_searches_again(
    personas: Personas, setting: CaseSetting
) -> None:
    _staff("Kwintes", personas, 2)
    _staff("Jellinek", personas, 2)
    kwintes = personas.house.organisations.get(name="Kwintes")
    jellinek = personas.house.organisations.get(name="Jellinek")
    kwintes_worker = kwintes.memberships.get(user__full_name="Medewerker Kwintes 000").user
    url = reverse("cases:case_involvement_contacts", args=[setting.case.pk])
    client = personas.client("process_director")
    chosen = {"add-organisation": kwintes.pk, "add-contact": kwintes_worker.pk, "add-contact_q": "medewerker"}
    html = client.get(url, chosen, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="involvement-contact-field"')
    assert f'value="{kwintes_worker.pk}" id="contact-member-{kwintes_worker.pk}" checked' in html
    assert "Medewerker Kwintes 001" in html  # the search, without the one chosen already
    assert html.count("Medewerker Kwintes 000") == 1
    other = {**chosen, "add-organisation": jellinek.pk}
    html = client.get(url, other, headers={"HX-Request": "true"}).content.decode()
    assert "Medewerker Kwintes" not in html
    assert "Medewerker Jellinek 000" in html and 'value="medewerker"' in html


def test_without_javascript_the_search_is_a_button_that_keeps_the_input_and_saves_nothing(
    personas: Personas, setting: CaseSetting
) -> None:
    _staff("Kwintes", personas, 2)
    kwintes = personas.house.organisations.get(name="Kwintes")
    response = personas.client("process_director").post(
        reverse("cases:case_involvement_add", args=[setting.case.pk]),
        {
            "action": "contacts",
            "add-organisation": kwintes.pk,
            "add-reason": "Begeleid wonen",
            "add-contact_q": "Kwintes",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Medewerker Kwintes 000" in html and 'value="Begeleid wonen"' in html and 'value="Kwintes"' in html
    assert not setting.case.involvements.filter(organisation=kwintes).exists()


def test_an_error_keeps_the_contact_chosen_and_the_search_typed(personas: Personas, setting: CaseSetting) -> None:
    _staff("Kwintes", personas, 2)
    kwintes = personas.house.organisations.get(name="Kwintes")
    worker = kwintes.memberships.get(user__full_name="Medewerker Kwintes 001").user
    response = personas.client("process_director").post(
        reverse("cases:case_involvement_add", args=[setting.case.pk]),
        {"add-organisation": kwintes.pk, "add-reason": "", "add-contact": worker.pk, "add-contact_q": "Kwin"},
    )
    html = response.content.decode()
    assert "Schrijf op waarom deze organisatie bij de casus betrokken moet zijn." in html
    assert f'id="contact-member-{worker.pk}" checked' in html and 'value="Kwin"' in html
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
