"""Factories for meeting types, persons, referrals and triage. Traits name referral states."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import factory

from casustafel.cases.models import (
    CaseParty,
    EntryRoute,
    LifeDomain,
    LifeDomainProblem,
    PartyRole,
    Person,
    PriorAction,
    Referral,
    ReferralStatus,
    ResponseTerm,
)
from casustafel.lib.bsn import bsn_digest, encrypt_bsn
from casustafel.meetings.models import MeetingType
from casustafel.testing.factories import OrganisationFactory, SafetyHouseFactory, UserFactory


class MeetingTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingType

    house = factory.SubFactory(SafetyHouseFactory)
    name = factory.Sequence(lambda n: f"Casus-op-Maat {n}")
    goals = "Gezamenlijke aanpak van complexe casuïstiek waarin zorg en straf samenkomen."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    house = factory.SubFactory(SafetyHouseFactory)
    given_names = factory.Sequence(lambda n: f"Testpersoon{n}")
    surname = "Jansen"
    date_of_birth = dt.date(1985, 3, 14)
    created_by_organisation = factory.SubFactory(OrganisationFactory, house=factory.SelfAttribute("..house"))

    class Params:
        bsn = None

    @factory.post_generation
    def with_bsn(obj: Person, create: bool, extracted: str | None, **kwargs: object) -> None:  # noqa: N805
        """`PersonFactory(with_bsn="111222333")` stores the BSN as the service would."""
        if extracted:
            obj.bsn_encrypted = encrypt_bsn(extracted)
            obj.bsn_digest = bsn_digest(extracted)
            if create:
                obj.save(update_fields=["bsn_encrypted", "bsn_digest"])


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral; `ReferralFactory(submitted=True)` is complete and awaiting triage."""

    class Meta:
        model = Referral

    referrer = factory.SubFactory(UserFactory)
    referring_organisation = factory.SubFactory(OrganisationFactory)
    house = factory.SelfAttribute("referring_organisation.house")
    entry_route = EntryRoute.FIELD
    concern = "Vader is meerdere keren aangehouden na ruzies thuis; de kinderen verzuimen school."
    concern_source = "Eigen waarneming en politiemutaties"
    desired_response_days = ResponseTerm.WITHIN_2_WEEKS

    class Params:
        submitted = factory.Trait(
            status=ReferralStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            first_contact_due_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=48)),
            response_due_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14)),
        )


class CasePartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseParty

    referral = factory.SubFactory(ReferralFactory)
    person = factory.SubFactory(PersonFactory, house=factory.SelfAttribute("..referral.house"))
    role = PartyRole.SUBJECT


class LifeDomainProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeDomainProblem

    referral = factory.SubFactory(ReferralFactory)
    domain = LifeDomain.HOUSING
    description = "Dreigende huisuitzetting wegens huurachterstand."
    source = "Woningcorporatie"


class PriorActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorAction

    referral = factory.SubFactory(ReferralFactory)
    description = "Lokaal zorgoverleg, drie keer besproken."
    by_whom = "Sociaal wijkteam"
    source = "Sociaal wijkteam"
