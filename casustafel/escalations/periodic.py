"""The escalations' share of the periodic work (`casustafel tick`):

1. raise an escalation for every agreement still open ESCALATION_TERM_WORKING_DAYS working days
   after its due date, unless one was raised for it since that due date;
2. raise one for every report that a bodemeis was not met;
3. move every open escalation whose term has passed one step up; at the last step, mark that the
   term passed and tell the process director (once).

Idempotent: what was escalated, moved or marked is not found again on the next run.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.cases.models import CaseStatus
from casustafel.escalations.ladders import next_rung
from casustafel.escalations.models import Escalation, EscalationReason
from casustafel.escalations.services import escalation_raise, escalation_step_up
from casustafel.lib.dates import add_working_days
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.plans.models import Agreement, AgreementResponse, RequirementCheck

# Stored questions are data in the house's language, like other system-written texts.
OVERDUE_QUESTION = (
    "Afspraak {pk} is {days} werkdagen na de afgesproken datum ({due:%d-%m-%Y}) nog niet uitgevoerd. "
    "Wat is er nodig om haar alsnog uit te voeren, of wat komt ervoor in de plaats?"
)
NOT_MET_QUESTION = "De bewaker meldt dat bodemeis {pk} niet wordt nagekomen. Wat gebeurt er nu?"
TERM_PASSED_QUESTION = "De termijn van de vorige stap is verstreken zonder besluit. {question}"


def escalate_overdue_agreements(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    term = settings.ESCALATION_TERM_WORKING_DAYS
    # Due on or before this day means the term after the due date has passed.
    last_due = add_working_days(today, -term)
    escalated_since_due = Escalation.objects.filter(agreement=OuterRef("pk"), raised_at__date__gt=OuterRef("due_date"))
    agreements = (
        Agreement.objects.open()
        .filter(case__status=CaseStatus.ACTIVE, due_date__lt=last_due)
        .exclude(response=AgreementResponse.DECLINED)
        .exclude(Exists(escalated_since_due))
        .exclude(Exists(Escalation.objects.open().filter(agreement=OuterRef("pk"))))
        .select_related("case", "organisation")
    )
    raised = 0
    for agreement in agreements:
        escalation_raise(
            actor=Actor.system(),
            case=agreement.case,
            reason=EscalationReason.AGREEMENT_OVERDUE,
            question=OVERDUE_QUESTION.format(pk=agreement.pk, days=term, due=agreement.due_date),
            parties=[agreement.organisation],
            agreement=agreement,
        )
        raised += 1
    return raised


def escalate_unmet_requirements() -> int:
    checks = (
        RequirementCheck.objects.filter(
            met=False,
            escalation__isnull=True,
            requirement__ended_at__isnull=True,
            requirement__case__status=CaseStatus.ACTIVE,
        )
        .select_related("requirement__case", "requirement__monitor")
        .order_by("checked_at", "pk")
    )
    raised = 0
    for check in checks:
        requirement = check.requirement
        escalation_raise(
            actor=Actor.system(),
            case=requirement.case,
            reason=EscalationReason.REQUIREMENT_NOT_MET,
            question=NOT_MET_QUESTION.format(pk=requirement.pk),
            parties=[requirement.monitor],
            requirement_check=check,
        )
        raised += 1
    return raised


def step_up_passed_terms(*, today: dt.date | None = None) -> tuple[int, int]:
    """(moved up, marked as passed at the last step)."""
    today = today or timezone.localdate()
    moved = marked = 0
    passed = Escalation.objects.open().filter(deadline__lt=today, term_passed_at__isnull=True).select_related("case")
    for escalation in passed:
        if next_rung(escalation.reason, escalation.step) is not None:
            escalation_step_up(
                actor=Actor.system(),
                escalation=escalation,
                question=TERM_PASSED_QUESTION.format(question=escalation.question),
                expected_version=escalation.version,
                automatic=True,
            )
            moved += 1
            continue
        now = timezone.now()
        Escalation.objects.filter(pk=escalation.pk, term_passed_at__isnull=True).update(term_passed_at=now)
        audit_record(
            actor=Actor.system(),
            action=AuditAction.UPDATE,
            obj=escalation,
            case_id=escalation.case_id,
            changes={"term_passed_at": [None, now]},
        )
        notification_send(
            actor=Actor.system(),
            recipient=escalation.case.process_director,
            kind=NotificationKind.ESCALATION_STEPPED_UP,
            url=reverse("escalations:detail", args=[escalation.pk]),
            case_id=escalation.case_id,
            key=f"escalation:{escalation.pk}:term_passed",
        )
        marked += 1
    return moved, marked


def escalation_work(*, today: dt.date | None = None) -> dict[str, int]:
    moved, marked = step_up_passed_terms(today=today)
    return {
        "escalations_raised_agreements": escalate_overdue_agreements(today=today),
        "escalations_raised_requirements": escalate_unmet_requirements(),
        "escalations_moved_up": moved,
        "escalations_last_term_passed": marked,
    }
