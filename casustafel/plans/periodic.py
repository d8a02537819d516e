"""The plans' share of the periodic work (`casustafel tick`): reminders before an agreement is
due, notices when it is overdue, and the follow-up questions after closure.

Idempotent: every notification carries a key (the agreement and its due date, the follow-up
moment), and a key is sent to a recipient once, so a second run in a row sends nothing. A new due
date is a new key: a rescheduled agreement is reminded again. Queries do not grow with the number
of agreements beyond one batch read; notifications are written in one batch with one audit event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import CaseStatus
from casustafel.lib.dates import add_working_days
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import Outgoing, notifications_send_many
from casustafel.plans.models import Agreement, AgreementResponse, DirectionAssignment, DirectionStatus, FollowUp


def _directors(case_ids: set[int]) -> dict[int, object]:
    return {
        direction.case_id: direction.director
        for direction in DirectionAssignment.objects.filter(
            case_id__in=case_ids, status=DirectionStatus.ACCEPTED
        ).select_related("director")
    }


def agreement_notices(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind owners of agreements due within AGREEMENT_REMINDER_WORKING_DAYS working days, and
    tell owners and case directors of overdue ones."""
    today = today or timezone.localdate()
    soon = add_working_days(today, settings.AGREEMENT_REMINDER_WORKING_DAYS)
    agreements = list(
        Agreement.objects.open()
        .filter(case__status=CaseStatus.ACTIVE, due_date__lte=soon)
        .exclude(response=AgreementResponse.DECLINED)
        .select_related("owner")
    )
    directors = _directors({agreement.case_id for agreement in agreements})
    my_list = reverse("plans:my_agreements")
    outgoing = []
    for agreement in agreements:
        if agreement.due_date >= today:
            outgoing.append(
                Outgoing(
                    recipient=agreement.owner,
                    kind=NotificationKind.AGREEMENT_DUE_SOON,
                    url=my_list,
                    key=f"agreement:{agreement.pk}:due:{agreement.due_date:%Y-%m-%d}",
                    case_id=agreement.case_id,
                )
            )
            continue
        key = f"agreement:{agreement.pk}:overdue:{agreement.due_date:%Y-%m-%d}"
        outgoing.append(
            Outgoing(
                recipient=agreement.owner,
                kind=NotificationKind.AGREEMENT_OVERDUE,
                url=my_list,
                key=key,
                case_id=agreement.case_id,
            )
        )
        director = directors.get(agreement.case_id)
        if director is not None and director.pk != agreement.owner_id:  # type: ignore[attr-defined]
            outgoing.append(
                Outgoing(
                    recipient=director,  # type: ignore[arg-type]
                    kind=NotificationKind.AGREEMENT_OVERDUE,
                    url=reverse("plans:plan", args=[agreement.case_id]) + "#section-agreements",
                    key=key,
                    case_id=agreement.case_id,
                )
            )
    created = notifications_send_many(actor=Actor.system(), outgoing=outgoing)
    return {"agreements_checked": len(agreements), "agreement_notices": len(created)}


def follow_up_prompts(*, today: dt.date | None = None) -> dict[str, int]:
    """Ask the process director of each closed case whose follow-up moment has come."""
    today = today or timezone.localdate()
    due = list(
        FollowUp.objects.filter(
            due_on__lte=today, answered_at__isnull=True, case__status=CaseStatus.CLOSED
        ).select_related("case__process_director")
    )
    outgoing = [
        Outgoing(
            recipient=follow_up.case.process_director,
            kind=NotificationKind.FOLLOW_UP_DUE,
            url=reverse("plans:follow_up", args=[follow_up.case_id, follow_up.pk]),
            key=f"follow_up:{follow_up.pk}",
            case_id=follow_up.case_id,
        )
        for follow_up in due
    ]
    created = notifications_send_many(actor=Actor.system(), outgoing=outgoing)
    return {"follow_ups_due": len(due), "follow_up_notices": len(created)}
