"""The demo discussions: the held meetings were discussed on the guides, in all three phases
with a backward move, with scores, bodemeisen and agreements, and their minutes approved."""

from __future__ import annotations

import datetime as dt

import pytest

from casustafel.demo.builder import DemoRegion
from casustafel.meeting_types.models import SafetyPhase
from casustafel.meetings.models import Discussion, DiscussionAgreement, Meeting, MeetingStatus, Minutes, SafetyScore
from casustafel.plans.models import MinimumRequirement, PhaseDirection, PhaseMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


class TestDemoDiscussions:
    def test_held_meetings_are_discussed_and_their_minutes_approved_on_the_day(self, region: DemoRegion) -> None:
        held = Meeting.objects.filter(house=region.house, status=MeetingStatus.HELD)
        discussed = held.filter(items__discussion__isnull=False).distinct()
        assert discussed.count() >= 10
        minutes = Minutes.objects.filter(meeting__in=discussed)
        assert minutes.count() == discussed.count()
        for approved in minutes.select_related("meeting"):
            assert approved.meeting.ends_at <= approved.approved_at <= approved.meeting.ends_at + dt.timedelta(hours=1)

    def test_all_three_phases_and_a_backward_move(self, region: DemoRegion) -> None:
        moves = PhaseMove.objects.filter(case__house=region.house)
        assert set(moves.values_list("to_phase", flat=True)) == set(SafetyPhase.values)
        back = moves.filter(direction=PhaseDirection.BACKWARD).first()
        assert back is not None and back.reason
        assert back.discussion_link.discussion.item.meeting.starts_at <= back.moved_at

    def test_scores_bodemeisen_and_agreements(self, region: DemoRegion) -> None:
        discussions = Discussion.objects.filter(item__meeting__house=region.house)
        assert SafetyScore.objects.filter(discussion__in=discussions).exists()
        assert MinimumRequirement.objects.filter(case__house=region.house, discussion_link__isnull=False).exists()
        agreements = DiscussionAgreement.objects.filter(discussion__in=discussions).select_related("agreement")
        assert agreements.count() >= 10
        assert all(link.agreement.justification and link.agreement.owner_id for link in agreements)
