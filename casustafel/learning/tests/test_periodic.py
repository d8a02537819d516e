"""The learning cycle's periodic work with a frozen clock: improvement actions reminded before
their date and reported overdue after it, self-assessment invitees reminded before a round
closes, rounds closed after their day; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

import pytest
import time_machine

from casustafel.learning.models import AssessmentStatus
from casustafel.learning.periodic import improvement_action_notices, self_assessment_work
from casustafel.learning.services_improvement import improvement_action_create, improvement_plan_create
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.testing.learning import assessment_round
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture
def action(personas):
    with time_machine.travel(MONDAY, tick=False):
        plan = improvement_plan_create(
            actor=actor_for(personas, "house_manager"), house=personas.house, title="Plan", aim="Doel"
        )
        return improvement_action_create(
            actor=actor_for(personas, "house_manager"),
            plan=plan,
            title="Actie",
            organisation=personas.org_b,
            owner=personas.professional_b,
            due_date=dt.date(2027, 3, 10),  # a Wednesday
        )


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_action_is_reminded_two_working_days_before_and_reported_overdue_once(personas, action):
    assert improvement_action_notices(today=dt.date(2027, 3, 5))["improvement_notices"] == 0  # Friday: 3 working days
    assert improvement_action_notices(today=dt.date(2027, 3, 8))["improvement_notices"] == 1  # Monday: 2
    assert improvement_action_notices(today=dt.date(2027, 3, 9))["improvement_notices"] == 0  # sent before
    overdue = improvement_action_notices(today=dt.date(2027, 3, 11))
    assert overdue["improvement_notices"] == 2  # the owner and the plan's author
    assert improvement_action_notices(today=dt.date(2027, 3, 12))["improvement_notices"] == 0
    assert _kinds(personas.professional_b) == sorted(
        [
            NotificationKind.IMPROVEMENT_ASSIGNED,
            NotificationKind.IMPROVEMENT_DUE_SOON,
            NotificationKind.IMPROVEMENT_OVERDUE,
        ]
    )
    assert _kinds(personas.house_manager) == [NotificationKind.IMPROVEMENT_OVERDUE]


def test_invitees_are_reminded_and_the_round_closes_after_its_day_through_the_tick(personas):
    with time_machine.travel(MONDAY, tick=False):
        assessment = assessment_round(
            personas,
            title="Ronde",
            invite=[personas.memberships["professional_a"], personas.memberships["professional_b"]],
            closes_in_days=2,  # Wednesday
        )
        assert self_assessment_work()["assessment_reminders"] == 2
        assert self_assessment_work() == {"assessment_reminders": 0, "assessments_closed": 0}
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
        call_command("tick", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.CLOSED
        before = Notification.objects.count()
        call_command("tick", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert Notification.objects.count() == before
