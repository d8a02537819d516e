"""Writes on the plan side of a case: phase moves, bodemeisen and agreements.

Made in a meeting (the meetings app calls these and records where each was made) or, later,
between meetings (issue 11). Each service validates, saves and writes its audit event in one
transaction; free text about the household is recorded in the audit trail as changed, never as
what it says (`AUDIT_REDACTED_FIELDS`).

Who writes: the process directors and secretaries of the case's house (they chair and minute
the meetings), the case director between meetings (`plans.roles.can_write_plan`), or the system
actor (demo data, commands). A new or reassigned agreement notifies its named person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, diff_redacting, raw_values, snapshot
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus
from casustafel.cases.selectors.cases import can_manage_involvements
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import PHASE_ORDER, SafetyPhase
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.plans.models import (
    Agreement,
    AgreementKind,
    AgreementResponse,
    Goal,
    MinimumRequirement,
    PhaseDirection,
    PhaseMove,
)
from casustafel.plans.roles import is_case_director
from casustafel.plans.selectors import current_phase
from casustafel.privacy.subject_access.restrictions import restriction_exempt

PHASE_MOVE_FIELDS = ("case", "from_phase", "to_phase", "direction", "reason", "moved_at", "moved_by")
REQUIREMENT_FIELDS = ("case", "what", "monitor", "if_not_met", "ended_at", "end_reason")
REQUIREMENT_EDITABLE = ("what", "monitor", "if_not_met")
AGREEMENT_FIELDS = (
    "case",
    "organisation",
    "owner",
    "what",
    "due_date",
    "due_time",
    "kind",
    "justification",
    "goal",
    "response",
)
AGREEMENT_EDITABLE = ("organisation", "owner", "what", "due_date", "due_time", "kind", "justification", "goal")
TEXT_MAX_LENGTH = 2000


def require_plan_writer(actor: Actor, case: Case) -> None:
    """The process directors and secretaries of the case's house write the plan side of a case
    (the same people who manage its involvements), and so does its case director; the system
    actor may too.

    Raises:
        PermissionDenied: anyone else.
    """
    if actor.user is None:
        return
    if not (can_manage_involvements(actor.user, case) or is_case_director(actor.user, case)):
        raise PermissionDenied


def _require_active(case: Case) -> None:
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief; er kan niets meer bij."))


def _text_error(value: str, empty: str) -> str | None:
    if not value.strip():
        return empty
    if len(value) > TEXT_MAX_LENGTH:
        return _("Houd het korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX_LENGTH}
    return None


def _organisation_error(case: Case, organisation: Organisation | None, *, empty: str) -> str | None:
    """An organisation that takes on something in a case must be of the house, and involved in
    the case now (or be the house office itself)."""
    if organisation is None:
        return empty
    if organisation.house_id != case.house_id or not organisation.is_active:
        return _("Kies een organisatie van dit Zorg- en Veiligheidshuis.")
    if organisation.is_house_office:
        return None
    if not CaseInvolvement.objects.current().filter(case=case, organisation=organisation).exists():
        return _("%(organisation)s is niet betrokken bij deze casus; betrek de organisatie eerst.") % {
            "organisation": organisation.name
        }
    return None


def _errors(errors: dict[str, str | None]) -> None:
    found = {name: message for name, message in errors.items() if message}
    if found:
        raise ValidationError(found)


# --- Phase moves ----------------------------------------------------------------------------


@restriction_exempt("changes the case's safety phase")
@transaction.atomic
def phase_move(
    *, actor: Actor, case: Case, to_phase: SafetyPhase | str, reason: str, moved_at: dt.datetime | None = None
) -> PhaseMove:
    """Move the case to another safety phase, forward or back, with the reason.

    The first move records the phase the case starts in (usually direct safety). The case row
    is locked first, so two moves at once chain one after the other instead of both starting
    from the same phase.

    Args:
        moved_at: when the move was decided (default now; the demo records past meetings).

    Raises:
        PermissionDenied: see `require_plan_writer`.
        ServiceError: the case is no longer active.
        ValidationError: an unknown phase, the phase the case is already in, no reason.
    """
    require_plan_writer(actor, case)
    locked = lock_for_update(case, expected_version=None)
    _require_active(locked)
    reason = reason.strip()
    before = current_phase(locked)
    phase_error = None
    if to_phase not in SafetyPhase.values:
        phase_error = _("Kies een fase.")
    elif to_phase == before:
        phase_error = _("De casus is al in de fase %(phase)s.") % {"phase": SafetyPhase(to_phase).label}
    _errors({"to_phase": phase_error, "reason": _text_error(reason, _("Schrijf op waarom de fase verandert."))})
    if not before:
        direction = PhaseDirection.INITIAL
    elif PHASE_ORDER[to_phase] > PHASE_ORDER[before]:
        direction = PhaseDirection.FORWARD
    else:
        direction = PhaseDirection.BACKWARD
    move = PhaseMove(
        case=locked,
        from_phase=before,
        to_phase=to_phase,
        direction=direction,
        reason=reason,
        moved_at=moved_at or timezone.now(),
        moved_by=actor.user or locked.process_director,
    )
    move.full_clean()
    move.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=move,
        case_id=case.pk,
        changes=diff({}, snapshot(move, PHASE_MOVE_FIELDS)),
    )
    return move


# --- Bodemeisen -----------------------------------------------------------------------------


def _requirement_errors(case: Case, what: str, monitor: Organisation | None, if_not_met: str) -> None:
    _errors(
        {
            "what": _text_error(what, _("Beschrijf wat er minimaal gerealiseerd moet worden.")),
            "monitor": _organisation_error(case, monitor, empty=_("Kies de organisatie die de bodemeis bewaakt.")),
            "if_not_met": _text_error(if_not_met, _("Schrijf op wat er gebeurt als de bodemeis niet wordt nagekomen.")),
        }
    )


@restriction_exempt("a bodemeis for the case's organisations; links no person")
@transaction.atomic
def minimum_requirement_create(
    *, actor: Actor, case: Case, what: str, monitor: Organisation | None, if_not_met: str
) -> MinimumRequirement:
    """Record a bodemeis: what must at least be realised, who monitors it, and what happens
    when it is not met.

    Raises:
        PermissionDenied: see `require_plan_writer`.
        ServiceError: the case is no longer active.
        ValidationError: per field, in Dutch (a monitor not involved in the case included).
    """
    require_plan_writer(actor, case)
    _require_active(case)
    what, if_not_met = what.strip(), if_not_met.strip()
    _requirement_errors(case, what, monitor, if_not_met)
    requirement = MinimumRequirement(
        case=case,
        what=what,
        monitor=monitor,
        if_not_met=if_not_met,
        created_by=actor.user or case.process_director,
    )
    requirement.full_clean()
    requirement.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=requirement,
        case_id=case.pk,
        changes=diff({}, snapshot(requirement, REQUIREMENT_FIELDS)),
    )
    return requirement


@restriction_exempt("a bodemeis for the case's organisations; links no person")
@transaction.atomic
def minimum_requirement_update(
    *, actor: Actor, requirement: MinimumRequirement, expected_version: int | None, **values: Any
) -> MinimumRequirement:
    """Adjust a bodemeis in force ("Zijn hier nog aanpassingen in nodig?").

    Raises:
        ConflictError: someone else changed it since the form was loaded.
        ServiceError: the case is no longer active, or the bodemeis no longer applies.
        ValidationError: as for `minimum_requirement_create`.
    """
    unknown = set(values) - set(REQUIREMENT_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require_plan_writer(actor, requirement.case)
    locked = lock_for_update(requirement, expected_version=expected_version)
    _require_active(locked.case)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze bodemeis is vervallen en kan niet meer worden gewijzigd."))
    before = raw_values(locked, REQUIREMENT_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _requirement_errors(locked.case, locked.what, locked.monitor, locked.if_not_met)
    changes = diff_redacting(before, locked, REQUIREMENT_FIELDS)
    if not changes:
        return locked
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=locked.case_id, changes=changes)
    return locked


@restriction_exempt("ends a bodemeis")
@transaction.atomic
def minimum_requirement_end(
    *, actor: Actor, requirement: MinimumRequirement, expected_version: int | None, reason: str
) -> MinimumRequirement:
    """A bodemeis no longer applies (met for good, or replaced); it stays in the history.

    Raises:
        ConflictError: someone else changed it since the form was loaded.
        ValidationError: no reason, or already ended.
    """
    require_plan_writer(actor, requirement.case)
    locked = lock_for_update(requirement, expected_version=expected_version)
    reason = reason.strip()
    _errors(
        {
            "end_reason": _("Deze bodemeis is al vervallen.")
            if locked.ended_at is not None
            else _text_error(reason, _("Schrijf op waarom de bodemeis vervalt."))
        }
    )
    before = raw_values(locked, REQUIREMENT_FIELDS)
    locked.ended_at = timezone.now()
    locked.end_reason = reason
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes=diff_redacting(before, locked, REQUIREMENT_FIELDS),
    )
    return locked


# --- Agreements -----------------------------------------------------------------------------


def _agreement_errors(
    case: Case,
    *,
    organisation: Organisation | None,
    owner: User | None,
    what: str,
    due_date: dt.date | None,
    kind: str,
    justification: str,
    goal: Goal | None = None,
) -> None:
    organisation_error = _organisation_error(
        case, organisation, empty=_("Kies de organisatie die de afspraak uitvoert.")
    )
    owner_error = None
    if owner is None:
        owner_error = _("Kies wie de afspraak uitvoert.")
    elif (
        organisation is not None
        and organisation_error is None
        and not Membership.objects.active()
        .filter(user=owner, organisation=organisation, role__in=CASE_WORKER_ROLES)
        .exists()
    ):
        owner_error = _("%(person)s werkt niet (meer) bij %(organisation)s.") % {
            "person": owner.full_name,
            "organisation": organisation.name,
        }
    _errors(
        {
            "organisation": organisation_error,
            "owner": owner_error,
            "goal": None
            if goal is None or (goal.plan.case_id == case.pk and goal.withdrawn_at is None)
            else _("Kies een doel van het plan van deze casus."),
            "what": _text_error(what, _("Beschrijf wat er wordt gedaan.")),
            "due_date": None if due_date else _("Vul in wanneer de afspraak uiterlijk klaar is."),
            "kind": None if kind in AgreementKind.values else _("Kies de soort afspraak."),
            "justification": _text_error(justification, _("Schrijf op waarom deze afspraak nodig is.")),
        }
    )


@restriction_exempt("an agreement of an organisation; links no person")
@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    case: Case,
    organisation: Organisation | None,
    owner: User | None,
    what: str,
    due_date: dt.date | None,
    kind: AgreementKind | str,
    justification: str,
    due_time: dt.time | None = None,
    goal: Goal | None = None,
) -> Agreement:
    """Record an agreement: organisation and named person, what, by when, kind, justification,
    and the goal of the plan it serves. Its named person is notified; the organisation then
    accepts or declines it (`agreement_respond`).

    A due date in the past is accepted (the form warns): a meeting sometimes records what was
    already agreed by phone.

    Raises:
        PermissionDenied: see `require_plan_writer`.
        ServiceError: the case is no longer active.
        ValidationError: per field, in Dutch: no owner, an owner who does not work for the
            organisation, an organisation not involved in the case, no due date, no kind, no
            justification.
    """
    require_plan_writer(actor, case)
    _require_active(case)
    what, justification = what.strip(), justification.strip()
    _agreement_errors(
        case,
        organisation=organisation,
        owner=owner,
        what=what,
        due_date=due_date,
        kind=str(kind),
        justification=justification,
        goal=goal,
    )
    assert due_date is not None  # _agreement_errors refused it otherwise
    agreement = Agreement(
        case=case,
        organisation=organisation,
        owner=owner,
        what=what,
        due_date=due_date,
        due_time=due_time,
        kind=kind,
        justification=justification,
        goal=goal,
        created_by=actor.user or case.process_director,
    )
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=agreement,
        case_id=case.pk,
        changes=diff({}, snapshot(agreement, AGREEMENT_FIELDS)),
    )
    _notify_assigned(actor, agreement)
    return agreement


def _notify_assigned(actor: Actor, agreement: Agreement) -> None:
    if actor.user is not None and agreement.owner_id == actor.user.pk:
        return  # recorded their own agreement
    notification_send(
        actor=actor,
        recipient=agreement.owner,
        kind=NotificationKind.AGREEMENT_ASSIGNED,
        url=reverse("plans:my_agreements"),
        case_id=agreement.case_id,
    )


@restriction_exempt("an agreement of an organisation; links no person")
@transaction.atomic
def agreement_update(*, actor: Actor, agreement: Agreement, expected_version: int | None, **values: Any) -> Agreement:
    """Change an agreement; refused when someone else saved it since the form was loaded. An
    agreement given to another organisation or person must be accepted again, and its new named
    person is notified. An agreement that has ended (done, or settled at closing) stays as it is.

    Raises:
        ConflictError: someone else changed it in the meantime (nothing of this call is saved).
        ValidationError: as for `agreement_create`.
    """
    unknown = set(values) - set(AGREEMENT_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require_plan_writer(actor, agreement.case)
    locked = lock_for_update(agreement, expected_version=expected_version)
    _require_active(locked.case)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze afspraak is afgerond en kan niet meer worden gewijzigd."))
    before = raw_values(locked, AGREEMENT_FIELDS)
    # Validate the values as they will be (a foreign key set to None cannot be read back).
    after = {name: getattr(locked, name) for name in AGREEMENT_EDITABLE}
    after.update({name: value.strip() if isinstance(value, str) else value for name, value in values.items()})
    _agreement_errors(
        locked.case,
        organisation=after["organisation"],
        owner=after["owner"],
        what=after["what"],
        due_date=after["due_date"],
        kind=after["kind"],
        justification=after["justification"],
        goal=after["goal"],
    )
    for name, value in after.items():
        setattr(locked, name, value)
    reassigned = locked.owner_id != before["owner"] or locked.organisation_id != before["organisation"]
    if reassigned:
        locked.response = AgreementResponse.PENDING
        locked.responded_at = None
        locked.responded_by = None
        locked.decline_reason = ""
    changes = diff_redacting(before, locked, AGREEMENT_FIELDS)
    if not changes:
        return locked
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=locked.case_id, changes=changes)
    if reassigned:
        _notify_assigned(actor, locked)
    return locked
