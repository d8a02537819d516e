"""Writes on escalations: raise, step up (by hand, or automatically when a term passes), answer,
resolve. Each validates, saves and writes its audit event in one transaction, and tells whoever
has to act next (a neutral notification with a link).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, diff_redacting, raw_values, snapshot
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.escalations.ladders import Rung, ladder, next_rung
from casustafel.escalations.models import (
    Escalation,
    EscalationLevel,
    EscalationReason,
    EscalationStage,
    EscalationStep,
)
from casustafel.escalations.selectors import can_manage_escalation
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.lib.validation import raise_errors, text_error
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import Membership, Organisation, Role
from casustafel.plans.models import Agreement, RequirementCheck
from casustafel.privacy.subject_access.restrictions import restriction_exempt

ESCALATION_FIELDS = ("case", "reason", "agreement", "requirement_check", "question", "step", "level", "deadline")
STATE_FIELDS = ("step", "level", "deadline", "term_passed_at", "public_administration_informed_at")
STAGE_FIELDS = ("escalation", "step", "level", "started_at", "deadline", "automatic", "question")
TEXT_MAX = 4000
# Who may report an escalation themselves: anyone who sees the case may report a dispute about
# case direction (directly to the process director, not in the meeting) or a case that is stuck.
SELF_REPORTED = (EscalationReason.CASE_DIRECTION, EscalationReason.STUCK)


def _url(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.pk])


def _house_managers(case: Case) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(organisation__house=case.house_id, role=Role.HOUSE_MANAGER)
        .select_related("user")
    ]


def _ambassadors(escalation: Escalation) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(organisation__in=escalation.parties.all(), is_ambassador=True)
        .select_related("user")
    ]


def _tell(actor: Actor, escalation: Escalation, kind: NotificationKind) -> None:
    """Tell who has to act at the escalation's level: always the case's process director; the
    house managers from their level up (without the case id: they see the escalation, not the
    case); the parties' ambassadors from partner management up."""
    case = escalation.case
    recipients: list[tuple[User, int | None]] = [(case.process_director, case.pk)]
    if escalation.level != EscalationLevel.PROCESS_DIRECTOR:
        recipients += [(user, None) for user in _house_managers(case)]
    if escalation.level in (EscalationLevel.PARTNER_MANAGEMENT, EscalationLevel.PUBLIC_ADMINISTRATION):
        recipients += [(user, case.pk) for user in _ambassadors(escalation)]
    seen = set()
    for user, case_id in recipients:
        if user.pk in seen or (actor.user is not None and user.pk == actor.user.pk):
            continue
        seen.add(user.pk)
        notification_send(
            actor=actor,
            recipient=user,
            kind=kind,
            url=_url(escalation),
            case_id=case_id,
            key=f"escalation:{escalation.pk}:{escalation.step}",
        )


def _start_stage(
    actor: Actor,
    escalation: Escalation,
    rung: Rung,
    *,
    question: str,
    start: dt.datetime,
    deadline: dt.date | None,
    automatic: bool,
) -> EscalationStage:
    stage = EscalationStage(
        escalation=escalation,
        step=rung.step,
        level=rung.level,
        started_at=start,
        deadline=deadline if deadline is not None else rung.deadline(timezone.localdate(start)),
        automatic=automatic,
        entered_by=actor.user,
        question=question,
    )
    stage.full_clean()
    stage.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=stage,
        case_id=escalation.case_id,
        changes=diff({}, snapshot(stage, STAGE_FIELDS)),
    )
    return stage


def _deadline_error(deadline: dt.date | None) -> str | None:
    if deadline is not None and deadline < timezone.localdate():
        return _("De termijn ligt in het verleden.")
    return None


@restriction_exempt("a question between organisations about the case; links no person")
@transaction.atomic
def escalation_raise(
    *,
    actor: Actor,
    case: Case,
    reason: EscalationReason | str,
    question: str,
    parties: Iterable[Organisation] = (),
    agreement: Agreement | None = None,
    requirement_check: RequirementCheck | None = None,
    deadline: dt.date | None = None,
    raised_at: dt.datetime | None = None,
) -> Escalation:
    """Raise an escalation at the first step of its ladder; the process director is told.

    Args:
        reason: why (`EscalationReason`).
        question: what must be decided or solved.
        parties: the organisations concerned (candidates for case direction; the organisation
            responsible for an agreement).
        agreement, requirement_check: what the escalation is about, for those reasons.
        deadline: the term of the first step, when it has none of its own (optional).
        raised_at: when (default now; the demo records the past).

    Raises:
        PermissionDenied: a dispute or a stuck case may be reported by anyone who sees the
            case; other reasons only by a process director of the house or the system.
        ServiceError: the case is not active.
        ValidationError: an unknown reason; no question; a term in the past; parties outside
            the house.
    """
    user = actor.user
    if user is not None and not is_process_director_of(user, case.house_id):
        if reason not in SELF_REPORTED or not Case.objects.visible_to(user).filter(pk=case.pk).exists():
            raise PermissionDenied
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief."))
    question = question.strip()
    parties = list(parties)
    errors = {
        "reason": None if reason in EscalationReason.values else _("Kies de aanleiding."),
        "question": text_error(question, _("Schrijf op wat er besloten of opgelost moet worden."), max_length=TEXT_MAX),
        "deadline": _deadline_error(deadline),
        "parties": None
        if all(org.house_id == case.house_id for org in parties)
        else _("Kies organisaties van dit Zorg- en Veiligheidshuis."),
    }
    raise_errors(errors)
    start = raised_at or timezone.now()
    first = ladder(str(reason))[0]
    escalation = Escalation(
        case=case,
        reason=reason,
        agreement=agreement,
        requirement_check=requirement_check,
        question=question,
        raised_by=user,
        raised_at=start,
        step=first.step,
        level=first.level,
    )
    escalation.deadline = deadline if deadline is not None else first.deadline(timezone.localdate(start))
    escalation.full_clean()
    escalation.save()
    escalation.parties.set(parties)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=escalation,
        case_id=case.pk,
        changes={**diff({}, snapshot(escalation, ESCALATION_FIELDS)), "parties": [None, [o.pk for o in parties]]},
    )
    _start_stage(
        actor, escalation, first, question=question, start=start, deadline=escalation.deadline, automatic=False
    )
    _tell(actor, escalation, NotificationKind.ESCALATION_RAISED)
    return escalation


@restriction_exempt("a question between organisations about the case; links no person")
@transaction.atomic
def escalation_step_up(
    *,
    actor: Actor,
    escalation: Escalation,
    question: str,
    expected_version: int | None,
    deadline: dt.date | None = None,
    public_administration_informed: bool = False,
    automatic: bool = False,
    at: dt.datetime | None = None,
) -> Escalation:
    """Move the escalation to the next step of its ladder with the question for that level.
    The term of the new step starts today (10 working days for steps with a term).

    Args:
        deadline: a term for a step without one of its own (optional).
        public_administration_informed: required when moving to the directorates (step 5): the
            public administration is informed at the same time (seed 003, section 8.3).
        automatic: the periodic work moves it because the previous term passed.
        at: when (default now).

    Raises:
        PermissionDenied: neither the system nor a process director of the house.
        ConflictError: the escalation changed since the page was loaded.
        ServiceError: it is resolved, or already at the last step.
        ValidationError: no question; a term in the past; step 5 without informing the public
            administration.
    """
    if not automatic and actor.user is not None and not is_process_director_of(actor.user, escalation.case.house_id):
        raise PermissionDenied
    locked = lock_for_update(escalation, expected_version=expected_version)
    if locked.resolved_at is not None:
        raise ServiceError(_("Deze escalatie is al afgehandeld."))
    rung = next_rung(locked.reason, locked.step)
    if rung is None:
        raise ServiceError(_("Dit is de laatste stap; handel de escalatie af met een uitkomst."))
    question = question.strip()
    errors = {
        "question": text_error(question, _("Schrijf op wat u aan dit niveau vraagt."), max_length=TEXT_MAX),
        "deadline": _deadline_error(deadline) if not automatic else None,
        "public_administration_informed": _("Informeer tegelijk het openbaar bestuur (stap 5 van het escalatiemodel).")
        if rung.step == EscalationStep.DIRECTORATE and not public_administration_informed
        else None,
    }
    raise_errors(errors)
    moment = at or timezone.now()
    before = raw_values(locked, STATE_FIELDS)
    stage = _start_stage(actor, locked, rung, question=question, start=moment, deadline=deadline, automatic=automatic)
    locked.step, locked.level, locked.deadline = rung.step, rung.level, stage.deadline
    if rung.step == EscalationStep.DIRECTORATE:
        locked.public_administration_informed_at = moment
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes=diff_redacting(before, locked, STATE_FIELDS),
    )
    _tell(actor, locked, NotificationKind.ESCALATION_STEPPED_UP)
    return locked


@restriction_exempt("a question between organisations about the case; links no person")
@transaction.atomic
def escalation_answer(*, actor: Actor, escalation: Escalation, answer: str, expected_version: int | None) -> Escalation:
    """Record the answer of the current level (e.g. the directorates' definitive answer). The
    escalation stays open until it is resolved with its outcome.

    Raises:
        PermissionDenied: see `selectors.can_manage_escalation`.
        ConflictError: the escalation changed since the page was loaded.
        ServiceError: it is resolved.
        ValidationError: no answer.
    """
    if actor.user is not None and not can_manage_escalation(actor.user, escalation):
        raise PermissionDenied
    locked = lock_for_update(escalation, expected_version=expected_version)
    if locked.resolved_at is not None:
        raise ServiceError(_("Deze escalatie is al afgehandeld."))
    answer = answer.strip()
    error = text_error(answer, _("Schrijf het antwoord op."), max_length=TEXT_MAX)
    if error:
        raise ValidationError({"answer": error})
    stage = EscalationStage.objects.select_for_update().get(escalation=locked, step=locked.step)
    before = raw_values(stage, ("answer", "answered_at", "answered_by"))
    stage.answer, stage.answered_at, stage.answered_by = answer, timezone.now(), actor.user
    stage.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=stage,
        case_id=locked.case_id,
        changes=diff_redacting(before, stage, ("answer", "answered_at", "answered_by")),
    )
    bump_version(locked)
    locked.save(update_fields=["version", "updated_at"])
    return locked


@restriction_exempt("a question between organisations about the case; links no person")
@transaction.atomic
def escalation_resolve(
    *, actor: Actor, escalation: Escalation, outcome: str, expected_version: int | None
) -> Escalation:
    """Close the escalation with its outcome (what was decided, by whom).

    Raises:
        PermissionDenied: see `selectors.can_manage_escalation`.
        ConflictError: the escalation changed since the page was loaded.
        ServiceError: it is resolved already.
        ValidationError: no outcome.
    """
    if actor.user is not None and not can_manage_escalation(actor.user, escalation):
        raise PermissionDenied
    locked = lock_for_update(escalation, expected_version=expected_version)
    if locked.resolved_at is not None:
        raise ServiceError(_("Deze escalatie is al afgehandeld."))
    outcome = outcome.strip()
    error = text_error(outcome, _("Schrijf de uitkomst op: wat is besloten, en door wie."), max_length=TEXT_MAX)
    if error:
        raise ValidationError({"outcome": error})
    before = raw_values(locked, ("resolved_at", "resolved_by", "outcome"))
    locked.resolved_at, locked.resolved_by, locked.outcome = timezone.now(), actor.user, outcome
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes=diff_redacting(before, locked, ("resolved_at", "resolved_by", "outcome")),
    )
    return locked
