"""The demo meetings: two years of held meetings with attendance, upcoming meetings with a
proposed agenda and open answers, one split item with client participation, MDA++ cases."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from casustafel.cases.models import Case
from casustafel.demo.builder import DemoRegion
from casustafel.demo.meetings import build_demo_meetings
from casustafel.meetings.models import (
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
)
from casustafel.meetings.selectors.meetings import unconfirmed_crucial_for
from casustafel.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


class TestDemoMeetings:
    def test_six_meeting_types_and_several_cases_in_mda(self, region: DemoRegion) -> None:
        names = set(region.house.meeting_types.values_list("name", flat=True))
        assert names == {
            "Casus-op-Maat",
            "Zorgoverleg huiselijk geweld",
            "MDA++",
            "Top-X",
            "Nazorg ex-gedetineerden",
            "Actie-overleg",
        }
        assert Case.objects.filter(house=region.house, meeting_type__name="MDA++").count() >= 2
        mda = region.house.meeting_types.get(name="MDA++")
        assert mda.separate_perpetrator_and_victim and mda.crucial_organisations.count() == 3

    def test_two_years_of_held_meetings_with_attendance(self, region: DemoRegion) -> None:
        held = Meeting.objects.filter(house=region.house, status=MeetingStatus.HELD)
        assert held.count() >= 20
        assert held.order_by("starts_at").first().starts_at < timezone.now() - dt.timedelta(days=540)  # type: ignore[union-attr]
        statuses = set(Attendance.objects.filter(part__item__meeting__in=held).values_list("status", flat=True))
        assert statuses == set(AttendanceStatus.values)
        assert Invitation.objects.filter(item__meeting__in=held, status=InvitationStatus.SUBSTITUTE).exists()
        assert not Invitation.objects.filter(item__meeting__in=held, notified_at__isnull=True).exists()

    def test_upcoming_meetings_with_a_proposed_agenda_and_a_crucial_partner_not_confirmed(
        self, region: DemoRegion
    ) -> None:
        upcoming = Meeting.objects.filter(house=region.house, status=MeetingStatus.PLANNED)
        assert upcoming.count() == 4
        casus_op_maat = upcoming.get(meeting_type__name="Casus-op-Maat")
        kinds = set(casus_op_maat.items.values_list("kind", flat=True))
        assert {AgendaItemKind.REVIEW, AgendaItemKind.CLOSURE} <= kinds
        secretary = region.staff(Role.SECRETARY).user
        assert unconfirmed_crucial_for(secretary).filter(item__meeting=casus_op_maat).exists()
        assert not upcoming.get(meeting_type__name="Zorgoverleg huiselijk geweld").items.exists()

    def test_one_split_item_with_client_participation(self, region: DemoRegion) -> None:
        meeting = Meeting.objects.get(house=region.house, status=MeetingStatus.PLANNED, meeting_type__name="MDA++")
        item = meeting.items.get(position=1)
        parts = list(item.parts.order_by("position"))
        assert len(parts) == 3
        assert not parts[0].clients.exists()
        assert [party.role for party in parts[1].clients.all()] == ["victim"]
        assert not parts[1].invitations.filter(organisation__name__startswith="Openbaar Ministerie").exists()
        participation = item.client_participation
        assert participation.clients_invited and participation.preparer is not None and participation.trusted_person

    def test_building_again_changes_nothing(self, region: DemoRegion) -> None:
        count = Meeting.objects.count()
        assert not build_demo_meetings(region).created
        assert Meeting.objects.count() == count
