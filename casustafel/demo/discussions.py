"""Demo discussions: what was said and decided in two years of held meetings, recorded through
the live meeting's services by each meeting's minute-taker and chair, and the minutes approved.

Per case, over its meetings in order: the leidraad's phases for the types that use it (MDA++),
starting in direct safety, moving on to risk-driven care and, for the first such case, back to
direct safety after a new incident before moving on again; answers to the guide's questions,
concerns with their source, strengths, needs, a top-3 risk, a brainstorm apart from the
priorities; 0-10 scores from the organisations at the table and the mother; a bodemeis at the
first meeting; one or two agreements per meeting (organisation, named person, kind,
justification); now and then the chair skips the Vooraf part of a follow-up. Each meeting's
minutes are approved by its chair, and the dates are moved to the meeting day
(`demo_dates_set`, audited). Cases closed since are left as their meetings found them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import CaseInvolvement, CaseStatus
from casustafel.demo.services import demo_dates_set
from casustafel.demo.transactions import recoverable, story
from casustafel.meeting_types.guide_services import discussion_guides_install_default
from casustafel.meeting_types.models import Capture, GuideQuestion, PartKind, SafetyPhase
from casustafel.meetings.discussion import services
from casustafel.meetings.models import AgendaItem, AgendaItemPart, Discussion, Meeting
from casustafel.notifications.models import Notification
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership
from casustafel.plans.models import AgreementKind
from casustafel.plans.selectors import current_phase
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis
from casustafel.privacy.provenance.checks import ProvenanceData

if TYPE_CHECKING:  # builder.py calls this module: import it for the types only
    from casustafel.demo.builder import DemoRegion, Writer
    from casustafel.demo.meetings import DemoMeetings

SYSTEM = Actor.system()
SEED_OFFSET = 20

ANSWERS: dict[str, list[str]] = {
    PartKind.BEFORE_HAND: [
        "Moeder en drie kinderen (4, 9 en 14 jaar); vader woont sinds de zomer bij zijn broer. Moeder werkt mee, vader wisselend.",
        "Gezin met twee kinderen; ouders gescheiden, omgangsregeling staat onder druk. Schulden en huurachterstand.",
        "Jeugdbescherming (OTS), maatschappelijk werk voor moeder, reclasseringstoezicht voor vader.",
    ],
    PartKind.PICTURE: [
        "Politie is dit jaar vier keer ter plaatse geweest na ruzies. De oudste zoon gaat tussen de ouders in staan.",
        "De kinderen zijn zichtbaar angstig; school meldt verzuim van de middelste. Vader drinkt na werktijd.",
        "Sinds het contactverbod zijn er geen nieuwe incidenten gemeld; moeder houdt zich aan het veiligheidsplan.",
        "Onduidelijk is nog hoe vader de omgang invult; de GGZ-behandeling van moeder loopt.",
    ],
    PartKind.JUDGEMENT: [
        "Er zijn nog zorgen om de directe veiligheid zolang vader onaangekondigd langskomt.",
        "De directe veiligheid is voldoende geborgd; het werk verschuift naar de risico's: alcohol en schulden.",
        "Stabiele veiligheid: drie maanden zonder incidenten. Herstel van de relatie moeder en oudste zoon is nodig.",
    ],
    PartKind.DECISION: [
        "Eerst het veiligheidsplan en de bodemeis; de schuldhulp start zodra de aanmelding rond is.",
        "Volgende bespreking over zes weken; tussentijds houdt de casusregisseur iedereen op de hoogte per e-mail met alleen een link.",
    ],
}
CONCERNS = [
    ("Vader komt onaangekondigd langs en dreigt dan.", "Melding moeder bij Veilig Thuis"),
    ("De oudste zoon slaapt slecht en verzuimt school.", "Mentor, gesprek school"),
    ("Moeder is uitgeput en zegt het niet meer aan te kunnen.", "Huisbezoek maatschappelijk werk"),
]
STRENGTHS = [
    "Oma woont om de hoek en vangt de kinderen op.",
    "Moeder zoekt zelf hulp en houdt afspraken na.",
    "Vader wil zijn kinderen blijven zien en staat open voor behandeling.",
]
NEEDS = [
    "Een veiligheidsplan dat moeder en de kinderen kennen.",
    "Behandeling van het alcoholgebruik van vader.",
    "Traumabehandeling voor de oudste zoon.",
]
IDEAS = [
    "Buurtsportcoach voor de middelste zoon.",
    "Inzet ervaringsdeskundige voor moeder.",
    "Mediation over de omgang zodra het veilig is.",
]
PRIORITIES = [
    ("Veiligheidsplan met moeder en de kinderen", "Directe veiligheid gaat voor alles"),
    ("Aanmelding schuldhulpverlening", "Geldzorgen zijn de aanleiding van de ruzies"),
]
REQUIREMENTS = [
    (
        "Vader komt niet in de woning en niet binnen 500 meter van school.",
        "De politie wordt direct gebeld; het OM vraagt een contactverbod als bijzondere voorwaarde.",
    ),
    (
        "De kinderen gaan elke dag naar school.",
        "De leerplichtambtenaar en de casusregisseur gaan dezelfde week op huisbezoek.",
    ),
]
AGREEMENTS = [
    (
        "Veiligheidsplan opstellen met moeder en bespreken met de kinderen.",
        AgreementKind.HOUSEHOLD_ACTION,
        "Moeder vraagt erom; de kinderen weten niet wat ze moeten doen bij een incident.",
    ),
    (
        "Politie-informatie over de laatste incidenten delen met Veilig Thuis.",
        AgreementKind.INFORMATION_EXCHANGE,
        "Nodig om de risicotaxatie bij te werken.",
    ),
    (
        "Aanmelden bij verslavingszorg en de intake plannen.",
        AgreementKind.PROFESSIONAL_ACTION,
        "Alcoholgebruik is de belangrijkste dynamische risicofactor.",
    ),
    (
        "Huisbezoek en terugkoppeling van de bespreking aan moeder.",
        AgreementKind.HOUSEHOLD_ACTION,
        "Moeder was niet aanwezig; zij hoort wat er is afgesproken.",
    ),
]
BACK_REASON = "Nieuw incident: vader is weer in huis geweest en heeft gedreigd. Eerst weer de directe veiligheid."


@dataclass
class DemoDiscussions:
    created: bool
    discussions: int = 0
    approved: int = 0
    backward_moves: int = 0

    def summary(self) -> str:
        return f"{self.discussions} discussions, {self.approved} approved minutes, {self.backward_moves} backward phase moves"


def build_demo_discussions(
    region: DemoRegion, meetings: DemoMeetings, *, stdout: Writer | None = None
) -> DemoDiscussions:
    """Record the discussions of the demo's held meetings, once (after `build_demo_meetings`)."""
    if not meetings.created or Discussion.objects.filter(item__meeting__house=region.house).exists():
        return DemoDiscussions(created=False)
    with story():
        result = _Builder(region).build(meetings.past)
    if stdout is not None:
        stdout.write(f"  {result.summary()}\n")
    return result


class _Builder:
    def __init__(self, region: DemoRegion) -> None:
        self.region = region
        self.rng = random.Random(region.seed * 1000 + SEED_OFFSET)
        self.result = DemoDiscussions(created=True)
        self.meetings_of_case: dict[int, int] = {}

    def build(self, past: list[Meeting]) -> DemoDiscussions:
        discussion_guides_install_default(actor=SYSTEM, house=self.region.house)
        for meeting in sorted(past, key=lambda m: m.starts_at):
            self._meeting(Meeting.objects.select_related("chair", "minute_taker").get(pk=meeting.pk))
        return self.result

    def _actor(self, user_id: int | None) -> Actor:
        membership = (
            Membership.objects.active()
            .filter(user=user_id, organisation__is_house_office=True)
            .select_related("user")
            .first()
        )
        assert membership is not None, "the demo's chairs and minute-takers work for the house office"
        return Actor(user=membership.user, membership=membership)

    def _meeting(self, meeting: Meeting) -> None:
        recorder = self._actor(meeting.minute_taker_id or meeting.chair_id)
        chair = self._actor(meeting.chair_id)
        moment = meeting.starts_at
        discussed = False
        for item in AgendaItem.objects.filter(meeting=meeting).select_related("case", "meeting").order_by("position"):
            if item.case.status != CaseStatus.ACTIVE:
                continue
            self._item(recorder, chair, item, moment)
            moment += dt.timedelta(minutes=item.planned_minutes)
            discussed = True
        if not discussed:
            return
        minutes = services.minutes_approve(actor=chair, meeting=meeting)
        approved_at = meeting.ends_at + dt.timedelta(minutes=15)
        demo_dates_set(actor=SYSTEM, obj=minutes, approved_at=approved_at, created_at=meeting.starts_at)
        for notice in Notification.objects.filter(url=f"/overleggen/{meeting.pk}/verslag/", read_at__isnull=True):
            demo_dates_set(
                actor=SYSTEM,
                obj=notice,
                case_id=notice.case_id,
                created_at=approved_at,
                read_at=approved_at + dt.timedelta(hours=self.rng.randint(1, 48)),
            )
        self.result.approved += 1

    def _item(self, recorder: Actor, chair: Actor, item: AgendaItem, start: dt.datetime) -> None:
        discussion = services.discussion_open(actor=recorder, item=item)
        part = item.parts.order_by("position", "pk").first()
        if part is None or discussion.guide_version_id is None:
            return
        self.result.discussions += 1
        number = self.meetings_of_case.get(item.case_id, 0)
        self.meetings_of_case[item.case_id] = number + 1
        services.discussion_timer(actor=chair, discussion=discussion, run=True, at=start)
        phased = discussion.guide_version.phases.exclude(safety_phase="").exists()  # type: ignore[union-attr]
        if phased:
            self._phase(recorder, discussion, part, item, number, start)
        phase = current_phase(item.case) or SafetyPhase.DIRECT_SAFETY
        questions = list(
            GuideQuestion.objects.filter(part__phase__version=discussion.guide_version_id)
            .filter(part__phase__safety_phase=phase if phased else "")
            .select_related("part__phase")
            .order_by("part__position", "position")
        )
        if number > 0 and self.rng.random() < 0.4:
            before_hand = next((q.part for q in questions if q.part.kind == PartKind.BEFORE_HAND), None)
            if before_hand is not None:
                services.part_skip(actor=chair, discussion=discussion, guide_part=before_hand)
        for question in questions:
            self._question(recorder, discussion, part, item, question, number)
        end = start + dt.timedelta(minutes=max(5, item.planned_minutes + self.rng.randint(-4, 6)))
        services.discussion_timer(actor=chair, discussion=discussion, run=False, at=end)

    def _phase(
        self,
        recorder: Actor,
        discussion: Discussion,
        part: AgendaItemPart,
        item: AgendaItem,
        number: int,
        at: dt.datetime,
    ) -> None:
        now = current_phase(item.case)
        target, reason = "", ""
        if not now:
            target, reason = SafetyPhase.DIRECT_SAFETY, "Nieuwe casus: zorgen om de directe veiligheid."
        elif now == SafetyPhase.DIRECT_SAFETY and number >= 1:
            target, reason = (
                SafetyPhase.RISK_REDUCTION,
                "Geen acute zorgen meer: veiligheidsplan werkt, bodemeis nagekomen.",
            )
        elif now == SafetyPhase.RISK_REDUCTION and number == 2 and not self.result.backward_moves:
            target, reason = SafetyPhase.DIRECT_SAFETY, BACK_REASON
            self.result.backward_moves += 1
        elif now == SafetyPhase.RISK_REDUCTION and number >= 3:
            target, reason = SafetyPhase.RECOVERY, "Stabiele veiligheid sinds drie maanden; het werk gaat over herstel."
        if target:
            move = services.discussion_phase_move(
                actor=recorder,
                discussion=discussion,
                part=part,
                to_phase=target,
                reason=reason,  # type: ignore[arg-type]
            )
            demo_dates_set(actor=SYSTEM, obj=move, case_id=item.case_id, moved_at=at, created_at=at)

    def _question(
        self,
        recorder: Actor,
        discussion: Discussion,
        part: AgendaItemPart,
        item: AgendaItem,
        question: GuideQuestion,
        number: int,
    ) -> None:
        add: dict[str, Any] = {"actor": recorder, "discussion": discussion, "part": part}
        pool = ANSWERS.get(question.part.kind)
        if pool and (question.captures or self.rng.random() < 0.5):
            services.answer_save(**add, question=question, text=self.rng.choice(pool), expected_version=None)
        for capture in question.captures:
            try:
                with recoverable():
                    self._capture(add, item, question, capture, number)
            except ValidationError:
                continue  # e.g. the covenant does not let that sector bring in the category

    def _capture(
        self, add: dict[str, Any], item: AgendaItem, question: GuideQuestion, capture: str, number: int
    ) -> None:
        rng = self.rng
        involved = list(
            CaseInvolvement.objects.current().filter(case=item.case).select_related("organisation").order_by("pk")
        )
        organisations = [i.organisation for i in involved]
        if capture == Capture.CONCERNS:
            text, source = rng.choice(CONCERNS)
            services.entry_add(**add, question=question, kind="concern", text=text, source=source)
        elif capture == Capture.STRENGTHS:
            services.entry_add(**add, question=question, kind="strength", text=rng.choice(STRENGTHS))
        elif capture == Capture.NEEDS:
            services.entry_add(**add, question=question, kind="need", text=rng.choice(NEEDS))
        elif capture == Capture.INCIDENTS and number == 0:
            services.entry_add(
                **add,
                question=question,
                kind="incident",
                incident_moment="latest",
                occurred="vorige maand",
                text="Ruzie met geweld; politie ter plaatse.",
            )
        elif capture == Capture.RISKS:
            services.entry_add(
                **add,
                question=question,
                kind="risk",
                text="Alcoholgebruik van vader",
                risk_stability="dynamic",
                risk_scope="individual",
                rank=1 if not number % 2 else None,
            )
        elif capture == Capture.BRAINSTORM and organisations:
            services.entry_add(
                **add, question=question, kind="idea", text=rng.choice(IDEAS), organisation=rng.choice(organisations)
            )
        elif capture == Capture.PRIORITIES:
            text, reason = rng.choice(PRIORITIES)
            services.entry_add(
                **add, question=question, kind="priority", text=text, reason=reason, term="short", rank=1
            )
        elif capture == Capture.SCORES:
            base = min(9, 3 + number)
            for organisation in organisations[:2]:
                services.score_record(
                    **add,
                    participant=organisation.name,
                    organisation=organisation,
                    score=base + rng.randint(-1, 1),
                    justification="Zie de beeldvorming; de zorgen nemen af."
                    if number
                    else "Veel zorgen, geen zicht op veiligheid.",
                )
            services.score_record(
                **add,
                participant="Moeder",
                score=max(0, base - 1),
                justification="Zegt zich thuis nog niet veilig te voelen."
                if number < 2
                else "Het gaat beter, zegt ze.",
            )
        elif capture == Capture.FACTS and organisations:
            services.picture_fact_add(
                **add,
                organisation=organisations[0],
                text="Sinds de vorige bespreking één melding: een telefonische bedreiging, aangifte gedaan.",
                source="Mutatie politie en gesprek moeder",
                provenance=ProvenanceData(
                    category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN
                ),
            )
        elif capture == Capture.REQUIREMENTS and number == 0 and organisations:
            what, if_not_met = REQUIREMENTS[item.case_id % len(REQUIREMENTS)]
            services.discussion_requirement_add(**add, what=what, monitor=organisations[0], if_not_met=if_not_met)
        elif capture == Capture.AGREEMENTS and organisations:
            for what, kind, justification in rng.sample(AGREEMENTS, k=rng.randint(1, 2)):
                organisation = rng.choice(organisations)
                owner = (
                    Membership.objects.active()
                    .filter(organisation=organisation, role__in=CASE_WORKER_ROLES)
                    .select_related("user")
                    .order_by("pk")
                    .first()
                )
                if owner is None:
                    continue
                services.discussion_agreement_add(
                    **add,
                    organisation=organisation,
                    owner=owner.user,
                    what=what,
                    due_date=timezone.localdate(item.meeting.starts_at) + dt.timedelta(days=rng.choice((7, 14, 21))),
                    kind=kind,
                    justification=justification,
                )
