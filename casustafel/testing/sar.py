"""Helpers for subject access tests: a person in a referral of the personas' house, and requests,
exceptions and restrictions made through the services as the privacy officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import CaseParty, PartyRole, Person, Referral
from casustafel.organisations.models import Organisation
from casustafel.privacy.subject_access.models import (
    ExceptionGround,
    IdentityCheck,
    RestrictionGround,
    RestrictionMark,
    SubjectAccessException,
    SubjectAccessRequest,
)
from casustafel.privacy.subject_access.services import (
    restriction_mark_add,
    sar_exception_add,
    subject_access_request_create,
)
from casustafel.testing.cases import CasePartyFactory, PersonFactory, ReferralFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

BSN = "111222333"


def officer(personas: Personas) -> Actor:
    return actor_for(personas, "privacy_officer")


@dataclass
class SarSetting:
    person: Person
    referral: Referral
    party: CaseParty


def person_in_referral(
    personas: Personas,
    *,
    organisation: Organisation | None = None,
    role: str = PartyRole.SUBJECT,
    person: Person | None = None,
    referrer: str = "professional_a",
    **referral_kwargs: object,
) -> SarSetting:
    """A submitted referral by `referrer` (for `organisation`, default their own) with the
    person (new unless given) as a party."""
    membership = personas.memberships[referrer]
    referral = ReferralFactory(
        referrer=personas.users[referrer],
        referring_organisation=organisation or membership.organisation,
        submitted=True,
        **referral_kwargs,
    )
    person = person or PersonFactory(
        house=personas.house, given_names="Sanne", surname="Visser", date_of_birth=dt.date(1990, 5, 17), with_bsn=BSN
    )
    party = CasePartyFactory(referral=referral, person=person, role=role)
    return SarSetting(person=person, referral=referral, party=party)


def make_request(personas: Personas, person: Person, **kwargs: object) -> SubjectAccessRequest:
    values: dict[str, object] = {
        "received_on": timezone.localdate(),
        "requester": "person",
        "identity_check": IdentityCheck.ID_DOCUMENT,
    }
    values.update(kwargs)
    return subject_access_request_create(
        actor=officer(personas),
        house=personas.house,
        person=person,
        **values,  # type: ignore[arg-type]
    )


def withhold(
    personas: Personas,
    request: SubjectAccessRequest,
    organisations: Iterable[Organisation],
    *,
    ground: str = ExceptionGround.CRIMINAL_INVESTIGATION,
    disclosed: bool = True,
) -> SubjectAccessException:
    return sar_exception_add(
        actor=officer(personas),
        request=request,
        ground=ground,
        organisations=list(organisations),
        note="Op verzoek van de officier van justitie.",
        disclosed=disclosed,
    )


def restrict(personas: Personas, person: Person, **kwargs: object) -> RestrictionMark:
    values: dict[str, object] = {
        "ground": RestrictionGround.ACCURACY_CONTESTED,
        "starts_on": timezone.localdate(),
    }
    values.update(kwargs)
    return restriction_mark_add(actor=officer(personas), person=person, **values)  # type: ignore[arg-type]
