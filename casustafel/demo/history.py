"""`demo_region --history`: the demo region at a real house's volume, from the tables of seed 003
chapter 3 (`history_tables.py`): the youth consultation per municipality (Tabel 1, from October
2011), repeat offenders discussed (Tabel 2), the nazorg caseload of 2013 with its re-entries
(Tabel 3) and the Top-X pilot's 21 persons in Huizen and Wijdemeren (second half of 2013).

Every case goes the whole way through the ordinary services, by the users who would do it: a
referral with its subject, triage by a process director, the case opened; discussed in held
meetings of its consultation (agenda item, attendance of the involved organisation); a plan with
a goal and an agreement reported done; closed with a reason, goal outcomes and a closure plan;
the follow-up questions of the meeting type answered. A person detained again in 2013 is
referred again after their first episode closed, which links the new episode to the old one
(`Referral.previous_case`): persons and episodes apart. Dates are set afterwards with
`demo_dates_set`, as in the other demo builders.

The plan is computed first (`plan_history`, pure and deterministic from the seed) and then
played in date order, so a re-entry comes after the closure it follows and every meeting is
filled before it is held. One transaction per opening, per meeting and per closing.

docs/demo.md, "History", says how each table maps to cases and lists the tables' own
inconsistencies; `demo/tests/test_history.py` checks the counts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from django.utils import timezone

from faker import Faker

from casustafel.audit.context import Actor
from casustafel.cases.defaults import MeetingTypeSpec
from casustafel.cases.models import Case, CaseInvolvement, CloseReason, EntryRoute, PartyRole, Referral, Routing
from casustafel.cases.services.persons import case_party_add_person
from casustafel.cases.services.referrals import referral_start, referral_submit, referral_update
from casustafel.cases.services.triage import VerdictInput, triage_decide
from casustafel.demo import history_tables as tables
from casustafel.demo.referral_stories import People
from casustafel.demo.region import OFFICE_KEY
from casustafel.demo.services import demo_dates_set, demo_notifications_settle
from casustafel.demo.transactions import story
from casustafel.meeting_types.models import CriteriaSetVersion, Criterion, MeetingType
from casustafel.meetings.models import AttendanceStatus, Invitation, Meeting
from casustafel.meetings.services.attendance import attendance_record
from casustafel.meetings.services.meeting_types import meeting_type_install, meeting_type_update
from casustafel.meetings.services.meetings import agenda_item_add, meeting_finish, meeting_plan, meeting_start
from casustafel.notifications.models import Notification
from casustafel.organisations.models import Membership, Organisation, Role
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementKind,
    AgreementProgress,
    Approach,
    FollowUpAnswer,
    GoalStatus,
)
from casustafel.plans.services import agreement_create
from casustafel.plans.services_agreements import agreement_report
from casustafel.plans.services_closure import (
    AgreementSettlement,
    GoalOutcome,
    case_closure,
    follow_up_answer,
    open_agreements,
    open_goals,
)
from casustafel.plans.services_plan import goal_create, plan_save

if TYPE_CHECKING:
    from casustafel.demo.builder import DemoRegion, Writer

SYSTEM = Actor.system()
T = TypeVar("T")
SEED_OFFSET = 12
HOUR = {tables.YOUTH: 10, tables.REPEAT_OFFENDERS: 13, tables.NAZORG: 9, tables.TOP_X: 14}
# Consultation -> (weekday, days between meetings, minutes per case).
RHYTHM = {
    tables.YOUTH: (1, 14, 10),
    tables.REPEAT_OFFENDERS: (3, 14, 10),
    tables.NAZORG: (2, 7, 15),
    tables.TOP_X: (0, 28, 30),
}
PLACE = "Veiligheidshuis Gooi en Vechtstreek, Hilversum"

OLD_STYLE_TYPES = (
    MeetingTypeSpec(
        name=tables.YOUTH,
        goals=(
            "Jeugdoverleg (tot 2014): risicojeugd en jeugdige veelplegers per gemeente, met politie, Raad voor de "
            "Kinderbescherming, leerplicht en jeugdzorg; veel casussen in korte tijd."
        ),
        privacy_reminder="Alleen wat nodig is voor de aanpak van deze jongere.",
        minutes_per_case=10,
        default_duration_minutes=150,
        clients_invited_by_default=False,
    ),
    MeetingTypeSpec(
        name=tables.REPEAT_OFFENDERS,
        goals=(
            "Veelplegersoverleg (tot 2014): volwassen veelplegers (landelijk criterium: ten minste tien bewezen "
            "delicten, waarvan één in het afgelopen jaar), straf en zorg per persoon afgestemd."
        ),
        privacy_reminder="Alleen wat nodig is voor de aanpak van deze persoon.",
        minutes_per_case=10,
        default_duration_minutes=150,
        clients_invited_by_default=False,
    ),
)


@dataclass
class Episode:
    """One case of the history: whose, where, which consultation, when it is opened, discussed
    and closed, and the earlier episode it re-enters after (index into the plan)."""

    index: int
    consultation: str
    municipality: str  # history_tables key; "" = Overig
    person: int  # persons are numbered; a re-entry reuses its person's number
    opened: dt.date
    discussed: list[dt.date]
    closed: dt.date
    previous: int | None = None
    minor: bool = False


@dataclass
class HistoryPlan:
    episodes: list[Episode] = field(default_factory=list)
    meetings: dict[tuple[str, dt.date], list[int]] = field(default_factory=dict)  # -> episode indexes

    def add(self, episode: Episode) -> Episode:
        self.episodes.append(episode)
        for day in episode.discussed:
            self.meetings.setdefault((episode.consultation, day), []).append(episode.index)
        return episode


def meeting_days(consultation: str, start: dt.date, end: dt.date) -> list[dt.date]:
    weekday, every, _minutes = RHYTHM[consultation]
    day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    days = []
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=every)
    return days


class _Planner:
    """Turns the tables into episodes with dates. Deterministic from the seed."""

    def __init__(self, seed: int, municipalities: Collection[str] | None) -> None:
        self.rng = random.Random(seed)
        self.plan = HistoryPlan()
        self.persons = 0
        self.municipalities = municipalities

    def rows(self, table: dict[str, T]) -> list[tuple[str, T]]:
        """The table's rows for the municipalities asked for (all by default)."""
        return [(key, row) for key, row in table.items() if self.municipalities is None or key in self.municipalities]

    def person(self) -> int:
        self.persons += 1
        return self.persons

    def new(
        self,
        consultation: str,
        key: str,
        discussed: list[dt.date],
        *,
        earliest: dt.date,
        minor: bool = False,
        previous: Episode | None = None,
        close_within: tuple[int, int] = (14, 60),
    ) -> Episode:
        first = discussed[0]
        opened = max(earliest, first - dt.timedelta(days=self.rng.randint(5, 20)))
        closed = discussed[-1] + dt.timedelta(days=self.rng.randint(*close_within))
        return self.plan.add(
            Episode(
                index=len(self.plan.episodes),
                consultation=consultation,
                municipality=key,
                person=previous.person if previous else self.person(),
                opened=opened,
                discussed=discussed,
                closed=closed,
                previous=previous.index if previous else None,
                minor=minor,
            )
        )

    def yearly(
        self,
        consultation: str,
        counts: dict[str, tuple[int, int, int]],
        years: tuple[int, ...],
        carried: dict[tuple[str, int], int],
        first_day: dt.date,
        *,
        minor: bool,
    ) -> None:
        """Each municipality's people discussed per year, some of them the year before too: a
        carried episode gets one more discussion early in the next year and closes after it."""
        for key, per_year in self.rows(counts):
            previous_year: list[Episode] = []
            for number, year in enumerate(years):
                start = max(first_day, dt.date(year, 1, 1))
                days = meeting_days(consultation, start, dt.date(year, 12, 31))
                carry = carried.get((key, year), 0)
                continuing = sorted(previous_year, key=lambda e: e.discussed[-1])[-carry:] if carry else []
                for episode in continuing:
                    episode.discussed.append(self.rng.choice(days[:5]))
                    self.plan.meetings.setdefault((consultation, episode.discussed[-1]), []).append(episode.index)
                    episode.closed = episode.discussed[-1] + dt.timedelta(days=self.rng.randint(14, 60))
                this_year = list(continuing)
                following = carried.get((key, years[number + 1]), 0) if number + 1 < len(years) else 0
                fresh = per_year[number] - carry
                for count in range(fresh):
                    # The ones that go on next year are discussed late in the year.
                    late = count < following
                    day = self.rng.choice(days[-5:] if late else days)
                    this_year.append(
                        self.new(
                            consultation,
                            key,
                            [day],
                            earliest=start - dt.timedelta(days=0 if year == first_day.year else 21),
                            minor=minor,
                        )
                    )
                previous_year = this_year

    def nazorg(self) -> None:
        days = meeting_days(tables.NAZORG, dt.date(2013, 1, 1), dt.date(2013, 12, 31))
        first_half = [d for d in days if d < dt.date(2013, 6, 1)]
        for key, caseload in self.rows(tables.TABEL_3_CASELOAD_2013):
            re_entries = tables.NAZORG_RE_ENTRIES.get(key, 0)
            for count in range(caseload - re_entries):
                again = count < re_entries
                pool = first_half if again else days
                day = self.rng.choice(pool)
                episode = self.new(
                    tables.NAZORG,
                    key,
                    [day],
                    earliest=dt.date(2013, 1, 1),
                    close_within=(14, 35) if again else (21, 90),
                )
                if again:
                    later = [d for d in days if d > episode.closed + dt.timedelta(days=21)]
                    self.new(
                        tables.NAZORG,
                        key,
                        [self.rng.choice(later[:12])],
                        earliest=episode.closed + dt.timedelta(days=7),
                        previous=episode,
                    )

    def top_x(self) -> None:
        days = meeting_days(tables.TOP_X, tables.TOP_X_START, tables.TOP_X_END)
        for key, persons in self.rows(tables.TOP_X_PERSONS):
            for _person in range(persons):
                first = self.rng.choice(days[:4])
                second = self.rng.choice([d for d in days if d > first])
                self.new(tables.TOP_X, key, [first, second], earliest=tables.TOP_X_START, close_within=(120, 240))


def plan_history(seed: int, municipalities: Collection[str] | None = None) -> HistoryPlan:
    """The episodes and meetings of the history, for every municipality of the tables or only
    the ones given (keys of `history_tables.MUNICIPALITY_KEYS`; the tests use a few small ones)."""
    planner = _Planner(seed * 1000 + SEED_OFFSET, municipalities)
    planner.yearly(
        tables.YOUTH, tables.TABEL_1, tables.TABEL_1_YEARS, tables.YOUTH_CARRIED, tables.YOUTH_START, minor=True
    )
    planner.yearly(
        tables.REPEAT_OFFENDERS,
        tables.TABEL_2_DISCUSSED,
        tables.TABEL_2_YEARS,
        tables.REPEAT_CARRIED,
        dt.date(2011, 1, 1),
        minor=False,
    )
    planner.nazorg()
    planner.top_x()
    for episode in planner.plan.episodes:
        episode.discussed.sort()
    return planner.plan


# --- Playing the plan through the services ----------------------------------------------------

CONCERNS = {
    tables.YOUTH: "Jongere met schoolverzuim, contacten met de politie en zorgen thuis; eerdere hulp liep vast.",
    tables.REPEAT_OFFENDERS: "Veelpleger: herhaalde vermogensdelicten en overlast; straf alleen helpt niet.",
    tables.NAZORG: "Komt binnenkort vrij uit detentie; identiteitsbewijs, inkomen, woning en zorg zijn niet geregeld.",
    tables.TOP_X: "Inwoner op de brede lijst (PGA) van de gemeente: veel overlast en criminaliteit, weinig zicht op zorg.",
}
GOALS = {
    tables.YOUTH: (
        "Hij of zij gaat weer naar school en pleegt geen nieuwe delicten",
        "Drie maanden geen verzuim en geen nieuwe politiecontacten.",
    ),
    tables.REPEAT_OFFENDERS: ("Minder delicten door een passend traject", "Een half jaar geen nieuwe aanhouding."),
    tables.NAZORG: (
        "Basisvoorzieningen geregeld bij ontslag",
        "Op de dag van ontslag: ID-bewijs, inkomen, onderdak en zorg.",
    ),
    tables.TOP_X: ("De overlast stopt en er is zorg", "Drie maanden geen overlastmeldingen; hulpverlening loopt."),
}
AGREEMENTS = {
    tables.YOUTH: "Gesprek met ouders en school over verzuim en een passend hulpaanbod.",
    tables.REPEAT_OFFENDERS: "Reclasseringsadvies en een afspraak met de verslavingszorg regelen.",
    tables.NAZORG: "Voor ontslag: ID-bewijs, uitkering en onderdak regelen en terugkoppelen.",
    tables.TOP_X: "Persoonlijk plan opstellen met zorg, straf en de gemeente.",
}
REFERRERS = {
    tables.YOUTH: ("leerplicht", "police", "raad", "versa"),
    tables.REPEAT_OFFENDERS: ("police",),
    tables.NAZORG: ("reclassering",),
    tables.TOP_X: (),  # the municipality itself
}
CLOSE_REASONS = {
    tables.YOUTH: (CloseReason.GOALS_ACHIEVED, CloseReason.STEPPED_DOWN, CloseReason.GOALS_ACHIEVED),
    tables.REPEAT_OFFENDERS: (CloseReason.COMPULSORY_FRAMEWORK, CloseReason.GOALS_ACHIEVED, CloseReason.CLIENT_REFUSES),
    tables.NAZORG: (
        CloseReason.GOALS_ACHIEVED,
        CloseReason.STEPPED_DOWN,
        CloseReason.MOVED_AWAY,
        CloseReason.GOALS_ACHIEVED,
    ),
    tables.TOP_X: (CloseReason.GOALS_ACHIEVED, CloseReason.STEPPED_DOWN),
}


@dataclass
class DemoHistory:
    created: bool
    cases: int = 0
    meetings: int = 0
    re_entries: int = 0

    def summary(self) -> str:
        return f"history 2011-2013: {self.cases} cases ({self.re_entries} re-entries), {self.meetings} held meetings"


def build_demo_history(
    region: DemoRegion, *, municipalities: Collection[str] | None = None, stdout: Writer | None = None
) -> DemoHistory:
    """Add the history of 2011-2013 to the demo house, once: a house that has the old-style
    youth consultation (installed by the history's first step) is left alone.

    Args:
        municipalities: only these rows of the tables (`history_tables` keys); None: all of them.
            The tests build a few small municipalities; the whole history is the manual step.
    """
    if MeetingType.objects.filter(house=region.house, name=tables.YOUTH).exists():
        return DemoHistory(created=False)
    result = _Player(region, plan_history(region.seed, municipalities)).play()
    if stdout is not None:
        stdout.write(f"  {result.summary()}\n")
    return result


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Player:
    def __init__(self, region: DemoRegion, plan: HistoryPlan) -> None:
        self.region = region
        self.plan = plan
        self.rng = random.Random(region.seed * 1000 + SEED_OFFSET + 1)
        self.faker = Faker("nl_NL")
        self.faker.seed_instance(region.seed * 1000 + SEED_OFFSET)
        self.names = People(self.faker, self.rng)
        self.today = timezone.localdate()
        self.build_start = timezone.now()
        office = region.members[OFFICE_KEY]
        self.directors = [m for m in office if m.role == Role.PROCESS_DIRECTOR]
        self.secretary = region.actor(region.staff(Role.SECRETARY))
        self.administrator = region.actor(region.staff(Role.ADMINISTRATOR))
        self.cases: dict[int, Case] = {}
        self.referrers: dict[int, Membership] = {}
        self.persons: dict[int, tuple[int, str, str, str, dt.date]] = {}  # person -> (pk, names..., born)
        self.result = DemoHistory(created=True)

    # -- set-up ----------------------------------------------------------------------------

    def set_up(self) -> None:
        house = self.region.house
        self.types = {t.name: t for t in MeetingType.objects.filter(house=house)}
        criteria_set = self.types[tables.NAZORG].criteria_set or next(
            t.criteria_set for t in self.types.values() if t.criteria_set is not None
        )
        for spec in OLD_STYLE_TYPES:
            installed = meeting_type_install(
                actor=self.administrator, house=house, spec=spec, criteria_set=criteria_set
            )
            # The old style had no follow-up after closing (seed 001: "zonder ze af te sluiten").
            self.types[spec.name] = meeting_type_update(
                actor=self.administrator, meeting_type=installed, expected_version=None, follow_up_months=""
            )
        self.version = CriteriaSetVersion.objects.filter(criteria_set=criteria_set, published_at__isnull=False).latest(
            "number"
        )
        self.leaves = list(
            Criterion.objects.filter(version=self.version, children__isnull=True).values_list("pk", flat=True)
        )

    def tear_down(self) -> None:
        # From 2014 the new style replaced these consultations: no new referrals go there.
        for name in (tables.YOUTH, tables.REPEAT_OFFENDERS):
            meeting_type_update(
                actor=self.administrator, meeting_type=self.types[name], expected_version=None, is_active=False
            )

    # -- who ---------------------------------------------------------------------------------

    def director(self, episode: Episode) -> Membership:
        return self.directors[episode.person % len(self.directors)]

    def referrer(self, episode: Episode) -> Membership:
        """A professional of the referring organisation who is not one of the demo log-ins (they
        keep the present-day demo to themselves)."""
        keys = REFERRERS[episode.consultation] or (f"gemeente_{episode.municipality}",)
        key = keys[episode.person % len(keys)]
        members = self.region.professionals(key)
        others = [m for m in members if not m.is_ambassador][1:] or members
        return others[episode.person % len(others)]

    def municipality(self, key: str) -> Organisation | None:
        return self.region.organisations.get(f"gemeente_{key}") if key else None

    # -- playing -----------------------------------------------------------------------------

    def play(self) -> DemoHistory:
        with story():
            self.set_up()
        events: list[tuple[dt.date, int, int, object]] = []
        for episode in self.plan.episodes:
            events.append((episode.opened, 0, episode.index, episode))
            events.append((episode.discussed[0], 2, episode.index, ("plan", episode)))
            events.append((episode.closed, 3, episode.index, ("close", episode)))
        for number, (key, indexes) in enumerate(sorted(self.plan.meetings.items())):
            events.append((key[1], 1, number, (key, indexes)))
        for _day, order, _n, payload in sorted(events, key=lambda e: (e[0], e[1], e[2])):
            with story():
                if order == 0:
                    self.open(payload)  # type: ignore[arg-type]
                elif order == 1:
                    self.meeting(*payload)  # type: ignore[misc]
                elif order == 2:
                    self.plan_side(payload[1])  # type: ignore[index]
                else:
                    self.close(payload[1])  # type: ignore[index]
        with story():
            self.tear_down()
        return self.result

    def open(self, episode: Episode) -> None:
        referrer = self.referrer(episode)
        actor = self.region.actor(referrer)
        meeting_type = self.types[episode.consultation]
        route = EntryRoute.TOP_X if episode.consultation == tables.TOP_X else EntryRoute.FIELD
        referral = referral_start(
            actor=actor,
            entry_route=route,
            meeting_type=meeting_type,
            municipality=self.municipality(episode.municipality),
        )
        referral = referral_update(
            actor=actor,
            referral=referral,
            expected_version=None,
            concern=CONCERNS[episode.consultation],
            concern_source="Eigen registratie en politiemutaties",
            desired_response_days=7,
            consent="informed",
        )
        known = self.persons.get(episode.person)
        if known is None:
            born = (
                episode.discussed[0] - dt.timedelta(days=365 * self.rng.randint(13, 16) + self.rng.randint(0, 300))
                if episode.minor
                else dt.date(self.rng.randint(1960, 1993), self.rng.randint(1, 12), self.rng.randint(1, 28))
            )
            given = self.faker.first_name_male() if self.rng.random() < 0.8 else self.faker.first_name_female()
            prefix, surname = self.names.surname()
            case_party_add_person(
                actor=actor,
                referral=referral,
                given_names=given,
                surname_prefix=prefix,
                surname=surname,
                date_of_birth=born,
                role=PartyRole.SUBJECT,
                register_new=True,
            )
            party = Referral.objects.get(pk=referral.pk).parties.get(role=PartyRole.SUBJECT)
            self.persons[episode.person] = (party.person_id, given, prefix, surname, born)
        else:
            pk, given, prefix, surname, born = known
            case_party_add_person(
                actor=actor,
                referral=referral,
                given_names=given,
                surname_prefix=prefix,
                surname=surname,
                date_of_birth=born,
                role=PartyRole.SUBJECT,
                chosen_person_id=pk,
            )
        referral = referral_submit(actor=actor, referral=Referral.objects.get(pk=referral.pk), expected_version=None)
        director = self.director(episode)
        triage = triage_decide(
            actor=self.region.actor(director),
            referral=referral,
            expected_referral_version=None,
            triage=None,
            expected_version=None,
            criteria_version=self.version,
            team_members=[],
            verdicts={pk: VerdictInput(verdict="meets", reason="Blijkt uit de aanmelding.") for pk in self.leaves},
            outcome=Routing.ACCEPT,
            outcome_reason="Aangenomen voor het casusoverleg.",
            meeting_type=meeting_type,
            process_director=director.user,
            first_meeting_date=self.today,
        )
        case = Case.objects.get(referral=referral)
        opened = _at(episode.opened, 11)
        submitted = opened - dt.timedelta(days=2)
        demo_dates_set(
            actor=SYSTEM,
            obj=referral,
            created_at=submitted - dt.timedelta(hours=3),
            updated_at=opened,
            submitted_at=submitted,
            first_contact_due_at=submitted + dt.timedelta(hours=48),
            response_due_at=submitted + dt.timedelta(days=7),
            outcome_at=opened,
        )
        demo_dates_set(actor=SYSTEM, obj=triage, case_id=case.pk, created_at=opened, decided_at=opened)
        demo_dates_set(
            actor=SYSTEM, obj=case, case_id=case.pk, opened_at=opened, first_meeting_date=episode.discussed[0]
        )
        for involvement in CaseInvolvement.objects.filter(case=case):
            demo_dates_set(actor=SYSTEM, obj=involvement, case_id=case.pk, started_at=opened, created_at=opened)
        case.opened_at = opened
        self.cases[episode.index] = case
        self.referrers[episode.index] = referrer
        self.settle_notices(case, opened)
        self.result.cases += 1
        self.result.re_entries += episode.previous is not None

    def meeting(self, key: tuple[str, dt.date], indexes: list[int]) -> None:
        consultation, day = key
        meeting_type = self.types[consultation]
        minutes = RHYTHM[consultation][2]
        planned = _at(self.today + dt.timedelta(days=400), HOUR[consultation])
        length = max(60, minutes * len(indexes))
        meeting = meeting_plan(
            actor=self.secretary,
            house=self.region.house,
            meeting_type=meeting_type,
            starts_at=planned,
            ends_at=planned + dt.timedelta(minutes=length),
            location=PLACE,
            online_link="",
            chair=self.directors[self.result.meetings % len(self.directors)].user,
            minute_taker=self.secretary.user,  # type: ignore[arg-type]
        )
        for index in indexes:
            agenda_item_add(actor=self.secretary, meeting=meeting, case=self.cases[index], planned_minutes=minutes)
        start = _at(day, HOUR[consultation])
        demo_dates_set(
            actor=SYSTEM,
            obj=meeting,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=length),
            created_at=start - dt.timedelta(days=10),
            updated_at=start,
        )
        meeting = meeting_start(actor=self.secretary, meeting=Meeting.objects.get(pk=meeting.pk))
        for invitation in Invitation.objects.filter(item__meeting=meeting).prefetch_related("parts"):
            for part in invitation.parts.all():
                attendance_record(
                    actor=self.secretary, part=part, invitation=invitation, status=AttendanceStatus.PRESENT
                )
        meeting_finish(actor=self.secretary, meeting=meeting)
        self.result.meetings += 1

    def plan_side(self, episode: Episode) -> None:
        case = self.cases[episode.index]
        director = self.region.actor(self.director(episode))
        referrer = self.referrers[episode.index]
        plan_save(
            actor=director,
            case=case,
            approach=Approach.JOINT if episode.index % 2 else Approach.ALIGNED,
            common_goal=GOALS[episode.consultation][0],
            household_summary="",
            review_date=self.today + dt.timedelta(days=42),
            reason="Vastgesteld in het overleg.",
        )
        title, criterion = GOALS[episode.consultation]
        goal_create(
            actor=director,
            case=case,
            title=title,
            criterion=criterion,
            owner_organisation=referrer.organisation,
            owner=referrer.user,
            reason="Doel vastgesteld in het overleg.",
        )
        agreement_create(
            actor=director,
            case=case,
            organisation=referrer.organisation,
            owner=referrer.user,
            what=AGREEMENTS[episode.consultation],
            due_date=episode.discussed[0] + dt.timedelta(days=14),
            kind=AgreementKind.PROFESSIONAL_ACTION,
            justification="Afgesproken in het overleg.",
        )
        self.settle_notices(case, _at(episode.discussed[0], 16))

    def close(self, episode: Episode) -> None:
        case = Case.objects.get(pk=self.cases[episode.index].pk)
        director = self.region.actor(self.director(episode))
        referrer = self.referrers[episode.index]
        for agreement in open_agreements(case):
            agreement_report(
                actor=self.region.actor(referrer),
                agreement=agreement,
                progress=AgreementProgress.DONE,
                result="Uitgevoerd en teruggekoppeld.",
                expected_version=agreement.version,
            )
        reasons = CLOSE_REASONS[episode.consultation]
        reason = reasons[episode.person % len(reasons)]
        achieved = reason in (CloseReason.GOALS_ACHIEVED, CloseReason.STEPPED_DOWN)
        closed = case_closure(
            actor=director,
            case=case,
            reason_kind=reason,
            reason="",
            closed_on=episode.closed,
            goal_outcomes={
                goal.pk: GoalOutcome(
                    GoalStatus.ACHIEVED if achieved else GoalStatus.NOT_ACHIEVED, "Besproken in het laatste overleg."
                )
                for goal in open_goals(case)
            },
            settlements={a.pk: AgreementSettlement("done") for a in open_agreements(case)},
            continues="De gemeente en de betrokken partners volgen de persoon in hun gewone werk.",
            if_it_goes_wrong="Opnieuw aanmelden bij het Veiligheidshuis.",
            last_safety_score=7 if achieved else 4,
            last_safety_justification="Zo ingeschat in het laatste overleg.",
        )
        self.backdate_plan(closed, episode)
        self.answer_follow_ups(closed, episode)
        self.settle_notices(closed, _at(episode.closed, 15))

    def backdate_plan(self, case: Case, episode: Episode) -> None:
        made = _at(episode.discussed[0], 15)
        ended = _at(episode.closed, 14)
        plan = ActionPlan.objects.get(case=case)
        demo_dates_set(actor=SYSTEM, obj=plan, case_id=case.pk, created_at=made, updated_at=made)
        for version in plan.versions.all():
            demo_dates_set(actor=SYSTEM, obj=version, case_id=case.pk, created_at=made)
        for agreement in Agreement.objects.filter(case=case):
            reported = min(ended, made + dt.timedelta(days=12))
            demo_dates_set(
                actor=SYSTEM,
                obj=agreement,
                case_id=case.pk,
                created_at=made,
                updated_at=reported,
                responded_at=reported,
                progress_at=reported,
                ended_at=reported,
            )
            for update in agreement.updates.all():
                demo_dates_set(actor=SYSTEM, obj=update, case_id=case.pk, created_at=reported, reported_at=reported)
        demo_dates_set(actor=SYSTEM, obj=case.closure_plan, case_id=case.pk, created_at=ended, updated_at=ended)

    def answer_follow_ups(self, case: Case, episode: Episode) -> None:
        later = next((e for e in self.plan.episodes if e.previous == episode.index), None)
        director = self.region.actor(self.director(episode))
        for follow_up in case.follow_ups.order_by("months"):
            if follow_up.due_on > self.today:
                continue
            again = later is not None and later.opened <= follow_up.due_on
            incidents = again or self.rng.random() < 0.15
            answered = follow_up_answer(
                actor=director,
                follow_up=follow_up,
                new_incidents=FollowUpAnswer.YES if incidents else FollowUpAnswer.NO,
                re_referral=FollowUpAnswer.YES if again else FollowUpAnswer.NO,
                still_safe=FollowUpAnswer.UNKNOWN if incidents else FollowUpAnswer.YES,
                note="Nagevraagd bij de gemeente." if not again else "Opnieuw gedetineerd en aangemeld.",
                expected_version=follow_up.version,
            )
            demo_dates_set(
                actor=SYSTEM, obj=answered, case_id=case.pk, answered_at=_at(follow_up.due_on + dt.timedelta(days=4))
            )

    def settle_notices(self, case: Case, moment: dt.datetime) -> None:
        """The notices this build sent about the case went out, and were read, at the time."""
        demo_notifications_settle(
            actor=SYSTEM,
            notifications=Notification.objects.filter(
                case_id=case.pk, read_at__isnull=True, created_at__gte=self.build_start
            ),
            created_at=moment,
        )
