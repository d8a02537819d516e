"""The national data set: the plan, and the kinds of data it is made of.

Houses, organisations, people and meeting types are few and go through the product's services
(`house_create`, `organisation_create`, `user_create`, `meeting_types_install_default`), so they
are exactly what an administrator would have made. Referrals, persons, cases, involvements and
the audit trail are many and are written with COPY (`sink.py`, which says why).

Adding a kind of data (issue 12: meetings, agendas, agreements): write a class with
`per_case(ctx, story)` that adds its rows through `ctx.table(Model, columns)` and its audit
events through `ctx.audit.add(...)`, dated within the story's life, and return an instance from
`case_kinds` (`meetings.py` is one). Stories come in order of submission; the trail is written month by month behind
them, so a kind must not date an event more than `MAX_STORY_MONTHS` after the submission.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from bench.national.sink import AUDIT_TRAIL_SUPPORTED, AuditTrail, NoAuditTrail, Table, bulk_load
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import (
    Case,
    CaseInvolvement,
    CaseParty,
    CaseStatus,
    EntryRoute,
    PartyRole,
    Person,
    Referral,
    ReferralStatus,
)
from casustafel.demo.region import ORGANISATIONS, OrganisationSpec
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.services.meeting_types import meeting_types_install_default
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Sector
from casustafel.organisations.services import house_create, organisation_create, user_create

SYSTEM = Actor.system()
MAX_STORY_MONTHS = 30  # submission to the last event of a story (closure plus a last look)
GIVEN = ["Sanne", "Daan", "Lotte", "Milan", "Noa", "Sem", "Emma", "Levi", "Julia", "Finn", "Yara", "Bram", "Fatima",
         "Mohamed", "Anouk", "Jesse", "Iris", "Thijs", "Sara", "Luuk", "Zeynep", "Ahmed", "Eva", "Ruben"]  # fmt: skip
SURNAMES = ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
            "Yilmaz", "El Amrani", "Kaya", "Bouzid", "Wijaya", "Pinas"]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    houses: int = 25
    years: int = 10
    cases: int = 200_000
    events: int = 10_000_000
    professionals: int = 3  # per partner organisation per house
    seed: int = 2026

    @property
    def referrals(self) -> int:
        # About one referral in three is stepped down, rejected, sent to the RIEC or still open.
        return self.cases * 3 // 2


@dataclass
class House:
    house: SafetyHouse
    weight: float
    office: Organisation
    partners: list[Organisation]
    municipalities: list[Organisation]
    directors: list[Membership]
    professionals: dict[int, list[Membership]]  # organisation id -> memberships
    meeting_type: MeetingType
    persons: list[int] = field(default_factory=list)
    # person id -> (case id, closed at) of the person's latest episode: re-entries link to it.
    episodes: dict[int, tuple[int, dt.datetime | None]] = field(default_factory=dict)


@dataclass
class Story:
    """One referral and, when accepted, its case: what later kinds attach to."""

    house: House
    referral_id: int
    submitted: dt.datetime
    outcome: dt.datetime | None
    case_id: int | None
    opened: dt.datetime | None
    closed: dt.datetime | None
    director: Membership
    referrer: Membership
    person_ids: list[int]
    involved: list[Membership]
    first_meeting: dt.date | None = None


class CaseKind(Protocol):
    def per_case(self, ctx: Context, story: Story) -> None: ...


class Context:
    def __init__(self, plan: Plan, now: dt.datetime) -> None:
        self.plan = plan
        self.now = now
        self.start = now - dt.timedelta(days=365 * plan.years)
        self.rng = random.Random(plan.seed)
        self.tables: dict[type[Model], Table] = {}
        self.audit: AuditTrail | NoAuditTrail  # after the houses: it continues the chain the services wrote
        self.houses: list[House] = []

    def table(self, model: type[Model], columns: list[str]) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, columns)
        return self.tables[model]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()


def member(membership: Membership) -> tuple[int, int, str]:
    return membership.user_id, membership.organisation_id, membership.role


# --- Structure, through the services ---------------------------------------------------------


def build_houses(ctx: Context) -> None:
    specs = [spec for spec in ORGANISATIONS if spec.key != "office"]
    for number in range(1, ctx.plan.houses + 1):
        with transaction.atomic():
            ctx.houses.append(_house(ctx, number, specs))


def _house(ctx: Context, number: int, specs: list[OrganisationSpec]) -> House:
    domain = f"zvh{number:02d}.example"
    house = house_create(
        actor=SYSTEM, name=f"Zorg- en Veiligheidshuis Regio {number:02d}", region=f"Regio {number:02d}"
    )
    office = organisation_create(
        actor=SYSTEM, house=house, name=f"Bureau ZVH Regio {number:02d}", sector=Sector.OTHER, is_house_office=True
    )

    def user(organisation: Organisation, role: Role, index: int) -> Membership:
        created = user_create(
            actor=SYSTEM,
            email=f"{role.value}{index}.{organisation.pk}@{domain}",
            full_name=f"{ctx.rng.choice(GIVEN)} {ctx.rng.choice(SURNAMES)}",
            organisation=organisation,
            role=role,
            is_ambassador=role == Role.PROFESSIONAL and index == 0,
        )
        return Membership.objects.get(user=created, organisation=organisation)

    administrator = user(office, Role.ADMINISTRATOR, 0)
    directors = [user(office, Role.PROCESS_DIRECTOR, index) for index in range(4)]
    for role in (Role.SECRETARY, Role.HOUSE_MANAGER, Role.BOARD, Role.PRIVACY_OFFICER):
        user(office, role, 0)
    partners, municipalities, professionals = [], [], {}
    for spec in specs:
        organisation = organisation_create(actor=SYSTEM, house=house, name=spec.name, sector=spec.sector)
        if spec.sector == Sector.MUNICIPALITY:
            municipalities.append(organisation)
        else:
            partners.append(organisation)
            professionals[organisation.pk] = [
                user(organisation, Role.PROFESSIONAL, index) for index in range(ctx.plan.professionals)
            ]
    meeting_type = meeting_types_install_default(
        actor=Actor(user=administrator.user, membership=administrator), house=house
    )[0]
    return House(
        house=house,
        weight=ctx.rng.uniform(0.4, 1.6),  # houses differ in size
        office=office,
        partners=partners,
        municipalities=municipalities,
        directors=directors,
        professionals=professionals,
        meeting_type=meeting_type,
    )


# --- Referrals and cases, with COPY ----------------------------------------------------------


class ReferralsAndCases:
    """Persons, referrals, parties, cases and involvements, and their audit events: the writes a
    referral and its case go through, and the reads of the case by its director and the
    professionals involved (the bulk of the trail: NEN 7513 logs every look)."""

    def __init__(self, ctx: Context) -> None:
        self.person = ctx.table(Person, ["id", "created_at", "updated_at", "version", "house_id", "given_names",
            "surname_prefix", "surname", "date_of_birth", "bsn_encrypted", "bsn_digest", "merged_into_id",
            "created_by_organisation_id"])  # fmt: skip
        self.referral = ctx.table(Referral, ["id", "created_at", "updated_at", "version", "house_id", "entry_route",
            "status", "referrer_id", "referring_organisation_id", "meeting_type_id", "municipality_id", "concern",
            "concern_source", "desired_response_days", "consent", "consent_note", "submitted_at",
            "first_contact_due_at", "first_contact_at", "response_due_at", "outcome_at", "retention_until",
            "destroyed_at", "previous_case_id"])  # fmt: skip
        self.party = ctx.table(CaseParty, ["id", "created_at", "updated_at", "referral_id", "person_id", "role",
            "note", "known_checked_at", "known_elsewhere", "known_contact"])  # fmt: skip
        self.case = ctx.table(Case, ["id", "created_at", "updated_at", "version", "house_id", "referral_id",
            "meeting_type_id", "process_director_id", "municipality_id", "status", "opened_at", "first_meeting_date",
            "closed_at", "close_reason", "retention_until", "destroyed_at"])  # fmt: skip
        self.involvement = ctx.table(CaseInvolvement, ["id", "created_at", "updated_at", "case_id",
            "organisation_id", "contact_id", "reason", "started_at", "ended_at", "end_reason", "added_by_id"])  # fmt: skip
        self.writes_per_story = 8.5  # adjusted as stories are written, to land near --events
        self.written_events = 0

    def story(self, ctx: Context, house: House, submitted: dt.datetime, *, accepted: bool, remaining: int) -> Story:
        rng, audit, now = ctx.rng, ctx.audit, ctx.now
        organisation = rng.choice(house.partners)
        referrer = rng.choice(house.professionals[organisation.pk])
        director = rng.choice(house.directors)
        municipality = rng.choice(house.municipalities)
        created = submitted - dt.timedelta(hours=rng.uniform(1, 72))
        decided = submitted + dt.timedelta(days=rng.uniform(1, 21))
        outcome = decided if decided < now else None
        if outcome is None:
            status = ReferralStatus.SUBMITTED
        elif accepted:
            status = ReferralStatus.ACCEPTED
        else:
            status = rng.choice([ReferralStatus.STEPPED_DOWN, ReferralStatus.REJECTED, ReferralStatus.REFERRED_RIEC])
        contact = submitted + dt.timedelta(hours=rng.uniform(2, 70))
        referral_id = self.referral.next_id()
        who = member(referrer)
        persons = self._persons(ctx, house, organisation, referral_id, created, who)
        # A referral for a person of a closed case of the house is a re-entry (a new episode).
        previous = next(
            (episode[0] for episode in (house.episodes.get(p) for p in persons)
             if episode and episode[1] is not None and episode[1] < submitted),
            None,
        )  # fmt: skip
        self.referral.add(
            referral_id, created, outcome or submitted, 3, house.house.pk, rng.choice(EntryRoute.values), status,
            referrer.user_id, organisation.pk, house.meeting_type.pk, municipality.pk,
            "Zorgen over veiligheid en meerdere leefgebieden in het gezin.", "Eigen waarneming van de aanmelder",
            14, "informed", "", submitted, submitted + dt.timedelta(hours=48), contact if contact < now else None,
            submitted + dt.timedelta(days=14), outcome, None, None, previous,
        )  # fmt: skip
        audit.add(created, who, AuditAction.CREATE, ("cases.referral", referral_id))
        audit.add(submitted, who, AuditAction.UPDATE, ("cases.referral", referral_id))
        story = Story(house, referral_id, submitted, outcome, None, None, None, director, referrer, persons, [])
        if outcome is not None:
            audit.add(outcome, member(director), AuditAction.UPDATE, ("cases.referral", referral_id))
        if status == ReferralStatus.ACCEPTED and outcome is not None:
            self._case(ctx, story, organisation, municipality)
        self._reads(ctx, story, remaining)
        return story

    def _persons(
        self, ctx: Context, house: House, organisation: Organisation, referral_id: int, at: dt.datetime, who: Any
    ) -> list[int]:
        rng = ctx.rng
        roles = [PartyRole.SUBJECT] + [rng.choice([PartyRole.CHILD, PartyRole.SYSTEM_MEMBER, PartyRole.VICTIM])
                                       for _ in range(rng.choice([0, 1, 1, 2, 3]))]  # fmt: skip
        ids = []
        for role in roles:
            known = rng.choice(house.persons) if house.persons and rng.random() < 0.12 else None
            if known is not None and known not in ids:  # someone the house has seen before: a re-entry
                person_id = known
            else:
                person_id = self.person.next_id()
                birth = dt.date(rng.randint(1950, 2020), rng.randint(1, 12), rng.randint(1, 28))
                self.person.add(person_id, at, at, 1, house.house.pk, rng.choice(GIVEN), "", rng.choice(SURNAMES),
                                birth, "", "", None, organisation.pk)  # fmt: skip
                house.persons.append(person_id)
                ctx.audit.add(at, who, AuditAction.CREATE, ("cases.person", person_id), person_id=person_id)
            party_id = self.party.next_id()
            self.party.add(party_id, at, at, referral_id, person_id, role, "", at, False, "")
            ctx.audit.add(at, who, AuditAction.CREATE, ("cases.caseparty", party_id), person_id=person_id)
            ids.append(person_id)
        return ids

    def _case(self, ctx: Context, story: Story, organisation: Organisation, municipality: Organisation) -> None:
        rng, now = ctx.rng, ctx.now
        assert story.outcome is not None
        opened = story.outcome
        closing = opened + dt.timedelta(days=rng.uniform(60, 540))
        closed = closing if closing < now else None
        case_id = self.case.next_id()
        story.first_meeting = (opened + dt.timedelta(days=rng.randint(5, 30))).date()
        retention = (closed + dt.timedelta(days=5 * 365)).date() if closed else None
        self.case.add(
            case_id, opened, closed or opened, 2, story.house.house.pk, story.referral_id, story.house.meeting_type.pk,
            story.director.user_id, municipality.pk, CaseStatus.CLOSED if closed else CaseStatus.ACTIVE, opened,
            story.first_meeting, closed,
            "Doelen bereikt; nazorg via het lokale team." if closed else "", retention, None,
        )  # fmt: skip
        story.case_id, story.opened, story.closed = case_id, opened, closed
        for person in story.person_ids:
            story.house.episodes[person] = (case_id, closed)
        director = member(story.director)
        ctx.audit.add(opened, director, AuditAction.CREATE, ("cases.case", case_id), case_id=case_id)
        others = [o for o in story.house.partners if o.pk != organisation.pk]
        involved = [organisation, *rng.sample(others, k=rng.choice([0, 1, 1, 2]))]
        for index, partner in enumerate(involved):
            contact = story.referrer if index == 0 else rng.choice(story.house.professionals[partner.pk])
            started = opened + dt.timedelta(hours=index * rng.uniform(1, 200))
            started = min(started, now - dt.timedelta(minutes=1))
            involvement_id = self.involvement.next_id()
            self.involvement.add(involvement_id, started, started, case_id, partner.pk, contact.user_id,
                                 "Betrokken bij de aanpak", started, closed, "Casus afgesloten" if closed else "",
                                 story.director.user_id)  # fmt: skip
            ctx.audit.add(started, director, AuditAction.CREATE, ("cases.caseinvolvement", involvement_id),
                          case_id=case_id)  # fmt: skip
            story.involved.append(contact)
        if closed:
            ctx.audit.add(closed, director, AuditAction.UPDATE, ("cases.case", case_id), case_id=case_id)

    def _reads(self, ctx: Context, story: Story, remaining: int) -> None:
        """Looks at the case (or, without one, the referral) until the target is in reach."""
        rng, audit = ctx.rng, ctx.audit
        budget = max(0, remaining) / max(1, self._stories_left)
        start = story.opened or story.submitted
        end = story.closed or ((story.outcome or ctx.now) if story.case_id is None else ctx.now)
        end = min(end, ctx.now, start + dt.timedelta(days=30 * (MAX_STORY_MONTHS - 1)))
        span = max((end - start).total_seconds(), 60.0)
        readers = [story.director, *story.involved] if story.case_id else [story.director]
        count = max(0, int(rng.gauss(budget, budget / 4)))
        for _ in range(count):
            reader = rng.choice(readers)
            at = start + dt.timedelta(seconds=rng.uniform(0, span))
            if story.case_id:
                audit.add(at, member(reader), AuditAction.READ, ("cases.case", story.case_id), case_id=story.case_id)
            else:
                person = story.person_ids[0]
                audit.add(at, member(reader), AuditAction.READ, ("cases.referral", story.referral_id), person_id=person)

    _stories_left = 1


def case_kinds(ctx: Context) -> list[CaseKind]:
    """What attaches to a story after its referral and case (issue 12: meetings, plans and
    agreements)."""
    from bench.national.meetings import MeetingsAndPlans

    return [MeetingsAndPlans(ctx)]


def build_stories(ctx: Context, report: Any) -> int:
    """Every referral of every house over the years, oldest first; returns the number of stories."""
    plan, rng = ctx.plan, ctx.rng
    kind = ReferralsAndCases(ctx)
    kinds = case_kinds(ctx)
    weights = [house.weight for house in ctx.houses]
    span = (ctx.now - ctx.start).total_seconds()
    total = plan.referrals
    # Submission moments, growing over the years (houses take on more), sorted: the audit trail
    # is written behind them month by month.
    moments = sorted(rng.uniform(0, 1) ** 0.8 * span for _ in range(total))
    # A little over the plan's share: the newest referrals (the last three weeks, a larger part
    # of a short span) are not decided yet, and `--cases` is a floor.
    accepted_share = min(1.0, plan.cases / total * (1.02 + 0.08 / plan.years))
    events_before = ctx.audit.sequence
    for index, offset in enumerate(moments):
        submitted = ctx.start + dt.timedelta(seconds=offset)
        house = rng.choices(ctx.houses, weights)[0]
        kind._stories_left = total - index
        written = ctx.audit.sequence - events_before + sum(len(v) for v in ctx.audit.months.values())
        remaining_reads = plan.events - written - int((total - index) * kind.writes_per_story)
        story = kind.story(ctx, house, submitted, accepted=rng.random() < accepted_share, remaining=remaining_reads)
        for extra in kinds:
            extra.per_case(ctx, story)
        if index % 5000 == 4999:
            # A later story starts at most three days before its submission (`created`).
            ctx.audit.close_before(submitted - dt.timedelta(days=4))
            ctx.flush()
            report(f"  {index + 1:,} of {total:,} referrals")
    ctx.flush()
    ctx.audit.finish()
    for table in ctx.tables.values():
        table.reset_sequence()
    return total


def generate(plan: Plan, report: Any) -> None:
    now = timezone.now()
    ctx = Context(plan, now)
    build_houses(ctx)
    if plan.events and not AUDIT_TRAIL_SUPPORTED:
        raise SystemExit("the audit trail writer predates the sealed per-house chains: use --events 0")
    ctx.audit = AuditTrail(random.Random(plan.seed + 1)) if plan.events else NoAuditTrail()
    report(f"  {len(ctx.houses)} houses, with their organisations, people and meeting types (through the services)")
    from bench.national.meetings import MODELS

    audited: list[type[Model]] = [AuditEvent] if plan.events else []
    loaded: list[type[Model]] = [Person, Referral, CaseParty, Case, CaseInvolvement, *audited, *MODELS]
    with transaction.atomic(), bulk_load(loaded, rebuild_indexes=[*audited, *MODELS]):
        build_stories(ctx, report)
    report("  indexes rebuilt, foreign keys checked")
