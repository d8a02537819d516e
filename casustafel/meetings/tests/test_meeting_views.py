"""Meeting pages as their users see them: the agenda with only one's own items, bounded
queries, Dutch messages next to the field, answering, the client letter."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import PartyRole
from casustafel.meetings.models import AgendaItem, InvitationStatus, Meeting
from casustafel.meetings.services.meeting_types import meeting_type_update
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.meetings import house_case, invite, on_agenda, party, plan_meeting, send
from casustafel.testing.pdf import pdf_text
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


def _detail(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def _item_url(item: AgendaItem) -> str:
    return reverse("meetings:agenda_item_detail", args=[item.meeting_id, item.pk])


def _meeting_with_items(personas: Personas, count: int) -> tuple[Meeting, list[AgendaItem]]:
    meeting = plan_meeting(personas, minutes=8 * 60)
    items = [on_agenda(personas, meeting, house_case(personas), minutes=20) for _ in range(count)]
    for item in items:
        invite(personas, item, personas.org_a, invitee=personas.professional_a)
    invite(personas, items[0], personas.org_b, invitee=personas.professional_b)
    send(personas, meeting)
    return meeting, items


@pytest.mark.parametrize("name", ["secretary", "professional_a"])
def test_the_meeting_page_with_20_items_stays_under_25_queries(personas: Personas, name: str) -> None:
    meeting, _items = _meeting_with_items(personas, 20)
    client = personas.client(name)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_detail(meeting))
    assert response.status_code == 200
    assert len(queries) < 25, "\n".join(query["sql"][:200] for query in queries.captured_queries)
    assert response.content.decode().count("Casus ") >= 20


def test_an_invitee_sees_only_their_items_and_other_cases_as_time_slots(personas: Personas) -> None:
    meeting, items = _meeting_with_items(personas, 3)
    second_subject = party(items[1].case, PartyRole.SUBJECT).person.full_name
    page = personas.client("professional_b").get(_detail(meeting)).content.decode()
    assert _item_url(items[0]) in page
    assert _item_url(items[1]) not in page and second_subject not in page
    assert page.count("Een andere casus") == 2
    assert personas.client("professional_b").get(_item_url(items[1])).status_code == 404
    read = AuditEvent.objects.filter(action=AuditAction.READ, object_type="meetings.meeting").latest("pk")
    assert set(read.subjects.filter(kind="case").values_list("subject_id", flat=True)) == {items[0].case_id}


def test_a_meeting_in_the_past_gets_its_message_next_to_the_time_and_keeps_the_input(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = personas.client("secretary").post(
        reverse("meetings:meeting_create"),
        {
            "meeting_type": meeting_type.pk,
            "date": yesterday.isoformat(),
            "start_time": "10:00",
            "location": "Vergaderzaal Hilversum",
            "chair": personas.process_director.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        "Een overleg kan niet in het verleden worden gepland. Kies een moment vanaf nu."
    ]
    assert "Vergaderzaal Hilversum" in response.content.decode()
    assert not Meeting.objects.exists()


def test_planning_through_the_page_then_adding_a_case(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, default_duration_minutes=90)
    client = personas.client("secretary")
    day = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "meeting_type": meeting_type.pk,
            "date": day.isoformat(),
            "start_time": "09:30",
            "location": "Vergaderzaal",
            "chair": personas.process_director.pk,
            "minute_taker": personas.secretary.pk,
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.duration_minutes == 90
    assert timezone.localtime(meeting.starts_at).time() == dt.time(9, 30)
    case = house_case(personas)
    response = client.post(reverse("meetings:agenda_item_add", args=[meeting.pk]), {"case": case.pk, "kind": "new"})
    assert response.status_code == 302
    assert meeting.items.get().case == case


def test_an_invitee_answers_from_their_own_account(personas: Personas) -> None:
    meeting, items = _meeting_with_items(personas, 1)
    invitation = items[0].invitations.get(organisation=personas.org_a)
    url = reverse("meetings:invitation_respond", args=[meeting.pk, items[0].pk, invitation.pk])
    client = personas.client("professional_a")
    response = client.post(url, {"status": "substitute", "version": invitation.version})
    assert response.status_code == 200
    assert response.context["form"].errors["substitute"] == ["Kies wie u vervangt."]
    colleague = personas.memberships["ambassador_a"]
    response = client.post(url, {"status": "substitute", "substitute": colleague.pk, "version": invitation.version})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SUBSTITUTE and invitation.substitute == personas.ambassador_a


def test_the_client_letter_is_a_tagged_dutch_pdf_after_the_praatplaat(personas: Personas) -> None:
    meeting, items = _meeting_with_items(personas, 1)
    subject = party(items[0].case, PartyRole.SUBJECT).person
    response = personas.client("professional_a").get(reverse("meetings:client_letter", args=[meeting.pk, items[0].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pdf_text(response.content)
    assert pdf.startswith(b"%PDF") and b"/StructTreeRoot" in pdf and b"/Lang (nl)" in pdf
    event = AuditEvent.objects.filter(action=AuditAction.PRINT).latest("pk")
    assert event.case_id == items[0].case_id
    assert subject.pk in set(event.subjects.filter(kind="person").values_list("subject_id", flat=True))


def test_the_client_letter_text(personas: Personas) -> None:
    from django.template.loader import render_to_string

    from casustafel.meetings.letter import _letters

    _meeting, items = _meeting_with_items(personas, 1)
    item = AgendaItem.objects.get(pk=items[0].pk)
    letters = _letters(item)
    html = render_to_string(
        "meetings/client_letter_pdf.html",
        {
            "item": item,
            "house": item.meeting.house,
            "meeting": item.meeting,
            "letters": letters,
            "participation": item.client_participation,
        },
    )
    assert len(letters) == 3  # subject, victim, perpetrator: "ja, tenzij"
    assert f"Beste {letters[0].party.person.full_name}," in html
    assert "U bent aangemeld bij het Zorg- en Veiligheidshuis." in html
    assert "U mag iemand meenemen die u vertrouwt." in html
    assert "We spreken af wie wat doet en wanneer we elkaar weer zien." in html
    assert "Vergaderzaal 2" in html


def test_the_administrator_sets_how_a_meeting_type_runs(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house)
    response = personas.client("administrator").post(
        reverse("meetings:meeting_type_edit", args=[meeting_type.pk]),
        {
            "name": meeting_type.name,
            "first_contact_hours": 48,
            "retention_years": 5,
            "is_active": "on",
            "minutes_per_case": 60,
            "default_duration_minutes": 180,
            "crucial_organisations": [personas.org_b.pk],
            "default_organisations": [personas.org_a.pk],
            "separate_perpetrator_and_victim": "on",
            "version": meeting_type.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting_type.refresh_from_db()
    assert (meeting_type.minutes_per_case, meeting_type.default_duration_minutes) == (60, 180)
    assert list(meeting_type.crucial_organisations.all()) == [personas.org_b]
    assert not meeting_type.clients_invited_by_default and meeting_type.separate_perpetrator_and_victim
    event = AuditEvent.objects.filter(object_type="meeting_types.meetingtype").latest("pk")
    assert event.changes["crucial_organisations"] == [[], [personas.org_b.pk]]
    with pytest.raises(Exception, match="Kies partnerorganisaties van dit huis"):
        meeting_type_update(
            actor=actor_for(personas, "administrator"),
            meeting_type=meeting_type,
            expected_version=None,
            crucial_organisations=[personas.office],
        )


def test_a_clients_letter_names_nothing_recorded_for_another_client(personas: Personas) -> None:
    from django.template.loader import render_to_string

    from casustafel.meetings.letter import _letters
    from casustafel.meetings.services.parts import client_participation_update

    _meeting, items = _meeting_with_items(personas, 1)
    item = AgendaItem.objects.get(pk=items[0].pk)
    client_participation_update(
        actor=actor_for(personas, "secretary"),
        participation=item.client_participation,
        expected_version=None,
        invited_parties=list(item.client_participation.invited_parties.all()),
        clients_invited=True,
        trusted_person="Zus van het slachtoffer",
        client_input="Moeder wil niet met vader in één ruimte zitten.",
    )
    item = AgendaItem.objects.get(pk=item.pk)
    html = render_to_string(
        "meetings/client_letter_pdf.html",
        {
            "item": item,
            "house": item.meeting.house,
            "meeting": item.meeting,
            "letters": _letters(item),
            "participation": item.client_participation,
        },
    )
    assert "Zus van het slachtoffer" not in html and "Moeder wil niet" not in html
