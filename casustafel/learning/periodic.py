"""The learning cycle's share of the periodic work (`casustafel tick`, `settings.PERIODIC_WORK`).

- `improvement_action_notices`: improvement actions are followed like agreements: the owner is
  reminded AGREEMENT_REMINDER_WORKING_DAYS working days before the date, and owner and plan
  author are told once it has passed.
- `self_assessment_work`: participants who have not sent in a round that closes within the same
  number of working days are reminded; rounds past their closing day are closed.

Idempotent: every notice carries a key (the action and its date, the round), sent once per
recipient; a round closed once is not open any more. One batch read per job.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.learning.models import AssessmentInvitation, AssessmentStatus, ImprovementAction, SelfAssessment
from casustafel.learning.services_assessment import fill_url, self_assessment_close
from casustafel.lib.dates import add_working_days
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import Outgoing, notifications_send_many


def improvement_action_notices(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    soon = add_working_days(today, settings.AGREEMENT_REMINDER_WORKING_DAYS)
    actions = list(
        ImprovementAction.objects.open()
        .filter(due_date__lte=soon, plan__status="active")
        .select_related("owner", "plan__created_by")
    )
    outgoing = []
    for action in actions:
        url = reverse("learning:action", args=[action.pk])
        if action.due_date >= today:
            outgoing.append(
                Outgoing(
                    recipient=action.owner,
                    kind=NotificationKind.IMPROVEMENT_DUE_SOON,
                    url=url,
                    key=f"improvement:{action.pk}:due:{action.due_date:%Y-%m-%d}",
                )
            )
            continue
        key = f"improvement:{action.pk}:overdue:{action.due_date:%Y-%m-%d}"
        recipients = {action.owner_id: action.owner, action.plan.created_by_id: action.plan.created_by}
        outgoing += [
            Outgoing(recipient=user, kind=NotificationKind.IMPROVEMENT_OVERDUE, url=url, key=key)
            for user in recipients.values()
        ]
    created = notifications_send_many(actor=Actor.system(), outgoing=outgoing)
    return {"improvement_actions_checked": len(actions), "improvement_notices": len(created)}


def self_assessment_work(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    soon = add_working_days(today, settings.AGREEMENT_REMINDER_WORKING_DAYS)
    waiting = list(
        AssessmentInvitation.objects.filter(
            assessment__status=AssessmentStatus.OPEN,
            assessment__closes_on__gte=today,
            assessment__closes_on__lte=soon,
            submitted_at__isnull=True,
        ).select_related("user", "assessment")
    )
    outgoing = [
        Outgoing(
            recipient=invitation.user,
            kind=NotificationKind.ASSESSMENT_CLOSING,
            url=fill_url(invitation.assessment),
            key=f"assessment:{invitation.assessment_id}:closing",
        )
        for invitation in waiting
    ]
    created = notifications_send_many(actor=Actor.system(), outgoing=outgoing)
    closed = 0
    for assessment in SelfAssessment.objects.filter(status=AssessmentStatus.OPEN, closes_on__lt=today):
        self_assessment_close(actor=Actor.system(), assessment=assessment, expected_version=None, system=True)
        closed += 1
    return {"assessment_reminders": len(created), "assessments_closed": closed}
