"""The demo's plan side: plans on every active case, case direction with a handover and a waiting
proposal, agreements in every state, escalations at several steps (one moved up automatically),
closed episodes with every reason and answered follow-ups, and a re-entry."""

from __future__ import annotations

import pytest

from casustafel.audit.models import AuditEvent
from casustafel.cases.models import Case, CaseStatus, CloseReason, Referral
from casustafel.demo.builder import DemoRegion
from casustafel.demo.plans import build_demo_plans
from casustafel.escalations.models import Escalation, EscalationStep
from casustafel.organisations.models import Role
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementProgress,
    AgreementResponse,
    DirectionAssignment,
    DirectionStatus,
    FollowUp,
)
from casustafel.plans.selectors_pages import cases_without_director_for, overdue_agreements_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


class TestDemoPlans:
    def test_every_active_case_has_a_plan(self, region: DemoRegion) -> None:
        active = Case.objects.filter(house=region.house, status=CaseStatus.ACTIVE)
        assert active.exists()
        assert ActionPlan.objects.filter(case__in=active).count() == active.count()

    def test_case_direction_with_a_handover_a_waiting_proposal_and_a_case_without(self, region: DemoRegion) -> None:
        assert DirectionAssignment.objects.filter(status=DirectionStatus.ENDED, next__isnull=False).exists()
        waiting = DirectionAssignment.objects.get(status=DirectionStatus.PROPOSED)
        assert waiting.director == region.professionals("veilig_thuis")[1].user  # the demo log-in
        director = region.staff(Role.PROCESS_DIRECTOR)
        assert cases_without_director_for(director.user, director).exists()

    def test_agreements_in_every_state(self, region: DemoRegion) -> None:
        agreements = Agreement.objects.filter(case__house=region.house)
        assert agreements.filter(response=AgreementResponse.DECLINED).exists()
        assert agreements.filter(progress=AgreementProgress.DONE, ended_at__isnull=False).exists()
        assert agreements.filter(progress=AgreementProgress.PARTLY).exists()
        director = region.staff(Role.PROCESS_DIRECTOR)
        assert overdue_agreements_for(director.user, director).exists()

    def test_escalations_at_several_steps_one_moved_up_automatically(self, region: DemoRegion) -> None:
        escalations = Escalation.objects.filter(case__house=region.house)
        steps = set(escalations.values_list("step", flat=True))
        assert {EscalationStep.AT_HOUSE_MANAGER, EscalationStep.PROPOSAL, EscalationStep.DIRECTORATE} <= steps
        assert escalations.filter(stages__automatic=True).exists()
        assert escalations.filter(resolved_at__isnull=False).exists()

    def test_closed_cases_with_every_reason_answered_follow_ups_and_a_re_entry(self, region: DemoRegion) -> None:
        closed = Case.objects.filter(house=region.house, status=CaseStatus.CLOSED)
        assert set(closed.values_list("close_reason_kind", flat=True)) == set(CloseReason.values)
        assert FollowUp.objects.filter(case__in=closed, answered_at__isnull=False).exists()
        assert FollowUp.objects.filter(case__in=closed, answered_at__isnull=True).exists()
        re_entry = Referral.objects.get(house=region.house, previous_case__isnull=False)
        assert re_entry.previous_case.close_reason_kind == CloseReason.CLIENT_REFUSES

    def test_running_it_again_changes_nothing(self, region: DemoRegion) -> None:
        before = AuditEvent.objects.count()
        assert not build_demo_plans(region).created
        assert AuditEvent.objects.count() == before
