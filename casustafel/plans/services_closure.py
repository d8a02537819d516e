"""Closing the loop: closing a case with its goal outcomes, what happens to each open agreement,
the closure plan and the last safety score; then the follow-up questions at the meeting type's
moments after closure (default 3, 6 and 12 months).

`case_closure` validates everything first and then, in one transaction, closes the case through
`cases.services.closing.case_close` (status, reason, destruction date, involvements ended) and
records the rest, each write with its audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, diff_redacting, raw_values, snapshot
from casustafel.cases.models import Case, CaseStatus, CloseReason
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.cases.services.closing import case_close, case_close_errors
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.dates import add_months
from casustafel.lib.errors import ServiceError
from casustafel.plans.models import (
    GOAL_OUTCOMES,
    SAFETY_SCORE_MAX,
    Agreement,
    AgreementEnd,
    ClosurePlan,
    FollowUp,
    FollowUpAnswer,
    Goal,
)

CLOSURE_FIELDS = ("case", "continues", "if_it_goes_wrong", "last_safety_score", "last_safety_justification")
FOLLOW_UP_FIELDS = ("case", "months", "due_on")
ANSWER_FIELDS = ("answered_at", "new_incidents", "re_referral", "still_safe", "note")


@dataclass(frozen=True)
class GoalOutcome:
    status: str  # achieved or not achieved
    evidence: str = ""


@dataclass(frozen=True)
class AgreementSettlement:
    end: str  # AgreementEnd
    continues_with: str = ""


def open_goals(case: Case) -> list[Goal]:
    return list(
        Goal.objects.filter(plan__case=case, withdrawn_at__isnull=True)
        .select_related("owner_organisation")
        .order_by("position", "pk")
    )


def open_agreements(case: Case) -> list[Agreement]:
    return list(Agreement.objects.filter(case=case).open().select_related("organisation", "owner"))


def closure_errors(
    case: Case,
    *,
    goal_outcomes: dict[int, GoalOutcome],
    settlements: dict[int, AgreementSettlement],
    continues: str,
    if_it_goes_wrong: str,
    last_safety_score: int | None,
    last_safety_justification: str,
) -> dict[str, str]:
    """What is missing or wrong in the plan side of a closing, per field, in Dutch. Goal fields
    are `goal_<id>`, agreement fields `agreement_<id>`."""
    errors: dict[str, str] = {}
    for goal in open_goals(case):
        outcome = goal_outcomes.get(goal.pk)
        if outcome is None or outcome.status not in GOAL_OUTCOMES:
            errors[f"goal_{goal.pk}"] = _("Geef aan of dit doel is behaald.")
        elif not outcome.evidence.strip() and not goal.evidence:
            errors[f"goal_{goal.pk}"] = _("Schrijf op waarop dit oordeel rust.")
    for agreement in open_agreements(case):
        settlement = settlements.get(agreement.pk)
        if settlement is None or settlement.end not in AgreementEnd.values:
            errors[f"agreement_{agreement.pk}"] = _("Kies wat er met deze lopende afspraak gebeurt.")
        elif settlement.end == AgreementEnd.CONTINUES and not settlement.continues_with.strip():
            errors[f"agreement_{agreement.pk}"] = _("Schrijf op wie de afspraak voortzet.")
    if not continues.strip():
        errors["continues"] = _("Schrijf op wat er doorloopt en bij wie (of dat niets doorloopt).")
    if not if_it_goes_wrong.strip():
        errors["if_it_goes_wrong"] = _("Schrijf op wat er gebeurt als het later toch weer niet goed gaat.")
    if last_safety_score is None or not 0 <= last_safety_score <= SAFETY_SCORE_MAX:
        errors["last_safety_score"] = _("Geef een veiligheidscijfer van 0 tot en met 10.")
    if not last_safety_justification.strip():
        errors["last_safety_justification"] = _("Onderbouw het veiligheidscijfer.")
    return errors


@transaction.atomic
def case_closure(
    *,
    actor: Actor,
    case: Case,
    reason_kind: CloseReason | str,
    reason: str,
    closed_on: dt.date | None,
    goal_outcomes: dict[int, GoalOutcome],
    settlements: dict[int, AgreementSettlement],
    continues: str,
    if_it_goes_wrong: str,
    last_safety_score: int | None,
    last_safety_justification: str,
    expected_version: int | None = None,
) -> Case:
    """Close the case with everything the loop needs: the reason from the fixed list, each goal
    achieved or not (with evidence), for each open agreement whether it was done, lapses or
    continues outside the house (and with whom), the closure plan and the last safety score.
    Then the follow-up moments of the meeting type are planned.

    Raises:
        PermissionDenied: not a process director of the house.
        ValidationError: every problem at once, per field (see `closure_errors` and
            `cases.services.closing.case_close_errors`).
        ServiceError: the case is not active.
        ConflictError: the case changed since the form was loaded.
    """
    if actor.user is not None and not is_process_director_of(actor.user, case.house_id):
        raise PermissionDenied
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is al afgesloten."))
    errors = case_close_errors(case, reason=reason, closed_on=closed_on, reason_kind=str(reason_kind))
    errors.update(
        closure_errors(
            case,
            goal_outcomes=goal_outcomes,
            settlements=settlements,
            continues=continues,
            if_it_goes_wrong=if_it_goes_wrong,
            last_safety_score=last_safety_score,
            last_safety_justification=last_safety_justification,
        )
    )
    if errors:
        raise ValidationError(errors)
    assert closed_on is not None and last_safety_score is not None
    closed = case_close(
        actor=actor,
        case=case,
        reason=reason,
        reason_kind=reason_kind,
        closed_on=closed_on,
        expected_version=expected_version,
    )
    assert closed.closed_at is not None
    for goal in open_goals(closed):
        outcome = goal_outcomes[goal.pk]
        before = raw_values(goal, ("status", "evidence", "status_on"))
        goal.status = outcome.status
        goal.evidence = outcome.evidence.strip() or goal.evidence
        goal.status_on = closed_on
        bump_version(goal)
        goal.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=goal,
            case_id=closed.pk,
            changes=diff_redacting(before, goal, ("status", "evidence", "status_on")),
        )
    for agreement in open_agreements(closed):
        settlement = settlements[agreement.pk]
        before = raw_values(agreement, ("ended_at", "end", "continues_with"))
        agreement.ended_at, agreement.end = closed.closed_at, settlement.end
        agreement.continues_with = settlement.continues_with.strip()
        bump_version(agreement)
        agreement.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=agreement,
            case_id=closed.pk,
            changes=diff_redacting(before, agreement, ("ended_at", "end", "continues_with")),
        )
    plan = ClosurePlan(
        case=closed,
        continues=continues.strip(),
        if_it_goes_wrong=if_it_goes_wrong.strip(),
        last_safety_score=last_safety_score,
        last_safety_justification=last_safety_justification.strip(),
        recorded_by=actor.user or closed.process_director,
    )
    plan.full_clean()
    plan.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        case_id=closed.pk,
        changes=diff({}, snapshot(plan, CLOSURE_FIELDS)),
    )
    follow_ups_plan(actor=actor, case=closed, closed_on=closed_on)
    return closed


def follow_ups_plan(*, actor: Actor, case: Case, closed_on: dt.date) -> list[FollowUp]:
    """Plan the follow-up moments of the case's meeting type after `closed_on` (idempotent: a
    moment already planned is kept)."""
    created = []
    for months in case.meeting_type.follow_up_month_list:
        follow_up, new = FollowUp.objects.get_or_create(
            case=case, months=months, defaults={"due_on": add_months(closed_on, months)}
        )
        if new:
            created.append(follow_up)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=follow_up,
                case_id=case.pk,
                changes=diff({}, snapshot(follow_up, FOLLOW_UP_FIELDS)),
            )
    return created


@transaction.atomic
def follow_up_answer(
    *,
    actor: Actor,
    follow_up: FollowUp,
    new_incidents: FollowUpAnswer | str,
    re_referral: FollowUpAnswer | str,
    still_safe: FollowUpAnswer | str,
    note: str = "",
    expected_version: int | None,
) -> FollowUp:
    """The process director answers a follow-up: new incidents? referred again? still safe?

    Raises:
        PermissionDenied: not a process director of the house.
        ConflictError: someone else answered it since the page was loaded.
        ServiceError: it is not due yet.
        ValidationError: an answer missing.
    """
    case = follow_up.case
    if actor.user is not None and not is_process_director_of(actor.user, case.house_id):
        raise PermissionDenied
    locked = lock_for_update(follow_up, expected_version=expected_version)
    if locked.due_on > timezone.localdate():
        raise ServiceError(_("Deze nazorgvraag is pas op %(date)s aan de beurt.") % {"date": locked.due_on})
    answers = {"new_incidents": new_incidents, "re_referral": re_referral, "still_safe": still_safe}
    errors = {
        name: _("Kies ja, nee of onbekend.") for name, value in answers.items() if value not in FollowUpAnswer.values
    }
    if errors:
        raise ValidationError(errors)
    before = raw_values(locked, ANSWER_FIELDS)
    locked.new_incidents, locked.re_referral, locked.still_safe = str(new_incidents), str(re_referral), str(still_safe)
    locked.note = note.strip()
    locked.answered_at = timezone.now()
    locked.answered_by = actor.user or case.process_director
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=case.pk,
        changes=diff_redacting(before, locked, ANSWER_FIELDS),
    )
    return locked
