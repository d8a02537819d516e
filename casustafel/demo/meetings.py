"""Demo meetings: two years of held meetings with their attendance, and the coming weeks'
meetings with proposed agendas, tailored invitations, answers still open and one split item
with client participation. Written through the ordinary services by the secretary, the
partners who answer and the administrator who sets up the meeting types.

What it adds to the demo house (once; a house with meetings is left alone):

- the six meeting types' partners: crucial and default partner organisations per type
  (`meeting_type_update`, by the administrator);
- past meetings per meeting type at its own rhythm since its first case, each with the cases
  of that type open at the time, invitations sent and answered (mostly coming, sometimes a
  substitute, sometimes declined or no answer) and the attendance that followed;
- upcoming: a Casus-op-Maat with an agenda proposed from review dates and a closure proposal,
  the police (a crucial partner) not confirmed yet, and the Veilig Thuis and police log-ins
  each invited to a different item; an MDA++ whose first item is split in three parts (the
  public prosecutor without the clients, the mother without the father, the father without
  the mother) with client participation and its letter; a short Actie-overleg tomorrow; a
  zorgoverleg huiselijk geweld with an empty agenda.

Dates: the services refuse a meeting in the past, so each past meeting is planned a few days
ahead, filled and sent, and then moved to its date with `demo_dates_set` (audited), after which
it is opened and closed and its attendance recorded, as would have happened on the day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus, PartyRole
from casustafel.cases.services.cases import case_closure_propose, case_review_date_set
from casustafel.demo.region import OFFICE_KEY
from casustafel.demo.services import demo_dates_set
from casustafel.demo.transactions import story
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AttendanceStatus,
    Invitation,
    InvitationStatus,
    Meeting,
    ParticipationMode,
)
from casustafel.meetings.services.attendance import attendance_record
from casustafel.meetings.services.invitations import invitation_add, invitation_respond, invitations_send
from casustafel.meetings.services.meeting_types import meeting_type_update
from casustafel.meetings.services.meetings import (
    agenda_item_add,
    agenda_propose,
    meeting_finish,
    meeting_plan,
    meeting_start,
)
from casustafel.meetings.services.parts import PartSpec, agenda_item_split, client_participation_update, part_add
from casustafel.notifications.models import Notification
from casustafel.organisations.models import Membership, Role

if TYPE_CHECKING:  # builder.py calls this module: import it for the types only
    from casustafel.demo.builder import DemoRegion, Writer

SYSTEM = Actor.system()
SEED_OFFSET = 10
PLACE = "Vergaderzaal Zorg- en Veiligheidshuis, Hilversum"
ONLINE = "https://overleg.zvh-gooienvechtstreek.example/kamer-2"

# Per meeting type: crucial partners, default partners, days between meetings, weekday, hour.
TYPE_SETUP: dict[str, tuple[tuple[str, ...], tuple[str, ...], int, int, int]] = {
    "Casus-op-Maat": (("police",), (), 28, 1, 10),
    "Zorgoverleg huiselijk geweld": (("veilig_thuis", "police"), ("reclassering",), 14, 0, 9),
    "MDA++": (("veilig_thuis", "police", "om"), ("ggz_centraal",), 42, 3, 13),
    "Top-X": (("police", "om"), (), 35, 0, 14),
    "Nazorg ex-gedetineerden": (("reclassering",), ("gemeente_hilversum",), 42, 2, 9),
    "Actie-overleg": (("police", "veilig_thuis"), (), 7, 4, 8),
}
# A case is discussed at most this many times in the demo's past; more makes no story.
PAST_ITEMS_PER_MEETING = 4


@dataclass
class DemoMeetings:
    """What `build_demo_meetings` made (empty when the house had meetings already)."""

    created: bool
    past: list[Meeting] = field(default_factory=list)
    upcoming: list[Meeting] = field(default_factory=list)
    split_item: AgendaItem | None = None

    def summary(self) -> str:
        return f"{len(self.past)} held meetings, {len(self.upcoming)} upcoming"


def build_demo_meetings(region: DemoRegion, *, stdout: Writer | None = None) -> DemoMeetings:
    """Add the demo meetings to the demo house, once."""
    if Meeting.objects.filter(house=region.house).exists():
        return DemoMeetings(created=False)
    with story():
        result = _Builder(region).build()
    if stdout is not None:
        stdout.write(f"  {result.summary()}\n")
    return result


class _Builder:
    def __init__(self, region: DemoRegion) -> None:
        self.region = region
        self.rng = random.Random(region.seed * 1000 + SEED_OFFSET)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.secretary = region.actor(region.staff(Role.SECRETARY))
        self.directors = [m for m in region.members[OFFICE_KEY] if m.role == Role.PROCESS_DIRECTOR]
        self.types = {t.name: t for t in MeetingType.objects.filter(house=region.house)}
        self.by_org: dict[int, list[Membership]] = {}
        for members in region.members.values():
            for membership in members:
                if membership.role == Role.PROFESSIONAL:
                    self.by_org.setdefault(membership.organisation_id, []).append(membership)
        self.result = DemoMeetings(created=True)

    def build(self) -> DemoMeetings:
        self._set_up_types()
        for name, meeting_type in self.types.items():
            self._past(meeting_type, TYPE_SETUP.get(name, ((), (), 28, 1, 10)))
        self._upcoming()
        return self.result

    # -- the meeting types ----------------------------------------------------------------

    def _set_up_types(self) -> None:
        administrator = self.region.actor(self.region.staff(Role.ADMINISTRATOR))
        organisations = self.region.organisations
        for name, (crucial, default, *_rhythm) in TYPE_SETUP.items():
            if name in self.types:
                self.types[name] = meeting_type_update(
                    actor=administrator,
                    meeting_type=self.types[name],
                    expected_version=None,
                    crucial_organisations=[organisations[key] for key in crucial if key in organisations],
                    default_organisations=[organisations[key] for key in default if key in organisations],
                )

    # -- the past ---------------------------------------------------------------------------

    def _past(self, meeting_type: MeetingType, setup: tuple[tuple[str, ...], tuple[str, ...], int, int, int]) -> None:
        _crucial, _default, every, weekday, hour = setup
        # Active cases only: the services put no closed case on an agenda, and the two cases the
        # retention demo closed were closed before this builder runs.
        cases = list(
            Case.objects.filter(meeting_type=meeting_type, status=CaseStatus.ACTIVE).order_by("opened_at", "pk")
        )
        if not cases:
            return
        day = timezone.localdate(cases[0].opened_at) + dt.timedelta(days=5)
        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        discussed: set[int] = set()
        while day < self.today - dt.timedelta(days=3):
            start = self._at(day, hour)
            current = [case for case in cases if case.opened_at < start - dt.timedelta(days=2)][:PAST_ITEMS_PER_MEETING]
            if current:
                self.result.past.append(self._held(meeting_type, start, current, discussed))
            day += dt.timedelta(days=every)

    def _held(self, meeting_type: MeetingType, start: dt.datetime, cases: list[Case], discussed: set[int]) -> Meeting:
        """Plan a few days ahead, fill, send and answer; then move it to `start`, open and close
        it and record who came."""
        minutes = min(meeting_type.minutes_per_case * len(cases), meeting_type.default_duration_minutes)
        per_case = max(5, minutes // len(cases))
        meeting = self._plan(
            meeting_type, self._at(self.today + dt.timedelta(days=3), 8), per_case * len(cases), upcoming=False
        )
        for case in cases:
            kind = AgendaItemKind.FOLLOW_UP if case.pk in discussed else AgendaItemKind.NEW
            agenda_item_add(actor=self.secretary, meeting=meeting, case=case, kind=kind, planned_minutes=per_case)
            discussed.add(case.pk)
        sent_at = start - dt.timedelta(days=10)
        invitations_send(actor=self.secretary, meeting=meeting)
        for invitation in Invitation.objects.filter(item__meeting=meeting).select_related("item"):
            self._answer(invitation, sent_at)
        self._backdate(meeting, start, sent_at)
        meeting = meeting_start(actor=self.secretary, meeting=Meeting.objects.get(pk=meeting.pk))
        self._attendance(meeting)
        return meeting_finish(actor=self.secretary, meeting=meeting)

    def _answer(self, invitation: Invitation, sent_at: dt.datetime) -> None:
        roll = self.rng.random()
        if roll < 0.08:
            return  # no answer: absent without notice, or there without saying so
        members = self.by_org.get(invitation.organisation_id, [])
        answerer = next((m for m in members if m.user_id == invitation.invitee_id), members[0] if members else None)
        if answerer is None:
            return
        values: dict[str, object] = {"status": InvitationStatus.CONFIRMED}
        colleagues = [m for m in members if m.user_id not in (answerer.user_id, invitation.invitee_id)]
        if roll < 0.16:
            values = {"status": InvitationStatus.DECLINED, "decline_reason": self.rng.choice(DECLINE_REASONS)}
        elif roll < 0.26 and colleagues:
            values = {"status": InvitationStatus.SUBSTITUTE, "substitute": self.rng.choice(colleagues).user}
        answered = invitation_respond(
            actor=self.region.actor(answerer),
            invitation=invitation,
            expected_version=None,
            **values,  # type: ignore[arg-type]
        )
        responded = sent_at + dt.timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(0, 6))
        demo_dates_set(actor=SYSTEM, obj=answered, case_id=invitation.item.case_id, responded_at=responded)

    def _backdate(self, meeting: Meeting, start: dt.datetime, sent_at: dt.datetime) -> None:
        planned = sent_at - dt.timedelta(days=4)
        length = meeting.ends_at - meeting.starts_at
        demo_dates_set(
            actor=SYSTEM,
            obj=meeting,
            starts_at=start,
            ends_at=start + length,
            invitations_sent_at=sent_at,
            created_at=planned,
            updated_at=sent_at,
        )
        for invitation in Invitation.objects.filter(item__meeting=meeting).select_related("item"):
            case_id = invitation.item.case_id
            demo_dates_set(actor=SYSTEM, obj=invitation, case_id=case_id, notified_at=sent_at, created_at=planned)
            for involvement in CaseInvolvement.objects.filter(
                case=case_id, organisation=invitation.organisation_id, started_at__gt=start
            ).select_related("case"):
                begin = max(sent_at, involvement.case.opened_at)
                demo_dates_set(actor=SYSTEM, obj=involvement, case_id=case_id, started_at=begin, created_at=begin)
        # The notices of a meeting long past were read long ago.
        for notification in Notification.objects.filter(
            url__startswith=f"/overleggen/{meeting.pk}/", created_at__gte=self.now - dt.timedelta(hours=1)
        ):
            demo_dates_set(
                actor=SYSTEM,
                obj=notification,
                case_id=notification.case_id,
                created_at=sent_at,
                read_at=sent_at + dt.timedelta(hours=self.rng.randint(1, 30)),
            )

    def _attendance(self, meeting: Meeting) -> None:
        for item in meeting.items.prefetch_related("parts__invitations"):
            for part in item.parts.all():
                for invitation in part.invitations.all():
                    status = {
                        InvitationStatus.CONFIRMED: AttendanceStatus.PRESENT,
                        InvitationStatus.SUBSTITUTE: AttendanceStatus.PRESENT,
                        InvitationStatus.DECLINED: AttendanceStatus.ABSENT_WITH_NOTICE,
                    }.get(invitation.status, AttendanceStatus.ABSENT_WITHOUT_NOTICE)  # type: ignore[call-overload]
                    if invitation.status == InvitationStatus.PENDING and self.rng.random() < 0.5:
                        status = AttendanceStatus.PRESENT  # came without answering
                    attendance_record(actor=self.secretary, part=part, invitation=invitation, status=status)

    # -- the coming weeks ---------------------------------------------------------------------

    def _upcoming(self) -> None:
        self._upcoming_casus_op_maat()
        self._upcoming_mda()
        self._upcoming_action_meeting()
        zorgoverleg = self.types.get("Zorgoverleg huiselijk geweld")
        if zorgoverleg is not None:
            self.result.upcoming.append(self._plan(zorgoverleg, self._at(self._weekday(13, 0), 9), 120))

    def _upcoming_casus_op_maat(self) -> None:
        """An agenda proposed from a review date and a closure proposal; the police (crucial)
        and the Veilig Thuis log-in have not answered yet."""
        meeting_type = self.types["Casus-op-Maat"]
        start = self._at(self._weekday(4, 1), 10)
        active = list(Case.objects.filter(meeting_type=meeting_type, status=CaseStatus.ACTIVE).order_by("opened_at"))
        director = self.region.actor(self.directors[0])
        if len(active) >= 2:
            case_review_date_set(actor=director, case=active[0], review_date=timezone.localdate(start))
            case_closure_propose(actor=director, case=active[-1])
        meeting = self._plan(meeting_type, start, meeting_type.default_duration_minutes)
        agenda_propose(actor=self.secretary, meeting=meeting)
        logins = {key: self._login(key) for key in ("veilig_thuis", "police")}
        for item, key in zip(meeting.items.order_by("position"), logins, strict=False):
            organisation = self.region.organisations[key]
            if not item.invitations.filter(organisation=organisation).exists():
                invitation_add(actor=self.secretary, item=item, organisation=organisation, invitee=logins[key])
        invitations_send(actor=self.secretary, meeting=meeting)
        waiting = {self.region.organisations["police"].pk, self.region.organisations["veilig_thuis"].pk}
        self._confirm(Invitation.objects.filter(item__meeting=meeting).exclude(organisation__in=waiting))
        self.result.upcoming.append(meeting)

    def _upcoming_mda(self) -> None:
        """MDA++ with the newest domestic-violence case split in three parts: the professionals
        with the public prosecutor, then the mother without the father, then the father without
        the mother, never with the prosecutor; the mother prepared by Veilig Thuis."""
        meeting_type = self.types["MDA++"]
        cases = list(Case.objects.filter(meeting_type=meeting_type, status=CaseStatus.ACTIVE).order_by("-opened_at"))
        if not cases:
            return
        meeting = self._plan(meeting_type, self._at(self._weekday(6, 3), 13), meeting_type.default_duration_minutes)
        discussed = set(AgendaItem.objects.values_list("case", flat=True))
        items = [
            agenda_item_add(
                actor=self.secretary,
                meeting=meeting,
                case=case,
                kind=AgendaItemKind.FOLLOW_UP if case.pk in discussed else AgendaItemKind.NEW,
            )
            for case in cases[:2]
        ]
        item = AgendaItem.objects.get(pk=items[0].pk)
        participation = item.client_participation
        mother = list(participation.invited_parties.filter(role=PartyRole.VICTIM))
        father = list(participation.invited_parties.filter(role=PartyRole.SUBJECT))
        preparer = self._login("veilig_thuis")
        client_participation_update(
            actor=self.secretary,
            participation=participation,
            expected_version=None,
            invited_parties=mother + father,
            clients_invited=True,
            preparer=preparer,
            mode=ParticipationMode.IN_PERSON,
            trusted_person="Haar zus",
            client_input=(
                "Moeder wil dat de kinderen thuis kunnen blijven wonen en dat vader hulp krijgt voor zijn drinken. "
                "Zij wil niet met vader in één ruimte zitten. Vader wil zijn kinderen blijven zien."
            ),
        )
        invitations = list(item.invitations.select_related("organisation"))
        prosecution = {self.region.organisations[key].pk for key in ("om", "police")}
        without_prosecution = [i for i in invitations if i.organisation_id not in prosecution]
        third = item.planned_minutes // 3
        agenda_item_split(
            actor=self.secretary,
            item=item,
            first=PartSpec("Deel 1: professionals met het OM, zonder cliënten", third, invitations, []),
            second=PartSpec("Deel 2: met moeder, zonder het OM en zonder vader", third, without_prosecution, mother),
        )
        part_add(
            actor=self.secretary,
            item=item,
            spec=PartSpec("Deel 3: met vader, zonder het OM en zonder moeder", third, without_prosecution, father),
        )
        invitations_send(actor=self.secretary, meeting=meeting)
        self._confirm(Invitation.objects.filter(item__meeting=meeting))
        self.result.split_item = item
        self.result.upcoming.append(meeting)

    def _upcoming_action_meeting(self) -> None:
        """Tomorrow morning, short: two cases, ten minutes each."""
        meeting_type = self.types["Actie-overleg"]
        meeting = self._plan(meeting_type, self._at(self.today + dt.timedelta(days=1), 8, 30), 45)
        busy = AgendaItem.objects.filter(meeting__starts_at__gte=meeting.starts_at - dt.timedelta(hours=4))
        cases = Case.objects.filter(house=self.region.house, status=CaseStatus.ACTIVE).exclude(
            pk__in=busy.values("case")
        )
        for case in cases.order_by("-opened_at")[:2]:
            agenda_item_add(actor=self.secretary, meeting=meeting, case=case, kind=AgendaItemKind.FOLLOW_UP)
        if Invitation.objects.filter(item__meeting=meeting).exists():
            invitations_send(actor=self.secretary, meeting=meeting)
            self._confirm(Invitation.objects.filter(item__meeting=meeting))
        self.result.upcoming.append(meeting)

    def _confirm(self, invitations: QuerySet[Invitation]) -> None:
        for invitation in invitations:
            members = self.by_org.get(invitation.organisation_id, [])
            answerer = next((m for m in members if m.user_id == invitation.invitee_id), members[0] if members else None)
            if answerer is not None:
                invitation_respond(
                    actor=self.region.actor(answerer),
                    invitation=invitation,
                    expected_version=None,
                    status=InvitationStatus.CONFIRMED,
                )

    # -- helpers ------------------------------------------------------------------------------

    def _plan(self, meeting_type: MeetingType, start: dt.datetime, minutes: int, *, upcoming: bool = True) -> Meeting:
        chair = self.directors[self.rng.randrange(len(self.directors))].user
        if upcoming:
            # The process director of the log-in table chairs what is still to come, so the demo's
            # walk-through (docs/demo.md: live meeting, approving the minutes) works as that user.
            chair = self.directors[0].user
        online = meeting_type.name in ("Actie-overleg", "Nazorg ex-gedetineerden")
        return meeting_plan(
            actor=self.secretary,
            house=self.region.house,
            meeting_type=meeting_type,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=max(minutes, 15)),
            location="" if online else PLACE,
            online_link=ONLINE if online or meeting_type.name == "MDA++" else "",
            chair=chair,
            minute_taker=self.region.staff(Role.SECRETARY).user,
        )

    def _login(self, key: str) -> User:
        return next(m.user for m in self.region.professionals(key) if not m.is_ambassador)

    def _weekday(self, days_ahead: int, weekday: int) -> dt.date:
        day = self.today + dt.timedelta(days=days_ahead)
        return day + dt.timedelta(days=(weekday - day.weekday()) % 7)

    @staticmethod
    def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


DECLINE_REASONS = (
    "Verhinderd door een zitting bij de rechtbank.",
    "Ziek; de casus wordt na het overleg met mij doorgesproken.",
    "Geen collega beschikbaar die de casus kent; ik lever mijn informatie vooraf aan.",
)
