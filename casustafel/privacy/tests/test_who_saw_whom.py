"""Every list and search that shows a person leaves an access the person finds in their
subject-access overview ("who accessed your data", issue 7 point 5): one test per list and search
view. Each counts the overview's accesses of the viewing organisation and role before and after
one request, so an access recorded without a link to the person would fail it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest

from casustafel.cases.models import PartyRole, Person
from casustafel.organisations.models import Role
from casustafel.privacy.subject_access.selectors import sar_overview
from casustafel.testing.cases import PersonFactory
from casustafel.testing.involvements import open_case
from casustafel.testing.personas import Personas
from casustafel.testing.sar import BSN, make_request, person_in_referral

pytestmark = pytest.mark.django_db


def accesses(personas: Personas, person: Person, organisation_name: str, role: str, action: str) -> int:
    """How many accesses of this kind the person's subject-access overview counts."""
    request = person.subject_access_requests.order_by("pk").last() or make_request(personas, person)  # type: ignore[attr-defined]
    overview = sar_overview(request)
    return sum(
        row.count
        for row in overview.access_rows
        if row.organisation is not None
        and row.organisation.name == organisation_name
        and row.role == str(Role(role).label)
        and row.action == action
    )


def test_the_case_list_shows_the_subject_who_finds_it_in_the_overview(personas: Personas) -> None:
    setting = open_case(personas)
    subject = setting.referral.parties.get(role=PartyRole.SUBJECT).person
    org_a = personas.org_a.name
    before = accesses(personas, subject, org_a, Role.PROFESSIONAL, "bekeken")
    html = personas.client("ambassador_a").get(reverse("cases:case_list")).content.decode()
    assert subject.full_name in html
    assert accesses(personas, subject, org_a, Role.PROFESSIONAL, "bekeken") == before + 1


def test_the_referral_list_names_the_subject_who_finds_it_in_the_overview(personas: Personas) -> None:
    setting = open_case(personas)
    subject = setting.referral.parties.get(role=PartyRole.SUBJECT).person
    org_a = personas.org_a.name
    before = accesses(personas, subject, org_a, Role.PROFESSIONAL, "bekeken")
    html = personas.client("ambassador_a").get(reverse("cases:referral_list")).content.decode()
    assert f"Aanmelding {setting.referral.pk}: {subject.full_name}" in html
    assert accesses(personas, subject, org_a, Role.PROFESSIONAL, "bekeken") == before + 1


def test_the_duplicates_search_shows_persons_who_find_it_in_the_overview(personas: Personas) -> None:
    born = dt.date(1980, 2, 3)
    keep = PersonFactory(house=personas.house, given_names="Fatima", surname="Yilmaz", date_of_birth=born)
    PersonFactory(house=personas.house, given_names="Fatma", surname="yilmaz", date_of_birth=born)
    office = personas.office.name
    before = accesses(personas, keep, office, Role.ADMINISTRATOR, "gezocht en gevonden")
    response = personas.client("administrator").get(reverse("cases:person_duplicates"))
    assert keep in response.context["persons"]
    assert accesses(personas, keep, office, Role.ADMINISTRATOR, "gezocht en gevonden") == before + 1


def test_the_subject_access_list_shows_persons_who_find_it_in_the_overview(personas: Personas) -> None:
    person = person_in_referral(personas).person
    make_request(personas, person)
    office = personas.office.name
    before = accesses(personas, person, office, Role.PRIVACY_OFFICER, "bekeken")
    html = personas.client("privacy_officer").get(reverse("privacy:sar_list")).content.decode()
    assert person.full_name in html
    assert accesses(personas, person, office, Role.PRIVACY_OFFICER, "bekeken") == before + 1


def test_the_subject_access_person_search_is_found_in_the_overview(personas: Personas) -> None:
    person = person_in_referral(personas).person
    office = personas.office.name
    before = accesses(personas, person, office, Role.PRIVACY_OFFICER, "gezocht en gevonden")
    response = personas.client("privacy_officer").post(reverse("privacy:sar_create"), {"bsn": BSN})
    assert person.full_name in response.content.decode()
    assert accesses(personas, person, office, Role.PRIVACY_OFFICER, "gezocht en gevonden") == before + 1


def test_the_access_log_person_search_is_found_in_the_overview(personas: Personas) -> None:
    person = person_in_referral(personas).person
    office = personas.office.name
    before = accesses(personas, person, office, Role.PRIVACY_OFFICER, "gezocht en gevonden")
    response = personas.client("privacy_officer").post(reverse("privacy:access_log_person_search"), {"bsn": BSN})
    assert person.full_name in response.content.decode()
    assert accesses(personas, person, office, Role.PRIVACY_OFFICER, "gezocht en gevonden") == before + 1


def test_a_refused_attempt_is_no_access_in_the_overview(personas: Personas) -> None:
    setting = person_in_referral(personas)
    police = personas.org_b.name
    before = sum(row.count for row in sar_overview(make_request(personas, setting.person)).access_rows)
    assert (
        personas.client("professional_b").get(reverse("cases:referral_detail", args=[setting.referral.pk])).status_code
        == 404
    )
    after = sar_overview(setting.person.subject_access_requests.get())  # type: ignore[attr-defined]
    assert sum(row.count for row in after.access_rows) == before
    assert not [row for row in after.access_rows if row.organisation and row.organisation.name == police]
