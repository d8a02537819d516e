"""factory_boy factories for the foundation models. Traits name domain states."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Sector, Substitution

TEST_PASSWORD = "Test-wachtwoord-2026!"


class SafetyHouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyHouse
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Zorg- en Veiligheidshuis Testregio {n}")
    region = "Testregio"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    house = factory.SubFactory(SafetyHouseFactory)
    name = factory.Sequence(lambda n: f"Partnerorganisatie {n}")
    sector = Sector.CARE

    class Params:
        house_office = factory.Trait(
            is_house_office=True, sector=Sector.OTHER, name=factory.Sequence(lambda n: f"Bureau ZVH {n}")
        )
        police = factory.Trait(sector=Sector.CRIMINAL_JUSTICE, name=factory.Sequence(lambda n: f"Politie eenheid {n}"))
        municipality = factory.Trait(sector=Sector.MUNICIPALITY, name=factory.Sequence(lambda n: f"Gemeente {n}"))
        inactive = factory.Trait(is_active=False)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"medewerker{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Medewerker {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()

    class Params:
        inactive = factory.Trait(is_active=False)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))

    class Params:
        ended = factory.Trait(end_date=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1)))
        ambassador = factory.Trait(is_ambassador=True)


class SubstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Substitution

    absent_membership = factory.SubFactory(MembershipFactory)
    substitute = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    reason = "Vakantie"
    created_by = factory.SelfAttribute("absent_membership.user")

    class Params:
        expired = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10)),
            ends_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3)),
        )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator-app"
    confirmed = True
