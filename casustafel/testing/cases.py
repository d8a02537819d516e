"""Factories for meeting types, persons, referrals and triage. Traits name referral states."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import factory

from casustafel.cases.models import (
    Case,
    CaseParty,
    EntryRoute,
    InformationRequest,
    LifeDomain,
    LifeDomainProblem,
    PartyRole,
    Person,
    PriorAction,
    Referral,
    ReferralStatus,
    ResponseTerm,
    Routing,
    Triage,
)
from casustafel.lib.bsn import bsn_digest, encrypt_bsn
from casustafel.meeting_types.models import (
    CriteriaSet,
    CriteriaSetVersion,
    InputRequirement,
    InputRequirementCheck,
    MeetingType,
    RequirementStage,
)
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


class InputRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InputRequirement

    meeting_type = factory.SubFactory(MeetingTypeFactory)
    requirement = InputRequirementCheck.CONCERN_DESCRIBED
    stage = RequirementStage.BEFORE_TRIAGE


class InformationRequestFactory(factory.django.DjangoModelFactory):
    """An open question of the house on a submitted referral; `answered=True` has the answer."""

    class Meta:
        model = InformationRequest

    referral = factory.SubFactory(ReferralFactory, submitted=True, status=ReferralStatus.INFORMATION_REQUESTED)
    question = "Is de school al betrokken, en zo ja: wat heeft die gedaan?"
    asked_by = factory.SubFactory(UserFactory)

    class Params:
        answered = factory.Trait(
            answer="Ja, de intern begeleider heeft twee gesprekken gevoerd.",
            answered_by=factory.SelfAttribute("referral.referrer"),
            answered_at=factory.LazyFunction(timezone.now),
        )


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet

    house = factory.SubFactory(SafetyHouseFactory)
    name = factory.Sequence(lambda n: f"Criteria Casus-op-Maat {n}")


class CriteriaSetVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSetVersion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    number = factory.Sequence(lambda n: n + 1)
    published_at = factory.LazyFunction(timezone.now)


class TriageFactory(factory.django.DjangoModelFactory):
    """A triage of a submitted referral; `decided=True` carries an outcome and its reason."""

    class Meta:
        model = Triage

    referral = factory.SubFactory(ReferralFactory, submitted=True)
    criteria_version = factory.SubFactory(
        CriteriaSetVersionFactory, criteria_set__house=factory.SelfAttribute("...referral.house")
    )

    class Params:
        decided = factory.Trait(
            outcome=Routing.STEP_DOWN_LOCAL,
            outcome_reason="Er is lokaal nog niet genoeg geprobeerd; het sociaal wijkteam pakt dit op.",
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
        )


class CaseFactory(factory.django.DjangoModelFactory):
    """An active case opened from an accepted referral."""

    class Meta:
        model = Case

    referral = factory.SubFactory(ReferralFactory, submitted=True, status=ReferralStatus.ACCEPTED)
    house = factory.SelfAttribute("referral.house")
    meeting_type = factory.SubFactory(MeetingTypeFactory, house=factory.SelfAttribute("..house"))
    process_director = factory.SubFactory(UserFactory)
    opened_at = factory.LazyFunction(timezone.now)
