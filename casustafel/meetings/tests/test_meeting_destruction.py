"""Destroying a case keeps the meeting's record of who was invited and who came (reports count
it) and removes what was written about the clients."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from casustafel.meetings.models import AgendaItem, Attendance, AttendanceStatus, Invitation, InvitationStatus
from casustafel.meetings.services.attendance import attendance_record
from casustafel.meetings.services.invitations import invitation_respond
from casustafel.meetings.services.parts import client_participation_update
from casustafel.privacy.retention.destruction import purge_case
from casustafel.testing.meetings import house_case, invite, on_agenda, plan_meeting, send
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


def test_destroying_a_case_keeps_attendance_and_blanks_the_clients_text(personas: Personas) -> None:
    meeting = plan_meeting(personas)
    item = on_agenda(personas, meeting, house_case(personas))
    invitation = invite(personas, item, personas.org_b, invitee=personas.professional_b)
    send(personas, meeting)
    invitation_respond(
        actor=actor_for(personas, "professional_b"),
        invitation=invitation,
        expected_version=None,
        status=InvitationStatus.DECLINED,
        decline_reason="Zitting bij de rechtbank over vader",
    )
    client_participation_update(
        actor=actor_for(personas, "secretary"),
        participation=item.client_participation,
        expected_version=None,
        invited_parties=list(item.client_participation.invited_parties.all()),
        clients_invited=True,
        trusted_person="Buurvrouw Els",
        client_input="Moeder wil dat de kinderen thuis blijven wonen.",
    )
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=1)):
        attendance_record(
            actor=actor_for(personas, "secretary"),
            part=item.parts.get(),
            invitation=invitation,
            status=AttendanceStatus.ABSENT_WITH_NOTICE,
        )
    purge_case(item.case)
    item = AgendaItem.objects.get(pk=item.pk)
    participation = item.client_participation
    assert (participation.trusted_person, participation.client_input) == ("", "")
    assert not participation.invited_parties.exists()
    assert Invitation.objects.get(pk=invitation.pk).decline_reason == ""
    assert Attendance.objects.get(invitation=invitation).status == AttendanceStatus.ABSENT_WITH_NOTICE
