"""Split items, client participation ("ja, tenzij") and the attendance record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
import time_machine

from casustafel.cases.models import PartyRole
from casustafel.cases.services.cases import case_separation_set
from casustafel.lib.errors import ServiceError
from casustafel.meetings.models import AgendaItem, AttendanceStatus, InvitationStatus
from casustafel.meetings.services.attendance import attendance_record
from casustafel.meetings.services.invitations import invitation_respond
from casustafel.meetings.services.parts import (
    PartSpec,
    agenda_item_split,
    client_participation_update,
    part_add,
    part_remove,
)
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.meetings import house_case, invite, on_agenda, party, plan_meeting, send
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas: Personas) -> AgendaItem:
    """An item with the police (OM stand-in) and Veilig Thuis invited, and the household's
    subject, victim and perpetrator invited as clients."""
    item = on_agenda(personas, plan_meeting(personas), house_case(personas), minutes=60)
    invite(personas, item, personas.org_a, invitee=personas.professional_a)
    invite(personas, item, personas.org_b, invitee=personas.professional_b)
    return AgendaItem.objects.get(pk=item.pk)


def _participation(personas: Personas, item: AgendaItem, name: str = "secretary", **values: object) -> object:
    parties = values.pop("invited_parties", list(item.client_participation.invited_parties.all()))
    defaults = {
        "clients_invited": True,
        "not_invited_reason": "",
        "preparer": None,
        "debrief_by": None,
        "debrief_on": None,
    }
    return client_participation_update(
        actor=actor_for(personas, name),
        participation=item.client_participation,
        expected_version=None,
        invited_parties=parties,  # type: ignore[arg-type]
        **(defaults | values),
    )


def _spec(title: str, minutes: int, invitations: list[object], clients: list[object]) -> PartSpec:
    return PartSpec(title=title, planned_minutes=minutes, invitations=invitations, clients=clients)  # type: ignore[arg-type]


def test_an_unsplit_item_has_one_part_with_every_invitee_and_invited_client(item: AgendaItem) -> None:
    part = item.parts.get()
    assert part.planned_minutes == 60
    assert set(part.invitations.all()) == set(item.invitations.all())
    assert {client.role for client in part.clients.all()} == {
        PartyRole.SUBJECT,
        PartyRole.VICTIM,
        PartyRole.PERPETRATOR,
    }


def test_splitting_gives_each_part_its_own_attendees(personas: Personas, item: AgendaItem) -> None:
    police = item.invitations.get(organisation=personas.org_b)
    care = item.invitations.get(organisation=personas.org_a)
    clients = list(item.client_participation.invited_parties.all())
    first, second = agenda_item_split(
        actor=actor_for(personas, "secretary"),
        item=item,
        first=_spec("Deel 1: met het OM, zonder cliënten", 25, [police, care], []),
        second=_spec("Deel 2: met de cliënten, zonder het OM", 35, [care], clients),
    )
    assert list(first.clients.all()) == [] and set(second.invitations.all()) == {care}
    assert item.parts.count() == 2
    with pytest.raises(ValidationError) as exc:
        part_add(actor=actor_for(personas, "secretary"), item=item, spec=_spec("Deel 3", 10, [care], []))
    assert (
        "De delen duren samen 70 minuten, langer dan het agendapunt (60 minuten)."
        in exc.value.message_dict["planned_minutes"][0]
    )


def test_a_part_with_no_attendees_is_refused(personas: Personas, item: AgendaItem) -> None:
    care = item.invitations.get(organisation=personas.org_a)
    with pytest.raises(ValidationError) as exc:
        agenda_item_split(
            actor=actor_for(personas, "secretary"),
            item=item,
            first=_spec("Deel 1", 30, [care], []),
            second=_spec("Deel 2", 30, [], []),
        )
    assert exc.value.message_dict["second_invitations"] == [
        "Een deel zonder deelnemers kan niet: kies minstens één organisatie of cliënt."
    ]
    assert item.parts.count() == 1


def test_perpetrator_and_victim_never_share_a_part_under_stalking_or_intimate_terror(
    personas: Personas, item: AgendaItem
) -> None:
    case_separation_set(actor=actor_for(personas, "secretary"), case=item.case, separate=True)
    item = AgendaItem.objects.get(pk=item.pk)
    # Both invited on an unsplit item: they are taken out of the one part until it is split.
    _participation(personas, item)
    assert not item.parts.get().clients.exists()
    care = item.invitations.get(organisation=personas.org_a)
    victim, perpetrator = party(item.case, PartyRole.VICTIM), party(item.case, PartyRole.PERPETRATOR)
    with pytest.raises(ValidationError) as exc:
        agenda_item_split(
            actor=actor_for(personas, "secretary"),
            item=item,
            first=_spec("Deel 1", 30, [care], [victim, perpetrator]),
            second=_spec("Deel 2", 30, [care], []),
        )
    assert "pleger en slachtoffer nooit samen" in exc.value.message_dict["first_clients"][0]
    parts = agenda_item_split(
        actor=actor_for(personas, "secretary"),
        item=item,
        first=_spec("Deel 1: met het slachtoffer", 30, [care], [victim]),
        second=_spec("Deel 2: met de pleger", 30, [care], [perpetrator]),
    )
    assert [list(part.clients.all()) for part in parts] == [[victim], [perpetrator]]


def test_the_type_flag_applies_the_same_rule(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, separate_perpetrator_and_victim=True)
    item = on_agenda(
        personas, plan_meeting(personas, meeting_type=meeting_type), house_case(personas, meeting_type=meeting_type)
    )
    # Both are invited by default ("ja, tenzij"): the one part holds neither until split.
    assert item.client_participation.invited_parties.count() == 3
    assert not item.parts.get().clients.exists()


def test_removing_a_part_down_to_one_unsplits_the_item(personas: Personas, item: AgendaItem) -> None:
    care = item.invitations.get(organisation=personas.org_a)
    first, second = agenda_item_split(
        actor=actor_for(personas, "secretary"),
        item=item,
        first=_spec("Deel 1", 20, [care], []),
        second=_spec("Deel 2", 20, [care], []),
    )
    part_remove(actor=actor_for(personas, "secretary"), part=second)
    only = item.parts.get()
    assert only.planned_minutes == 60 and only.invitations.count() == 2 and only.clients.count() == 3
    with pytest.raises(ServiceError):
        part_remove(actor=actor_for(personas, "secretary"), part=only)


def test_not_inviting_the_clients_needs_a_reason(personas: Personas, item: AgendaItem) -> None:
    with pytest.raises(ValidationError) as exc:
        _participation(personas, item, clients_invited=False)
    assert "schrijf op waarom zij deze keer niet komen" in exc.value.message_dict["not_invited_reason"][0]
    _participation(personas, item, clients_invited=False, not_invited_reason="Lopend strafrechtelijk onderzoek")
    item.client_participation.refresh_from_db()
    assert not item.client_participation.invited_parties.exists()
    assert not item.parts.get().clients.exists()


def test_an_invitee_prepares_the_clients_and_records_the_debrief(personas: Personas, item: AgendaItem) -> None:
    send(personas, item.meeting)
    with pytest.raises(PermissionDenied):
        _participation(personas, item, name="house_manager")
    _participation(personas, item, name="professional_a", preparer=personas.professional_a, trusted_person="Buurvrouw")
    with pytest.raises(ValidationError) as exc:
        _participation(personas, item, name="professional_a", debrief_on=timezone.localdate())
    assert exc.value.message_dict["debrief_on"] == ["De nabespreking is na het overleg."]
    with time_machine.travel(item.meeting.ends_at + dt.timedelta(days=1)):
        _participation(
            personas,
            item,
            name="professional_a",
            debrief_by=personas.professional_a,
            debrief_on=timezone.localdate(),
            debrief_notes="Moeder vond het spannend maar was blij dat zij gehoord werd.",
        )
    item.client_participation.refresh_from_db()
    assert item.client_participation.debrief_notes.startswith("Moeder vond het spannend")
    with pytest.raises(ValidationError) as exc:
        _participation(personas, item, name="professional_a", preparer=personas.house_manager)
    assert exc.value.message_dict["preparer"] == ["Kies iemand van een uitgenodigde organisatie of van het huis."]


def test_attendance_is_recorded_from_the_start_with_substitutes_and_absence(
    personas: Personas, item: AgendaItem
) -> None:
    send(personas, item.meeting)
    police = item.invitations.get(organisation=personas.org_b)
    care = item.invitations.get(organisation=personas.org_a)
    invitation_respond(
        actor=actor_for(personas, "professional_a"),
        invitation=care,
        expected_version=None,
        status=InvitationStatus.SUBSTITUTE,
        substitute=personas.ambassador_a,
    )
    part = item.parts.get()
    care.refresh_from_db()
    with pytest.raises(ServiceError, match="vanaf het begin van het overleg"):
        attendance_record(
            actor=actor_for(personas, "secretary"), part=part, invitation=care, status=AttendanceStatus.PRESENT
        )
    with time_machine.travel(item.meeting.starts_at + dt.timedelta(minutes=5)):
        present = attendance_record(
            actor=actor_for(personas, "secretary"), part=part, invitation=care, status=AttendanceStatus.PRESENT
        )
        absent = attendance_record(
            actor=actor_for(personas, "process_director"),
            part=part,
            invitation=police,
            status=AttendanceStatus.ABSENT_WITHOUT_NOTICE,
        )
        corrected = attendance_record(
            actor=actor_for(personas, "secretary"),
            part=part,
            invitation=police,
            status=AttendanceStatus.ABSENT_WITH_NOTICE,
        )
    assert present.attended_by == personas.ambassador_a and present.as_substitute
    assert absent.pk == corrected.pk and corrected.status == AttendanceStatus.ABSENT_WITH_NOTICE
    assert corrected.attended_by is None
