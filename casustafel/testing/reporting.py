"""Scenario helpers for report tests: referrals and cases of a house at chosen moments, with
the fields the indicators count (route, status, municipality, first contact, decision)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from casustafel.cases.models import Case, CaseStatus, EntryRoute, PartyRole, Referral, ReferralStatus
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import CaseFactory, CasePartyFactory, MeetingTypeFactory, PersonFactory, ReferralFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas


def moment(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware moment in the project's time zone."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def submitted_referral(
    personas: Personas,
    *,
    at: dt.datetime,
    route: str = EntryRoute.FIELD,
    status: str = ReferralStatus.SUBMITTED,
    municipality: Organisation | None = None,
    meeting_type: MeetingType | None = None,
    first_contact_hours: int = 48,
    contact_after_hours: float | None = None,
    decided_after_days: float | None = None,
    referrer: str = "professional_a",
    **kwargs: Any,
) -> Referral:
    """A referral of the personas' house submitted at `at`: contacted `contact_after_hours`
    later (or not), decided `decided_after_days` later (sets the outcome moment)."""
    membership = personas.memberships[referrer]
    return ReferralFactory(
        referrer=personas.users[referrer],
        referring_organisation=membership.organisation,
        entry_route=route,
        status=status,
        municipality=municipality,
        meeting_type=meeting_type,
        submitted_at=at,
        first_contact_due_at=at + dt.timedelta(hours=first_contact_hours),
        first_contact_at=None if contact_after_hours is None else at + dt.timedelta(hours=contact_after_hours),
        response_due_at=at + dt.timedelta(days=14),
        outcome_at=None if decided_after_days is None else at + dt.timedelta(days=decided_after_days),
        **kwargs,
    )


def case_of(
    personas: Personas,
    *,
    meeting_type: MeetingType,
    opened: dt.datetime,
    closed: dt.datetime | None = None,
    destroyed: bool = False,
) -> Case:
    """A case of an accepted referral, opened (and closed) at the given moments."""
    referral = submitted_referral(personas, at=opened - dt.timedelta(days=7), status=ReferralStatus.ACCEPTED)
    status = CaseStatus.DESTROYED if destroyed else CaseStatus.CLOSED if closed else CaseStatus.ACTIVE
    return CaseFactory(
        referral=referral,
        meeting_type=meeting_type,
        process_director=personas.process_director,
        opened_at=opened,
        closed_at=closed,
        status=status,
    )


def municipalities(personas: Personas, *names: str) -> list[Organisation]:
    return [OrganisationFactory(house=personas.house, municipality=True, name=name) for name in names]


def meeting_type_of(personas: Personas, name: str) -> MeetingType:
    return MeetingTypeFactory(house=personas.house, name=name)


def identifiable_referral(personas: Personas, *, at: dt.datetime, given_names: str, surname: str, bsn: str) -> Referral:
    """A referral with a named subject, a BSN and a concern text: what no report may contain."""
    referral = submitted_referral(
        personas,
        at=at,
        concern=f"Zorgen over {given_names} {surname}: dreigende uithuiszetting en huiselijk geweld.",
        concern_source=f"Melding wijkagent over {surname}",
    )
    person = PersonFactory(house=personas.house, given_names=given_names, surname=surname, with_bsn=bsn)
    CasePartyFactory(referral=referral, person=person, role=PartyRole.SUBJECT)
    return referral
