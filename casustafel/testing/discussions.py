"""A meeting ready for the live screen, made through the meetings' services as the secretary
would: two cases on the agenda, the chair (process director) and minute-taker (secretary),
invitations sent, and the seed 002 leidraad as guide.

- item 1: case A (opened by accepting professional_a's referral), org_a invited. With
  `split=True` the police (org_b) are invited too and the item is split: part 1 with the police,
  part 2 with org_a.
- item 2: case B of the same meeting type, org_b invited.
"""

from __future__ import annotations

from dataclasses import dataclass

from casustafel.audit.context import Actor
from casustafel.cases.models import Case
from casustafel.meeting_types.guide_defaults import LEIDRAAD
from casustafel.meeting_types.guide_services import discussion_guide_install
from casustafel.meetings.discussion.services import discussion_open
from casustafel.meetings.models import AgendaItem, AgendaItemPart, Discussion, Meeting
from casustafel.meetings.services.parts import PartSpec, agenda_item_split
from casustafel.testing.involvements import open_case
from casustafel.testing.meetings import house_case, invite, on_agenda, plan_meeting, send
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


def meeting_setting(personas: Personas, *, split: bool = False) -> MeetingSetting:
    case_a = open_case(personas).case
    discussion_guide_install(actor=Actor.system(), meeting_type=case_a.meeting_type, spec=LEIDRAAD)
    meeting = plan_meeting(personas, meeting_type=case_a.meeting_type)
    item_1 = on_agenda(personas, meeting, case_a, minutes=30)  # org_a is involved: invited by default
    case_b = house_case(personas, meeting_type=case_a.meeting_type)
    item_2 = on_agenda(personas, meeting, case_b, minutes=20)
    invite(personas, item_2, personas.org_b)
    if split:
        police = invite(personas, item_1, personas.org_b)
        care = item_1.invitations.get(organisation=personas.org_a)
        agenda_item_split(
            actor=actor_for(personas, "secretary"),
            item=item_1,
            first=PartSpec(title="Deel 1: met de politie", planned_minutes=15, invitations=[police], clients=[]),
            second=PartSpec(title="Deel 2: met Veilig Thuis", planned_minutes=15, invitations=[care], clients=[]),
        )
    send(personas, meeting)
    return MeetingSetting(meeting=meeting, case_a=case_a, case_b=case_b, item_1=item_1, item_2=item_2)
