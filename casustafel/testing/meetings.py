"""Scenario helpers for meetings: planned, filled and invited through the services, as the
secretary would. A meeting in the past is planned in the future and then moved there with
time-machine travel, so every service check (no meeting in the past) still runs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casustafel.cases.models import Case, CaseParty, PartyRole
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.models import AgendaItem, Invitation, Meeting
from casustafel.meetings.services.invitations import invitation_add, invitations_send
from casustafel.meetings.services.meetings import agenda_item_add, meeting_plan
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import CaseFactory, CasePartyFactory, MeetingTypeFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for


def plan_meeting(
    personas: Personas,
    *,
    meeting_type: MeetingType | None = None,
    starts_at: dt.datetime | None = None,
    minutes: int = 120,
    planner: str = "secretary",
) -> Meeting:
    """A meeting of the personas' house, next week at 10:00 unless told, chaired by the process
    director and minuted by the secretary."""
    start = starts_at or timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(10))
    )
    return meeting_plan(
        actor=actor_for(personas, planner),
        house=personas.house,
        meeting_type=meeting_type or MeetingTypeFactory(house=personas.house),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        location="Vergaderzaal 2",
        chair=personas.process_director,
        minute_taker=personas.secretary,
    )


def on_agenda(personas: Personas, meeting: Meeting, case: Case, *, minutes: int = 30) -> AgendaItem:
    return agenda_item_add(actor=actor_for(personas, "secretary"), meeting=meeting, case=case, planned_minutes=minutes)


def invite(personas: Personas, item: AgendaItem, organisation: Organisation, **kwargs: object) -> Invitation:
    return invitation_add(actor=actor_for(personas, "secretary"), item=item, organisation=organisation, **kwargs)  # type: ignore[arg-type]


def send(personas: Personas, meeting: Meeting) -> int:
    return invitations_send(actor=actor_for(personas, "secretary"), meeting=meeting)


def house_case(personas: Personas, *, meeting_type: MeetingType | None = None, household: bool = True) -> Case:
    """An active case of the personas' house with a subject and, when `household`, a victim and
    a perpetrator; no organisation involved yet."""
    case = CaseFactory(
        referral__referring_organisation=personas.org_a,
        meeting_type=meeting_type or MeetingTypeFactory(house=personas.house),
        process_director=personas.process_director,
    )
    CasePartyFactory(referral=case.referral, role=PartyRole.SUBJECT)
    if household:
        CasePartyFactory(referral=case.referral, role=PartyRole.VICTIM)
        CasePartyFactory(referral=case.referral, role=PartyRole.PERPETRATOR)
    return case


def party(case: Case, role: str) -> CaseParty:
    return CaseParty.objects.get(referral__case=case, role=role)
