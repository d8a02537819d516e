"""Meetings, action plans, goals and agreements of the national data set (issue 12), in the
shapes the reports read (`casustafel/reporting/indicators/`, docs/indicators.md):

- every house holds a weekly case meeting (Tuesday 09:30 local time); meetings in the past are
  held, later ones planned;
- a case is on the agenda of its first meeting on or after `first_meeting_date`, then every 4 to
  10 weeks while it runs; the last item before closure proposes closing it. Each item has one
  part, an invitation per involved organisation (the referring one crucial, others now and
  then), the attendance of held meetings (mostly recorded) and, for most items, how the clients
  took part;
- a case gets an action plan with one to four goals, whose status at closure is achieved, not
  achieved or still open (a few withdrawn);
- each discussion makes one or two agreements for the involved organisations: accepted, declined
  or never answered; done on time, done late, or still open (overdue once past the due date);
  what is open when the case closes is cancelled or continues outside the house.

Written with COPY like the rest (`sink.Table`); the create events of plans, items and
agreements join the audit trail, dated within the story as `generate.py` asks.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Model

from bench.national.generate import Context, Story, member
from casustafel.audit.models import AuditAction
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemPart,
    Attendance,
    AttendanceStatus,
    ClientParticipation,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    ParticipationMode,
)
from casustafel.plans.models import Agreement, AgreementEnd, AgreementKind, AgreementProgress, AgreementResponse
from casustafel.plans.models_plan import ActionPlan, Approach, Goal, GoalStatus

MODELS: list[type[Model]] = [
    Meeting, AgendaItem, AgendaItemPart, AgendaItemPart.invitations.through, Invitation, Attendance,
    ClientParticipation, ActionPlan, Goal, Agreement,
]  # fmt: skip
WEEK = dt.timedelta(days=7)


class MeetingsAndPlans:
    def __init__(self, ctx: Context) -> None:
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.meeting = ctx.table(Meeting, ["id", "created_at", "updated_at", "version", "house_id", "meeting_type_id",
            "starts_at", "ends_at", "location", "online_link", "chair_id", "minute_taker_id", "status",
            "invitations_sent_at", "created_by_id"])  # fmt: skip
        self.item = ctx.table(AgendaItem, ["id", "created_at", "updated_at", "version", "meeting_id", "case_id", "kind",
            "position", "planned_minutes"])  # fmt: skip
        self.part = ctx.table(AgendaItemPart, ["id", "created_at", "updated_at", "version", "item_id", "position",
            "title", "planned_minutes"])  # fmt: skip
        self.part_invitation = ctx.table(
            AgendaItemPart.invitations.through, ["id", "agendaitempart_id", "invitation_id"]
        )
        self.invitation = ctx.table(Invitation, ["id", "created_at", "updated_at", "version", "item_id",
            "organisation_id", "invitee_id", "is_crucial", "status", "substitute_id", "decline_reason",
            "responded_at", "responded_by_id", "notified_at"])  # fmt: skip
        self.attendance = ctx.table(Attendance, ["id", "created_at", "updated_at", "version", "part_id",
            "invitation_id", "status", "attended_by_id", "as_substitute", "recorded_by_id"])  # fmt: skip
        self.participation = ctx.table(ClientParticipation, ["id", "created_at", "updated_at", "version", "item_id",
            "clients_invited", "not_invited_reason", "preparer_id", "client_input", "trusted_person", "mode",
            "debrief_by_id", "debrief_on", "debrief_notes"])  # fmt: skip
        self.plan = ctx.table(ActionPlan, ["id", "created_at", "updated_at", "version", "case_id", "approach",
            "common_goal", "problem", "household_summary", "number"])  # fmt: skip
        self.goal = ctx.table(Goal, ["id", "created_at", "updated_at", "version", "plan_id", "title", "criterion",
            "owner_organisation_id", "owner_id", "target_date", "status", "evidence", "status_on", "position",
            "withdrawn_at"])  # fmt: skip
        self.agreement = ctx.table(Agreement, ["id", "created_at", "updated_at", "version", "case_id",
            "organisation_id", "owner_id", "what", "due_date", "due_time", "kind", "justification", "created_by_id",
            "goal_id", "response", "responded_at", "responded_by_id", "decline_reason", "progress", "progress_at",
            "ended_at", "end", "continues_with"])  # fmt: skip
        # (house id, Tuesday) -> (meeting id, starts at, held), and the next agenda position.
        self.meetings: dict[tuple[int, dt.date], tuple[int, dt.datetime, bool]] = {}
        self.positions: dict[int, int] = {}

    def _meeting(self, ctx: Context, story: Story, day: dt.date) -> tuple[int, dt.datetime, bool]:
        key = (story.house.house.pk, day)
        found = self.meetings.get(key)
        if found is None:
            starts = dt.datetime.combine(day, dt.time(9, 30), self.zone)
            held = starts + dt.timedelta(hours=3) < ctx.now
            chair = story.house.directors[0].user_id
            meeting_id = self.meeting.next_id()
            made = starts - 3 * WEEK
            self.meeting.add(meeting_id, made, starts if held else made, 2 if held else 1, story.house.house.pk,
                             story.house.meeting_type.pk, starts, starts + dt.timedelta(hours=3), "Zaal 1", "", chair,
                             None, MeetingStatus.HELD if held else MeetingStatus.PLANNED, starts - WEEK, chair)  # fmt: skip
            found = self.meetings[key] = (meeting_id, starts, held)
        return found

    @staticmethod
    def _tuesday(day: dt.date) -> dt.date:
        return day + dt.timedelta(days=(1 - day.weekday()) % 7)

    def per_case(self, ctx: Context, story: Story) -> None:
        if story.case_id is None or story.opened is None or story.first_meeting is None:
            return
        rng, case_id = ctx.rng, story.case_id
        director = member(story.director)
        end = story.closed or ctx.now
        # The discussions: the first meeting on or after the planned date, then every 4-10 weeks.
        days: list[dt.date] = []
        day = self._tuesday(story.first_meeting)
        horizon = (end + 2 * WEEK).date() if story.closed is None else story.closed.astimezone(self.zone).date()
        while day < horizon and len(days) < 12:
            days.append(day)
            day += WEEK * rng.randint(4, 10)
        plan_at = story.opened + dt.timedelta(days=rng.uniform(1, 10))
        goals = self._plan(ctx, story, plan_at)
        for index, day in enumerate(days):
            meeting_id, starts, held = self._meeting(ctx, story, day)
            kind = AgendaItemKind.NEW if index == 0 else AgendaItemKind.REVIEW
            if story.closed is not None and index == len(days) - 1 and index > 0:
                kind = AgendaItemKind.CLOSURE
            created = max(starts - WEEK, story.opened)
            item_id = self._item(ctx, story, meeting_id, starts, held, kind, created)
            ctx.audit.add(created, director, AuditAction.CREATE, ("meetings.agendaitem", item_id), case_id=case_id)
            if held:
                for _ in range(rng.choice([1, 1, 2])):
                    self._agreement(ctx, story, starts, goals)

    def _item(
        self, ctx: Context, story: Story, meeting_id: int, starts: dt.datetime, held: bool, kind: str,
        created: dt.datetime,
    ) -> int:  # fmt: skip
        rng = ctx.rng
        minutes = rng.choice([15, 20, 20, 30])
        position = self.positions.get(meeting_id, 0)
        self.positions[meeting_id] = position + 1
        item_id = self.item.next_id()
        self.item.add(item_id, created, created, 1, meeting_id, story.case_id, kind, position, minutes)
        part_id = self.part.next_id()
        self.part.add(part_id, created, created, 1, item_id, 0, "Bespreking", minutes)
        recorded = held and rng.random() < 0.92
        organisations = {m.organisation_id: m for m in story.involved}
        for number, (organisation, contact) in enumerate(organisations.items()):
            answer = rng.random()
            status = (
                InvitationStatus.CONFIRMED if answer < 0.85
                else InvitationStatus.DECLINED if answer < 0.95 else InvitationStatus.PENDING
            )  # fmt: skip
            responded = None if status == InvitationStatus.PENDING else created + dt.timedelta(days=2)
            invitation_id = self.invitation.next_id()
            self.invitation.add(invitation_id, created, responded or created, 1, item_id, organisation,
                                contact.user_id, number == 0 or rng.random() < 0.4, status, None,
                                "Andere verplichting" if status == InvitationStatus.DECLINED else "", responded,
                                contact.user_id if responded else None, created)  # fmt: skip
            self.part_invitation.add(self.part_invitation.next_id(), part_id, invitation_id)
            if recorded:
                came = rng.random() < (0.93 if status == InvitationStatus.CONFIRMED else 0.1)
                attendance = (
                    AttendanceStatus.PRESENT if came
                    else AttendanceStatus.ABSENT_WITH_NOTICE if status == InvitationStatus.DECLINED
                    else AttendanceStatus.ABSENT_WITHOUT_NOTICE
                )  # fmt: skip
                self.attendance.add(self.attendance.next_id(), starts, starts, 1, part_id, invitation_id, attendance,
                                    contact.user_id if came else None, False, story.director.user_id)  # fmt: skip
        if rng.random() < 0.75:
            invited = rng.random() < 0.8
            mode = rng.choice([ParticipationMode.IN_PERSON, ParticipationMode.ONLINE, ""]) if invited and held else ""
            debrief = (starts + dt.timedelta(days=rng.randint(1, 10))).date() if mode and rng.random() < 0.5 else None
            debrief = debrief if debrief is None or debrief < ctx.now.date() else None
            self.participation.add(self.participation.next_id(), created, created, 1, item_id, invited,
                                   "" if invited else "Veiligheid van de melder", None, "", "", mode,
                                   story.director.user_id if debrief else None, debrief, "")  # fmt: skip
        return item_id

    def _plan(self, ctx: Context, story: Story, at: dt.datetime) -> list[tuple[int, int, int]]:
        """The action plan and its goals; returns (goal id, organisation id, user id) per goal."""
        rng = ctx.rng
        plan_id = self.plan.next_id()
        self.plan.add(plan_id, at, at, 1, story.case_id, rng.choice(Approach.values), "Het gezin is veilig.",
                      "Zorgen over veiligheid.", "", 1)  # fmt: skip
        ctx.audit.add(at, member(story.director), AuditAction.CREATE, ("plans.actionplan", plan_id),
                      case_id=story.case_id)  # fmt: skip
        goals = []
        for position in range(rng.randint(1, 4)):
            owner = rng.choice(story.involved)
            target = (at + dt.timedelta(days=rng.randint(90, 360))).date()
            if story.closed is not None:
                status = rng.choices(GoalStatus.values, [10, 20, 50, 20])[0]
                status_on = story.closed.astimezone(self.zone).date()
            else:
                status = rng.choice([GoalStatus.NOT_STARTED, GoalStatus.ON_TRACK, GoalStatus.ON_TRACK])
                status_on = min(at + dt.timedelta(days=30), ctx.now).date()
            withdrawn = at + dt.timedelta(days=rng.randint(1, 20)) if rng.random() < 0.05 else None
            goal_id = self.goal.next_id()
            self.goal.add(goal_id, at, at, 1, plan_id, f"Doel {position + 1}", "", owner.organisation_id,
                          owner.user_id, target, status, "", None if status == GoalStatus.NOT_STARTED else status_on,
                          position, withdrawn)  # fmt: skip
            goals.append((goal_id, owner.organisation_id, owner.user_id))
        return goals

    def _agreement(self, ctx: Context, story: Story, meeting: dt.datetime, goals: list[tuple[int, int, int]]) -> None:
        rng, now, closed = ctx.rng, ctx.now, story.closed
        owner = rng.choice(story.involved)
        created = meeting + dt.timedelta(hours=2)
        local = meeting.astimezone(self.zone).date()
        due_date = local + dt.timedelta(days=rng.randint(7, 42))
        due_time = dt.time(17, 0) if rng.random() < 0.1 else None
        deadline = dt.datetime.combine(due_date, due_time or dt.time(23, 59), self.zone)
        answer = rng.random()
        response = (
            AgreementResponse.ACCEPTED if answer < 0.85
            else AgreementResponse.DECLINED if answer < 0.93 else AgreementResponse.PENDING
        )  # fmt: skip
        responded = created + dt.timedelta(days=rng.uniform(0.2, 3)) if response != AgreementResponse.PENDING else None
        if responded is not None and responded >= now:
            response, responded = AgreementResponse.PENDING, None
        fate = rng.random()
        ended: dt.datetime | None = None
        end = ""
        if response != AgreementResponse.DECLINED and fate < 0.85:
            ended = (
                deadline - dt.timedelta(days=rng.uniform(0.05, 6)) if fate < 0.6  # done on time
                else deadline + dt.timedelta(days=rng.uniform(1, 30))  # done late
            )  # fmt: skip
            ended, end = max(ended, created + dt.timedelta(hours=1)), AgreementEnd.DONE
        if ended is not None and ended >= now:
            ended, end = None, ""
        if closed is not None and (ended is None or ended > closed):
            # What is still open when the case closes is settled then.
            ended = max(closed, created + dt.timedelta(hours=1))
            end = AgreementEnd.CONTINUES if rng.random() < 0.3 else AgreementEnd.CANCELLED
        goal = rng.choice(goals)[0] if goals and rng.random() < 0.6 else None
        done = end == AgreementEnd.DONE
        agreement_id = self.agreement.next_id()
        self.agreement.add(
            agreement_id, created, ended or responded or created, 1, story.case_id, owner.organisation_id,
            owner.user_id, "Huisbezoek afleggen en terugkoppelen.", due_date, due_time,
            rng.choice(AgreementKind.values), "", story.director.user_id, goal, response, responded,
            owner.user_id if responded else None, "Past niet in ons mandaat" if response == AgreementResponse.DECLINED else "",
            AgreementProgress.DONE if done else AgreementProgress.NONE, ended if done else None, ended, end,
            "Wijkteam" if end == AgreementEnd.CONTINUES else "",
        )  # fmt: skip
        ctx.audit.add(created, member(story.director), AuditAction.CREATE, ("plans.agreement", agreement_id),
                      case_id=story.case_id)  # fmt: skip
