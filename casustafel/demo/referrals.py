"""Demo referrals and triage: two years of referrals in every state, for all three entry routes
and several municipalities, written through the ordinary services by the demo users who would
write them (referrers refer, process directors triage, the administrator configures).

What it adds to the demo house (once; a house that has referrals already is left alone):

- the default meeting type Casus-op-Maat with its input requirements, the criteria a-e of
  Bijlage 5 (`meeting_types_install_default`), a published covenant (`covenant_version_*`) and
  caseload caps for four municipalities, all recorded by the house's administrator;
- `PLAN` (33 referrals, times `--scale`): drafts, incomplete and complete referrals awaiting
  triage, open and answered questions, a triage in progress, and every routing outcome (accept,
  step down to local care, refer to the RIEC, reject, need more information); accepted referrals
  become cases with the referring organisation involved (`case_open`), and every other case gets
  a second partner (`case_involvement_add`).

Dates: the services stamp `timezone.now()`. time-machine is a development dependency only, so
instead of freezing the clock the builder writes everything now and then moves the dates of
what it wrote into the past with `demo_dates_set` (demo/services.py), an audited write. The
audit events keep their real time (the moment the demo was built) and the hash chain is
untouched.

Deterministic: the names, stories and choices come from a Faker and a random generator seeded
from the region's seed (independently of what the region builder drew), and the dates are
counted back from today.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import random
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from faker import Faker

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.cases.defaults import DEFAULT_SET_NAME, OTHER_MEETING_TYPES
from casustafel.cases.models import (
    Case,
    CaseFact,
    CaseInvolvement,
    CaseParty,
    EntryRoute,
    InformationRequest,
    LifeDomainProblem,
    Person,
    PriorAction,
    Referral,
    ReferralStatus,
    Routing,
    Triage,
)
from casustafel.cases.services.cases import case_involvement_add
from casustafel.cases.services.persons import case_party_add_person
from casustafel.cases.services.referrals import (
    information_request_answer,
    information_request_create,
    life_domain_problem_add,
    prior_action_add,
    referral_start,
    referral_submit,
    referral_update,
)
from casustafel.cases.services.triage import (
    VerdictInput,
    caseload_cap_set,
    referral_record_first_contact,
    triage_decide,
    triage_save,
)
from casustafel.demo.logins import demo_logins
from casustafel.demo.referral_stories import LEAF_CODES, SCENARIOS, PartySpec, People, Story
from casustafel.demo.region import MUNICIPALITIES, OFFICE_KEY
from casustafel.demo.services import demo_dates_set
from casustafel.demo.transactions import story
from casustafel.meeting_types.models import CriteriaSetVersion, MeetingType
from casustafel.meetings.services.meeting_types import meeting_type_install, meeting_types_install_default
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse
from casustafel.privacy.covenant.services import (
    covenant_version_draft,
    covenant_version_publish,
    covenant_version_update,
)
from casustafel.privacy.models import CovenantVersion

if TYPE_CHECKING:  # builder.py calls this module: import it for the types only
    from casustafel.demo.builder import DemoRegion, Writer

SYSTEM = Actor.system()
SEED_OFFSET = 3  # the referrals draw from their own generators: seed * 1000 + SEED_OFFSET
COVENANT_YEARS_BACK = 3  # the covenant and the criteria took effect before the oldest referral
OLDEST_DAYS = 720  # decided referrals are spread over the past two years
NEWEST_DECIDED_DAYS = 35
TOP_X = "Top-X"
MEETING_TYPE_BY_SCENARIO = {"domestic_violence": "MDA++", "detention_return": "Nazorg ex-gedetineerden"}
CASELOAD_CAPS = {"gemeente_hilversum": 25, "gemeente_bussum": 8, "gemeente_huizen": 6, "gemeente_weesp": 5}


class State(enum.StrEnum):
    """Where a demo referral ends up."""

    DRAFT_STARTED = "draft_started"  # only the concern typed
    DRAFT = "draft"  # filled in, the response term still missing: cannot be submitted yet
    INCOMPLETE = "incomplete"  # submitted with the checklist still open (one life domain, no sources)
    AWAITING = "awaiting"  # submitted, complete, first contact made
    AWAITING_OVERDUE = "awaiting_overdue"  # submitted, the first-contact norm has passed
    TRIAGE_IN_PROGRESS = "triage_in_progress"  # a process director saved part of the weighing
    QUESTION_OPEN = "question_open"  # the process director asked; no answer yet
    QUESTION_ANSWERED = "question_answered"  # asked and answered; back to awaiting triage
    NEED_INFO = "need_info"  # triage outcome "meer informatie nodig"; waiting for the answer
    ACCEPTED = "accepted"
    ACCEPTED_URGENT = "accepted_urgent"  # accepted with the urgency override (criterion e unknown)
    ACCEPTED_AFTER_INFO = "accepted_after_info"  # need more information, answered, triaged again
    STEPPED_DOWN = "stepped_down"
    REFERRED_RIEC = "referred_riec"
    REJECTED = "rejected"


DRAFT_STATES = frozenset({State.DRAFT_STARTED, State.DRAFT})
DECIDED_STATES = frozenset(
    {
        State.ACCEPTED,
        State.ACCEPTED_URGENT,
        State.ACCEPTED_AFTER_INFO,
        State.STEPPED_DOWN,
        State.REFERRED_RIEC,
        State.REJECTED,
    }
)
ACCEPTED_STATES = frozenset({State.ACCEPTED, State.ACCEPTED_URGENT, State.ACCEPTED_AFTER_INFO})


@dataclass(frozen=True)
class Planned:
    """One demo referral.

    Args:
        state: where it ends up.
        scenario: a key of `referral_stories.SCENARIOS`.
        route: the entry route.
        org: key of the referring organisation (`region.py`); "" for a municipality (Top-X),
            drawn by caseload weight.
        login: referred by the organisation's professional of the demo log-in table (the first
            professional who is not the ambassador), so that account has it; only in the first
            copy when `--scale` is above 1.
        days_ago: when it was submitted (drafts: started); None spreads decided referrals over
            two years.
        keep: "party:name ...": remember these parties' persons for a later referral.
        reuse: "party:name ...": these parties are persons remembered earlier, picked from
            the matches the house proposes (first copy only, as `keep`).
    """

    state: State
    scenario: str
    route: EntryRoute
    org: str = ""
    login: bool = False
    days_ago: int | None = None
    keep: str = ""
    reuse: str = ""


_DV, _TOP_X, _FIELD = EntryRoute.DOMESTIC_VIOLENCE, EntryRoute.TOP_X, EntryRoute.FIELD

PLAN: tuple[Planned, ...] = (
    # Decided, over the past two years.
    Planned(
        State.ACCEPTED,
        "domestic_violence",
        _DV,
        "veilig_thuis",
        login=True,
        days_ago=400,
        keep="child1:dv_teen victim:dv_mother",
    ),
    Planned(State.STEPPED_DOWN, "detention_return", _FIELD, "ldh_jbr", days_ago=610, keep="subject:returning"),
    Planned(State.ACCEPTED, "detention_return", _FIELD, "reclassering", days_ago=190, reuse="subject:returning"),
    Planned(State.ACCEPTED, "confused_nuisance", _TOP_X),
    Planned(State.ACCEPTED, "addiction_debts", _FIELD, "jellinek"),
    Planned(State.ACCEPTED, "youth_crime", _FIELD, "raad"),
    Planned(State.ACCEPTED, "domestic_violence", _DV, "veilig_thuis"),
    Planned(State.ACCEPTED, "detention_return", _TOP_X),
    Planned(State.ACCEPTED_AFTER_INFO, "confused_nuisance", _FIELD, "police", login=True),
    Planned(State.ACCEPTED_AFTER_INFO, "addiction_debts", _TOP_X),
    Planned(State.STEPPED_DOWN, "addiction_debts", _FIELD, "versa"),
    Planned(State.STEPPED_DOWN, "confused_nuisance", _FIELD, "housing"),
    Planned(State.STEPPED_DOWN, "youth_crime", _FIELD, "leerplicht"),
    Planned(State.STEPPED_DOWN, "domestic_violence", _DV, "veilig_thuis", login=True),
    Planned(State.REFERRED_RIEC, "organised_crime", _TOP_X),
    Planned(State.REJECTED, "confused_nuisance", _FIELD, "ggd"),
    Planned(State.REJECTED, "youth_crime", _TOP_X),
    Planned(State.REJECTED, "addiction_debts", _FIELD, "ggz_centraal"),
    # Decided recently: the referrers see these among "besluiten (30 dagen)".
    Planned(State.ACCEPTED_URGENT, "domestic_violence", _DV, "veilig_thuis", login=True, days_ago=14),
    Planned(State.REFERRED_RIEC, "organised_crime", _FIELD, "police", login=True, days_ago=20),
    # Open: on the process directors' start page and triage list.
    Planned(State.NEED_INFO, "domestic_violence", _DV, "veilig_thuis", login=True, days_ago=9),
    Planned(State.QUESTION_OPEN, "detention_return", _FIELD, "reclassering", days_ago=6),
    Planned(State.QUESTION_ANSWERED, "youth_crime", _FIELD, "police", login=True, days_ago=10),
    Planned(State.AWAITING, "confused_nuisance", _TOP_X, days_ago=5),
    Planned(State.AWAITING, "youth_crime", _FIELD, "leerplicht", days_ago=2, reuse="subject:dv_teen mother:dv_mother"),
    Planned(State.AWAITING_OVERDUE, "domestic_violence", _DV, "veilig_thuis", days_ago=4),
    Planned(State.TRIAGE_IN_PROGRESS, "detention_return", _TOP_X, days_ago=6),
    Planned(State.INCOMPLETE, "confused_nuisance", _FIELD, "housing", days_ago=3),
    Planned(State.INCOMPLETE, "addiction_debts", _FIELD, "versa", days_ago=1),
    # Drafts: only their referrer (and the organisation's ambassador) sees them.
    Planned(State.DRAFT, "domestic_violence", _DV, "veilig_thuis", login=True, days_ago=3),
    Planned(State.DRAFT, "confused_nuisance", _FIELD, "police", login=True, days_ago=8),
    Planned(State.DRAFT_STARTED, "addiction_debts", _TOP_X, days_ago=1),
    Planned(State.DRAFT_STARTED, "organised_crime", _FIELD, "om", days_ago=15),
)


@dataclass
class DemoReferrals:
    """What `build_demo_referrals` made (empty lists when the house had referrals already)."""

    created: bool
    referrals: list[Referral] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.referrals)} referrals, {len(self.cases)} cases"


@dataclass
class Timeline:
    """The moments of one referral, oldest first; None for what did not happen."""

    started: dt.datetime
    submitted: dt.datetime | None = None
    first_contact: dt.datetime | None = None
    asked: dt.datetime | None = None
    answered: dt.datetime | None = None
    decided: dt.datetime | None = None
    redecided: dt.datetime | None = None


def build_demo_referrals(region: DemoRegion, *, stdout: Writer | None = None) -> DemoReferrals:
    """Add the demo referrals, triages and cases to the demo house, once.

    Args:
        region: the demo region (`build_demo_region`); its `scale` multiplies `PLAN`.
        stdout: where to report progress (None: silent).

    Returns:
        What was made; `created` is False when the house had referrals already.
    """
    if Referral.objects.filter(house=region.house).exists():
        return DemoReferrals(created=False)
    # One transaction per story (and one for the house's configuration), not one for all:
    # see build_demo_region.
    result = _Builder(region).build()
    if stdout is not None:
        stdout.write(f"  {result.summary()}\n")
    return result


def first_colleague(region: DemoRegion, key: str) -> Membership:
    """The organisation's first professional who is not its ambassador: the one the demo
    log-in table shows (`logins.demo_logins`)."""
    return next(m for m in region.professionals(key) if not m.is_ambassador)


class _Builder:
    def __init__(self, region: DemoRegion) -> None:
        self.region = region
        seed = region.seed * 1000 + SEED_OFFSET
        self.rng = random.Random(seed)
        faker = Faker("nl_NL")
        faker.seed_instance(seed)
        self.people = People(faker, self.rng)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.administrator = region.actor(region.staff(Role.ADMINISTRATOR))
        self.process_directors = [m for m in region.members[OFFICE_KEY] if m.role == Role.PROCESS_DIRECTOR]
        self.remembered: dict[str, tuple[Person, PartySpec]] = {}
        self.result = DemoReferrals(created=True)
        self.involved = 0

    # -- the house's configuration --------------------------------------------------------

    def install_defaults(self) -> None:
        house = self.region.house
        effective = dt.date(self.today.year - COVENANT_YEARS_BACK, 1, 1)
        since = self._at_day(effective - dt.timedelta(days=14), 10)
        meeting_types = meeting_types_install_default(actor=self.administrator, house=house)
        self.meeting_type: MeetingType = meeting_types[0]
        # The house runs the other meeting types of the seeds too; triage sends cases there.
        self.meeting_types = {meeting_type.name: meeting_type for meeting_type in meeting_types}
        for spec in OTHER_MEETING_TYPES:
            self.meeting_types[spec.name] = meeting_type_install(
                actor=self.administrator, house=house, spec=spec, criteria_set=self.meeting_type.criteria_set
            )
        self.version: CriteriaSetVersion = CriteriaSetVersion.objects.get(
            criteria_set__house=house, criteria_set__name=DEFAULT_SET_NAME, number=1
        )
        if self.version.created_at > since:
            demo_dates_set(actor=SYSTEM, obj=self.version, created_at=since, updated_at=since, published_at=since)
        self.leaves = dict(
            self.version.criteria.filter(children__isnull=True).values_list("code", "pk"),
        )
        if not CovenantVersion.objects.filter(covenant__house=house, published_at__isnull=False).exists():
            draft = covenant_version_draft(actor=self.administrator, house=house)
            draft = covenant_version_update(
                actor=self.administrator,
                version=draft,
                expected_version=None,
                effective_from=effective,
                approval_note=f"Ondertekend door de bestuurscommissie op {effective - dt.timedelta(days=30):%d-%m-%Y}",
                change_note="",
                purposes=draft.purposes,
                participants=Organisation.objects.filter(house=house, is_active=True),
            )
            published = covenant_version_publish(actor=self.administrator, version=draft)
            demo_dates_set(actor=SYSTEM, obj=published, created_at=since, updated_at=since, published_at=since)
        for key, cap in CASELOAD_CAPS.items():
            caseload_cap_set(
                actor=self.administrator, municipality=self.region.organisations[key], max_active_cases=cap
            )

    # -- the plan -------------------------------------------------------------------------

    def build(self) -> DemoReferrals:
        with story():
            self.install_defaults()
        planned: list[tuple[int, int, Planned]] = []
        for copy in range(self.region.scale):
            spread = self._spread([p for p in PLAN if p.days_ago is None])
            for item in PLAN:
                days = item.days_ago if item.days_ago is not None else spread.pop(0)
                if copy and item.days_ago is not None:
                    days = max(1, days + self.rng.randint(-2, 2))
                planned.append((days, copy, item))
        # Oldest first: ids grow with time, and a returning person exists before they return.
        for days, copy, item in sorted(planned, key=lambda row: (-row[0], row[1])):
            with story():
                self.result.referrals.append(self.make(item, days, copy))
        return self.result

    def _spread(self, items: list[Planned]) -> list[int]:
        """Submission days for the undated decided referrals, spread evenly over two years."""
        count = len(items)
        span = OLDEST_DAYS - NEWEST_DECIDED_DAYS
        days = [NEWEST_DECIDED_DAYS + int(span * (index + self.rng.random()) / count) for index in range(count)]
        self.rng.shuffle(days)
        return days

    def make(self, item: Planned, days_ago: int, copy: int) -> Referral:
        referrer = self._referrer(item, copy)
        municipality = self._municipality(item, referrer)
        returning = self._returning(item, copy)
        gemeente = municipality.name.removeprefix("Gemeente ")
        subject = returning.get("subject")
        story: Story = SCENARIOS[item.scenario](
            self.people, self.rng, gemeente, subject=replace(subject[1]) if subject else None
        )
        for index, spec in enumerate(story.parties):
            if spec.key in returning and spec.key != "subject":
                # Same person, the role and note this referral gives them.
                story.parties[index] = replace(returning[spec.key][1], key=spec.key, role=spec.role, note=spec.note)
        actor = self.region.actor(referrer)
        times = self._timeline(item.state, days_ago)
        referral = referral_start(
            actor=actor, entry_route=item.route, meeting_type=self.meeting_type, municipality=municipality
        )
        if item.state == State.DRAFT_STARTED:
            referral = referral_update(actor=actor, referral=referral, expected_version=None, concern=story.concern)
            self._dates(referral, times.started)
            return referral
        persons = {key: person for key, (person, _spec) in returning.items()}
        referral = self._fill(actor, referral, story, item, persons, times.started, keep=copy == 0)
        if item.state in DRAFT_STATES:
            self._dates(referral, times.started)
            return referral
        assert times.submitted is not None
        referral = referral_submit(actor=actor, referral=referral, expected_version=None)
        assert referral.submitted_at and referral.first_contact_due_at and referral.response_due_at
        self._dates(
            referral,
            times.started,
            submitted_at=times.submitted,
            first_contact_due_at=times.submitted + (referral.first_contact_due_at - referral.submitted_at),
            response_due_at=times.submitted + (referral.response_due_at - referral.submitted_at),
        )
        director = self._director()
        director_actor = self.region.actor(director)
        if times.first_contact is not None:
            referral = referral_record_first_contact(
                actor=director_actor, referral=referral, expected_version=None, at=times.first_contact
            )
        self._route(item, referral, story, times, actor, director)
        return referral

    def _fill(
        self,
        actor: Actor,
        referral: Referral,
        story: Story,
        item: Planned,
        returning: dict[str, Person],
        started: dt.datetime,
        *,
        keep: bool,
    ) -> Referral:
        """Everything the referrer types: the concern, the people, problems and prior actions."""
        incomplete = item.state == State.INCOMPLETE
        values: dict[str, object] = {
            "concern": story.concern,
            "concern_source": "" if incomplete else story.concern_source,
            "consent": story.consent,
            "consent_note": story.consent_note if story.consent == "not_asked" else "",
        }
        if item.state != State.DRAFT:
            values["desired_response_days"] = story.response_days
        referral = referral_update(actor=actor, referral=referral, expected_version=None, **values)
        persons: dict[str, Person] = {}
        for spec in story.parties:
            persons[spec.key] = self._add_party(actor, referral, spec, returning.get(spec.key), started)
        for pair in item.keep.split() if keep else []:
            party_key, name = pair.split(":")
            self.remembered[name] = (persons[party_key], story.party(party_key))
        problems = story.problems[:1] if incomplete else story.problems
        for problem in problems:
            row = life_domain_problem_add(
                actor=actor,
                referral=referral,
                domain=problem.domain,
                description=problem.description,
                source=problem.source,
                person=persons.get(problem.party) if problem.party else None,
            )
            self._dates(row, started)
        for prior in [] if incomplete else story.prior_actions:
            action = prior_action_add(
                actor=actor,
                referral=referral,
                description=prior.description,
                by_whom=prior.by_whom,
                period=prior.period,
                result=prior.result,
                source=prior.source,
            )
            self._dates(action, started)
        return Referral.objects.get(pk=referral.pk)

    def _add_party(
        self, actor: Actor, referral: Referral, spec: PartySpec, returning: Person | None, started: dt.datetime
    ) -> Person:
        """Add a person as a referrer types them: a returning person is picked from the
        matches the house proposes (same name and birth date), anyone else is registered."""
        outcome = case_party_add_person(
            actor=actor,
            referral=referral,
            given_names=spec.given_names,
            surname_prefix=spec.surname_prefix,
            surname=spec.surname,
            date_of_birth=spec.date_of_birth,
            bsn="" if returning else spec.bsn,
            role=spec.role,
            note=spec.note,
            chosen_person_id=returning.pk if returning else None,
            register_new=returning is None,
        )
        party = outcome.party
        assert party is not None, "the demo adds known persons by choosing them"
        if returning is None:
            self._dates(party.person, started, person_id=party.person_id)
        self._dates(party, started, person_id=party.person_id, known_checked_at=started)
        return party.person

    # -- after submitting -----------------------------------------------------------------

    def _route(
        self, item: Planned, referral: Referral, story: Story, times: Timeline, actor: Actor, director: Membership
    ) -> None:
        state = item.state
        director_actor = self.region.actor(director)
        if state in (State.QUESTION_OPEN, State.QUESTION_ANSWERED):
            assert times.asked is not None
            request = information_request_create(actor=director_actor, referral=referral, question=story.question)
            self._dates(request, times.asked)
            if state == State.QUESTION_ANSWERED:
                assert times.answered is not None
                self._answer(actor, request, story, times.answered)
        elif state == State.TRIAGE_IN_PROGRESS:
            assert times.asked is not None
            partial = {code: verdict for code, verdict in self._verdicts(story, "accept").items() if code < "b"}
            triage = triage_save(
                actor=director_actor,
                referral=referral,
                expected_referral_version=None,
                triage=None,
                expected_version=None,
                criteria_version=self.version,
                team_members=[],
                verdicts={self.leaves[code]: verdict for code, verdict in partial.items()},
            )
            self._dates(triage, times.asked)
        elif state == State.NEED_INFO:
            assert times.decided is not None
            self._decide(referral, story, Routing.NEED_MORE_INFORMATION, times.decided, director)
        elif state == State.ACCEPTED_AFTER_INFO:
            assert times.decided and times.answered and times.redecided
            self._decide(referral, story, Routing.NEED_MORE_INFORMATION, times.decided, director)
            request = InformationRequest.objects.filter(referral=referral).latest("pk")
            self._answer(actor, request, story, times.answered)
            self._decide(referral, story, Routing.ACCEPT, times.redecided, director)
        elif state in DECIDED_STATES:
            assert times.decided is not None
            routing = {
                State.ACCEPTED: Routing.ACCEPT,
                State.ACCEPTED_URGENT: Routing.ACCEPT,
                State.STEPPED_DOWN: Routing.STEP_DOWN_LOCAL,
                State.REFERRED_RIEC: Routing.REFER_RIEC,
                State.REJECTED: Routing.REJECT,
            }[state]
            self._decide(referral, story, routing, times.decided, director, urgent=state == State.ACCEPTED_URGENT)

    def _answer(self, actor: Actor, request: InformationRequest, story: Story, at: dt.datetime) -> None:
        answered = information_request_answer(actor=actor, request=request, answer=story.answer)
        self._dates(answered, request.created_at, answered_at=at, updated_at=at)

    def _verdicts(self, story: Story, kind: str) -> dict[str, VerdictInput]:
        """A verdict and reason per leaf code for a routing."""
        given: dict[str, tuple[str, str]] = {code: ("meets", story.met[code]) for code in LEAF_CODES if code != "a4"}
        given["a4"] = story.a4
        overrides = {
            "step_down_local": story.step_down[0],
            "reject": story.reject[0],
            "refer_riec": story.riec[0],
            "need_more_information": {"e": ("unknown", f"Nog niet bekend. {story.question}")},
            "urgent": {"e": ("unknown", "Nog niet alle informatie van de betrokken zorgpartners is binnen.")},
        }.get(kind, {})
        given.update(overrides)
        return {code: VerdictInput(verdict=verdict, reason=reason[:500]) for code, (verdict, reason) in given.items()}

    def _meeting_type_for(self, referral: Referral, story: Story) -> MeetingType:
        """Where triage sends an accepted case: Top-X referrals to Top-X, domestic violence to
        MDA++, a return from detention to the aftercare meeting, the rest to Casus-op-Maat."""
        if referral.entry_route == EntryRoute.TOP_X:
            return self.meeting_types[TOP_X]
        return self.meeting_types.get(MEETING_TYPE_BY_SCENARIO.get(story.scenario, ""), self.meeting_type)

    def _outcome_reason(
        self, story: Story, routing: Routing, director: User, *, urgent: bool, meeting_type: MeetingType
    ) -> str:
        if routing == Routing.ACCEPT:
            lead = "Aangenomen als urgentie-uitzondering" if urgent else "Aangenomen"
            return (
                f"{lead} voor {meeting_type.name}. {director.full_name} is procesregisseur en neemt contact met "
                "u op over het eerste overleg en wie daarvoor worden uitgenodigd."
            )
        if routing == Routing.NEED_MORE_INFORMATION:
            return "Voordat we kunnen wegen, hebben we nog informatie van u nodig (zie de vraag hieronder)."
        reason = {
            Routing.STEP_DOWN_LOCAL: story.step_down[1],
            Routing.REFER_RIEC: story.riec[1],
            Routing.REJECT: story.reject[1],
        }[routing]
        if not reason:
            raise ValueError(f"the {story.scenario} story has no {routing} text")
        return reason

    def _decide(
        self,
        referral: Referral,
        story: Story,
        routing: Routing,
        at: dt.datetime,
        director: Membership,
        *,
        urgent: bool = False,
    ) -> Triage:
        kind = "urgent" if urgent else str(routing)
        verdicts = self._verdicts(story, kind)
        accept: dict[str, object] = {}
        first_meeting = (at + dt.timedelta(days=self.rng.randint(7, 14))).date()
        meeting_type = self._meeting_type_for(referral, story)
        if routing == Routing.ACCEPT:
            accept = {
                "meeting_type": meeting_type,
                "process_director": director.user,
                "first_meeting_date": max(first_meeting, self.today),
            }
        triage = triage_decide(
            actor=self.region.actor(director),
            referral=Referral.objects.get(pk=referral.pk),
            expected_referral_version=None,
            triage=None,
            expected_version=None,
            criteria_version=self.version,
            team_members=self._team(director, referral),
            verdicts={self.leaves[code]: verdict for code, verdict in verdicts.items()},
            outcome=routing,
            outcome_reason=self._outcome_reason(
                story, routing, director.user, urgent=urgent, meeting_type=meeting_type
            ),
            urgency_override=urgent,
            urgency_justification=story.urgency if urgent else "",
            question=story.question if routing == Routing.NEED_MORE_INFORMATION else "",
            **accept,  # type: ignore[arg-type]
        )
        case_id = Case.objects.filter(referral=referral).values_list("pk", flat=True).first()
        self._dates(triage, at, case_id=case_id, decided_at=at)
        referral = Referral.objects.get(pk=referral.pk)
        if routing == Routing.NEED_MORE_INFORMATION:
            self._dates(InformationRequest.objects.filter(referral=referral).latest("pk"), at)
            self._dates(referral, referral.created_at, updated_at=at)
            return triage
        self._dates(referral, referral.created_at, updated_at=at, outcome_at=at)
        if case_id is not None:
            case = Case.objects.get(pk=case_id)
            dates: dict[str, Any] = {"opened_at": at}
            if first_meeting < self.today:
                dates["first_meeting_date"] = first_meeting
            self._dates(case, at, case_id=case.pk, **dates)
            for involvement in CaseInvolvement.objects.filter(case=case):
                self._dates(involvement, at, case_id=case.pk, started_at=at)
            # The referral's content, recorded on the case when it opened (case_open).
            for fact in CaseFact.objects.filter(case=case):
                self._dates(fact, at, case_id=case.pk, person_id=fact.person_id)
            self._second_partner(case, story, first_meeting)
            self.result.cases.append(case)
        return triage

    def _team(self, director: Membership, referral: Referral) -> list[User]:
        """Every third triage is weighed with a team: the other process director and the
        referring organisation's ambassador."""
        if self.rng.random() > 0.34:
            return []
        other = next(m.user for m in self.process_directors if m.pk != director.pk)
        ambassador = (
            Membership.objects.active()
            .filter(organisation=referral.referring_organisation_id, is_ambassador=True)
            .select_related("user")
            .first()
        )
        return [other, *([ambassador.user] if ambassador else [])]

    def _second_partner(self, case: Case, story: Story, first_meeting: dt.date) -> None:
        """Every other case gets a second partner organisation from its first meeting on,
        added by the case's process director (`case_involvement_add`)."""
        self.involved += 1
        if self.involved % 2 or not story.second_partners:
            return
        key, reason = story.second_partners[self.involved // 2 % len(story.second_partners)]
        if CaseInvolvement.objects.filter(case=case, organisation=self.region.organisations[key]).exists():
            return
        started = max(min(self._at_day(first_meeting, 11), self.now - dt.timedelta(minutes=5)), case.opened_at)
        director = next(m for m in self.process_directors if m.user_id == case.process_director_id)
        # The contact: a professional who already worked there then (colleagues before the ambassador).
        day = timezone.localdate(started)
        members = sorted(self.region.professionals(key), key=lambda m: m.is_ambassador)
        contact = next((m.user for m in members if m.start_date is None or m.start_date <= day), None)
        involvement = case_involvement_add(
            actor=self.region.actor(director),
            case=case,
            organisation=self.region.organisations[key],
            reason=reason,
            contact=contact,
            started_at=started,
        )
        self._dates(involvement, started, case_id=case.pk)

    # -- choices and dates ----------------------------------------------------------------

    def _returning(self, item: Planned, copy: int) -> dict[str, tuple[Person, PartySpec]]:
        """The persons of earlier referrals this one names again, by party key."""
        if copy:
            return {}
        pairs = (pair.split(":") for pair in item.reuse.split())
        return {party_key: self.remembered[name] for party_key, name in pairs}

    def _referrer(self, item: Planned, copy: int) -> Membership:
        if not item.org:
            key = self._weighted_municipality()
            return self.rng.choice(self.region.professionals(key))
        if item.login and copy == 0:
            return first_colleague(self.region, item.org)
        return self.rng.choice(self.region.professionals(item.org))

    def _weighted_municipality(self) -> str:
        """A municipality, by the square root of its share of the caseload (seed 003, Tabel 3):
        Hilversum most, but every municipality now and then."""
        keys = [spec.key for spec in MUNICIPALITIES]
        weights = [math.sqrt(spec.weight) for spec in MUNICIPALITIES]
        return self.rng.choices(keys, weights=weights)[0]

    def _municipality(self, item: Planned, referrer: Membership) -> Organisation:
        if item.route == EntryRoute.TOP_X and referrer.organisation.sector == "municipality":
            return referrer.organisation
        return self.region.organisations[self._weighted_municipality()]

    def _director(self) -> Membership:
        return self.rng.choice(self.process_directors)

    def _at_day(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _later(self, moment: dt.datetime, *, hours: float) -> dt.datetime:
        """`hours` after `moment`, but never later than a few minutes ago."""
        return max(moment, min(moment + dt.timedelta(hours=hours), self.now - dt.timedelta(minutes=5)))

    def _timeline(self, state: State, days_ago: int) -> Timeline:
        rng = self.rng
        moment = self._at_day(self.today - dt.timedelta(days=days_ago), rng.randint(8, 16), rng.randint(0, 59))
        moment = min(moment, self.now - dt.timedelta(hours=2))
        if state in DRAFT_STATES:
            return Timeline(started=moment)
        times = Timeline(started=moment - dt.timedelta(hours=rng.randint(1, 70)), submitted=moment)
        if state == State.AWAITING_OVERDUE:
            return times
        late = state in DECIDED_STATES and rng.random() < 0.15
        times.first_contact = self._later(moment, hours=rng.randint(50, 80) if late else rng.randint(2, 40))
        times.asked = self._later(times.first_contact, hours=rng.randint(20, 60))
        times.answered = self._later(times.asked, hours=rng.randint(24, 96))
        if state == State.ACCEPTED_URGENT:
            times.decided = self._later(times.first_contact, hours=rng.randint(4, 24))
        elif state in (State.NEED_INFO, State.ACCEPTED_AFTER_INFO):
            times.decided = times.asked
            times.answered = self._later(times.decided, hours=rng.randint(48, 144))
            times.redecided = self._later(times.answered, hours=rng.randint(48, 144))
        else:
            times.decided = self._later(times.first_contact, hours=rng.randint(48, 216))
        return times

    def _dates(
        self,
        obj: Referral
        | Person
        | CaseParty
        | LifeDomainProblem
        | PriorAction
        | InformationRequest
        | Triage
        | Case
        | CaseInvolvement
        | CaseFact,
        created: dt.datetime,
        *,
        case_id: int | None = None,
        person_id: int | None = None,
        **dates: object,
    ) -> None:
        """Move what was just written to when it happened (see the module docstring)."""
        values: dict[str, object] = {"created_at": created, "updated_at": created, **dates}
        demo_dates_set(actor=SYSTEM, obj=obj, case_id=case_id, person_id=person_id, **values)


VISIBILITY_HEADER = ("Role", "E-mail", "Referrals seen", "of which drafts", "Cases seen")


def demo_visibility(house: SafetyHouse) -> list[tuple[str, str, str, str, str]]:
    """Per demo log-in: how many referrals (and drafts among them) and cases that account sees
    through the ordinary scoped querysets. docs/demo.md shows this for the default seed."""
    rows: list[tuple[str, str, str, str, str]] = []
    for login in demo_logins(house):
        user = User.objects.get(email=login.email)
        referrals = Referral.objects.visible_to(user).filter(house=house)
        drafts = referrals.filter(status=ReferralStatus.DRAFT).count()
        cases = Case.objects.visible_to(user).filter(house=house).count()
        rows.append((login.role, login.email, str(referrals.count()), str(drafts), str(cases)))
    return rows


def render_visibility_table(rows: list[tuple[str, str, str, str, str]]) -> str:
    """A padded Markdown table, like the log-ins table."""
    table = [VISIBILITY_HEADER, *rows]
    widths = [max(len(row[column]) for row in table) for column in range(len(VISIBILITY_HEADER))]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in table
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)
