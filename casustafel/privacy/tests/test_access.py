"""The visibility rule for case items (privacy/provenance/access.py), per persona and restriction level.

The case: referred by organisation A (care, Veilig Thuis) with organisation B (police) also
involved; the covenant's default matrix is in force (justice information "known only" for care,
care information "known only" for the police).
"""

from __future__ import annotations

import pytest

from casustafel.cases.models import Case, CaseFact
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Role, Sector
from casustafel.privacy.models import InformationCategory, Restriction, Visibility
from casustafel.privacy.provenance.access import Access, case_viewer, item_access, visible_items, with_access
from casustafel.testing.factories import OrganisationFactory, SubstitutionFactory
from casustafel.testing.information import (
    AttachmentFactory,
    CaseFactFactory,
    case_with,
    publish_covenant_with,
)
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

F, N, X = Access.FULL, Access.NOTICE, Access.NONE
CJ = Sector.CRIMINAL_JUSTICE


@pytest.fixture(autouse=True)
def _attachment_root(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.ATTACHMENT_ROOT = tmp_path  # type: ignore[attr-defined]


@pytest.fixture
def case(personas: Personas, meeting_type: MeetingType) -> Case:
    return case_with(
        personas.house,
        meeting_type=meeting_type,
        referring_organisation=personas.org_a,
        involved=[personas.org_b],
        process_director=personas.process_director,
    )


@pytest.fixture
def covenant(personas: Personas, meeting_type: MeetingType) -> None:
    publish_covenant_with(
        personas.house, participants=[personas.office, personas.org_a, personas.org_b], meeting_type=meeting_type
    )


def fact(case: Case, organisation: object, category: str, restriction: str = Restriction.HOUSE) -> CaseFact:
    return CaseFactFactory(
        case=case,
        organisation=organisation,
        category=category,
        restriction=restriction,
        restricted_sector=CJ if restriction == Restriction.SECTOR else "",
    )


def access_of(personas: Personas, name: str, item: CaseFact) -> Access:
    return item_access(personas.users[name], item, acting=personas.memberships[name])


# Persona -> expected access, for each item: (contributor, category, restriction).
CASES_WITH_COVENANT = [
    # A police item for the whole house: the covenant gives care "known only" on justice data.
    (
        "org_b",
        InformationCategory.POLICE_JUSTICE,
        Restriction.HOUSE,
        {"professional_b": F, "professional_a": N, "ambassador_a": N, "process_director": F, "secretary": F},
    ),
    # Household information for the whole house: everyone involved sees it.
    (
        "org_b",
        InformationCategory.HOUSEHOLD,
        Restriction.HOUSE,
        {"professional_b": F, "professional_a": F, "ambassador_a": F, "process_director": F, "secretary": F},
    ),
    # Restricted by the police to the criminal-justice sector: care and staff see a notice.
    (
        "org_b",
        InformationCategory.HOUSEHOLD,
        Restriction.SECTOR,
        {"professional_b": F, "professional_a": N, "ambassador_a": N, "process_director": N, "secretary": N},
    ),
    # Care information restricted to the criminal-justice sector: the contributor keeps it; the
    # police still see only a notice, because the covenant shows them care data as known-only.
    (
        "org_a",
        InformationCategory.CARE,
        Restriction.SECTOR,
        {"professional_b": N, "professional_a": F, "ambassador_a": F, "process_director": N, "secretary": N},
    ),
    # Known only: nobody but the contributing organisation sees the content.
    (
        "org_a",
        InformationCategory.HOUSEHOLD,
        Restriction.KNOWN_ONLY,
        {"professional_b": N, "professional_a": F, "ambassador_a": F, "process_director": N, "secretary": N},
    ),
    # Care data for the whole house: staff see it (house-wide); the police only a notice.
    (
        "org_a",
        InformationCategory.CARE,
        Restriction.HOUSE,
        {"professional_b": N, "professional_a": F, "ambassador_a": F, "process_director": F, "secretary": F},
    ),
]
NEVER = {"house_manager": X, "administrator": X, "privacy_officer": X, "board_member": X, "outsider_house": X}


@pytest.mark.parametrize(("contributor", "category", "restriction", "expected"), CASES_WITH_COVENANT)
def test_item_access_per_persona_and_restriction(
    personas: Personas, case: Case, covenant: None, contributor: str, category: str, restriction: str, expected: dict
) -> None:
    item = fact(case, getattr(personas, contributor), category, restriction)
    expected = {**expected, **NEVER}
    assert set(expected) == set(personas.users), "every persona needs an expectation"
    actual = {name: access_of(personas, name, item) for name in personas.users}
    assert actual == expected


def test_list_annotation_agrees_with_item_access(personas: Personas, case: Case, covenant: None) -> None:
    items = [
        fact(case, organisation, category, restriction)
        for organisation in (personas.org_a, personas.org_b, personas.office)
        for category in (InformationCategory.CARE, InformationCategory.POLICE_JUSTICE, InformationCategory.HOUSEHOLD)
        for restriction in Restriction.values
    ]
    for name in ("professional_a", "professional_b", "process_director"):
        viewer = case_viewer(personas.users[name], case, acting=personas.memberships[name])
        assert viewer is not None
        listed = dict(with_access(CaseFact.objects.all(), viewer).values_list("pk", "access"))
        assert listed == {item.pk: access_of(personas, name, item).value for item in items}


def test_staff_see_restricted_items_of_the_house_office_they_contributed(
    personas: Personas, case: Case, covenant: None
) -> None:
    item = fact(case, personas.office, InformationCategory.HOUSEHOLD, Restriction.KNOWN_ONLY)
    assert access_of(personas, "secretary", item) == F
    assert access_of(personas, "professional_a", item) == N


def test_covenant_none_hides_even_the_notice(personas: Personas, case: Case, meeting_type: MeetingType) -> None:
    publish_covenant_with(
        personas.house,
        participants=[personas.office, personas.org_a, personas.org_b],
        meeting_type=meeting_type,
        cells={(Sector.CARE, InformationCategory.POLICE_JUSTICE): (False, Visibility.NONE)},
    )
    item = fact(case, personas.org_b, InformationCategory.POLICE_JUSTICE)
    assert access_of(personas, "professional_a", item) == X
    assert access_of(personas, "process_director", item) == F
    viewer = case_viewer(personas.professional_a, case, acting=personas.memberships["professional_a"])
    assert viewer is not None
    assert list(visible_items(CaseFact.objects.all(), viewer)) == []


def test_organisation_outside_the_covenant_sees_only_its_own_items(
    personas: Personas, case: Case, meeting_type: MeetingType
) -> None:
    publish_covenant_with(personas.house, participants=[personas.office, personas.org_a], meeting_type=meeting_type)
    others = fact(case, personas.org_a, InformationCategory.HOUSEHOLD)
    own = fact(case, personas.org_b, InformationCategory.HOUSEHOLD)
    assert access_of(personas, "professional_b", others) == X
    assert access_of(personas, "professional_b", own) == F


def test_without_covenant_only_the_restriction_applies(personas: Personas, case: Case) -> None:
    justice = fact(case, personas.org_b, InformationCategory.POLICE_JUSTICE)
    known_only = fact(case, personas.org_b, InformationCategory.HOUSEHOLD, Restriction.KNOWN_ONLY)
    assert access_of(personas, "professional_a", justice) == F
    assert access_of(personas, "professional_a", known_only) == N
    assert access_of(personas, "process_director", known_only) == N


def test_withdrawn_items_are_seen_by_nobody(personas: Personas, case: Case, covenant: None) -> None:
    item = CaseFactFactory(case=case, organisation=personas.org_a, withdrawn=True)
    assert access_of(personas, "professional_a", item) == X
    assert access_of(personas, "process_director", item) == X


def test_ended_involvement_sees_nothing(personas: Personas, case: Case, covenant: None) -> None:
    from django.utils import timezone

    item = fact(case, personas.org_b, InformationCategory.HOUSEHOLD)
    case.involvements.filter(organisation=personas.org_b).update(ended_at=timezone.now())
    assert access_of(personas, "professional_b", item) == X


def test_attachments_follow_the_same_rule(personas: Personas, case: Case, covenant: None) -> None:
    document = AttachmentFactory(
        case=case, organisation=personas.org_b, category=InformationCategory.POLICE_JUSTICE, sector_only=True
    )
    assert access_of(personas, "professional_b", document) == F
    assert access_of(personas, "professional_a", document) == N
    assert access_of(personas, "process_director", document) == N


def test_acting_organisation_decides_for_someone_in_two_involved_organisations(
    personas: Personas, case: Case, covenant: None
) -> None:
    # Professional B also works for organisation A (care): acting for the police, care data
    # restricted to care stays a notice; acting for care, it is visible.
    care_membership = personas.memberships["professional_b"].__class__.objects.create(
        user=personas.professional_b, organisation=personas.org_a, role=Role.PROFESSIONAL
    )
    item = CaseFactFactory(
        case=case,
        organisation=personas.org_a,
        category=InformationCategory.HOUSEHOLD,
        restriction=Restriction.SECTOR,
        restricted_sector=Sector.CARE,
    )
    assert item_access(personas.professional_b, item, acting=personas.memberships["professional_b"]) == N
    assert item_access(personas.professional_b, item, acting=care_membership) == F


def test_substitute_sees_through_the_absent_colleague_but_cannot_contribute(
    personas: Personas, case: Case, covenant: None
) -> None:
    elsewhere = OrganisationFactory(house=personas.house, name="Reclassering Testregio", sector=Sector.SUPERVISION)
    substitute = personas.add("substitute", organisation=elsewhere, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_b"], substitute=substitute)
    item = fact(case, personas.org_b, InformationCategory.HOUSEHOLD, Restriction.SECTOR)
    viewer = case_viewer(substitute, case, acting=personas.memberships["substitute"])
    assert viewer is not None
    assert viewer.contributes_as is None
    assert item_access(substitute, item, acting=personas.memberships["substitute"]) == F
