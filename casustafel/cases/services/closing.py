"""Closing a case: the process director ends the house's handling with a reason, and the case
gets its destruction date from the retention term of its meeting type (WGS: the covenant sets
the term; issue 4, point 6). A referral decided without a case gets its destruction date the
same way at its decision (`referral_retention_set`, called by `triage_decide`).

Extensions and destruction are in `casustafel.privacy.retention.services`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus, CloseReason, Referral
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.dates import add_years
from casustafel.lib.errors import ServiceError
from casustafel.privacy.models import CaseRetention, ReferralRetention
from casustafel.privacy.retention.selectors import (
    DECIDED_WITHOUT_CASE,
    referral_retention_term_for,
    retention_term_for,
)
from casustafel.privacy.subject_access.restrictions import restriction_exempt

CLOSE_FIELDS = ("status", "closed_at", "close_reason_kind", "close_reason", "retention_until")
RETENTION_FIELDS = ("case", "closed_on", "retention_years", "source", "covenant_version", "retention_until")
REFERRAL_RETENTION_FIELDS = (
    "referral",
    "decided_on",
    "retention_years",
    "source",
    "covenant_version",
    "retention_until",
)


def _closed_at(case: Case, closed_on: dt.date) -> dt.datetime:
    """The moment recorded for a closing day: now when it is today, otherwise the start of that
    day (but never before the case was opened)."""
    if closed_on == timezone.localdate():
        return timezone.now()
    start = dt.datetime.combine(closed_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    return max(start, case.opened_at)


def case_close_errors(
    case: Case, *, reason: str, closed_on: dt.date | None, reason_kind: str = CloseReason.OTHER
) -> dict[str, str]:
    """What is wrong with a closing as typed, per field, in Dutch (empty when nothing)."""
    errors: dict[str, str] = {}
    if reason_kind not in CloseReason.values:
        errors["reason_kind"] = _("Kies de reden van afsluiten.")
    elif reason_kind == CloseReason.OTHER and not reason.strip():
        errors["reason"] = _("Vul de reden van afsluiten in.")
    if closed_on is None:
        errors["closed_on"] = _("Vul de datum van afsluiten in.")
    elif closed_on > timezone.localdate():
        errors["closed_on"] = _("De datum van afsluiten ligt in de toekomst.")
    elif closed_on < timezone.localdate(case.opened_at):
        errors["closed_on"] = _("De datum van afsluiten ligt vóór de opening van de casus (%(date)s).") % {
            "date": formats.date_format(timezone.localdate(case.opened_at), "j F Y")
        }
    return errors


@restriction_exempt("ends the processing; only the keep-until date is set")
@transaction.atomic
def case_close(
    *,
    actor: Actor,
    case: Case,
    reason: str,
    closed_on: dt.date | None,
    expected_version: int | None = None,
    reason_kind: CloseReason | str = CloseReason.OTHER,
) -> Case:
    """Close an active case with a reason, and set its destruction date.

    The closing as the process director does it (with the goal outcomes, the closure plan and
    what happens to open agreements) is `plans.services_closure.case_closure`, which calls this.

    `retention_until` (keep until, inclusive) is the closing day plus the retention term in
    years of the case's meeting type in the covenant version in force on the closing day; when
    that version has no agreement for the meeting type (or there is no covenant in force), the
    meeting type's own term (`MeetingType.retention_years`, 5 by default). How it was set is
    kept in a `privacy.CaseRetention`.

    Args:
        actor: a process director of the case's house.
        case: the active case.
        reason_kind: why the house ends its handling, from the fixed list (`CloseReason`).
        reason: the explanation; required with "other".
        closed_on: the closing day; today or earlier, not before the case was opened.
        expected_version: the case version the form was loaded with.

    Raises:
        PermissionDenied: the actor is no process director of the house.
        ValidationError: per field in Dutch: no reason, no date, a date in the future or before
            the opening.
        ServiceError: the case is not active.
        ConflictError: the case changed since the form was loaded.
    """
    if not is_process_director_of(actor.user, case.house_id):
        raise PermissionDenied
    errors = case_close_errors(case, reason=reason, closed_on=closed_on, reason_kind=str(reason_kind))
    if errors:
        raise ValidationError(errors)
    assert closed_on is not None
    locked = lock_for_update(case, expected_version=expected_version)
    if locked.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is al afgesloten."))
    term = retention_term_for(locked.house_id, locked.meeting_type, on=closed_on)
    before = snapshot(locked, CLOSE_FIELDS)
    locked.status = CaseStatus.CLOSED
    locked.closed_at = _closed_at(locked, closed_on)
    locked.close_reason_kind = str(reason_kind)
    locked.close_reason = reason.strip()
    locked.retention_until = add_years(closed_on, term.years)
    bump_version(locked)
    locked.full_clean()
    locked.save()
    retention = CaseRetention.objects.filter(case=locked).first() or CaseRetention(case=locked)
    retention_before = snapshot(retention, RETENTION_FIELDS) if retention.pk else {}
    retention.closed_on = closed_on
    retention.retention_years = term.years
    retention.source = term.source
    retention.covenant_version_id = term.covenant_version_id
    retention.retention_until = locked.retention_until
    retention.full_clean()
    retention.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.pk,
        changes=diff(before, snapshot(locked, CLOSE_FIELDS)),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if retention_before else AuditAction.CREATE,
        obj=retention,
        case_id=locked.pk,
        changes=diff(retention_before, snapshot(retention, RETENTION_FIELDS)),
    )
    _end_involvements(actor, locked)
    return locked


@restriction_exempt("dates the end of keeping; nothing about a person")
@transaction.atomic
def referral_retention_set(*, actor: Actor, referral: Referral, decided_on: dt.date) -> ReferralRetention:
    """Give a referral decided without a case (stepped down, referred to the RIEC, rejected)
    its destruction date: the decision day plus the term of its meeting type, by the same rules
    as `case_close` (the covenant version in force that day, else the meeting type's own term;
    without a meeting type the meeting types' default). How it was set is kept in a
    `privacy.ReferralRetention`. The referral's version is not bumped: this is part of the
    decision, not an edit.

    Args:
        actor: the process director deciding (through `triage_decide`), or the system (the
            daily job dates referrals decided before referral retention existed).
        referral: the decided referral, locked by the caller.
        decided_on: the decision day.

    Raises:
        PermissionDenied: a user who is no process director of the house.
        ServiceError: the referral is not decided without a case.
    """
    if actor.user is not None and not is_process_director_of(actor.user, referral.house_id):
        raise PermissionDenied
    if referral.status not in DECIDED_WITHOUT_CASE or Case.objects.filter(referral=referral).exists():
        raise ServiceError(_("Alleen een aanmelding waarover zonder casus is besloten krijgt zo een bewaartermijn."))
    term = referral_retention_term_for(referral, on=decided_on)
    before = snapshot(referral, ("retention_until",))
    referral.retention_until = add_years(decided_on, term.years)
    referral.save(update_fields=["retention_until", "updated_at"])
    retention = ReferralRetention.objects.filter(referral=referral).first() or ReferralRetention(referral=referral)
    retention_before = snapshot(retention, REFERRAL_RETENTION_FIELDS) if retention.pk else {}
    retention.decided_on = decided_on
    retention.retention_years = term.years
    retention.source = term.source
    retention.covenant_version_id = term.covenant_version_id
    retention.retention_until = referral.retention_until
    retention.full_clean()
    retention.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=referral,
        changes=diff(before, snapshot(referral, ("retention_until",))),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if retention_before else AuditAction.CREATE,
        obj=retention,
        changes=diff(retention_before, snapshot(retention, REFERRAL_RETENTION_FIELDS)),
    )
    return retention


def _end_involvements(actor: Actor, case: Case) -> None:
    """Need-to-know ends with the house's handling: the partners lose sight of a closed case;
    the house's process directors and secretaries keep it until destruction."""
    assert case.closed_at is not None
    for involvement in CaseInvolvement.objects.select_for_update().filter(case=case, ended_at__isnull=True):
        before = snapshot(involvement, ("ended_at", "end_reason"))
        involvement.ended_at = max(case.closed_at, involvement.started_at)
        # Stored data, not UI: in the house's language, whatever language the closer reads in.
        involvement.end_reason = "Casus afgesloten"
        involvement.save(update_fields=["ended_at", "end_reason", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=involvement,
            case_id=case.pk,
            changes=diff(before, snapshot(involvement, ("ended_at", "end_reason"))),
        )
