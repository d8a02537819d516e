"""Writes on the plan of approach and its goals.

Every change of the plan's text or of its goals writes a new `PlanVersion` (who, when, why, and a
copy of everything the plan states), in the same transaction as the change and its audit event.
Progress on a goal is monitoring, not a change of plan: it is audited but writes no version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, diff_redacting, raw_values, snapshot
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.selectors.cases import can_manage_involvements
from casustafel.cases.services.cases import case_review_date_set
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.lib.validation import raise_errors
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.plans.models import ActionPlan, Approach, Goal, GoalStatus, PlanVersion
from casustafel.plans.selectors import current_phase, requirements_in_force
from casustafel.plans.services import require_plan_writer

PLAN_FIELDS = ("approach", "common_goal", "problem", "household_summary", "number")
GOAL_FIELDS = ("title", "criterion", "owner_organisation", "owner", "target_date", "position", "withdrawn_at")
GOAL_EDITABLE = ("title", "criterion", "owner_organisation", "owner", "target_date")
PROGRESS_FIELDS = ("status", "evidence", "status_on")
TEXT_MAX = 4000


def _require_active(case: Case) -> None:
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief; het plan kan niet meer worden gewijzigd."))


def _reason_error(reason: str) -> str | None:
    if not reason.strip():
        return _("Schrijf kort op waarom het plan verandert.")
    if len(reason) > 300:
        return _("Houd de reden korter: hoogstens 300 tekens.")
    return None


def _too_long(value: str) -> str | None:
    return _("Houd het korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX} if len(value) > TEXT_MAX else None


def _goal_copy(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "title": goal.title,
        "criterion": goal.criterion,
        "owner_organisation": goal.owner_organisation.name if goal.owner_organisation else "",
        "owner": goal.owner.full_name if goal.owner else "",
        "target_date": goal.target_date.isoformat() if goal.target_date else "",
    }


def _write_version(actor: Actor, plan: ActionPlan, reason: str) -> PlanVersion:
    """Copy what the plan states now into version `plan.number`."""
    case = plan.case
    goals = Goal.objects.filter(plan=plan, withdrawn_at__isnull=True).select_related("owner_organisation", "owner")
    version = PlanVersion.objects.create(
        plan=plan,
        number=plan.number,
        approach=plan.approach,
        common_goal=plan.common_goal,
        problem=plan.problem,
        household_summary=plan.household_summary,
        safety_phase=current_phase(case),
        review_date=case.review_date,
        goals=[_goal_copy(goal) for goal in goals.order_by("position", "pk")],
        requirements=[
            {"id": r.pk, "what": r.what, "monitor": r.monitor.name, "if_not_met": r.if_not_met}
            for r in requirements_in_force(case)
        ],
        reason=reason.strip(),
        created_by=actor.user or case.process_director,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        case_id=case.pk,
        changes={"number": [None, version.number], "reason": [None, version.reason]},
    )
    return version


def _next_version(actor: Actor, plan: ActionPlan, reason: str) -> PlanVersion:
    """Move the plan to its next version number (locked: two editors get consecutive numbers)
    and write that version. The plan's text did not change, so someone editing it meanwhile
    is not refused (`version`, the optimistic lock, stays)."""
    locked = lock_for_update(plan, expected_version=None)
    locked.number += 1
    locked.save(update_fields=["number", "updated_at"])
    return _write_version(actor, locked, reason)


@transaction.atomic
def plan_save(
    *,
    actor: Actor,
    case: Case,
    approach: Approach | str,
    common_goal: str,
    problem: str = "",
    household_summary: str = "",
    reason: str,
    review_date: dt.date | None = None,
    expected_version: int | None = None,
) -> ActionPlan:
    """Make the case's plan of approach, or change it: each call that changes something writes
    the next version with who and why.

    Args:
        approach: joint or aligned.
        common_goal: the goal every partner backs (required: without it there is no joint
            approach, seed 003 section 2.9).
        reason: why the plan changes (required; "Vastgesteld in het overleg van 4 maart").
        review_date: when the case comes back on an agenda; only house staff set it (for the
            case director it is left as it is), and they must while the case has none.
        expected_version: the plan's `version` when the form was loaded (None when making it).

    Raises:
        PermissionDenied: not house staff nor the case director.
        ServiceError: the case is not active.
        ConflictError: someone else changed the plan since the form was loaded.
        ValidationError: per field, in Dutch.
    """
    require_plan_writer(actor, case)
    _require_active(case)
    common_goal, problem, household_summary = common_goal.strip(), problem.strip(), household_summary.strip()
    raise_errors(
        {
            "approach": None if approach in Approach.values else _("Kies gezamenlijke of afgestemde aanpak."),
            "common_goal": _("Formuleer het gezamenlijke doel.") if not common_goal else _too_long(common_goal),
            "problem": _too_long(problem),
            "household_summary": _too_long(household_summary),
            "reason": _reason_error(reason),
        }
    )
    staff = actor.user is None or can_manage_involvements(actor.user, case)
    if staff and review_date is None and case.review_date is None:
        # Every active case has a review date: it is what puts the case on a meeting's agenda.
        raise ValidationError({"review_date": _("Kies wanneer de casus weer op de agenda komt.")})
    review_changed = review_date is not None and staff and review_date != case.review_date
    if review_changed:
        assert review_date is not None
        if review_date < timezone.localdate():
            raise ValidationError({"review_date": _("De rappeldatum ligt in het verleden.")})
        case_review_date_set(actor=actor, case=case, review_date=review_date)
        case.refresh_from_db(fields=["review_date", "version"])
    plan = ActionPlan.objects.filter(case=case).first()
    if plan is None:
        plan = ActionPlan(
            case=case,
            approach=approach,
            common_goal=common_goal,
            problem=problem,
            household_summary=household_summary,
            number=1,
        )
        plan.full_clean()
        plan.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=plan,
            case_id=case.pk,
            changes=diff({}, snapshot(plan, PLAN_FIELDS)),
        )
        _write_version(actor, plan, reason)
        return plan
    locked = lock_for_update(plan, expected_version=expected_version)
    before = raw_values(locked, PLAN_FIELDS)
    locked.approach, locked.common_goal = str(approach), common_goal
    locked.problem, locked.household_summary = problem, household_summary
    if not diff_redacting(before, locked, PLAN_FIELDS) and not review_changed:
        return locked
    locked.number += 1
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=case.pk,
        changes=diff_redacting(before, locked, PLAN_FIELDS),
    )
    _write_version(actor, locked, reason)
    return locked


def _require_plan(case: Case) -> ActionPlan:
    plan = ActionPlan.objects.filter(case=case).first()
    if plan is None:
        raise ServiceError(_("Maak eerst het plan van aanpak (aanpak en gezamenlijk doel)."))
    return plan


def _goal_errors(
    case: Case, *, title: str, criterion: str, owner_organisation: Organisation | None, owner: User | None
) -> None:
    owner_error = None
    if owner is not None and owner_organisation is None:
        owner_error = _("Kies eerst de organisatie van de eigenaar.")
    elif (
        owner is not None
        and owner_organisation is not None
        and not Membership.objects.active()
        .filter(user=owner, organisation=owner_organisation, role__in=CASE_WORKER_ROLES)
        .exists()
    ):
        owner_error = _("%(person)s werkt niet (meer) bij %(organisation)s.") % {
            "person": owner.full_name,
            "organisation": owner_organisation.name,
        }
    organisation_error = None
    if owner_organisation is not None and owner_organisation.house_id != case.house_id:
        organisation_error = _("Kies een organisatie van dit Zorg- en Veiligheidshuis.")
    raise_errors(
        {
            "title": _("Beschrijf het doel.")
            if not title
            else (_("Houd het doel korter.") if len(title) > 300 else None),
            "criterion": _too_long(criterion),
            "owner_organisation": organisation_error,
            "owner": owner_error,
        }
    )


@transaction.atomic
def goal_create(
    *,
    actor: Actor,
    case: Case,
    title: str,
    criterion: str = "",
    owner_organisation: Organisation | None = None,
    owner: User | None = None,
    target_date: dt.date | None = None,
    reason: str,
) -> Goal:
    """Add a goal to the plan; writes the plan's next version.

    A goal without a measurable criterion, an owner or a target date is accepted: the pages
    flag it (`plans.selectors_plan.goal_warnings`), because the meeting sometimes formulates a
    goal before it knows who takes it on.

    Raises:
        PermissionDenied: not house staff nor the case director.
        ServiceError: the case is not active, or has no plan yet.
        ValidationError: no title, no reason, an owner outside the owner organisation.
    """
    require_plan_writer(actor, case)
    _require_active(case)
    plan = _require_plan(case)
    title, criterion = title.strip(), criterion.strip()
    _goal_errors(case, title=title, criterion=criterion, owner_organisation=owner_organisation, owner=owner)
    raise_errors({"reason": _reason_error(reason)})
    position = Goal.objects.filter(plan=plan).count() + 1
    goal = Goal(
        plan=plan,
        title=title,
        criterion=criterion,
        owner_organisation=owner_organisation,
        owner=owner,
        target_date=target_date,
        position=position,
    )
    goal.full_clean()
    goal.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=goal, case_id=case.pk, changes=diff({}, snapshot(goal, GOAL_FIELDS))
    )
    _next_version(actor, plan, reason)
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: Goal, expected_version: int | None, reason: str, **values: Any) -> Goal:
    """Change a goal (what, criterion, owner, target date); writes the plan's next version.

    Raises:
        ConflictError: someone else changed the goal since the form was loaded.
        ServiceError: the case is not active, or the goal was withdrawn.
        ValidationError: as for `goal_create`.
    """
    unknown = set(values) - set(GOAL_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    case = goal.plan.case
    require_plan_writer(actor, case)
    _require_active(case)
    locked = lock_for_update(goal, expected_version=expected_version)
    if locked.withdrawn_at is not None:
        raise ServiceError(_("Dit doel is vervallen en kan niet meer worden gewijzigd."))
    before = raw_values(locked, GOAL_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _goal_errors(
        case,
        title=locked.title,
        criterion=locked.criterion,
        owner_organisation=locked.owner_organisation,
        owner=locked.owner,
    )
    raise_errors({"reason": _reason_error(reason)})
    changes = diff_redacting(before, locked, GOAL_FIELDS)
    if not changes:
        return locked
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=case.pk, changes=changes)
    _next_version(actor, locked.plan, reason)
    return locked


@transaction.atomic
def goal_withdraw(*, actor: Actor, goal: Goal, expected_version: int | None, reason: str) -> Goal:
    """Take a goal off the plan (it stays in earlier versions); writes the plan's next version.

    Raises:
        ServiceError: it is already withdrawn, or agreements still serve it.
    """
    case = goal.plan.case
    require_plan_writer(actor, case)
    _require_active(case)
    locked = lock_for_update(goal, expected_version=expected_version)
    raise_errors({"reason": _reason_error(reason)})
    if locked.withdrawn_at is not None:
        raise ServiceError(_("Dit doel is al vervallen."))
    if locked.agreements.open().exists():
        raise ServiceError(_("Er lopen nog afspraken voor dit doel; koppel ze eerst aan een ander doel."))
    before = raw_values(locked, GOAL_FIELDS)
    locked.withdrawn_at = timezone.now()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=case.pk,
        changes=diff_redacting(before, locked, GOAL_FIELDS),
    )
    _next_version(actor, locked.plan, reason)
    return locked


@transaction.atomic
def goal_progress(
    *,
    actor: Actor,
    goal: Goal,
    status: GoalStatus | str,
    evidence: str,
    status_on: dt.date | None,
    expected_version: int | None,
) -> Goal:
    """Record how a goal stands: not started, on track, achieved or not achieved, with the
    evidence and the date of the judgement.

    Raises:
        ConflictError: someone else changed the goal since the form was loaded.
        ValidationError: an unknown status; a judgement without evidence or date; a date in
            the future.
    """
    case = goal.plan.case
    require_plan_writer(actor, case)
    _require_active(case)
    locked = lock_for_update(goal, expected_version=expected_version)
    evidence = evidence.strip()
    judged = status != GoalStatus.NOT_STARTED
    date_error = None
    if judged and status_on is None:
        date_error = _("Vul de datum van dit oordeel in.")
    elif status_on is not None and status_on > timezone.localdate():
        date_error = _("De datum ligt in de toekomst.")
    raise_errors(
        {
            "status": None if status in GoalStatus.values else _("Kies hoe het doel ervoor staat."),
            "evidence": _("Schrijf op waarop dit oordeel rust.") if judged and not evidence else _too_long(evidence),
            "status_on": date_error,
        }
    )
    before = raw_values(locked, PROGRESS_FIELDS)
    locked.status, locked.evidence = str(status), evidence
    locked.status_on = status_on if judged else None
    changes = diff_redacting(before, locked, PROGRESS_FIELDS)
    if not changes:
        return locked
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=case.pk, changes=changes)
    return locked
