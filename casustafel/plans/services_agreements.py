"""What the responsible organisation does with an agreement: accept or decline it, and report on
it without attending a meeting (terugkoppeling); and the monitor's report on a bodemeis.

The case director (and the process director) hear of a decline and of every report at once, in
the app and by e-mail (a link only).
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
from casustafel.audit.services import audit_record, diff, diff_redacting, raw_values, snapshot
from casustafel.cases.models import Case, CaseStatus
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.lib.validation import raise_errors, text_error
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import Organisation
from casustafel.plans.models import (
    Agreement,
    AgreementEnd,
    AgreementProgress,
    AgreementResponse,
    AgreementUpdate,
    MinimumRequirement,
    RequirementCheck,
)
from casustafel.plans.roles import can_answer_agreement, can_check_requirement, current_direction

RESPONSE_FIELDS = ("response", "responded_at", "responded_by", "decline_reason")
PROGRESS_FIELDS = ("progress", "progress_at", "ended_at", "end")
UPDATE_FIELDS = ("agreement", "progress", "result", "organisation", "reported_by", "reported_at")
CHECK_FIELDS = ("requirement", "met", "note", "organisation", "checked_by", "checked_at")


def _require_active(case: Case) -> None:
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief."))


def _acting_organisation(actor: Actor, fallback: Organisation) -> Organisation:
    """The organisation a report is recorded for: the one acted for when it is the responsible
    one, else the responsible organisation itself (the named person reporting)."""
    membership = actor.membership
    if membership is not None and membership.organisation_id == fallback.pk:
        return membership.organisation
    return fallback


def _tell_direction(actor: Actor, case: Case, kind: NotificationKind, url: str) -> None:
    """Notify the case director and the process director (each once; never the actor)."""
    direction = current_direction(case)
    recipients: dict[int, User] = {case.process_director_id: case.process_director}
    if direction is not None:
        recipients[direction.director_id] = direction.director
    for user in recipients.values():
        if actor.user is not None and user.pk == actor.user.pk:
            continue
        notification_send(actor=actor, recipient=user, kind=kind, url=url, case_id=case.pk)


def _case_agreements_url(case: Case) -> str:
    return reverse("plans:plan", args=[case.pk]) + "#section-agreements"


@transaction.atomic
def agreement_respond(
    *, actor: Actor, agreement: Agreement, accept: bool, reason: str = "", expected_version: int | None
) -> Agreement:
    """The responsible organisation accepts the agreement, or declines it with a reason (the
    case director then reassigns or changes it). An answer can be changed until the agreement
    ends.

    Raises:
        PermissionDenied: not the named person nor a case worker of the organisation.
        ConflictError: the agreement changed since the page was loaded.
        ServiceError: the case is not active, or the agreement has ended.
        ValidationError: a decline without a reason.
    """
    if actor.user is None or not can_answer_agreement(actor.user, agreement):
        raise PermissionDenied
    _require_active(agreement.case)
    locked = lock_for_update(agreement, expected_version=expected_version)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze afspraak is al afgerond."))
    reason = reason.strip()
    if not accept:
        error = text_error(reason, _("Schrijf op waarom uw organisatie deze afspraak niet op zich neemt."))
        if error:
            raise ValidationError({"reason": error})
    before = raw_values(locked, RESPONSE_FIELDS)
    locked.response = AgreementResponse.ACCEPTED if accept else AgreementResponse.DECLINED
    locked.responded_at = timezone.now()
    locked.responded_by = actor.user
    locked.decline_reason = "" if accept else reason
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes=diff_redacting(before, locked, RESPONSE_FIELDS),
    )
    if not accept:
        _tell_direction(actor, locked.case, NotificationKind.AGREEMENT_DECLINED, _case_agreements_url(locked.case))
    return locked


@transaction.atomic
def agreement_report(
    *,
    actor: Actor,
    agreement: Agreement,
    progress: AgreementProgress | str,
    result: str,
    expected_version: int | None,
    reported_at: dt.datetime | None = None,
) -> AgreementUpdate:
    """Report on an agreement from one's own task list: done, partly or not done, with the
    result. "Done" ends the agreement; the case director and process director are told.

    Two colleagues reporting at once: the second gets a `ConflictError` (nothing of theirs is
    saved; the page keeps what they typed).

    Raises:
        PermissionDenied: not the named person nor a case worker of the organisation.
        ConflictError: the agreement changed since the page was loaded.
        ServiceError: the case is not active; the agreement was declined or has ended.
        ValidationError: no outcome or no result.
    """
    if actor.user is None or not can_answer_agreement(actor.user, agreement):
        raise PermissionDenied
    _require_active(agreement.case)
    locked = lock_for_update(agreement, expected_version=expected_version)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze afspraak is al afgerond."))
    if locked.response == AgreementResponse.DECLINED:
        raise ServiceError(_("Uw organisatie heeft deze afspraak geweigerd; accepteer haar eerst."))
    result = result.strip()
    outcomes = [value for value in AgreementProgress.values if value]
    errors = {
        "progress": None if progress in outcomes else _("Kies: uitgevoerd, deels of niet uitgevoerd."),
        "result": text_error(result, _("Beschrijf het resultaat, of waarom het (nog) niet lukte.")),
    }
    raise_errors(errors)
    moment = reported_at or timezone.now()
    update = AgreementUpdate(
        agreement=locked,
        progress=progress,
        result=result,
        organisation=_acting_organisation(actor, locked.organisation),
        reported_by=actor.user,
        reported_at=moment,
    )
    update.full_clean()
    update.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=update,
        case_id=locked.case_id,
        changes=diff({}, snapshot(update, UPDATE_FIELDS)),
    )
    before = raw_values(locked, PROGRESS_FIELDS)
    locked.progress, locked.progress_at = str(progress), moment
    if progress == AgreementProgress.DONE:
        locked.ended_at, locked.end = moment, AgreementEnd.DONE
    if locked.response == AgreementResponse.PENDING:  # reporting on it is taking it on
        locked.response, locked.responded_at, locked.responded_by = AgreementResponse.ACCEPTED, moment, actor.user
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes=diff_redacting(before, locked, PROGRESS_FIELDS),
    )
    _tell_direction(actor, locked.case, NotificationKind.AGREEMENT_FEEDBACK, _case_agreements_url(locked.case))
    return update


@transaction.atomic
def requirement_check_record(
    *, actor: Actor, requirement: MinimumRequirement, met: bool, note: str
) -> RequirementCheck:
    """The monitor (or house staff) reports whether a bodemeis is met. "Not met" is escalated
    by the periodic work (`casustafel.escalations.periodic`); the process director hears of it
    then.

    Raises:
        PermissionDenied: not the monitor organisation nor house staff.
        ServiceError: the case is not active, or the bodemeis no longer applies.
        ValidationError: no note.
    """
    if actor.user is not None and not can_check_requirement(actor.user, requirement):
        raise PermissionDenied
    _require_active(requirement.case)
    if requirement.ended_at is not None:
        raise ServiceError(_("Deze bodemeis is vervallen."))
    note = note.strip()
    error = text_error(note, _("Beschrijf wat u zag of hoorde."))
    if error:
        raise ValidationError({"note": error})
    check = RequirementCheck(
        requirement=requirement,
        met=met,
        note=note,
        organisation=_acting_organisation(actor, requirement.monitor),
        checked_by=actor.user or requirement.case.process_director,
        checked_at=timezone.now(),
    )
    check.full_clean()
    check.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=check,
        case_id=requirement.case_id,
        changes=diff({}, snapshot(check, CHECK_FIELDS)),
    )
    return check
