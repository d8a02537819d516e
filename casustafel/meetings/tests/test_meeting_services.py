"""Planning a meeting and its agenda: the rules and their Dutch messages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseStatus
from casustafel.cases.services.cases import case_closure_propose, case_review_date_set
from casustafel.lib.errors import ServiceError
from casustafel.meetings.models import AgendaItemKind, Meeting, MeetingStatus
from casustafel.meetings.services.meetings import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    agenda_propose,
    meeting_cancel,
    meeting_plan,
    meeting_update,
)
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.meetings import house_case, invite, on_agenda, plan_meeting, send
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


def _next_week(hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(hour)))


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


def test_secretary_plans_a_meeting_of_the_types_default_length(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, default_duration_minutes=45)
    meeting = meeting_plan(
        actor=actor_for(personas, "secretary"),
        house=personas.house,
        meeting_type=meeting_type,
        starts_at=_next_week(),
        online_link="https://overleg.example/abc",
        chair=personas.process_director,
    )
    assert meeting.duration_minutes == 45
    assert meeting.status == MeetingStatus.PLANNED
    assert AuditEvent.objects.filter(object_type="meetings.meeting", action=AuditAction.CREATE).exists()


def test_a_meeting_in_the_past_is_refused_with_a_dutch_message(personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_meeting(personas, starts_at=timezone.now() - dt.timedelta(hours=1))
    assert "Een overleg kan niet in het verleden worden gepland." in _messages(exc, "starts_at")[0]
    assert not Meeting.objects.exists()


def test_a_meeting_needs_a_place_or_a_link_and_a_process_director_in_the_chair(personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting_plan(
            actor=actor_for(personas, "secretary"),
            house=personas.house,
            meeting_type=MeetingTypeFactory(house=personas.house),
            starts_at=_next_week(),
            chair=personas.professional_a,
        )
    assert "Vul een plaats in" in _messages(exc, "location")[0]
    assert _messages(exc, "chair") == ["De voorzitter is een procesregisseur van dit huis."]


def test_only_house_staff_plan_meetings(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        plan_meeting(personas, planner="professional_a")
    with pytest.raises(PermissionDenied):
        plan_meeting(personas, planner="house_manager")


def test_an_agenda_longer_than_the_meeting_is_refused(personas: Personas) -> None:
    meeting = plan_meeting(personas, minutes=60)
    on_agenda(personas, meeting, house_case(personas), minutes=45)
    with pytest.raises(ValidationError) as exc:
        on_agenda(personas, meeting, house_case(personas), minutes=30)
    assert (
        "De agenda duurt dan 75 minuten, langer dan het overleg (60 minuten)." in _messages(exc, "planned_minutes")[0]
    )
    assert meeting.items.count() == 1


def test_shortening_a_meeting_below_its_agenda_is_refused(personas: Personas) -> None:
    meeting = plan_meeting(personas, minutes=90)
    on_agenda(personas, meeting, house_case(personas), minutes=60)
    with pytest.raises(ValidationError) as exc:
        meeting_update(
            actor=actor_for(personas, "secretary"),
            meeting=meeting,
            expected_version=meeting.version,
            ends_at=meeting.starts_at + dt.timedelta(minutes=45),
        )
    assert "langer dan het overleg (45 minuten)" in _messages(exc, "ends_at")[0]


def test_a_case_on_two_overlapping_meetings_is_refused(personas: Personas) -> None:
    case = house_case(personas)
    first = plan_meeting(personas, starts_at=_next_week(10))
    on_agenda(personas, first, case)
    overlapping = plan_meeting(personas, starts_at=_next_week(11))
    with pytest.raises(ValidationError) as exc:
        on_agenda(personas, overlapping, case)
    assert (
        f"Casus {case.pk} staat al op de agenda van een overleg dat tegelijk plaatsvindt" in _messages(exc, "case")[0]
    )
    later = plan_meeting(personas, starts_at=_next_week(14))
    assert on_agenda(personas, later, case).case == case  # not overlapping: fine


def test_moving_a_meeting_onto_another_with_the_same_case_is_refused(personas: Personas) -> None:
    case = house_case(personas)
    on_agenda(personas, plan_meeting(personas, starts_at=_next_week(10)), case)
    later = plan_meeting(personas, starts_at=_next_week(14))
    on_agenda(personas, later, case)
    with pytest.raises(ValidationError) as exc:
        meeting_update(
            actor=actor_for(personas, "secretary"),
            meeting=later,
            expected_version=later.version,
            starts_at=_next_week(10),
            ends_at=_next_week(12),
        )
    assert "tegelijk plaatsvindt" in _messages(exc, "starts_at")[0]


def test_a_closed_case_or_one_of_another_house_cannot_be_added(personas: Personas) -> None:
    meeting = plan_meeting(personas)
    closed = house_case(personas)
    closed.status = CaseStatus.CLOSED
    closed.save()
    with pytest.raises(ValidationError) as exc:
        on_agenda(personas, meeting, closed)
    assert _messages(exc, "case") == ["Kies een actieve casus van dit huis."]


def test_the_proposal_puts_new_then_review_then_closure_cases_and_reports_what_does_not_fit(
    personas: Personas,
) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, minutes_per_case=30)
    meeting = plan_meeting(personas, meeting_type=meeting_type, minutes=120)
    staff = actor_for(personas, "process_director")
    # Three cases that were discussed before (on an earlier meeting, since held).
    earlier = plan_meeting(personas, meeting_type=meeting_type, starts_at=_next_week(8), minutes=120)
    review, closure, idle = (house_case(personas, meeting_type=meeting_type) for _ in range(3))
    for case in (review, closure, idle):
        on_agenda(personas, earlier, case)
    review = case_review_date_set(actor=staff, case=review, review_date=timezone.localdate() + dt.timedelta(days=3))
    closure = case_closure_propose(actor=staff, case=closure)
    new_cases = [house_case(personas, meeting_type=meeting_type) for _ in range(3)]
    other_type = house_case(personas)  # another meeting type: never proposed
    proposal = agenda_propose(actor=staff, meeting=meeting)
    assert [(item.case, item.kind) for item in proposal.added] == [
        (new_cases[0], AgendaItemKind.NEW),
        (new_cases[1], AgendaItemKind.NEW),
        (new_cases[2], AgendaItemKind.NEW),
        (review, AgendaItemKind.REVIEW),
    ]
    assert proposal.left_out == [closure]
    assert other_type not in [item.case for item in meeting.items.all()]
    assert idle not in [item.case for item in meeting.items.all()]


def test_moving_and_removing_items_keep_the_numbers_in_order(personas: Personas) -> None:
    meeting = plan_meeting(personas)
    first, second, third = (on_agenda(personas, meeting, house_case(personas)) for _ in range(3))
    agenda_item_move(actor=actor_for(personas, "secretary"), item=third, up=True)
    assert list(meeting.items.order_by("position").values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    agenda_item_remove(actor=actor_for(personas, "secretary"), item=first)
    assert list(meeting.items.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_changing_an_items_minutes_checks_the_agenda_and_keeps_its_one_part_in_step(personas: Personas) -> None:
    meeting = plan_meeting(personas, minutes=60)
    item = on_agenda(personas, meeting, house_case(personas), minutes=30)
    item = agenda_item_update(
        actor=actor_for(personas, "secretary"),
        item=item,
        expected_version=item.version,
        kind=AgendaItemKind.REVIEW,
        planned_minutes=50,
    )
    assert item.parts.get().planned_minutes == 50
    with pytest.raises(ValidationError):
        agenda_item_update(
            actor=actor_for(personas, "secretary"),
            item=item,
            expected_version=item.version,
            kind=AgendaItemKind.REVIEW,
            planned_minutes=70,
        )


def test_cancelling_notifies_who_was_invited_and_frees_the_case(personas: Personas) -> None:
    case = house_case(personas)
    meeting = plan_meeting(personas)
    item = on_agenda(personas, meeting, case)
    invite(personas, item, personas.org_b, invitee=personas.professional_b)
    send(personas, meeting)
    meeting_cancel(actor=actor_for(personas, "secretary"), meeting=meeting, expected_version=meeting.version)
    assert Notification.objects.filter(
        recipient=personas.professional_b, kind=NotificationKind.MEETING_CANCELLED
    ).exists()
    same_time = plan_meeting(personas)
    assert on_agenda(personas, same_time, case).meeting == same_time
    with pytest.raises(ServiceError):
        agenda_item_add(actor=actor_for(personas, "secretary"), meeting=meeting, case=house_case(personas))


def test_a_meeting_opens_from_half_an_hour_before_and_closes_as_held(personas: Personas) -> None:
    import time_machine

    from casustafel.meetings.services.meetings import meeting_finish, meeting_start

    meeting = plan_meeting(personas)
    staff = actor_for(personas, "secretary")
    with pytest.raises(ServiceError, match="vanaf een half uur voor het begin"):
        meeting_start(actor=staff, meeting=meeting)
    with pytest.raises(ServiceError):
        meeting_finish(actor=staff, meeting=meeting)
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=20)):
        meeting = meeting_start(actor=staff, meeting=meeting)
    assert meeting.status == MeetingStatus.IN_PROGRESS
    with pytest.raises(ServiceError):  # the agenda is fixed now
        agenda_item_add(actor=staff, meeting=meeting, case=house_case(personas))
    assert meeting_finish(actor=staff, meeting=meeting).status == MeetingStatus.HELD
    with pytest.raises(PermissionDenied):
        meeting_finish(actor=actor_for(personas, "professional_a"), meeting=meeting)
