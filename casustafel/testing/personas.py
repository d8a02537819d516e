"""Named personas for view tests and the permission matrix.

Every persona works in the same house, except `outsider_house`, who works in another one.
Later issues add case-specific personas (a case director of organisation A on the case, a
professional of organisation B who is not on it, a substitute...) through `Personas.add`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import Client

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse
from casustafel.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    SafetyHouseFactory,
    TOTPDeviceFactory,
    UserFactory,
)

ANONYMOUS = "anonymous"


@dataclass
class Personas:
    house: SafetyHouse
    office: Organisation
    org_a: Organisation
    org_b: Organisation
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)

    def add(self, name: str, *, organisation: Organisation, role: str, ambassador: bool = False) -> User:
        user = UserFactory(full_name=name.replace("_", " ").title(), email=f"{name}@example.org")
        self.memberships[name] = MembershipFactory(
            user=user, organisation=organisation, role=role, is_ambassador=ambassador
        )
        TOTPDeviceFactory(user=user)
        self.users[name] = user
        return user

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    @property
    def names(self) -> list[str]:
        return [ANONYMOUS, *self.users]

    def client(self, name: str) -> Client:
        """A client logged in as the persona with the second factor passed."""
        client = Client()
        if name == ANONYMOUS:
            return client
        login_verified(client, self.users[name])
        return client


def login_verified(client: Client, user: User) -> None:
    """Log in as `user` and mark the session as having passed TOTP, as the login flow does."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def build_personas() -> Personas:
    house = SafetyHouseFactory(name="Zorg- en Veiligheidshuis Testregio")
    office = OrganisationFactory(house=house, house_office=True)
    org_a = OrganisationFactory(house=house, name="Veilig Thuis Testregio")
    org_b = OrganisationFactory(house=house, police=True, name="Politie Testregio")
    personas = Personas(house=house, office=office, org_a=org_a, org_b=org_b)
    personas.add("process_director", organisation=office, role=Role.PROCESS_DIRECTOR)
    personas.add("secretary", organisation=office, role=Role.SECRETARY)
    personas.add("house_manager", organisation=office, role=Role.HOUSE_MANAGER)
    personas.add("administrator", organisation=office, role=Role.ADMINISTRATOR)
    personas.add("privacy_officer", organisation=office, role=Role.PRIVACY_OFFICER)
    personas.add("board_member", organisation=office, role=Role.BOARD)
    personas.add("professional_a", organisation=org_a, role=Role.PROFESSIONAL)
    personas.add("ambassador_a", organisation=org_a, role=Role.PROFESSIONAL, ambassador=True)
    personas.add("professional_b", organisation=org_b, role=Role.PROFESSIONAL)
    other_house = SafetyHouseFactory(name="Zorg- en Veiligheidshuis Elders")
    other_office = OrganisationFactory(house=other_house, house_office=True)
    personas.add("outsider_house", organisation=other_office, role=Role.ADMINISTRATOR)
    return personas
