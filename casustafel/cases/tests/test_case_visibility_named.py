"""Need-to-know inside a large organisation (issue 7, point 4): an organisation that limits its
cases to the people named on the involvement (`CaseVisibility.NAMED`) lets only them, its
ambassador and their substitutes see the case; the default lets every case worker in. Both
settings, as a persona matrix over the case page, and the services that name people."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseInvolvement
from casustafel.cases.selectors.cases import substituted_user_for
from casustafel.cases.services.cases import case_involvement_name_people
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import CaseVisibility, Role, Sector
from casustafel.privacy.provenance.access import case_viewer
from casustafel.testing.factories import OrganisationFactory, SubstitutionFactory
from casustafel.testing.involvements import CaseSetting, end_involvement, involve, open_case
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

PEOPLE = ("named", "colleague", "ambassador", "stand_in_named", "stand_in_colleague")


@pytest.fixture
def setting(personas: Personas) -> CaseSetting:
    return open_case(personas)


def _organisation_with_people(personas: Personas, setting: CaseSetting, visibility: str) -> CaseInvolvement:
    """A police unit involved in the case, naming only `named`; `colleague` works there too,
    `ambassador` is its ambassador; one substitute stands in for `named`, one for `colleague`
    (both from an uninvolved organisation, so only the substitution can let them in)."""
    police = OrganisationFactory(
        house=personas.house, name="Politie Grote Regio", sector=Sector.CRIMINAL_JUSTICE, case_visibility=visibility
    )
    personas.add("named", organisation=police, role=Role.PROFESSIONAL)
    personas.add("colleague", organisation=police, role=Role.PROFESSIONAL)
    personas.add("ambassador", organisation=police, role=Role.PROFESSIONAL, ambassador=True)
    elsewhere = OrganisationFactory(house=personas.house, name="Reclassering Testregio")
    for name, absent in (("stand_in_named", "named"), ("stand_in_colleague", "colleague")):
        personas.add(name, organisation=elsewhere, role=Role.PROFESSIONAL)
        SubstitutionFactory(absent_membership=personas.memberships[absent], substitute=personas.users[name])
    return involve(personas, setting.case, police, reason="Wijkagent", named=[personas.users["named"]])


def _case_page_status(personas: Personas, setting: CaseSetting, name: str) -> int:
    return personas.client(name).get(reverse("cases:case_detail", args=[setting.case.pk])).status_code


@pytest.mark.parametrize(
    ("visibility", "sees"),
    [
        (CaseVisibility.ALL_CASE_WORKERS, set(PEOPLE)),
        (CaseVisibility.NAMED, {"named", "ambassador", "stand_in_named"}),
    ],
)
def test_who_of_an_involved_organisation_sees_the_case(
    personas: Personas, setting: CaseSetting, visibility: str, sees: set[str]
) -> None:
    _organisation_with_people(personas, setting, visibility)
    for name in PEOPLE:
        expected = 200 if name in sees else 404
        assert _case_page_status(personas, setting, name) == expected, name
        assert Case.objects.visible_to(personas.users[name]).filter(pk=setting.case.pk).exists() == (name in sees)
        assert (case_viewer(personas.users[name], setting.case) is not None) == (name in sees), name


def test_a_substitute_of_a_named_person_acts_on_their_behalf(personas: Personas, setting: CaseSetting) -> None:
    _organisation_with_people(personas, setting, CaseVisibility.NAMED)
    assert substituted_user_for(personas.users["stand_in_named"], setting.case) == personas.users["named"]
    assert substituted_user_for(personas.users["stand_in_colleague"], setting.case) is None


def test_naming_a_colleague_lets_them_in_and_taking_them_off_shuts_them_out_at_once(
    personas: Personas, setting: CaseSetting
) -> None:
    involvement = _organisation_with_people(personas, setting, CaseVisibility.NAMED)
    director = actor_for(personas, "process_director")
    case_involvement_name_people(
        actor=director, involvement=involvement, named_people=[personas.users["named"], personas.users["colleague"]]
    )
    assert _case_page_status(personas, setting, "colleague") == 200
    case_involvement_name_people(actor=director, involvement=involvement, named_people=[personas.users["colleague"]])
    assert _case_page_status(personas, setting, "named") == 404
    assert _case_page_status(personas, setting, "stand_in_named") == 404
    event = AuditEvent.objects.filter(object_type="cases.caseinvolvement", object_id=str(involvement.pk)).latest(
        "sequence"
    )
    assert event.action == AuditAction.UPDATE
    assert event.case_id == setting.case.pk
    named, colleague = personas.users["named"].pk, personas.users["colleague"].pk
    assert event.changes == {"named_people": [sorted([named, colleague]), [colleague]]}


def test_the_contact_and_the_referrer_are_always_named(personas: Personas, setting: CaseSetting) -> None:
    referring = setting.case.involvements.get()
    assert list(referring.named_people.all()) == [personas.professional_a]
    case_involvement_name_people(actor=actor_for(personas, "process_director"), involvement=referring, named_people=[])
    assert list(referring.named_people.all()) == [personas.professional_a]  # the contact stays


def test_only_case_workers_of_the_organisation_can_be_named(personas: Personas, setting: CaseSetting) -> None:
    involvement = _organisation_with_people(personas, setting, CaseVisibility.NAMED)
    with pytest.raises(ValidationError) as excinfo:
        case_involvement_name_people(
            actor=actor_for(personas, "process_director"),
            involvement=involvement,
            named_people=[personas.professional_b],
        )
    assert excinfo.value.message_dict == {"named_people": ["Noem alleen actieve medewerkers van deze organisatie."]}


def test_only_house_staff_name_people_and_not_on_an_ended_involvement(personas: Personas, setting: CaseSetting) -> None:
    involvement = _organisation_with_people(personas, setting, CaseVisibility.NAMED)
    with pytest.raises(PermissionDenied):
        case_involvement_name_people(actor=actor_for(personas, "named"), involvement=involvement, named_people=[])
    end_involvement(personas, involvement)
    with pytest.raises(ServiceError):
        case_involvement_name_people(
            actor=actor_for(personas, "secretary"), involvement=involvement, named_people=[personas.users["colleague"]]
        )


def test_the_process_director_names_people_on_the_case_page(personas: Personas, setting: CaseSetting) -> None:
    involvement = _organisation_with_people(personas, setting, CaseVisibility.NAMED)
    client = personas.client("process_director")
    page = client.get(reverse("cases:case_detail", args=[setting.case.pk])).content.decode()
    assert "Genoemde medewerkers wijzigen" in page
    url = reverse("cases:case_involvement_named", args=[setting.case.pk, involvement.pk])
    field = f"named-{involvement.pk}-named_people"
    response = client.post(url, {field: [personas.users["colleague"].pk]})
    assert response.status_code == 302
    assert set(involvement.named_people.all()) == {personas.users["colleague"]}
    # Someone of another organisation: the message is next to the field, nothing changes.
    response = client.post(url, {field: [personas.professional_b.pk]})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert set(involvement.named_people.all()) == {personas.users["colleague"]}


def test_a_named_person_whose_membership_ended_loses_sight(personas: Personas, setting: CaseSetting) -> None:
    _organisation_with_people(personas, setting, CaseVisibility.NAMED)
    membership = personas.memberships["named"]
    membership.end_date = timezone.localdate() - dt.timedelta(days=1)
    membership.start_date = membership.end_date
    membership.save()
    assert _case_page_status(personas, setting, "named") == 404
    assert _case_page_status(personas, setting, "stand_in_named") == 404
