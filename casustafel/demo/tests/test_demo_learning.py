"""The demo's learning cycle: two closed rounds side by side, an open round the demo log-ins are
invited to, an improvement plan with an action done and valued, one overdue and one open, and the
effort ledger of the last months."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

import pytest

from casustafel.demo.builder import DemoRegion
from casustafel.demo.learning import build_demo_learning
from casustafel.learning.models import (
    AssessmentStatus,
    EffortEntry,
    ImprovementAction,
    ImprovementPlan,
    SelfAssessment,
    ValueRating,
)
from casustafel.learning.selectors import open_invitations_of, overdue_actions_for
from casustafel.learning.selectors_results import round_results
from casustafel.notifications.models import Notification
from casustafel.organisations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


def login(region: DemoRegion, key: str) -> Membership:
    return next(m for m in region.professionals(key) if not m.is_ambassador)


class TestDemoLearning:
    def test_two_closed_rounds_a_year_apart_with_enough_answers_to_show(self, region: DemoRegion) -> None:
        closed = list(
            SelfAssessment.objects.filter(house=region.house, status=AssessmentStatus.CLOSED).order_by("closes_on")
        )

        assert [a.instrument for a in closed] == ["factors", "factors"]
        assert {a.meeting_type.name for a in closed if a.meeting_type} == {"Zorgoverleg huiselijk geweld"}
        assert closed[1].closes_on.toordinal() - closed[0].closes_on.toordinal() > 300
        for assessment in closed:
            results = round_results(assessment)
            assert results.submitted >= int(settings.REPORT_MIN_CELL)
            assert results.published

    def test_the_demo_log_ins_are_invited_to_the_open_round(self, region: DemoRegion) -> None:
        for key in ("veilig_thuis", "police"):
            invitations = list(open_invitations_of(login(region, key).user))
            assert [i.assessment.instrument for i in invitations] == ["participants"]

    def test_a_plan_with_an_action_done_and_valued_one_overdue_and_one_open(self, region: DemoRegion) -> None:
        plan = ImprovementPlan.objects.get(house=region.house)
        actions = list(ImprovementAction.objects.filter(plan=plan).order_by("pk"))
        today = timezone.localdate()
        police = login(region, "police")

        assert plan.assessment is not None and plan.assessment.status == AssessmentStatus.CLOSED
        assert actions[0].ended_at is not None
        assert ValueRating.objects.filter(action=actions[0]).count() == 2
        assert actions[1].ended_at is None and actions[1].due_date < today
        assert actions[2].ended_at is None and actions[2].due_date > today
        assert list(overdue_actions_for(police.user, police)) == [actions[1]]
        assert all(action.indicators.exists() for action in actions)

    def test_effort_spent_and_saved_measured_estimated_and_felt(self, region: DemoRegion) -> None:
        entries = EffortEntry.objects.filter(house=region.house)

        assert set(entries.values_list("direction", flat=True)) == {"more", "less"}
        assert set(entries.values_list("evidence", flat=True)) == {"measured", "estimated", "felt"}
        assert entries.filter(action__isnull=False).exists()
        assert not entries.filter(month__gte=timezone.localdate().replace(day=1))

    def test_old_notices_are_read_and_the_open_ones_wait(self, region: DemoRegion) -> None:
        police = login(region, "police").user
        learning = ("assessment_invited", "assessment_closing", "improvement_assigned", "improvement_overdue")
        unread = Notification.objects.filter(recipient=police, read_at__isnull=True, kind__in=learning)

        assert set(unread.values_list("kind", flat=True)) == {"assessment_invited", "improvement_assigned"}
        # The closed rounds' invitations were settled; only the open round's wait.
        open_round = SelfAssessment.objects.get(house=region.house, status=AssessmentStatus.OPEN)
        waiting = Notification.objects.filter(kind="assessment_invited", read_at__isnull=True)
        assert waiting.count() == open_round.invitations.count()
        assert build_demo_learning(region).rounds == 0
