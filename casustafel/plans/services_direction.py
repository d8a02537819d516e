"""Writes on case direction: the process director proposes a case director with the task
checklist (and any tasks that lie elsewhere), the professional accepts or declines from their own
account, a handover ends the previous direction when the next is accepted, and both roles tick
their tasks. Seed 003, sections 8.2 and 8.3.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.plans.models import (
    CaseDirectorTask,
    DirectionAssignment,
    DirectionRole,
    DirectionStatus,
    DirectionTaskCheck,
    ProcessDirectorTask,
)
from casustafel.plans.roles import is_case_director

ASSIGNMENT_FIELDS = (
    "case",
    "director",
    "organisation",
    "status",
    "excluded_tasks",
    "period_until",
    "previous",
    "reason",
    "responded_at",
    "decline_reason",
    "ended_at",
    "end_reason",
)
# Stored data, not UI: in the house's language whatever language the user reads in.
HANDED_OVER = "Overgedragen"


def _require_process_director(actor: Actor, case: Case) -> None:
    if actor.user is not None and not is_process_director_of(actor.user, case.house_id):
        raise PermissionDenied


def _require_active(case: Case) -> None:
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief."))


def _audit(actor: Actor, assignment: DirectionAssignment, before: dict[str, object]) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=assignment,
        case_id=assignment.case_id,
        changes=diff(before, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )


def _direction_url(case: Case) -> str:
    return reverse("plans:direction", args=[case.pk])


@transaction.atomic
def direction_propose(
    *,
    actor: Actor,
    case: Case,
    director: User | None,
    organisation: Organisation | None,
    reason: str,
    excluded_tasks: list[dict[str, str]] | None = None,
    period_until: dt.date | None = None,
) -> DirectionAssignment:
    """Propose a professional of an involved partner as case director (a handover when the case
    has one already). They are notified and accept or decline from their own account.

    Args:
        excluded_tasks: the case director tasks they do not take on, each with where it lies
            instead: ``[{"task": "<CaseDirectorTask>", "assigned_to": "<who>"}]``.
        period_until: the end of the period the direction is assigned for (None: until closing).

    Raises:
        PermissionDenied: not a process director of the house.
        ServiceError: the case is not active, or a proposal is already waiting for an answer.
        ValidationError: per field, in Dutch: no organisation, one that is not an involved
            partner, a person who does not work there, the current director again, no reason,
            an unknown task or one without where it lies instead.
    """
    _require_process_director(actor, case)
    locked = lock_for_update(case, expected_version=None)
    _require_active(locked)
    if DirectionAssignment.objects.filter(case=case, status=DirectionStatus.PROPOSED).exists():
        raise ServiceError(_("Er wacht al een voorstel voor casusregie op antwoord; trek dat eerst in."))
    reason = reason.strip()
    excluded = [
        {"task": entry.get("task", ""), "assigned_to": entry.get("assigned_to", "").strip()}
        for entry in excluded_tasks or []
    ]
    errors: dict[str, str] = {}
    if organisation is None:
        errors["organisation"] = _("Kies de organisatie van de casusregisseur.")
    elif organisation.house_id != case.house_id or organisation.is_house_office:
        errors["organisation"] = _("De casusregisseur is een professional van een partnerorganisatie.")
    elif not CaseInvolvement.objects.current().filter(case=case, organisation=organisation).exists():
        errors["organisation"] = _(
            "%(organisation)s is niet betrokken bij deze casus; betrek de organisatie eerst."
        ) % {"organisation": organisation.name}
    if director is None:
        errors["director"] = _("Kies de professional die de casusregie krijgt.")
    elif "organisation" not in errors and not (
        Membership.objects.active()
        .filter(user=director, organisation=organisation, role__in=CASE_WORKER_ROLES)
        .exists()
    ):
        assert organisation is not None
        errors["director"] = _("%(person)s werkt niet (meer) bij %(organisation)s.") % {
            "person": director.full_name,
            "organisation": organisation.name,
        }
    elif is_case_director(director, case):
        errors["director"] = _("%(person)s is al casusregisseur van deze casus.") % {"person": director.full_name}
    if not reason:
        errors["reason"] = _("Schrijf op waarom deze professional de casusregie krijgt.")
    if period_until is not None and period_until <= timezone.localdate():
        errors["period_until"] = _("Het einde van de periode moet in de toekomst liggen.")
    for entry in excluded:
        if entry["task"] not in CaseDirectorTask.values:
            errors["excluded_tasks"] = _("Kies taken uit de lijst van de casusregisseur.")
        elif not entry["assigned_to"]:
            errors["excluded_tasks"] = _("Schrijf bij elke taak die elders ligt op waar: %(task)s") % {
                "task": CaseDirectorTask(entry["task"]).label
            }
    if errors:
        raise ValidationError(errors)
    assert director is not None and organisation is not None
    previous = DirectionAssignment.objects.filter(case=case, status=DirectionStatus.ACCEPTED).first()
    assignment = DirectionAssignment(
        case=case,
        director=director,
        organisation=organisation,
        excluded_tasks=excluded,
        period_until=period_until,
        previous=previous,
        reason=reason,
        proposed_by=actor.user or case.process_director,
        proposed_at=timezone.now(),
    )
    assignment.full_clean()
    assignment.save()
    _audit(actor, assignment, {})
    notification_send(
        actor=actor,
        recipient=director,
        kind=NotificationKind.DIRECTION_PROPOSED,
        url=_direction_url(case),
        case_id=case.pk,
    )
    return assignment


@transaction.atomic
def direction_respond(
    *, actor: Actor, assignment: DirectionAssignment, accept: bool, reason: str = "", expected_version: int | None
) -> DirectionAssignment:
    """The proposed professional accepts (taking on the listed tasks; a previous case director
    is then handed over from) or declines with a reason. The process director is told.

    Raises:
        PermissionDenied: the actor is not the proposed professional.
        ConflictError: the proposal changed since the page was loaded.
        ServiceError: the proposal was already answered or withdrawn.
        ValidationError: a decline without a reason.
    """
    if actor.user is None or assignment.director_id != actor.user.pk:
        raise PermissionDenied
    locked = lock_for_update(assignment, expected_version=expected_version)
    _require_active(locked.case)
    if locked.status != DirectionStatus.PROPOSED:
        raise ServiceError(_("Dit voorstel is al beantwoord of ingetrokken."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Schrijf op waarom u de casusregie niet op u neemt.")})
    now = timezone.now()
    if accept and locked.previous is not None:
        previous = lock_for_update(locked.previous, expected_version=None)
        if previous.status == DirectionStatus.ACCEPTED:
            before = snapshot(previous, ASSIGNMENT_FIELDS)
            previous.status, previous.ended_at, previous.end_reason = DirectionStatus.ENDED, now, HANDED_OVER
            bump_version(previous)
            previous.save()
            _audit(actor, previous, before)
    before = snapshot(locked, ASSIGNMENT_FIELDS)
    locked.status = DirectionStatus.ACCEPTED if accept else DirectionStatus.DECLINED
    locked.responded_at = now
    locked.decline_reason = "" if accept else reason[:300]
    bump_version(locked)
    locked.full_clean()
    locked.save()
    _audit(actor, locked, before)
    notification_send(
        actor=actor,
        recipient=locked.proposed_by,
        kind=NotificationKind.DIRECTION_ANSWERED,
        url=_direction_url(locked.case),
        case_id=locked.case_id,
    )
    return locked


@transaction.atomic
def direction_end(
    *, actor: Actor, assignment: DirectionAssignment, reason: str, expected_version: int | None
) -> DirectionAssignment:
    """The process director ends a case direction without a successor yet (the director left,
    or the period ended), or withdraws a proposal. The case then shows on the start page as
    without case director until a new one accepts.

    Raises:
        PermissionDenied: not a process director of the house.
        ServiceError: the assignment has already ended or was declined.
        ValidationError: no reason.
    """
    _require_process_director(actor, assignment.case)
    locked = lock_for_update(assignment, expected_version=expected_version)
    if locked.status not in (DirectionStatus.ACCEPTED, DirectionStatus.PROPOSED):
        raise ServiceError(_("Deze casusregie is al beëindigd."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Schrijf op waarom de casusregie eindigt.")})
    before = snapshot(locked, ASSIGNMENT_FIELDS)
    locked.status, locked.ended_at, locked.end_reason = DirectionStatus.ENDED, timezone.now(), reason[:300]
    bump_version(locked)
    locked.full_clean()
    locked.save()
    _audit(actor, locked, before)
    return locked


@transaction.atomic
def direction_task_check(
    *, actor: Actor, case: Case, role: DirectionRole | str, task: str, note: str = ""
) -> DirectionTaskCheck:
    """Tick a task of the checklist for this case: the process director ticks the process
    director's tasks, the case director the case director's tasks they took on.

    Raises:
        PermissionDenied: not the one whose task it is.
        ServiceError: the case is not active; a task the case director did not take on.
        ValidationError: an unknown task.
    """
    _require_active(case)
    user = actor.user
    if role == DirectionRole.PROCESS:
        if task not in ProcessDirectorTask.values:
            raise ValidationError({"task": _("Onbekende taak.")})
        if user is not None and not is_process_director_of(user, case.house_id):
            raise PermissionDenied
    elif role == DirectionRole.CASE:
        if task not in CaseDirectorTask.values:
            raise ValidationError({"task": _("Onbekende taak.")})
        direction = DirectionAssignment.objects.filter(case=case, status=DirectionStatus.ACCEPTED).first()
        if direction is None or (user is not None and direction.director_id != user.pk):
            raise PermissionDenied
        if task in direction.excluded_keys:
            raise ServiceError(_("Deze taak ligt niet bij de casusregisseur."))
    else:
        raise ValidationError({"role": _("Onbekende rol.")})
    check = DirectionTaskCheck.objects.create(
        case=case,
        role=role,
        task=task,
        note=note.strip()[:300],
        checked_by=user or case.process_director,
        checked_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=check,
        case_id=case.pk,
        changes={"role": [None, str(role)], "task": [None, task]},
    )
    return check
