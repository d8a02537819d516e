"""A meeting ready for the live screen: two cases on the agenda, the chair (process director)
and minute-taker (secretary), tailored invitations, and the seed 002 leidraad as guide.

- item 1: case A (opened by accepting professional_a's referral; org_a involved), invited:
  org_a with professional_a named. With `split=True` it has two parts: part 1 with the police
  (org_b, professional_b named; org_b is involved in case A for it), part 2 with org_a.
- item 2: case B of the same meeting type, org_b involved and invited with professional_b.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import Case
from casustafel.meeting_types.guide_defaults import LEIDRAAD
from casustafel.meeting_types.guide_services import discussion_guide_install
from casustafel.meetings.discussion.services import discussion_open
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemPart,
    Discussion,
    Invitation,
    InvitationStatus,
    Meeting,
)
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import CaseFactory, ReferralFactory
from casustafel.testing.involvements import involve, open_case
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for


@dataclass
class MeetingSetting:
    meeting: Meeting
    case_a: Case
    case_b: Case
    item_1: AgendaItem
    item_2: AgendaItem

    @property
    def part_1(self) -> AgendaItemPart:
        return self.item_1.parts.order_by("position").first()  # type: ignore[return-value]

    def discussion(self, personas: Personas, item: AgendaItem | None = None) -> Discussion:
        return discussion_open(actor=actor_for(personas, "secretary"), item=item or self.item_1)


def _invite(item: AgendaItem, organisation: Organisation, invitee: object) -> Invitation:
    return Invitation.objects.create(
        item=item, organisation=organisation, invitee=invitee, status=InvitationStatus.CONFIRMED
    )


def _item(meeting: Meeting, case: Case, position: int, minutes: int = 20) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=meeting, case=case, kind=AgendaItemKind.NEW, position=position, planned_minutes=minutes
    )


def meeting_setting(personas: Personas, *, split: bool = False) -> MeetingSetting:
    case_a = open_case(personas).case
    discussion_guide_install(actor=Actor.system(), meeting_type=case_a.meeting_type, spec=LEIDRAAD)
    case_b = CaseFactory(
        referral=ReferralFactory(
            submitted=True, status="accepted", referring_organisation=personas.org_b, referrer=personas.professional_b
        ),
        meeting_type=case_a.meeting_type,
        process_director=personas.process_director,
    )
    involve(personas, case_b, personas.org_b)
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    meeting = Meeting.objects.create(
        house=personas.house,
        meeting_type=case_a.meeting_type,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        location="Vergaderzaal 2",
        chair=personas.process_director,
        minute_taker=personas.secretary,
        created_by=personas.secretary,
    )
    item_1, item_2 = _item(meeting, case_a, 0, 30), _item(meeting, case_b, 1)
    invitation_a = _invite(item_1, personas.org_a, personas.professional_a)
    if split:
        involve(personas, case_a, personas.org_b, reason="OM/politie: strafrechtelijk traject")
        invitation_b = _invite(item_1, personas.org_b, personas.professional_b)
        first = AgendaItemPart.objects.create(
            item=item_1, position=0, title="Deel 1: met de politie", planned_minutes=15
        )
        first.invitations.add(invitation_b)
        second = AgendaItemPart.objects.create(
            item=item_1, position=1, title="Deel 2: met Veilig Thuis", planned_minutes=15
        )
        second.invitations.add(invitation_a)
    else:
        AgendaItemPart.objects.create(item=item_1, position=0, title="Bespreking", planned_minutes=30).invitations.add(
            invitation_a
        )
    AgendaItemPart.objects.create(item=item_2, position=0, title="Bespreking", planned_minutes=20).invitations.add(
        _invite(item_2, personas.org_b, personas.professional_b)
    )
    return MeetingSetting(meeting=meeting, case_a=case_a, case_b=case_b, item_1=item_1, item_2=item_2)
