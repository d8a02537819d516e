"""Small hand-built data sets for the indicator tests: meetings held, agenda items, invitations
and attendance, agreements, goals, phase moves, safety scores, follow-ups, escalation steps and
case direction, each at a chosen moment in the past.

Rows are written straight to the models (the services refuse moments in the past, rightly):
these are facts of earlier years, made so a test can work out every expected figure by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from casustafel.cases.models import Case, CaseStatus, PartyRole, Person, ReferralStatus
from casustafel.escalations.models import Escalation, EscalationLevel, EscalationReason, EscalationStage
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemPart,
    Attendance,
    ClientParticipation,
    Discussion,
    Invitation,
    Meeting,
    MeetingStatus,
    SafetyScore,
)
from casustafel.organisations.models import Organisation
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementEnd,
    AgreementKind,
    AgreementResponse,
    Approach,
    DirectionAssignment,
    DirectionStatus,
    FollowUp,
    Goal,
    GoalStatus,
    PhaseDirection,
    PhaseMove,
)
from casustafel.testing.cases import CaseFactory, CasePartyFactory, PersonFactory
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import submitted_referral


def episode(
    personas: Personas,
    *,
    meeting_type: MeetingType,
    opened: dt.datetime,
    closed: dt.datetime | None = None,
    municipality: Organisation | None = None,
    person: Person | None = None,
    previous: Case | None = None,
    submitted: dt.datetime | None = None,
    destroyed: bool = False,
) -> Case:
    """A case (an episode) of a person: its referral submitted `submitted` (a week before it
    opened by default), a re-entry of `previous` when given."""
    at = submitted or opened - dt.timedelta(days=7)
    referral = submitted_referral(
        personas,
        at=at,
        status=ReferralStatus.ACCEPTED,
        municipality=municipality,
        meeting_type=meeting_type,
        previous_case=previous,
        decided_after_days=(opened - at).total_seconds() / 86400,
    )
    CasePartyFactory(referral=referral, person=person or PersonFactory(house=personas.house), role=PartyRole.SUBJECT)
    status = CaseStatus.DESTROYED if destroyed else CaseStatus.CLOSED if closed else CaseStatus.ACTIVE
    return CaseFactory(
        referral=referral,
        meeting_type=meeting_type,
        municipality=municipality,
        process_director=personas.process_director,
        opened_at=opened,
        closed_at=closed,
        status=status,
    )


def held_meeting(personas: Personas, meeting_type: MeetingType, at: dt.datetime, **kwargs: Any) -> Meeting:
    return Meeting.objects.create(
        house=personas.house,
        meeting_type=meeting_type,
        starts_at=at,
        ends_at=at + dt.timedelta(hours=2),
        chair=personas.process_director,
        created_by=personas.secretary,
        status=kwargs.pop("status", MeetingStatus.HELD),
        **kwargs,
    )


def discussed(personas: Personas, case: Case, at: dt.datetime, *, meeting: Meeting | None = None) -> AgendaItem:
    """`case` on the agenda of a meeting held at `at` (a new one unless `meeting` is given)."""
    meeting = meeting or held_meeting(personas, case.meeting_type, at)
    item = AgendaItem.objects.create(meeting=meeting, case=case, kind=AgendaItemKind.NEW, planned_minutes=30)
    AgendaItemPart.objects.create(item=item, title="Bespreking", planned_minutes=30)
    return item


def invited(item: AgendaItem, organisation: Organisation, *, crucial: bool = True) -> Invitation:
    return Invitation.objects.create(item=item, organisation=organisation, is_crucial=crucial)


def attended(personas: Personas, invitation: Invitation, status: str) -> Attendance:
    part = invitation.item.parts.first()
    assert part is not None
    return Attendance.objects.create(part=part, invitation=invitation, status=status, recorded_by=personas.secretary)


def clients(
    item: AgendaItem, *, invited: bool, mode: str = "", debrief_on: dt.date | None = None
) -> ClientParticipation:
    return ClientParticipation.objects.create(
        item=item,
        clients_invited=invited,
        not_invited_reason="" if invited else "Veiligheid van het slachtoffer",
        mode=mode,
        debrief_on=debrief_on,
    )


def scores(personas: Personas, item: AgendaItem, values: list[int]) -> Discussion:
    """The scaling question of the item's discussion: one score per participant."""
    discussion = Discussion.objects.create(item=item)
    part = item.parts.first()
    for number, value in enumerate(values):
        SafetyScore.objects.create(
            discussion=discussion,
            part=part,
            participant=f"Deelnemer {number}",
            score=value,
            justification="Onderbouwing",
            recorded_by=personas.secretary,
        )
    return discussion


def agreement(
    personas: Personas,
    case: Case,
    *,
    due: dt.date,
    organisation: Organisation | None = None,
    created: dt.datetime | None = None,
    done_at: dt.datetime | None = None,
    end: str = "",
    response: str = AgreementResponse.ACCEPTED,
    responded_at: dt.datetime | None = None,
    due_time: dt.time | None = None,
) -> Agreement:
    organisation = organisation or personas.org_a
    ended = done_at if end or done_at else None
    row = Agreement.objects.create(
        case=case,
        organisation=organisation,
        owner=personas.professional_a,
        what="Huisbezoek afleggen",
        due_date=due,
        due_time=due_time,
        kind=AgreementKind.PROFESSIONAL_ACTION,
        justification="Zicht op veiligheid",
        created_by=personas.process_director,
        response=response,
        responded_at=responded_at,
        ended_at=ended,
        end=(end or AgreementEnd.DONE) if ended else "",
    )
    # Made when the case opened, unless said otherwise (the row itself is written today).
    Agreement.objects.filter(pk=row.pk).update(created_at=created or case.opened_at)
    return row


def goals(case: Case, *statuses: str, withdrawn: int = 0) -> list[Goal]:
    plan, _created = ActionPlan.objects.get_or_create(
        case=case, defaults={"approach": Approach.JOINT, "common_goal": "Veilig thuis"}
    )
    made = [
        Goal.objects.create(
            plan=plan,
            title=f"Doel {n}",
            status=status,
            status_on=None if status == GoalStatus.NOT_STARTED else timezone.localdate(case.opened_at),
        )
        for n, status in enumerate(statuses)
    ]
    for _ in range(withdrawn):
        made.append(Goal.objects.create(plan=plan, title="Ingetrokken", withdrawn_at=case.opened_at))
    return made


def phase(
    personas: Personas, case: Case, to: str, at: dt.datetime, *, direction: str = PhaseDirection.FORWARD
) -> PhaseMove:
    return PhaseMove.objects.create(
        case=case, to_phase=to, direction=direction, reason="Besproken", moved_at=at, moved_by=personas.process_director
    )


def follow_up(case: Case, months: int, due_on: dt.date, **answers: str) -> FollowUp:
    return FollowUp.objects.create(case=case, months=months, due_on=due_on, **answers)


def escalation(
    case: Case, steps: list[tuple[str, str, dt.datetime]], *, resolved: dt.datetime | None = None
) -> Escalation:
    """An escalation through `steps` (step, level, started), resolved at `resolved` if given."""
    first_step, first_level, raised = steps[0]
    row = Escalation.objects.create(
        case=case,
        reason=EscalationReason.AGREEMENT_OVERDUE,
        question="Wie pakt het op?",
        raised_at=raised,
        step=steps[-1][0],
        level=steps[-1][1] or EscalationLevel.PROCESS_DIRECTOR,
        resolved_at=resolved,
        outcome="Afgesproken wie het oppakt" if resolved else "",
    )
    for step, level, started in steps:
        EscalationStage.objects.create(
            escalation=row, step=step, level=level, started_at=started, question="Graag besluit"
        )
    del first_step, first_level
    return row


def direction(
    personas: Personas,
    case: Case,
    *,
    accepted: dt.datetime,
    ended: dt.datetime | None = None,
    who: str = "professional_a",
) -> DirectionAssignment:
    membership = personas.memberships[who]
    return DirectionAssignment.objects.create(
        case=case,
        director=membership.user,
        organisation=membership.organisation,
        status=DirectionStatus.ENDED if ended else DirectionStatus.ACCEPTED,
        reason="Kent het gezin",
        proposed_by=personas.process_director,
        proposed_at=accepted - dt.timedelta(days=1),
        responded_at=accepted,
        ended_at=ended,
    )
