"""The pages of issue 9's speed target run the same number of queries at two data sizes.

Each page is requested once with a small house and again after the house grew by every kind of
row the page lists (cases, referrals, parties, involvements, drafts, questions, colleagues):
an equal count proves there is no query per row (an N+1). The bound on top keeps the count from
creeping. bench/pages.py measures the time of the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from casustafel.cases.models import Case, PartyRole, Referral, ReferralStatus
from casustafel.organisations.models import Role
from casustafel.testing.cases import (
    CaseFactory,
    CasePartyFactory,
    InformationRequestFactory,
    LifeDomainProblemFactory,
    PersonFactory,
    ReferralFactory,
)
from casustafel.testing.factories import MembershipFactory, UserFactory
from casustafel.testing.involvements import CaseInvolvementFactory, open_case
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

GROWTH = 12


@dataclass
class House:
    case: Case
    awaiting: Referral


def _grow(personas: Personas, house: House, meeting_type: object, times: int) -> None:
    """Add `times` of every row the pages list, in the personas' house."""
    for _ in range(times):
        referral = ReferralFactory(
            referrer=personas.professional_a,
            referring_organisation=personas.org_a,
            meeting_type=meeting_type,
            submitted=True,
            status=ReferralStatus.ACCEPTED,
        )
        CasePartyFactory(referral=referral, role=PartyRole.SUBJECT)
        case = CaseFactory(referral=referral, meeting_type=meeting_type, process_director=personas.process_director)
        CaseInvolvementFactory(case=case, organisation=personas.org_a, contact=personas.professional_a)
        awaiting = ReferralFactory(
            referrer=personas.professional_a, referring_organisation=personas.org_a, submitted=True
        )
        CasePartyFactory(referral=awaiting, role=PartyRole.SUBJECT)
        ReferralFactory(referrer=personas.professional_a, referring_organisation=personas.org_a)  # a draft
        InformationRequestFactory(
            referral__referrer=personas.professional_a,
            referral__referring_organisation=personas.org_a,
            asked_by=personas.process_director,
        )
        # The pages of the case and its referral grow with the household and the involvements.
        CasePartyFactory(referral=house.case.referral, role=PartyRole.CHILD, person=PersonFactory(house=personas.house))
        LifeDomainProblemFactory(referral=house.awaiting)
        CaseInvolvementFactory(case=house.case, organisation=personas.org_b, ended=True)
        # And the house with its people (whatever lists colleagues).
        MembershipFactory(user=UserFactory(), organisation=personas.org_b, role=Role.PROFESSIONAL)


def _pages(personas: Personas, house: House) -> list[tuple[str, str]]:
    case, referral = house.case, house.case.referral
    starts = [
        "process_director",
        "secretary",
        "house_manager",
        "administrator",
        "privacy_officer",
        "board_member",
        "professional_a",
        "ambassador_a",
    ]
    return [
        *[(name, "/") for name in starts],
        ("process_director", f"/casussen/{case.pk}/"),
        ("professional_a", f"/casussen/{case.pk}/"),
        ("process_director", "/casussen/"),
        ("professional_a", "/casussen/"),
        ("process_director", f"/casussen/aanmeldingen/{referral.pk}/"),
        ("professional_a", f"/casussen/aanmeldingen/{referral.pk}/"),
        ("process_director", f"/casussen/triage/{house.awaiting.pk}/"),
        ("process_director", f"/casussen/triage/{referral.pk}/"),
    ]


def _counts(personas: Personas, house: House) -> dict[tuple[str, str], int]:
    counts = {}
    for name, path in _pages(personas, house):
        client = personas.client(name)
        client.get(path)  # warm up: the first request of a session writes its activity
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[(name, path)] = len(queries)
    return counts


def test_target_pages_run_as_many_queries_for_a_big_house_as_for_a_small_one(personas: Personas) -> None:
    setting = open_case(personas)
    awaiting = ReferralFactory(
        referrer=personas.professional_a,
        referring_organisation=personas.org_a,
        meeting_type=setting.case.meeting_type,
        submitted=True,
    )
    CasePartyFactory(referral=awaiting, role=PartyRole.SUBJECT)
    house = House(case=setting.case, awaiting=awaiting)
    _grow(personas, house, setting.case.meeting_type, 1)
    small = _counts(personas, house)
    _grow(personas, house, setting.case.meeting_type, GROWTH)
    big = _counts(personas, house)
    grown = {page: (small[page], big[page]) for page in small if small[page] != big[page]}
    assert not grown, f"queries per row (small, big): {grown}"
    too_many = {page: count for page, count in big.items() if count > 30}
    assert not too_many, too_many
