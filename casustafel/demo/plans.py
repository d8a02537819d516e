"""Demo plans: the plan side of every active case and closed episodes of earlier years, through
the ordinary services by the users who would do it, so every screen of the plans issue has
something to show.

- Every active case: a plan of approach (joint or aligned) with a B1 summary, a phase, two goals
  (the second without a measurable criterion, so the warning shows), a review date, a bodemeis.
- Case direction: accepted by a partner professional in most cases; one handover (police to
  Veilig Thuis); one proposal waiting for the Veilig Thuis professional's answer; one case of
  the process director without a case director (the start-page warning).
- Agreements in every state: on time, due in one working day, overdue, done, partly done and
  declined (with a reason), most for the demo log-ins, so "Mijn afspraken" has content.
- Escalations at several steps: an overdue agreement raised 15 working days ago that the
  periodic work moved up to the house manager automatically; an unmet bodemeis; a dispute about
  case direction at step 3; one at the directorates (step 5) with the public administration
  informed; one resolved.
- Closed episodes: four earlier cases (referred, triaged, planned and closed 13 to 20 months
  ago) with the reasons the retention demo's two do not cover, each with closure plan, goal
  outcomes and answered follow-ups (one 12-month question still open); and a re-entry: a new
  referral for the subject of one of them, waiting for triage, linked to that episode.

Dates: the services stamp now; historical dates are set afterwards with `demo_dates_set`
(audited), as the other demo builders do. Idempotent: a house with a plan is left alone. Each
step runs in a transaction of its own, like the other stories.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import (
    Case,
    CaseInvolvement,
    CaseStatus,
    CloseReason,
    EntryRoute,
    LifeDomain,
    PartyRole,
    Referral,
    Routing,
    Triage,
)
from casustafel.cases.services.persons import case_party_add_person
from casustafel.cases.services.referrals import (
    life_domain_problem_add,
    prior_action_add,
    referral_start,
    referral_submit,
    referral_update,
)
from casustafel.cases.services.triage import VerdictInput, referral_record_first_contact, triage_decide
from casustafel.demo.region import OFFICE_KEY
from casustafel.demo.services import demo_dates_set
from casustafel.demo.transactions import story
from casustafel.escalations.models import EscalationReason
from casustafel.escalations.periodic import escalate_unmet_requirements, step_up_passed_terms
from casustafel.escalations.services import escalation_raise, escalation_resolve, escalation_step_up
from casustafel.lib.dates import add_working_days
from casustafel.meeting_types.models import Criterion, MeetingType, SafetyPhase
from casustafel.notifications.models import Notification
from casustafel.organisations.models import Membership, Organisation, Role
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementKind,
    AgreementProgress,
    Approach,
    FollowUp,
    FollowUpAnswer,
    GoalStatus,
)
from casustafel.plans.selectors import current_phase
from casustafel.plans.services import agreement_create, minimum_requirement_create, phase_move
from casustafel.plans.services_agreements import agreement_report, agreement_respond, requirement_check_record
from casustafel.plans.services_closure import (
    AgreementSettlement,
    GoalOutcome,
    case_closure,
    follow_up_answer,
    open_agreements,
    open_goals,
)
from casustafel.plans.services_direction import direction_propose, direction_respond
from casustafel.plans.services_plan import goal_create, goal_progress, plan_save

if TYPE_CHECKING:
    from casustafel.demo.builder import DemoRegion, Writer

SYSTEM = Actor.system()
SEED_OFFSET = 11

GOALS = [
    (
        "Moeder en kinderen wonen veilig thuis",
        "Drie maanden geen politiemelding of melding bij Veilig Thuis over het gezin.",
    ),
    ("De schulden zijn onder controle", "Budgetbeheer loopt en er komen geen nieuwe achterstanden bij."),
    ("Hij heeft een vaste dagbesteding", "Vier dagdelen per week werk of dagbesteding, drie maanden lang."),
    ("De overlast in de buurt stopt", "Geen overlastmeldingen van buren of woningcorporatie in twee maanden."),
]
SECOND_GOALS = [
    "De kinderen gaan weer elke dag naar school",
    "Vader krijgt hulp bij zijn alcoholgebruik",
    "Moeder heeft een eigen netwerk dat haar steunt",
]
COMMON_GOALS = [
    "Een veilig thuis voor moeder en de kinderen, met een vader die hulp accepteert.",
    "Geen nieuwe delicten en een stabiel leven: wonen, inkomen en dagbesteding geregeld.",
    "Rust in de buurt en passende zorg, zodat de overlast niet terugkomt.",
]
SUMMARIES = [
    "We willen dat u en de kinderen veilig thuis kunnen wonen.\n"
    "Veilig Thuis komt elke twee weken bij u langs.\n"
    "De politie let op het contactverbod.\n"
    "Over zes weken praten we weer met u.",
    "We helpen u met wonen, geld en werk.\n"
    "De reclassering spreekt u elke week.\n"
    "De gemeente helpt met uw schulden.\n"
    "Over twee maanden kijken we samen hoe het gaat.",
]
WHATS = [
    ("Huisbezoek bij moeder en het veiligheidsplan samen doorlopen.", AgreementKind.HOUSEHOLD_ACTION),
    ("Informatie over eerdere meldingen delen met de casusregisseur.", AgreementKind.INFORMATION_EXCHANGE),
    ("Aanmelding bij schuldhulpverlening regelen en terugkoppelen.", AgreementKind.PROFESSIONAL_ACTION),
    ("Gesprek met de school over het verzuim van de oudste zoon.", AgreementKind.PROFESSIONAL_ACTION),
    ("Vader wijzen op het contactverbod en bij overtreding direct handelen.", AgreementKind.PROFESSIONAL_ACTION),
    ("Moeder helpen een afspraak bij de huisarts te maken.", AgreementKind.HOUSEHOLD_ACTION),
]
JUSTIFICATIONS = [
    "Moeder vroeg zelf om hulp bij het veiligheidsplan.",
    "Zonder de eerdere meldingen kan het huis de risico's niet goed inschatten.",
    "De schulden zijn volgens alle partners de grootste bron van spanning thuis.",
]
# Closed episodes of earlier years: reason, months ago opened and closed, subject.
EPISODES = [
    (CloseReason.STEPPED_DOWN, 24, 17, ("Henk", "", "Bosman", dt.date(1979, 4, 12))),
    (CloseReason.COMPULSORY_FRAMEWORK, 23, 14, ("Dewi", "", "Sahin", dt.date(2007, 9, 3))),
    (CloseReason.CLIENT_REFUSES, 22, 15, ("Ricardo", "van", "Leeuwen", dt.date(1988, 1, 27))),
    (CloseReason.OTHER, 20, 13, ("Ilse", "de", "Graaf", dt.date(1991, 6, 8))),
]
RE_ENTRY = CloseReason.CLIENT_REFUSES
# The referrals this step adds to the referral demo's: one per closed episode and the re-entry.
REFERRALS = len(EPISODES) + 1


@dataclass
class DemoPlans:
    created: bool
    plans: int = 0
    agreements: int = 0
    escalations: int = 0
    closed: list[Case] = field(default_factory=list)
    re_entry: Referral | None = None

    def summary(self) -> str:
        return (
            f"{self.plans} plans, {self.agreements} agreements, {self.escalations} escalations, "
            f"{len(self.closed)} closed episodes with follow-up, {1 if self.re_entry else 0} re-entry"
        )


def build_demo_plans(region: DemoRegion, *, stdout: Writer | None = None) -> DemoPlans:
    """Add the plan side to the demo house, once."""
    if ActionPlan.objects.filter(case__house=region.house).exists():
        return DemoPlans(created=False)
    result = _Builder(region).build()
    if stdout is not None:
        stdout.write(f"  {result.summary()}\n")
    return result


class _Builder:
    def __init__(self, region: DemoRegion) -> None:
        self.region = region
        self.rng = random.Random(region.seed * 1000 + SEED_OFFSET)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.directors = {m.user_id: m for m in region.members.get(OFFICE_KEY, []) if m.role == Role.PROCESS_DIRECTOR}
        self.result = DemoPlans(created=True)

    # -- helpers ----------------------------------------------------------------------------

    def director_of(self, case: Case) -> Actor:
        return self.region.actor(self.directors[case.process_director_id])

    def member(self, key: str, *, ambassador: bool = False, login: int = 1) -> Membership:
        """A professional of an organisation: its ambassador, or the `login`-th colleague (the
        demo log-ins are the first colleague and the ambassador)."""
        if ambassador:
            return self.region.ambassador(key)
        colleagues = [m for m in self.region.professionals(key) if not m.is_ambassador]
        return colleagues[min(login, len(colleagues)) - 1]

    def involved(self, case: Case) -> list[Organisation]:
        return [
            involvement.organisation
            for involvement in CaseInvolvement.objects.current()
            .filter(case=case)
            .select_related("organisation")
            .order_by("started_at", "pk")
        ]

    def partner(self, case: Case, *preferred: str) -> Membership:
        """A professional of an organisation involved in the case, the preferred ones first."""
        involved = {org.pk for org in self.involved(case)}
        for key in (*preferred, "veilig_thuis", "police"):
            org = self.region.organisations.get(key)
            if org is not None and org.pk in involved:
                return self.member(key)
        org = self.involved(case)[0]
        return Membership.objects.filter(organisation=org, role=Role.PROFESSIONAL).select_related("user").first()  # type: ignore[return-value]

    def agreement(self, case: Case, who: Membership, *, due_in: int, index: int, by: Actor | None = None) -> Agreement:
        what, kind = WHATS[index % len(WHATS)]
        self.result.agreements += 1
        return agreement_create(
            actor=by or self.director_of(case),
            case=case,
            organisation=who.organisation,
            owner=who.user,
            what=what,
            due_date=self.today + dt.timedelta(days=due_in),
            kind=kind,
            justification=JUSTIFICATIONS[index % len(JUSTIFICATIONS)],
        )

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    # -- the build --------------------------------------------------------------------------

    def build(self) -> DemoPlans:
        active = list(
            Case.objects.filter(house=self.region.house, status=CaseStatus.ACTIVE)
            .select_related("process_director", "meeting_type")
            .order_by("opened_at", "pk")
        )
        # One transaction per step, as the other demo stories do (demo/builder.py explains why).
        with story():
            self.settle_history(active)
        for number, case in enumerate(active):
            with story():
                self.plan(case, number)
        for step in (self.directions, self.agreements, self.escalations):
            with story():
                step(active)
        self.episodes()
        return self.result

    def settle_history(self, active: list[Case]) -> None:
        """Agreements the meetings of past months made (demo/discussions.py) were carried out:
        their named person reported them done around their due date. Those of the last month
        stay open, so they show as due or overdue like real ones."""
        cutoff = self.today - dt.timedelta(days=30)
        for agreement in (
            Agreement.objects.open()
            .filter(case__in=active, due_date__lt=cutoff)
            .select_related("owner", "organisation")
            .order_by("due_date", "pk")
        ):
            membership = Membership.objects.filter(user=agreement.owner, organisation=agreement.organisation).first()
            if membership is None:
                continue
            last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            update = agreement_report(
                actor=self.region.actor(membership),
                agreement=agreement,
                progress=AgreementProgress.DONE,
                result="Uitgevoerd en besproken in het volgende overleg.",
                expected_version=agreement.version,
            )
            done = self.at(agreement.due_date - dt.timedelta(days=1), 15)
            demo_dates_set(actor=SYSTEM, obj=update, case_id=agreement.case_id, created_at=done, reported_at=done)
            demo_dates_set(
                actor=SYSTEM,
                obj=update.agreement,
                case_id=agreement.case_id,
                updated_at=done,
                responded_at=done,
                progress_at=done,
                ended_at=done,
            )
            # The case director and process director read that feedback long ago.
            for notification in Notification.objects.filter(pk__gt=last):
                demo_dates_set(actor=SYSTEM, obj=notification, case_id=agreement.case_id, created_at=done, read_at=done)

    def plan(self, case: Case, number: int) -> None:
        director = self.director_of(case)
        if not current_phase(case):
            phase_move(
                actor=director,
                case=case,
                to_phase=SafetyPhase.DIRECT_SAFETY if number % 3 else SafetyPhase.RISK_REDUCTION,
                reason="Vastgesteld in het eerste overleg.",
                moved_at=max(case.opened_at, self.now - dt.timedelta(days=60)),
            )
        plan_save(
            actor=director,
            case=case,
            approach=Approach.JOINT if number % 2 == 0 else Approach.ALIGNED,
            common_goal=COMMON_GOALS[number % len(COMMON_GOALS)],
            problem="Meervoudige problematiek op meerdere leefgebieden; de hulp liep langs elkaar heen.",
            household_summary=SUMMARIES[number % len(SUMMARIES)],
            review_date=self.today + dt.timedelta(days=14 + 7 * (number % 6)),
            reason="Vastgesteld in het casusoverleg.",
        )
        owner = self.partner(case)
        title, criterion = GOALS[number % len(GOALS)]
        goal = goal_create(
            actor=director,
            case=case,
            title=title,
            criterion=criterion,
            owner_organisation=owner.organisation,
            owner=owner.user,
            target_date=self.today + dt.timedelta(days=90),
            reason="Doel vastgesteld in het overleg.",
        )
        if number % 2:
            goal_progress(
                actor=director,
                goal=goal,
                status=GoalStatus.ON_TRACK,
                evidence="Sinds het vorige overleg geen nieuwe meldingen.",
                status_on=self.today - dt.timedelta(days=3),
                expected_version=goal.version,
            )
        # Formulated before the meeting knew who would take it on: the plan flags it.
        goal_create(
            actor=director,
            case=case,
            title=SECOND_GOALS[number % len(SECOND_GOALS)],
            reason="Besproken in het overleg.",
        )
        minimum_requirement_create(
            actor=director,
            case=case,
            what="Vader houdt zich aan het contactverbod en komt niet onaangekondigd langs.",
            monitor=self.partner(case, "police").organisation,
            if_not_met="Direct de politie en de procesregisseur bellen; de casus komt binnen een week op de agenda.",
        )
        self.result.plans += 1

    def directions(self, active: list[Case]) -> None:
        """Case directors: accepted in most cases, one handover, one waiting proposal, and the
        last case of the first process director without one."""
        login = self.region.staff(Role.PROCESS_DIRECTOR).user_id  # the process director of the demo log-ins
        own = [case for case in active if case.process_director_id == login]
        without = own[-1] if len(own) > 1 else None
        others = [case for case in active if case != without]
        waiting_case = others[-1] if len(others) > 1 else None
        for number, case in enumerate(active):
            if case == without:
                continue
            waiting = case == waiting_case
            first_choice = self.partner(case, "police") if number == 2 else self.partner(case, "veilig_thuis")
            proposal = direction_propose(
                actor=self.director_of(case),
                case=case,
                director=first_choice.user,
                organisation=first_choice.organisation,
                reason="Kent de betrokkenen het best en heeft al langer contact.",
                excluded_tasks=[{"task": "inform_professionals", "assigned_to": "Procesregisseur (tijdelijk)"}]
                if number % 4 == 1
                else [],
            )
            if waiting:
                continue  # the professional still has to answer (their start page shows it)
            accepted = direction_respond(
                actor=self.region.actor(first_choice),
                assignment=proposal,
                accept=True,
                expected_version=proposal.version,
            )
            days = self.rng.randint(30, 90)
            demo_dates_set(
                actor=SYSTEM,
                obj=accepted,
                case_id=case.pk,
                proposed_at=self.now - dt.timedelta(days=days + 2),
                responded_at=self.now - dt.timedelta(days=days),
            )
            if number == 2:  # police hands over to Veilig Thuis's ambassador
                successor = self.region.ambassador("veilig_thuis")
                if successor.organisation in self.involved(case):
                    handover = direction_propose(
                        actor=self.director_of(case),
                        case=case,
                        director=successor.user,
                        organisation=successor.organisation,
                        reason="De strafrechtelijke kant is afgerond; de zorg staat nu voorop.",
                    )
                    direction_respond(
                        actor=self.region.actor(successor),
                        assignment=handover,
                        accept=True,
                        expected_version=handover.version,
                    )

    def agreements(self, active: list[Case]) -> None:
        for number, case in enumerate(active):
            vt, police = self.partner(case, "veilig_thuis"), self.partner(case, "police")
            on_time = self.agreement(case, vt, due_in=10 + number, index=number)
            agreement_respond(
                actor=self.region.actor(vt), agreement=on_time, accept=True, expected_version=on_time.version
            )
            self.agreement(case, police, due_in=1 if number % 2 else 2, index=number + 1)
            overdue = self.agreement(case, police, due_in=-4, index=number + 2)
            agreement_respond(
                actor=self.region.actor(police), agreement=overdue, accept=True, expected_version=overdue.version
            )
            done = self.agreement(case, vt, due_in=-10, index=number + 3)
            agreement_report(
                actor=self.region.actor(vt),
                agreement=done,
                progress=AgreementProgress.DONE,
                result="Gedaan: huisbezoek afgelegd, het veiligheidsplan ligt op de koelkast.",
                expected_version=done.version,
            )
            if number % 2 == 0:
                partly = self.agreement(case, vt, due_in=5, index=number + 4)
                agreement_report(
                    actor=self.region.actor(vt),
                    agreement=partly,
                    progress=AgreementProgress.PARTLY,
                    result="Eerste gesprek gevoerd; de tweede afspraak staat volgende week.",
                    expected_version=partly.version,
                )
            if number % 3 == 0:
                ambassador = (
                    Membership.objects.filter(organisation=police.organisation, is_ambassador=True).first() or police
                )
                declined = self.agreement(case, ambassador, due_in=7, index=number + 5)
                agreement_respond(
                    actor=self.region.actor(ambassador),
                    agreement=declined,
                    accept=False,
                    reason="Dit valt buiten onze taak; de wijkagent kan het wel oppakken.",
                    expected_version=declined.version,
                )

    def escalations(self, active: list[Case]) -> None:
        first, *rest = active
        # An agreement left open: due 25 working days ago, escalated 15 working days ago, and
        # moved up to the house manager by the periodic work when its term passed.
        police = self.partner(first, "police")
        due = add_working_days(self.today, -25)
        late = self.agreement(first, police, due_in=(due - self.today).days, index=6)
        raised_on = add_working_days(self.today, -15)
        escalation_raise(
            actor=SYSTEM,
            case=first,
            reason=EscalationReason.AGREEMENT_OVERDUE,
            question=f"Afspraak {late.pk} is na tien werkdagen nog niet uitgevoerd. Wat is er nodig?",
            parties=[police.organisation],
            agreement=late,
            raised_at=self.at(raised_on),
        )
        step_up_passed_terms(today=self.today)
        # A bodemeis reported not met: the periodic work escalates it to the process director.
        second = rest[0] if rest else first
        requirement = second.minimum_requirements.in_force().order_by("-pk").first()  # the plan's
        assert requirement is not None
        monitor = (
            Membership.objects.filter(organisation=requirement.monitor, role=Role.PROFESSIONAL)
            .select_related("user", "organisation")
            .order_by("pk")
            .first()
        )
        assert monitor is not None
        requirement_check_record(
            actor=self.region.actor(monitor),
            requirement=requirement,
            met=False,
            note="Vader is zaterdag bij de woning gezien.",
        )
        escalate_unmet_requirements()
        # A dispute about case direction at step 3, and one at the directorates (step 5).
        for case, steps in ((rest[1] if len(rest) > 1 else first, 2), (rest[3] if len(rest) > 3 else first, 4)):
            director = self.director_of(case)
            parties = self.involved(case)[:2]
            escalation = escalation_raise(
                actor=director,
                case=case,
                reason=EscalationReason.CASE_DIRECTION,
                question="Veilig Thuis en de jeugdbescherming zien allebei de ander als casusregisseur.",
                parties=parties,
            )
            for step in range(steps):
                escalation = escalation_step_up(
                    actor=director,
                    escalation=escalation,
                    question=[
                        "Gesprekken met beide kandidaten, apart; ieder levert de werkprocesafspraken aan.",
                        "Voorstel: Veilig Thuis voor de komende drie maanden, zonder de taak cliënten aan tafel.",
                        "De partijen gaan niet akkoord: het huis neemt de casusregie tijdelijk over.",
                        "Directies: geef binnen 10 werkdagen een definitief antwoord.",
                    ][step],
                    public_administration_informed=step == 3,
                    expected_version=escalation.version,
                )
        # A stuck case, resolved.
        last = rest[-1] if rest else first
        stuck = escalation_raise(
            actor=self.director_of(last),
            case=last,
            reason=EscalationReason.STUCK,
            question="De wachtlijst voor de ggz-behandeling houdt het plan tegen.",
            parties=self.involved(last)[:1],
        )
        escalation_resolve(
            actor=self.director_of(last),
            escalation=stuck,
            outcome="Overbruggingshulp via het wijkteam tot de behandeling start; besproken met de ketenmanager.",
            expected_version=stuck.version,
        )
        self.result.escalations = 5

    # -- closed episodes ----------------------------------------------------------------------

    def episodes(self) -> None:
        meeting_type = (
            MeetingType.objects.filter(house=self.region.house, criteria_set__isnull=False).order_by("pk").first()
        )
        assert meeting_type is not None, "the referral demo installs the default criteria"
        for number, (reason, opened_months, closed_months, subject) in enumerate(EPISODES):
            with story():
                case = self.episode(meeting_type, number, opened_months, closed_months, subject, reason)
            self.result.closed.append(case)
            if reason == RE_ENTRY:
                self.result.re_entry = self.re_entry(case)

    def episode(
        self,
        meeting_type: Any,
        number: int,
        opened_months: int,
        closed_months: int,
        subject: tuple[str, str, str, dt.date],
        reason: CloseReason,
    ) -> Case:
        referrer = self.member("veilig_thuis", login=2) if number % 2 else self.member("police", login=2)
        director = list(self.directors.values())[number % len(self.directors)]
        opened = self.at(self.today - dt.timedelta(days=30 * opened_months))
        closed_on = self.today - dt.timedelta(days=30 * closed_months)
        referral = self.refer(referrer, meeting_type, subject, route=EntryRoute.FIELD)
        referral = referral_submit(actor=self.region.actor(referrer), referral=referral, expected_version=None)
        submitted = opened - dt.timedelta(days=3)
        demo_dates_set(
            actor=SYSTEM,
            obj=referral,
            created_at=submitted - dt.timedelta(hours=2),
            updated_at=submitted,
            submitted_at=submitted,
            first_contact_due_at=submitted + dt.timedelta(hours=48),
            response_due_at=submitted + dt.timedelta(days=7),
        )
        referral = referral_record_first_contact(
            actor=self.region.actor(director),
            referral=referral,
            expected_version=None,
            at=submitted + dt.timedelta(hours=20),
        )
        triage = self.accept(referral, director, meeting_type)
        case = Case.objects.get(referral=referral)
        self.backdate_opening(referral, triage, case, opened)
        actor = self.region.actor(director)
        phase_move(
            actor=actor, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Eerste overleg.", moved_at=opened
        )
        plan_save(
            actor=actor,
            case=case,
            approach=Approach.JOINT,
            common_goal=COMMON_GOALS[number % len(COMMON_GOALS)],
            household_summary=SUMMARIES[number % len(SUMMARIES)],
            review_date=self.today + dt.timedelta(days=42),
            reason="Vastgesteld in het casusoverleg.",
        )
        title, criterion = GOALS[number % len(GOALS)]
        goal_create(
            actor=actor,
            case=case,
            title=title,
            criterion=criterion,
            owner_organisation=referrer.organisation,
            owner=referrer.user,
            reason="Doel vastgesteld in het overleg.",
        )
        agreement = self.agreement(case, referrer, due_in=0, index=number, by=actor)
        agreement_report(
            actor=self.region.actor(referrer),
            agreement=agreement,
            progress=AgreementProgress.DONE,
            result="Uitgevoerd.",
            expected_version=agreement.version,
        )
        extra = self.agreement(case, referrer, due_in=0, index=number + 1, by=actor)
        achieved = reason in (CloseReason.STEPPED_DOWN, CloseReason.OTHER)
        closed = case_closure(
            actor=actor,
            case=case,
            reason_kind=reason,
            reason="Ouders verhuisd binnen de regio; de huisarts en het wijkteam volgen het gezin."
            if reason == CloseReason.OTHER
            else "",
            closed_on=closed_on,
            goal_outcomes={
                goal.pk: GoalOutcome(
                    GoalStatus.ACHIEVED if achieved else GoalStatus.NOT_ACHIEVED,
                    "Vastgesteld in het laatste overleg.",
                )
                for goal in open_goals(case)
            },
            settlements={
                a.pk: AgreementSettlement("continues", "Wijkteam") if a.pk == extra.pk else AgreementSettlement("done")
                for a in open_agreements(case)
            },
            continues="Het wijkteam blijft betrokken; de huisarts is op de hoogte.",
            if_it_goes_wrong="Het wijkteam of Veilig Thuis meldt opnieuw aan; de procesregisseur zet de casus binnen een week op de agenda.",
            last_safety_score=7 if achieved else 4,
            last_safety_justification="Geen incidenten meer sinds het contactverbod."
            if achieved
            else "Zorgen blijven; de cliënt werkt niet mee.",
        )
        self.backdate_plan(closed, opened, closed_on)
        for follow_up in FollowUp.objects.filter(case=closed).order_by("months"):
            if follow_up.due_on > self.today or (number == 0 and follow_up.months == 12):
                continue  # due and still open: on the process director's start page
            answered = follow_up_answer(
                actor=actor,
                follow_up=follow_up,
                new_incidents=FollowUpAnswer.NO if achieved else FollowUpAnswer.YES,
                re_referral=FollowUpAnswer.NO,
                still_safe=FollowUpAnswer.YES if achieved else FollowUpAnswer.UNKNOWN,
                note="Nagevraagd bij het wijkteam.",
                expected_version=follow_up.version,
            )
            demo_dates_set(
                actor=SYSTEM,
                obj=answered,
                case_id=closed.pk,
                answered_at=self.at(follow_up.due_on + dt.timedelta(days=3)),
            )
        return closed

    def refer(
        self, referrer: Membership, meeting_type: Any, subject: tuple[str, str, str, dt.date], *, route: str
    ) -> Referral:
        actor = self.region.actor(referrer)
        referral = referral_start(actor=actor, entry_route=route, meeting_type=meeting_type)
        referral = referral_update(
            actor=actor,
            referral=referral,
            expected_version=None,
            concern="Herhaalde zorgen over de veiligheid thuis; eerdere hulp liep vast.",
            concern_source="Eigen waarneming en politiemutaties",
            desired_response_days=7,
            consent="informed",
        )
        given, prefix, surname, born = subject
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
        return Referral.objects.get(pk=referral.pk)

    def accept(self, referral: Referral, director: Membership, meeting_type: Any) -> Triage:
        version = meeting_type.criteria_set.versions.filter(published_at__isnull=False).order_by("-number").first()
        leaves = Criterion.objects.filter(version=version, children__isnull=True)
        return triage_decide(
            actor=self.region.actor(director),
            referral=referral,
            expected_referral_version=None,
            triage=None,
            expected_version=None,
            criteria_version=version,
            team_members=[],
            verdicts={leaf.pk: VerdictInput(verdict="meets", reason="Blijkt uit de aanmelding.") for leaf in leaves},
            outcome=Routing.ACCEPT,
            outcome_reason="Aangenomen in het huis.",
            meeting_type=meeting_type,
            process_director=director.user,
            first_meeting_date=self.today,
        )

    def backdate_opening(self, referral: Referral, triage: Triage, case: Case, opened: dt.datetime) -> None:
        demo_dates_set(actor=SYSTEM, obj=referral, updated_at=opened, outcome_at=opened)
        demo_dates_set(actor=SYSTEM, obj=triage, case_id=case.pk, created_at=opened, decided_at=opened)
        demo_dates_set(
            actor=SYSTEM,
            obj=case,
            case_id=case.pk,
            opened_at=opened,
            first_meeting_date=(opened + dt.timedelta(days=10)).date(),
        )
        for involvement in CaseInvolvement.objects.filter(case=case):
            demo_dates_set(actor=SYSTEM, obj=involvement, case_id=case.pk, started_at=opened)

    def backdate_plan(self, case: Case, opened: dt.datetime, closed_on: dt.date) -> None:
        """The plan side of an earlier episode happened between its opening and its closing."""
        made = opened + dt.timedelta(days=10)
        plan = ActionPlan.objects.get(case=case)
        demo_dates_set(actor=SYSTEM, obj=plan, case_id=case.pk, created_at=made, updated_at=made)
        for version in plan.versions.all():
            demo_dates_set(actor=SYSTEM, obj=version, case_id=case.pk, created_at=made)
        ended = self.at(closed_on)
        for agreement in Agreement.objects.filter(case=case):
            demo_dates_set(
                actor=SYSTEM,
                obj=agreement,
                case_id=case.pk,
                created_at=made,
                updated_at=ended,
                responded_at=made + dt.timedelta(days=1) if agreement.responded_at else None,
                progress_at=made + dt.timedelta(days=20) if agreement.progress_at else None,
                ended_at=ended if agreement.ended_at else None,
            )
            for update in agreement.updates.all():
                demo_dates_set(
                    actor=SYSTEM,
                    obj=update,
                    case_id=case.pk,
                    created_at=made + dt.timedelta(days=20),
                    reported_at=made + dt.timedelta(days=20),
                )
        closure = case.closure_plan
        demo_dates_set(actor=SYSTEM, obj=closure, case_id=case.pk, created_at=ended, updated_at=ended)

    def re_entry(self, closed: Case) -> Referral:
        """The subject of a closed episode is referred again by Veilig Thuis: submitted, so it is
        linked to the earlier case, and waiting for the process director's triage. The referral
        is complete (household, life domains, what was done, sources), so the triage page's
        checklist flags nothing and the referral demo's incomplete ones stay the only ones."""
        person = closed.referral.parties.get(role=PartyRole.SUBJECT).person
        referrer = self.member("veilig_thuis")
        actor = self.region.actor(referrer)
        referral = referral_start(
            actor=actor,
            entry_route=EntryRoute.DOMESTIC_VIOLENCE,
            meeting_type=closed.meeting_type,
            municipality=self.region.organisations["gemeente_hilversum"],
        )
        referral_update(
            actor=actor,
            referral=referral,
            expected_version=None,
            concern="Opnieuw meldingen van geweld thuis, een half jaar na het afsluiten van de eerdere aanpak.",
            concern_source="Melding politie",
            desired_response_days=7,
            consent="informed",
        )
        case_party_add_person(
            actor=actor,
            referral=referral,
            given_names=person.given_names,
            surname_prefix=person.surname_prefix,
            surname=person.surname,
            date_of_birth=person.date_of_birth,
            role=PartyRole.SUBJECT,
            chosen_person_id=person.pk,
        )
        case_party_add_person(
            actor=actor,
            referral=referral,
            given_names="Ronald",
            surname_prefix="",
            surname="Kuipers",
            date_of_birth=dt.date(1986, 2, 17),
            role=PartyRole.PERPETRATOR,
            register_new=True,
        )
        for domain, description in (
            (LifeDomain.RELATIONSHIPS, "Geweld door de nieuwe partner, drie politiemeldingen in twee maanden."),
            (LifeDomain.HOUSING, "Dreigende huisuitzetting na huurachterstand."),
        ):
            life_domain_problem_add(
                actor=actor, referral=referral, domain=domain, description=description, source="Melding politie"
            )
        prior_action_add(
            actor=actor,
            referral=referral,
            description="Eerdere aanpak in het Zorg- en Veiligheidshuis; de cliënt wilde toen niet meewerken.",
            by_whom="Zorg- en Veiligheidshuis",
            source="Eerdere casus in het huis",
        )
        return referral_submit(actor=actor, referral=Referral.objects.get(pk=referral.pk), expected_version=None)
