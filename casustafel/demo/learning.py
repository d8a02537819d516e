"""The demo's learning cycle (docs/demo.md, "Learning cycle"): two closed self-assessment rounds
of the Zorgoverleg huiselijk geweld on the factors of seed 001, a year apart, so their results
stand side by side; an open round of the participant questionnaire (seed 003 Bijlage 4) that the
demo's Veilig Thuis and police professionals are invited to; an improvement plan drawn from the
first round with an action done (and valued), one overdue and one open; and effort-ledger entries
(meer- en minderwerk) of the last months, measured, estimated and felt. For the reports it
measures, the board's targets on the main process indicators and the police's yearly incident
counts per municipality (an indicator from another source, its source named).

Everything goes through the learning services as the people who would do it (the process
director runs the rounds and the plan, invitees answer, owners report, organisations record
their hours); dates are moved into the past afterwards with `demo_dates_set`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.demo.region import OFFICE_KEY
from casustafel.demo.services import demo_dates_set, demo_notifications_settle
from casustafel.demo.transactions import story
from casustafel.learning.instruments import QuestionKind, instrument
from casustafel.learning.models import (
    ActionProgress,
    Activity,
    AssessmentInvitation,
    EffortDirection,
    Evidence,
    ImprovementAction,
    ImprovementPlan,
    SelfAssessment,
)
from casustafel.learning.services_assessment import (
    assessment_answers_save,
    assessment_invite,
    self_assessment_close,
    self_assessment_create,
    self_assessment_open,
)
from casustafel.learning.services_effort import effort_entry_record
from casustafel.learning.services_improvement import (
    improvement_action_create,
    improvement_action_report,
    improvement_plan_create,
    value_rating_record,
)
from casustafel.meeting_types.models import MeetingType
from casustafel.notifications.models import Notification
from casustafel.organisations.models import Membership, Organisation, Role, Sector
from casustafel.reporting.models import FigureStatus, Indicator, IndicatorKind, IndicatorUnit, PublishGrain
from casustafel.reporting.services import (
    external_figure_record,
    indicator_add_external,
    indicator_catalogue_install,
    indicator_revise,
)

if TYPE_CHECKING:
    from casustafel.demo.builder import DemoRegion, Writer

SYSTEM = Actor.system()
SEED_OFFSET = 13
MEETING_TYPE = "Zorgoverleg huiselijk geweld"
# Professionals invited to a closed round: enough that most answers clear the suppression threshold.
INVITED = 30
EFFORT_ORGANISATIONS = ("veilig_thuis", "police", "ggz_centraal", "versa", "raad", "reclassering")
PLAN_TITLE = "Verbeterplan Zorgoverleg: afspraken nakomen en terugkoppelen"
FIRST_ROUND = "Zorgoverleg huiselijk geweld: factoren, vorig jaar"
SECOND_ROUND = "Zorgoverleg huiselijk geweld: factoren, dit jaar"
OPEN_ROUND = "Vragenlijst deelnemers casusoverleg"
# The norms the board set for the main process indicators (key, at least/at most, value, owner).
# Loosely those of the houses' landelijk kader: contact within the norm for most referrals, a
# triage decision within two weeks, agreements mostly kept.
TARGETS: tuple[tuple[str, str, Decimal, str], ...] = (
    ("first_contact", "at_least", Decimal(80), "Procesregisseurs (voorzitters van de triage)"),
    ("agreements_on_time", "at_least", Decimal(75), "Ketenmanager, met de ambassadeurs van de partners"),
    ("days_to_triage", "at_most", Decimal(14), "Procesregisseurs (voorzitters van de triage)"),
    ("days_to_first_meeting", "at_most", Decimal(28), "Procesregisseurs (voorzitters van de overleggen)"),
    ("cases_without_director", "at_most", Decimal(0), "Ketenmanager"),
)
POLICE_INDICATOR = "politie_incidenten_hg"
POLICE_SOURCE = "Politie Midden-Nederland, Basisvoorziening Informatie (BVI), incidenten huiselijk geweld"
# Registered domestic-violence incidents per municipality in a year: about four per thousand
# inhabitants, some 1,000 for the region, as the screeningsoverleg discussed them (seed 003 §3.1).
POLICE_INCIDENTS = {
    "gemeente_blaricum": 34,
    "gemeente_bussum": 131,
    "gemeente_hilversum": 352,
    "gemeente_huizen": 163,
    "gemeente_laren": 41,
    "gemeente_muiden": 27,
    "gemeente_naarden": 69,
    "gemeente_weesp": 76,
    "gemeente_wijdemeren": 92,
}


@dataclass
class DemoLearning:
    rounds: int = 0
    actions: int = 0
    effort_entries: int = 0
    targets: int = 0
    outside_figures: int = 0


def build_demo_learning(region: DemoRegion, *, stdout: Writer | None = None) -> DemoLearning:
    """Add the learning cycle to the demo house, once (a house with a round is left alone)."""
    if SelfAssessment.objects.filter(house=region.house).exists():
        return DemoLearning()
    builder = _Builder(region)
    result = builder.build()
    if stdout is not None:
        stdout.write(
            f"  {result.rounds} self-assessment rounds, {result.actions} improvement actions, "
            f"{result.effort_entries} effort entries, {result.targets} indicator targets, "
            f"{result.outside_figures} outside figures\n"
        )
    return result


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Builder:
    def __init__(self, region: DemoRegion) -> None:
        self.region = region
        self.rng = random.Random(region.seed * 1000 + SEED_OFFSET)
        self.today = timezone.localdate()
        self.director = region.actor(region.staff(Role.PROCESS_DIRECTOR))
        self.meeting_type = MeetingType.objects.get(house=region.house, name=MEETING_TYPE)
        self.result = DemoLearning()

    def login(self, key: str) -> Membership:
        """The organisation's professional in the demo's log-in table (not the ambassador)."""
        professionals = self.region.professionals(key)
        return next((m for m in professionals if not m.is_ambassador), professionals[0])

    def answering(self) -> list[Membership]:
        """Professionals of the partner organisations, the demo's log-ins among them."""
        members = sorted(
            (m for key, found in self.region.members.items() if key != OFFICE_KEY for m in found),
            key=lambda m: m.pk,
        )
        return [m for m in members if m.role == Role.PROFESSIONAL][:INVITED]

    def build(self) -> DemoLearning:
        with story():
            first = self.closed_round(FIRST_ROUND, self.today - dt.timedelta(days=400), favourable=0.4)
        with story():
            self.closed_round(SECOND_ROUND, self.today - dt.timedelta(days=45), favourable=0.65)
        with story():
            self.open_round()
        with story():
            self.plan(first)
        with story():
            self.effort()
        with story():
            self.targets()
        with story():
            self.police_incidents()
        return self.result

    def settle(self, since: dt.datetime, moment: dt.datetime) -> None:
        """The notices of a step that lies in the past went out, and were read, back then."""
        demo_notifications_settle(
            actor=SYSTEM,
            notifications=Notification.objects.filter(created_at__gte=since, read_at__isnull=True, case_id=None),
            created_at=moment,
        )

    # -- rounds ------------------------------------------------------------------------------

    def answers(self, assessment: SelfAssessment, favourable: float) -> dict[str, object]:
        """One participant's answers: on each statement the favourable side with the given
        chance, else the other side or neutral; numbers and a few open answers."""
        form = instrument(assessment.instrument)
        values = [key for key, _label in form.scale]
        agree, disagree = values[:2], values[3:5]
        answers: dict[str, object] = {}
        for question in form.questions():
            if question.kind == QuestionKind.SCALE:
                good, bad = (disagree, agree) if question.favourable_when == "disagree" else (agree, disagree)
                draw = self.rng.random()
                side = good if draw < favourable else ([values[2]] if draw < favourable + 0.15 else bad)
                answers[question.key] = self.rng.choice(side)
            elif question.kind == QuestionKind.NUMBER:
                answers[question.key] = self.rng.randint(question.minimum, min(question.maximum, 40))
            elif self.rng.random() < 0.3:
                answers[question.key] = self.rng.choice(
                    (
                        "Afspraken worden gemaakt, maar de terugkoppeling blijft vaak uit.",
                        "Goede sfeer aan tafel; de voorbereiding kost veel tijd.",
                        "De voorzitter houdt de vaart erin; soms ontbreekt een cruciale partner.",
                    )
                )
        return answers

    def invite_and_open(self, title: str, instrument_key: str, invitees: list[Membership]) -> SelfAssessment:
        assessment = self_assessment_create(
            actor=self.director,
            house=self.region.house,
            instrument_key=instrument_key,
            title=title,
            closes_on=self.today + dt.timedelta(days=14),
            meeting_type=self.meeting_type if instrument_key == "factors" else None,
        )
        assessment_invite(actor=self.director, assessment=assessment, memberships=invitees)
        self.result.rounds += 1
        return self_assessment_open(actor=self.director, assessment=assessment, expected_version=assessment.version)

    def answer(self, invitation: AssessmentInvitation, favourable: float) -> AssessmentInvitation:
        membership = Membership.objects.get(user=invitation.user, organisation=invitation.organisation)
        assessment_answers_save(
            actor=self.region.actor(membership),
            invitation=invitation,
            answers=self.answers(invitation.assessment, favourable),
            submit=True,
            expected_version=invitation.version,
        )
        return AssessmentInvitation.objects.get(pk=invitation.pk)

    def closed_round(self, title: str, opened: dt.date, *, favourable: float) -> SelfAssessment:
        since = timezone.now()
        invitees = self.answering()
        assessment = self.invite_and_open(title, "factors", invitees)
        invitations = list(assessment.invitations.select_related("assessment").order_by("pk"))
        # Most answer, one or two do not (a response like the evaluation's 36-67%... but higher).
        for number, invitation in enumerate(invitations):
            if number % 5 == 4:
                continue
            answered = self.answer(invitation, favourable)
            demo_dates_set(actor=SYSTEM, obj=answered, submitted_at=_at(opened + dt.timedelta(days=2 + number % 9)))
        assessment = self_assessment_close(actor=self.director, assessment=assessment, expected_version=None)
        closes = opened + dt.timedelta(days=14)
        demo_dates_set(
            actor=SYSTEM,
            obj=assessment,
            created_at=_at(opened - dt.timedelta(days=3)),
            updated_at=_at(closes, 17),
            opened_at=_at(opened, 9),
            closes_on=closes,
            closed_at=_at(closes, 17),
        )
        for invitation in invitations:
            demo_dates_set(actor=SYSTEM, obj=invitation, created_at=_at(opened, 9), notified_at=_at(opened, 9))
        self.settle(since, _at(opened, 9))
        return assessment

    def open_round(self) -> None:
        """The participant questionnaire, open now: the demo's log-ins are invited and have not
        answered yet (their start page shows it); six others have."""
        logins = [self.login("veilig_thuis"), self.login("police")]
        invitees = [*logins, *[m for m in self.answering() if m not in logins][:6]]
        assessment = self.invite_and_open(OPEN_ROUND, "participants", invitees)
        for invitation in assessment.invitations.select_related("assessment").order_by("pk"):
            if invitation.user_id not in {m.user_id for m in logins}:
                self.answer(invitation, 0.6)
        demo_dates_set(
            actor=SYSTEM,
            obj=assessment,
            created_at=_at(self.today - dt.timedelta(days=6)),
            opened_at=_at(self.today - dt.timedelta(days=5), 9),
        )

    # -- plan and actions --------------------------------------------------------------------

    def plan(self, first: SelfAssessment) -> None:
        since = timezone.now()
        made = first.closes_on + dt.timedelta(days=20)
        plan = improvement_plan_create(
            actor=self.director,
            house=self.region.house,
            title=PLAN_TITLE,
            aim=(
                "De zelfevaluatie liet zien dat afspraken blijven liggen en dat partners niet terugkoppelen. "
                "Doel: minder afspraken over de termijn en elke afspraak teruggekoppeld voor het volgende overleg."
            ),
            meeting_type=self.meeting_type,
            assessment=first,
        )
        demo_dates_set(actor=SYSTEM, obj=plan, created_at=_at(made), updated_at=_at(made))
        veilig_thuis, police = self.login("veilig_thuis"), self.login("police")
        ggz = self.region.professionals("ggz_centraal")[0]
        done = self.action(
            plan,
            "Afspraken voor het overleg per partner uitzetten, met datum en eigenaar",
            ggz,
            made + dt.timedelta(days=90),
            [("agreements_on_time", "up"), ("agreements_overdue", "down")],
            "Het secretariaat zet na elk overleg de afspraken per partner klaar, met een datum en een eigenaar, "
            "zodat niemand hoeft te raden wie wat doet.",
        )
        improvement_action_report(
            actor=self.region.actor(ggz),
            action=done,
            progress=ActionProgress.DONE,
            result="Elke afspraak heeft nu een eigenaar en datum in Casustafel; het secretariaat stuurt herinneringen.",
            expected_version=done.version,
            reported_at=_at(made + dt.timedelta(days=80), 14),
        )
        for organisation, year, rating, narrative in (
            (ggz, self.today.year - 1, 3, "Minder navragen achteraf; nog niet iedereen meldt zelf de voortgang."),
            (veilig_thuis, self.today.year, 4, "We weten voor het overleg wat er is gebeurd; dat scheelt bellen."),
        ):
            value_rating_record(
                actor=self.region.actor(organisation),
                action=done,
                year=year,
                rating=rating,
                narrative=narrative,
                aspect="Terugkoppeling van afspraken",
            )
        self.settle(since, _at(made, 11))
        self.action(
            plan,
            "Terugkoppeling door de politie op openstaande afspraken vóór elk overleg",
            police,
            self.today - dt.timedelta(days=18),
            [("agreements_on_time", "up")],
            "De politie meldt voor elk overleg in Casustafel de stand van haar openstaande afspraken, zodat het "
            "overleg niet met navragen begint.",
        )
        self.action(
            plan,
            "Cruciale partners bevestigen hun aanwezigheid een week vooraf",
            veilig_thuis,
            self.today + dt.timedelta(days=35),
            [("crucial_attendance", "up")],
            "Cruciale partners bevestigen hun komst een week vooraf of sturen een vervanger met mandaat.",
        )

    def action(
        self,
        plan: ImprovementPlan,
        title: str,
        owner: Membership,
        due: dt.date,
        indicators: list[tuple[str, str]],
        description: str,
    ) -> ImprovementAction:
        action = improvement_action_create(
            actor=self.director,
            plan=plan,
            title=title,
            description=description,
            organisation=owner.organisation,
            owner=owner.user,
            due_date=max(due, self.today),
            indicators=indicators,
        )
        # Made with the plan; the overdue one was due before today (the service refuses a past date).
        made = _at(plan.created_at.date() if plan.created_at else self.today)
        demo_dates_set(actor=SYSTEM, obj=action, created_at=made, updated_at=made, due_date=due)
        self.result.actions += 1
        return action

    # -- the report's targets and outside figures -----------------------------------------

    def targets(self) -> None:
        """The house manager installs the catalogue and records the board's norms on the main
        process indicators, each a new version of its definition with an owner and why."""
        manager = self.region.actor(self.region.staff(Role.HOUSE_MANAGER))
        indicator_catalogue_install(actor=manager, house=self.region.house)
        for key, direction, target, owner in TARGETS:
            indicator = Indicator.objects.get(house=self.region.house, key=key)
            indicator_revise(
                actor=manager,
                indicator=indicator,
                expected_version=indicator.version,
                reason=f"Norm vastgesteld door de bestuurscommissie in het jaarplan {self.today.year}",
                target=target,
                target_direction=direction,
                owner=owner,
            )
            self.result.targets += 1

    def police_incidents(self) -> None:
        """The police's registered domestic-violence incidents per municipality of the last two
        years, entered by the process director with the police's system named as their source:
        the year before last definitive, last year still provisional."""
        director = self.director
        indicator = indicator_add_external(
            actor=director,
            house=self.region.house,
            key=POLICE_INDICATOR,
            name="Incidenten huiselijk geweld volgens de politie",
            kind=IndicatorKind.OUTPUT,
            counts="Door de politie geregistreerde incidenten huiselijk geweld per woongemeente, per jaar.",
            unit=IndicatorUnit.COUNT,
            source_name=POLICE_SOURCE,
            grain=PublishGrain.YEAR,
            owner="Ketenmanager",
            reason="Context bij de aanmeldingen: hoeveel incidenten de politie ziet",
        )
        municipalities = {
            key: organisation
            for key, organisation in self.region.organisations.items()
            if organisation.sector == Sector.MUNICIPALITY and key in POLICE_INCIDENTS
        }
        for back, status in ((2, FigureStatus.DEFINITIVE), (1, FigureStatus.PROVISIONAL)):
            year = self.today.year - back
            total = 0
            for key, base in POLICE_INCIDENTS.items():
                count = round(base * (1 + self.rng.uniform(-0.08, 0.08)))
                total += count
                self.figure(indicator, year, municipalities[key], count, status)
            self.figure(indicator, year, None, total, status, note="Som van de gemeenten")

    def figure(
        self,
        indicator: Indicator,
        year: int,
        municipality: Organisation | None,
        count: int,
        status: str,
        note: str = "",
    ) -> None:
        external_figure_record(
            actor=self.director,
            indicator=indicator,
            period=str(year),
            municipality=municipality,
            value=Decimal(count),
            source=f"{POLICE_SOURCE}, jaaroverzicht {year}",
            status=status,
            note=note,
        )
        self.result.outside_figures += 1

    # -- effort ------------------------------------------------------------------------------

    def effort(self) -> None:
        """Each answering organisation's hours of the last four months: spent on preparing and
        attending, saved on coordination; how sure they are differs per organisation."""
        action = ImprovementAction.objects.filter(plan__house=self.region.house).order_by("pk").first()
        evidence = (Evidence.MEASURED, Evidence.ESTIMATED, Evidence.FELT)
        first_of_this_month = self.today.replace(day=1)
        for number, key in enumerate(EFFORT_ORGANISATIONS):
            member = self.login(key) if key in ("veilig_thuis", "police") else self.region.professionals(key)[0]
            actor = self.region.actor(member)
            for back in range(1, 5):
                month = (first_of_this_month - dt.timedelta(days=28 * back)).replace(day=1)
                for activity, direction, hours, linked in (
                    (Activity.PREPARING, EffortDirection.MORE, 2 + self.rng.randint(0, 8) / 2, False),
                    (Activity.AGREEMENTS, EffortDirection.MORE, 1 + self.rng.randint(0, 6) / 2, False),
                    (Activity.COORDINATION, EffortDirection.LESS, 1 + self.rng.randint(0, 8) / 2, True),
                ):
                    effort_entry_record(
                        actor=actor,
                        house=self.region.house,
                        organisation=member.organisation,
                        month=month,
                        activity=activity,
                        direction=direction,
                        hours=Decimal(str(hours)),
                        evidence=evidence[number % 3],
                        meeting_type=self.meeting_type,
                        action=action if linked else None,
                        note="Minder losse telefoontjes na het overleg." if linked else "",
                    )
                    self.result.effort_entries += 1
