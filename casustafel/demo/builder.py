"""Build the demo region through the ordinary services, so it holds nothing a real house could
not hold and the audit trail shows how it was made.

Later issues extend the demo (referrals, meetings, plans) with their own modules that take the
`DemoRegion` this module returns and use its organisations, users, faker and random generator.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from faker import Faker

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.demo.region import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    HOUSE_EMAIL,
    HOUSE_NAME,
    HOUSE_REGION,
    HOUSE_STAFF,
    OFFICE_KEY,
    ORGANISATIONS,
    OrganisationSpec,
)
from casustafel.demo.services import demo_user_password_hash_set
from casustafel.demo.transactions import story
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Substitution
from casustafel.organisations.services import (
    house_create,
    membership_update,
    organisation_create,
    substitution_create,
    user_create,
)

SYSTEM = Actor.system()


class Writer(Protocol):
    """Anything with `write(str)`: a file, sys.stdout, a management command's self.stdout."""

    def write(self, msg: str) -> Any: ...


@dataclass
class DemoRegion:
    """The demo house and handles on what is in it.

    Args:
        house: the Zorg- en Veiligheidshuis.
        seed: seed of `faker` and `rng`; the same seed gives the same people.
        scale: multiplier for the number of professionals (and, later, cases).
        created: False when the house already existed and nothing was built.
        faker: Faker('nl_NL') for later builders (names of clients, addresses, ...).
        rng: random generator for later builders' choices.
        organisations: by key from `region.py` ("office", "police", "gemeente_hilversum", ...).
        users: by role value, in creation order.
        members: memberships by organisation key, in creation order (the ambassador first).
        substitutions: the demo substitutions (one current, one upcoming).
    """

    house: SafetyHouse
    seed: int
    scale: int
    created: bool
    faker: Faker
    rng: random.Random
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, list[User]] = field(default_factory=dict)
    members: dict[str, list[Membership]] = field(default_factory=dict)
    substitutions: list[Substitution] = field(default_factory=list)

    def staff(self, role: Role) -> Membership:
        """The first office membership with `role` (e.g. the process director who chairs)."""
        return next(m for m in self.members[OFFICE_KEY] if m.role == role)

    def professionals(self, key: str) -> list[Membership]:
        """The professional memberships of an organisation, ambassador first."""
        return [m for m in self.members.get(key, []) if m.role == Role.PROFESSIONAL]

    def ambassador(self, key: str) -> Membership:
        return next(m for m in self.professionals(key) if m.is_ambassador)

    @staticmethod
    def actor(membership: Membership) -> Actor:
        """Act as the member, for their organisation and role, as a logged-in user would."""
        return Actor(user=membership.user, membership=membership)

    def summary(self) -> str:
        user_count = len({user.pk for users in self.users.values() for user in users})
        return f"{len(self.organisations)} organisations, {user_count} users, {len(self.substitutions)} substitutions"


def build_demo_region(*, scale: int = 1, seed: int = DEFAULT_SEED, stdout: Writer | None = None) -> DemoRegion:
    """Build the demo house, or load it when it already exists (running twice changes nothing).

    Args:
        scale: multiplies the professionals per organisation; 1 is the ordinary demo.
        seed: the same seed gives the same names and e-mail addresses.
        stdout: where to report progress (None: silent).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    faker = Faker("nl_NL")
    faker.seed_instance(seed)
    rng = random.Random(seed)
    existing = SafetyHouse.objects.filter(name=HOUSE_NAME).first()
    if existing is not None:
        return _load(existing, seed=seed, scale=scale, faker=faker, rng=rng)
    # The house, its organisations and people in one transaction; each later story in its own
    # (demo/transactions.py: no savepoints inside, which on PostgreSQL saved a round trip per
    # service call). A failure half-way therefore leaves a partial demo: start again from an
    # empty database (the command says so).
    with story():
        region = DemoRegion(
            house=house_create(actor=SYSTEM, name=HOUSE_NAME, region=HOUSE_REGION, contact_email=HOUSE_EMAIL),
            seed=seed,
            scale=scale,
            created=True,
            faker=faker,
            rng=rng,
        )
        for spec in ORGANISATIONS:
            region.organisations[spec.key] = organisation_create(
                actor=SYSTEM,
                house=region.house,
                name=spec.name,
                sector=spec.sector,
                is_house_office=spec.key == OFFICE_KEY,
                contact_email=f"info@{spec.domain}",
            )
        _report(stdout, f"{len(region.organisations)} organisations")
        people = _People(faker)
        password_hash = make_password(DEMO_PASSWORD)  # once: Argon2 costs ~0.1 s per hash
        specs = {spec.key: spec for spec in ORGANISATIONS}
        for role, titles in HOUSE_STAFF:
            for title in titles:
                _add_member(region, people, specs[OFFICE_KEY], role, title, password_hash)
        for spec in ORGANISATIONS:
            for number in range(spec.professionals * scale):
                title = spec.job_titles[number % len(spec.job_titles)]
                _add_member(region, people, spec, Role.PROFESSIONAL, title, password_hash, ambassador=number == 0)
        _report(stdout, f"{sum(len(users) for users in region.users.values())} users")
        region.substitutions = _add_substitutions(region)
        _report(stdout, f"{len(region.substitutions)} substitutions")
    # Referrals, triages and cases (demo/referrals.py); imported here, it imports this module.
    from casustafel.demo.referrals import build_demo_referrals

    build_demo_referrals(region, stdout=stdout)
    # Facts with provenance on the first demo cases (demo/information.py).
    from casustafel.demo.information import build_demo_information

    build_demo_information(region, stdout=stdout)
    # Closed cases and a repeated retention extension (demo/retention.py).
    from casustafel.demo.retention import build_demo_retention

    build_demo_retention(region, stdout=stdout)
    # Two years of meetings and the coming weeks' agendas (demo/meetings.py).
    from casustafel.demo.meetings import build_demo_meetings

    meetings = build_demo_meetings(region, stdout=stdout)
    # What was said and decided in them, and their approved minutes (demo/discussions.py).
    from casustafel.demo.discussions import build_demo_discussions

    build_demo_discussions(region, meetings, stdout=stdout)
    # Plans, case direction, agreements in every state, escalations, closed episodes with
    # follow-up and a re-entry (demo/plans.py).
    from casustafel.demo.plans import build_demo_plans

    build_demo_plans(region, stdout=stdout)
    # Self-assessment rounds, an improvement plan and the effort ledger (demo/learning.py).
    from casustafel.demo.learning import build_demo_learning

    build_demo_learning(region, stdout=stdout)
    # Privacy officer's work (demo/privacy.py); last: a restriction refuses new information.
    from casustafel.demo.privacy import build_demo_privacy

    build_demo_privacy(region, stdout=stdout)
    return region


def _report(stdout: Writer | None, line: str) -> None:
    if stdout is not None:
        stdout.write(f"  {line}\n")


class _People:
    """Invents people with unique names and addresses, deterministically from the seed."""

    ATTEMPTS = 50

    def __init__(self, faker: Faker) -> None:
        self.faker = faker
        self.names: set[str] = set()
        self.emails: set[str] = set()

    def next(self, domain: str) -> tuple[str, str]:
        for _attempt in range(self.ATTEMPTS):
            first, last = self.faker.first_name(), self.faker.last_name()
            full_name = f"{first} {last}"
            email = f"{_slug(first)}.{_slug(last)}@{domain}"
            if full_name not in self.names and email not in self.emails:
                break
        else:
            # Only reachable at very large scales: keep the last name, number the address.
            email = next(
                f"{_slug(first)}.{_slug(last)}{n}@{domain}"
                for n in range(2, 10_000)
                if f"{_slug(first)}.{_slug(last)}{n}@{domain}" not in self.emails
            )
        self.names.add(full_name)
        self.emails.add(email)
        return full_name, email


def _slug(text: str) -> str:
    """'van der Meer' -> 'vandermeer', 'Noëlle' -> 'noelle': an e-mail local part."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in ascii_text.lower() if char.isalnum() or char == "-")


def _add_member(
    region: DemoRegion,
    people: _People,
    spec: OrganisationSpec,
    role: Role,
    job_title: str,
    password_hash: str,
    *,
    ambassador: bool = False,
) -> Membership:
    organisation = region.organisations[spec.key]
    full_name, email = people.next(spec.domain)
    user = user_create(
        actor=SYSTEM,
        email=email,
        full_name=full_name,
        password=None,
        organisation=organisation,
        role=role,
        is_ambassador=ambassador,
        job_title=job_title,
    )
    demo_user_password_hash_set(actor=SYSTEM, user=user, password_hash=password_hash)
    membership = Membership.objects.get(user=user, organisation=organisation, role=role)
    # Colleagues who all started today look staged, and a substitution that began last week
    # needs memberships that were active then.
    started = timezone.localdate() - dt.timedelta(days=region.rng.randint(60, 8 * 365))
    membership = membership_update(
        actor=SYSTEM, membership=membership, expected_version=membership.version, start_date=started
    )
    region.users.setdefault(role.value, []).append(user)
    region.members.setdefault(spec.key, []).append(membership)
    return membership


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _add_substitutions(region: DemoRegion) -> list[Substitution]:
    # A substitution records who arranged it (created_by), which the system actor cannot be:
    # the house's administrator records these, as they would on request.
    actor = region.actor(region.staff(Role.ADMINISTRATOR))
    today = timezone.localdate()
    vt_ambassador, vt_colleague = _first_ambassador_and_colleague(region.professionals("veilig_thuis"))
    police_ambassador, police_colleague = _first_ambassador_and_colleague(region.professionals("police"))
    return [
        # Current: Veilig Thuis's ambassador is on holiday; the colleague who logs in as the
        # Veilig Thuis professional of the demo covers for them.
        substitution_create(
            actor=actor,
            absent_membership=vt_ambassador,
            substitute=vt_colleague.user,
            starts_at=_at(today - dt.timedelta(days=3), 8, 30),
            ends_at=_at(today + dt.timedelta(days=11), 17),
            reason="Vakantie",
        ),
        # Upcoming: a police professional follows a course; the police ambassador takes over.
        substitution_create(
            actor=actor,
            absent_membership=police_colleague,
            substitute=police_ambassador.user,
            starts_at=_at(today + dt.timedelta(days=7), 8),
            ends_at=_at(today + dt.timedelta(days=21), 17),
            reason="Cursus",
        ),
    ]


def _first_ambassador_and_colleague(members: Iterable[Membership]) -> tuple[Membership, Membership]:
    listed = list(members)
    ambassador = next(m for m in listed if m.is_ambassador)
    colleague = next(m for m in listed if not m.is_ambassador)
    return ambassador, colleague


def _load(house: SafetyHouse, *, seed: int, scale: int, faker: Faker, rng: random.Random) -> DemoRegion:
    """The existing demo house, with the same handles a fresh build gives."""
    keys = {spec.name: spec.key for spec in ORGANISATIONS}
    region = DemoRegion(house=house, seed=seed, scale=scale, created=False, faker=faker, rng=rng)
    by_pk: dict[int, str] = {}
    for organisation in house.organisations.order_by("pk"):
        key = keys.get(organisation.name, f"organisation_{organisation.pk}")
        region.organisations[key] = organisation
        by_pk[organisation.pk] = key
    memberships = Membership.objects.filter(organisation__house=house).select_related("user").order_by("pk")
    for membership in memberships:
        region.users.setdefault(membership.role, []).append(membership.user)
        region.members.setdefault(by_pk[membership.organisation_id], []).append(membership)
    region.substitutions = list(
        Substitution.objects.filter(absent_membership__organisation__house=house).order_by("pk")
    )
    return region
