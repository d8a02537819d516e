"""Tailored invitations: who is invited by default, sending involves and notifies, answering."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
import time_machine

from casustafel.cases.models import Case, CaseInvolvement
from casustafel.dashboards.selectors import attention_for
from casustafel.lib.errors import ServiceError
from casustafel.meetings.models import InvitationStatus
from casustafel.meetings.selectors.meetings import items_visible_to, open_invitations_for, unconfirmed_crucial_for
from casustafel.meetings.services.invitations import invitation_respond, invitations_send
from casustafel.meetings.services.meeting_types import meeting_type_update
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.organisations.models import Role
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.factories import OrganisationFactory, SafetyHouseFactory
from casustafel.testing.involvements import involve
from casustafel.testing.meetings import house_case, invite, on_agenda, plan_meeting, send
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


def _respond(personas: Personas, name: str, invitation: object, **values: object) -> object:
    return invitation_respond(actor=actor_for(personas, name), invitation=invitation, expected_version=None, **values)  # type: ignore[arg-type]


def test_an_item_invites_the_involved_organisations_and_the_types_crucial_partners(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house)
    police = personas.org_b
    meeting_type_update(
        actor=actor_for(personas, "administrator"),
        meeting_type=meeting_type,
        expected_version=None,
        crucial_organisations=[police],
    )
    case = house_case(personas, meeting_type=meeting_type)
    involve(personas, case, personas.org_a)
    item = on_agenda(personas, plan_meeting(personas, meeting_type=meeting_type), case)
    invitations = {inv.organisation: inv for inv in item.invitations.all()}
    assert set(invitations) == {personas.org_a, police}
    assert invitations[police].is_crucial and not invitations[personas.org_a].is_crucial
    assert all(inv.notified_at is None for inv in invitations.values())  # drafts until sent
    assert set(item.parts.get().invitations.all()) == set(invitations.values())


def test_sending_involves_the_organisation_and_notifies_its_people_without_names(personas: Personas) -> None:
    case = house_case(personas)
    meeting = plan_meeting(personas)
    item = on_agenda(personas, meeting, case)
    assert not items_visible_to(personas.professional_b).filter(pk=item.pk).exists()
    invite(personas, item, personas.org_b, invitee=personas.professional_b)
    assert not Case.objects.visible_to(personas.professional_b).filter(pk=case.pk).exists()
    assert send(personas, meeting) == 1
    involvement = CaseInvolvement.objects.get(case=case, organisation=personas.org_b, ended_at__isnull=True)
    assert involvement.reason.startswith("Uitgenodigd voor het casusoverleg van")
    assert involvement.contact == personas.professional_b
    assert items_visible_to(personas.professional_b).filter(pk=item.pk).exists()
    notification = Notification.objects.get(recipient=personas.professional_b)
    assert notification.kind == NotificationKind.INVITED
    assert notification.case_id == case.pk
    assert notification.text == "U bent uitgenodigd voor een casusoverleg."
    with pytest.raises(ServiceError, match="Alle uitnodigingen zijn al verstuurd"):
        send(personas, meeting)


def test_an_invitation_without_a_named_person_goes_to_the_organisations_ambassador(personas: Personas) -> None:
    item = on_agenda(personas, meeting := plan_meeting(personas), house_case(personas))
    invite(personas, item, personas.org_a)
    send(personas, meeting)
    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert recipients == {"ambassador_a@example.org"}


def test_a_meeting_without_invitees_cannot_send_invitations(personas: Personas) -> None:
    meeting = plan_meeting(personas)
    on_agenda(personas, meeting, house_case(personas))
    with pytest.raises(ServiceError) as exc:
        send(personas, meeting)
    assert "Dit overleg heeft nog geen genodigden." in exc.value.messages[0]


def test_inviting_an_organisation_outside_the_house_is_refused(personas: Personas) -> None:
    item = on_agenda(personas, plan_meeting(personas), house_case(personas))
    elsewhere = OrganisationFactory(house=SafetyHouseFactory(name="Elders"), name="GGZ Elders")
    with pytest.raises(ValidationError) as exc:
        invite(personas, item, elsewhere)
    assert exc.value.message_dict["organisation"] == [
        "Deze organisatie hoort niet bij dit Zorg- en Veiligheidshuis en kan niet worden uitgenodigd."
    ]
    with pytest.raises(ValidationError) as exc:
        invite(personas, item, personas.org_b, invitee=personas.professional_a)
    assert exc.value.message_dict["invitee"] == ["Kies iemand die bij deze organisatie werkt."]


def test_an_invitee_confirms_declines_or_names_a_substitute_from_their_own_organisation(personas: Personas) -> None:
    meeting = plan_meeting(personas)
    item = on_agenda(personas, meeting, house_case(personas))
    invitation = invite(personas, item, personas.org_a, invitee=personas.professional_a)
    send(personas, meeting)
    with pytest.raises(ValidationError) as exc:
        _respond(
            personas,
            "professional_a",
            invitation,
            status=InvitationStatus.SUBSTITUTE,
            substitute=personas.professional_b,
        )
    assert exc.value.message_dict["substitute"] == ["Een vervanger werkt bij dezelfde organisatie."]
    answered = _respond(
        personas, "professional_a", invitation, status=InvitationStatus.SUBSTITUTE, substitute=personas.ambassador_a
    )
    assert answered.status == InvitationStatus.SUBSTITUTE and answered.substitute == personas.ambassador_a  # type: ignore[attr-defined]
    declined = _respond(
        personas, "ambassador_a", invitation, status=InvitationStatus.DECLINED, decline_reason="Zitting"
    )
    assert declined.substitute is None and declined.decline_reason == "Zitting"  # type: ignore[attr-defined]
    assert (
        Notification.objects.filter(recipient=meeting.created_by, kind=NotificationKind.INVITATION_ANSWERED).count()
        == 2
    )


def test_only_the_invited_organisation_answers(personas: Personas) -> None:
    meeting = plan_meeting(personas)
    item = on_agenda(personas, meeting, house_case(personas))
    invitation = invite(personas, item, personas.org_a)
    with pytest.raises(PermissionDenied):  # not sent yet
        _respond(personas, "professional_a", invitation, status=InvitationStatus.CONFIRMED)
    send(personas, meeting)
    for name in ("professional_b", "secretary"):
        with pytest.raises(PermissionDenied):
            _respond(personas, name, invitation, status=InvitationStatus.CONFIRMED)
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=1)), pytest.raises(ServiceError):
        _respond(personas, "professional_a", invitation, status=InvitationStatus.CONFIRMED)


def test_unconfirmed_crucial_partners_are_on_the_staff_start_page_and_open_invitations_on_the_partners(
    personas: Personas,
) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house)
    meeting_type_update(
        actor=actor_for(personas, "administrator"),
        meeting_type=meeting_type,
        expected_version=None,
        crucial_organisations=[personas.org_b],
    )
    meeting = plan_meeting(personas, meeting_type=meeting_type)
    item = on_agenda(personas, meeting, house_case(personas, meeting_type=meeting_type))
    crucial = item.invitations.get(organisation=personas.org_b)
    assert list(unconfirmed_crucial_for(personas.secretary)) == [crucial]
    invitations_send(actor=actor_for(personas, "secretary"), meeting=meeting)
    assert list(open_invitations_for(personas.professional_b)) == [crucial]
    sections = {s.key: s for s in attention_for(personas.process_director, personas.memberships["process_director"])}
    assert sections["crucial_unconfirmed"].total == 1
    partner = {s.key: s for s in attention_for(personas.professional_b, personas.memberships["professional_b"])}
    assert partner["meeting_invitations"].items == [crucial]
    _respond(personas, "professional_b", crucial, status=InvitationStatus.CONFIRMED)
    assert not unconfirmed_crucial_for(personas.secretary).exists()
    assert not open_invitations_for(personas.professional_b).exists()
    # Further away than two weeks: not yet a warning.
    far = plan_meeting(personas, meeting_type=meeting_type, starts_at=timezone.now() + dt.timedelta(days=30))
    on_agenda(personas, far, house_case(personas, meeting_type=meeting_type))
    assert not unconfirmed_crucial_for(personas.secretary).exists()
    assert personas.memberships["process_director"].role == Role.PROCESS_DIRECTOR
